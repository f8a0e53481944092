// Activity definitions kept up to date from statements (Data 2.4.4.1.s5: an
// LRS may update an activity's stored definition from the statements it
// receives). Each property of a new definition replaces the stored one,
// except language maps and extensions, which are merged key by key, so a
// definition sent in one language does not erase the others.
#include <boost/json.hpp>

#include "lrs/base/json.h"
#include "lrs/store/keys.h"
#include "lrs/store/statement_stager.h"

namespace lrs::store {

namespace json = boost::json;

namespace {

void MergeDefinition(json::object& into, const json::object& from) {
  for (const auto& kv : from) {
    auto key = kv.key();
    bool merge_keys = key == "name" || key == "description" || key == "extensions";
    auto existing = into.find(key);
    if (merge_keys && existing != into.end() && existing->value().is_object() &&
        kv.value().is_object()) {
      for (const auto& entry : kv.value().get_object())
        existing->value().get_object()[entry.key()] = entry.value();
    } else {
      into[key] = kv.value();
    }
  }
}

template <typename F>
void ForEachActivity(const json::object& statement, F&& f) {
  auto visit = [&](const json::value& v) {
    if (!v.is_object()) return;
    const auto& o = v.get_object();
    auto type = o.find("objectType");
    if (type == o.end() || (type->value().is_string() && type->value().get_string() == "Activity"))
      f(o);
  };
  auto object = statement.find("object");
  if (object != statement.end() && object->value().is_object()) {
    const auto& o = object->value().get_object();
    auto type = o.find("objectType");
    if (type != o.end() && type->value().is_string() &&
        type->value().get_string() == "SubStatement") {
      ForEachActivity(o, f);
    } else {
      visit(object->value());
    }
  }
  auto context = statement.find("context");
  if (context == statement.end() || !context->value().is_object()) return;
  auto ca = context->value().get_object().find("contextActivities");
  if (ca == context->value().get_object().end() || !ca->value().is_object()) return;
  for (const auto& kv : ca->value().get_object()) {
    if (kv.value().is_array()) {
      for (const auto& a : kv.value().get_array()) visit(a);
    } else {
      visit(kv.value());
    }
  }
}

}  // namespace

// The activity as this request, this group, the previous group or the store
// has it; "" when none has it yet.
Result<std::string> StatementStager::StoredActivity(const std::string& id, const Pending& p) const {
  if (auto it = p.activities.find(id); it != p.activities.end()) return it->second;
  if (auto it = activities_.find(id); it != activities_.end()) return it->second;
  if (previous_) {
    if (auto it = previous_->activities_.find(id); it != previous_->activities_.end())
      return it->second;
  }
  auto v = db_->Get(keys::Activity(id));
  if (!v.ok()) return v.status();
  return v->has_value() ? std::move(**v) : std::string();
}

Status StatementStager::MergeActivity(const json::object& activity, Pending& p) {
  auto id_it = activity.find("id");
  if (id_it == activity.end() || !id_it->value().is_string()) return Status::Ok();
  std::string id(id_it->value().get_string());
  auto def_it = activity.find("definition");
  bool has_definition = def_it != activity.end() && def_it->value().is_object();

  auto current = StoredActivity(id, p);
  if (!current.ok()) return current.status();
  if (!current->empty() && !has_definition) return Status::Ok();

  json::object stored{{"objectType", "Activity"}, {"id", id}};
  if (!current->empty()) {
    auto parsed = ParseJson(*current, "stored activity");
    if (parsed.ok() && parsed->is_object()) stored = std::move(parsed->get_object());
  }
  if (has_definition) {
    auto existing = stored.find("definition");
    if (existing == stored.end() || !existing->value().is_object()) {
      stored["definition"] = def_it->value();
    } else {
      MergeDefinition(existing->value().get_object(), def_it->value().get_object());
    }
  }
  std::string merged = json::serialize(stored);
  // Most statements repeat a definition already stored: no write then.
  if (merged == *current) return Status::Ok();
  p.batch.Put(keys::Activity(id), merged);
  p.activities[id] = std::move(merged);
  return Status::Ok();
}

Status StatementStager::MergeActivities(const json::object& statement, Pending& p) {
  Status status;
  ForEachActivity(statement, [&](const json::object& activity) {
    if (status.ok()) status = MergeActivity(activity, p);
  });
  return status;
}

}  // namespace lrs::store
