// Helpers of the consent stores (accounts, grants, audit): reading their JSON
// records without exceptions (a record that does not parse, or lacks a field
// of the expected type, is corrupt: Status::Internal) and scanning one key
// prefix.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/base/status.h"
#include "lrs/store/database.h"

namespace lrs::store::records {

// The record as a JSON object; Internal naming `what` when it is not one.
inline Result<boost::json::object> Parse(std::string_view text, std::string_view what) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Internal("corrupt " + std::string(what) + " record");
  return std::move(v.get_object());
}

// Typed field reads. Each missing or mistyped field clears ok(); the caller
// checks ok() once after reading every field. "Optional" fields may also be
// absent or null.
class Reader {
 public:
  explicit Reader(const boost::json::object& o) : o_(o) {}

  bool ok() const { return ok_; }

  std::string String(std::string_view key) {
    const auto* v = o_.if_contains(key);
    if (v && v->is_string()) return std::string(v->get_string());
    ok_ = false;
    return {};
  }
  int64_t Int(std::string_view key) { return Number<int64_t>(key); }
  uint64_t Uint(std::string_view key) { return Number<uint64_t>(key); }
  bool Bool(std::string_view key) {
    const auto* v = o_.if_contains(key);
    if (v && v->is_bool()) return v->get_bool();
    ok_ = false;
    return false;
  }
  std::optional<int64_t> OptionalInt(std::string_view key) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    return Int(key);
  }
  std::optional<std::string> OptionalString(std::string_view key) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    return String(key);
  }
  // nullptr (and not ok) when absent or not of that type.
  const boost::json::object* Object(std::string_view key) {
    const auto* v = o_.if_contains(key);
    const auto* o = v ? v->if_object() : nullptr;
    if (!o) ok_ = false;
    return o;
  }
  const boost::json::array* Array(std::string_view key) {
    const auto* v = o_.if_contains(key);
    const auto* a = v ? v->if_array() : nullptr;
    if (!a) ok_ = false;
    return a;
  }

 private:
  template <typename T>
  T Number(std::string_view key) {
    const auto* v = o_.if_contains(key);
    boost::json::error_code ec;
    T n = v ? v->to_number<T>(ec) : T{0};
    if (!v || ec) ok_ = false;
    return n;
  }

  const boost::json::object& o_;
  bool ok_ = true;
};

// An optional value as JSON: null when absent.
template <typename T>
boost::json::value OrNull(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value_from(*v);
}

// The smallest key greater than every key starting with `prefix` (its last
// byte incremented; every prefix here ends in a byte below 0xff).
inline std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// Every (key, value) whose key starts with `prefix`, in key order. For the
// small ranges of the consent records (one learner's grants, the
// organisations, ...).
inline Result<std::vector<std::pair<std::string, std::string>>> ReadPrefix(
    Database* db, const std::string& prefix) {
  std::string end = PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  auto it = db->NewIterator(ro);
  std::vector<std::pair<std::string, std::string>> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

}  // namespace lrs::store::records
