#include "lrs/base/json.h"

#include <cmath>

namespace lrs {

namespace {

bool AllFinite(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& e : v.get_array()) {
        if (!AllFinite(e)) return false;
      }
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (!AllFinite(kv.value())) return false;
      }
      return true;
    default:
      return true;
  }
}

}  // namespace

Result<boost::json::value> ParseJson(std::string_view text, std::string_view what) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, boost::json::storage_ptr(), options);
  if (ec)
    return Status::InvalidArgument(std::string(what) + ": not valid JSON (" + ec.message() + ")");
  if (!AllFinite(v))
    return Status::InvalidArgument(std::string(what) + ": a number is out of range");
  return v;
}

}  // namespace lrs
