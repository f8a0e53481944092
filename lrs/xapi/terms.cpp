#include "lrs/xapi/terms.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "lrs/base/encoding.h"
#include "lrs/xapi/agent.h"

namespace lrs::xapi {

namespace {

namespace json = boost::json;

class TermCollector {
 public:
  // The set beside the list keeps this linear: a statement may name tens of
  // thousands of context activities, and a search of the list per term made
  // one 2 MB statement cost seconds of the store's write path.
  void Add(TermKind kind, std::string value) {
    if (!seen_.insert(static_cast<char>(kind) + value).second) return;
    terms_.push_back({kind, std::move(value)});
  }

  // An Agent or Group anywhere in the statement.
  void RelatedActor(const json::value& actor) {
    if (!actor.is_object()) return;
    if (auto key = IfiKey(actor)) Add(TermKind::kRelatedAgent, *key);
    const auto& o = actor.get_object();
    if (auto it = o.find("member"); it != o.end() && it->value().is_array()) {
      for (const auto& m : it->value().get_array()) RelatedActor(m);
    }
  }

  void ActorOrObjectAgent(const json::value& actor) {
    if (auto key = IfiKey(actor)) Add(TermKind::kAgent, *key);
    RelatedActor(actor);
  }

  void RelatedActivity(const json::value& activity) {
    if (!activity.is_object()) return;
    const auto& o = activity.get_object();
    if (auto it = o.find("id"); it != o.end() && it->value().is_string()) {
      Add(TermKind::kRelatedActivity, std::string(it->value().get_string()));
    }
  }

  void Context(const json::value& context) {
    if (!context.is_object()) return;
    const auto& c = context.get_object();
    for (const char* key : {"instructor", "team"}) {
      if (auto it = c.find(key); it != c.end()) RelatedActor(it->value());
    }
    if (auto it = c.find("contextActivities"); it != c.end() && it->value().is_object()) {
      for (const auto& kv : it->value().get_object()) {
        if (kv.value().is_array()) {
          for (const auto& a : kv.value().get_array()) RelatedActivity(a);
        } else {
          RelatedActivity(kv.value());
        }
      }
    }
    for (const char* key : {"contextAgents", "contextGroups"}) {
      auto it = c.find(key);
      if (it == c.end() || !it->value().is_array()) continue;
      for (const auto& entry : it->value().get_array()) {
        if (!entry.is_object()) continue;
        if (auto a = entry.get_object().find("agent"); a != entry.get_object().end()) {
          RelatedActor(a->value());
        }
        if (auto g = entry.get_object().find("group"); g != entry.get_object().end()) {
          RelatedActor(g->value());
        }
      }
    }
  }

  // The parts shared by a statement and a SubStatement. `top` says whether
  // actor/object/verb also count for the plain (non-related) filters, which
  // look only at the statement itself.
  void Body(const json::object& s, bool top) {
    if (auto it = s.find("actor"); it != s.end()) {
      if (top) {
        ActorOrObjectAgent(it->value());
      } else {
        RelatedActor(it->value());
      }
    }
    if (top) {
      if (auto it = s.find("verb"); it != s.end() && it->value().is_object()) {
        const auto& v = it->value().get_object();
        if (auto id = v.find("id"); id != v.end() && id->value().is_string()) {
          Add(TermKind::kVerb, std::string(id->value().get_string()));
        }
      }
    }
    if (auto it = s.find("object"); it != s.end() && it->value().is_object()) {
      Object(it->value(), top);
    }
    if (auto it = s.find("context"); it != s.end()) {
      Context(it->value());
      if (top && it->value().is_object()) {
        const auto& c = it->value().get_object();
        if (auto r = c.find("registration"); r != c.end() && r->value().is_string()) {
          // UUIDs compare case-insensitively; index the canonical lowercase form.
          auto id = ParseUuid(r->value().get_string());
          Add(TermKind::kRegistration, id ? FormatUuid(*id) : std::string(r->value().get_string()));
        }
      }
    }
  }

  void Object(const json::value& object, bool top) {
    const auto& o = object.get_object();
    std::string_view type = "Activity";
    if (auto t = o.find("objectType"); t != o.end() && t->value().is_string()) {
      type = t->value().get_string();
    }
    if (type == "Activity") {
      if (top) {
        if (auto id = o.find("id"); id != o.end() && id->value().is_string()) {
          Add(TermKind::kActivity, std::string(id->value().get_string()));
        }
      }
      RelatedActivity(object);
    } else if (type == "Agent" || type == "Group") {
      if (top) {
        ActorOrObjectAgent(object);
      } else {
        RelatedActor(object);
      }
    } else if (type == "SubStatement") {
      Body(o, false);
    }
  }

  std::vector<Term> Take() { return std::move(terms_); }

 private:
  std::vector<Term> terms_;
  std::unordered_set<std::string> seen_;  // kind byte + value of each term
};

}  // namespace

std::vector<Term> ExtractTerms(const boost::json::value& statement) {
  TermCollector c;
  if (!statement.is_object()) return {};
  const auto& s = statement.get_object();
  c.Body(s, true);
  if (auto it = s.find("authority"); it != s.end()) {
    c.RelatedActor(it->value());
    if (auto key = IfiKey(it->value())) c.Add(TermKind::kAuthority, *key);
  }
  auto terms = c.Take();
  // A plain agent/activity match is also a related one.
  std::vector<Term> related;
  for (const auto& t : terms) {
    if (t.kind == TermKind::kAgent) related.push_back({TermKind::kRelatedAgent, t.value});
    if (t.kind == TermKind::kActivity) related.push_back({TermKind::kRelatedActivity, t.value});
  }
  for (auto& t : related) {
    if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(std::move(t));
  }
  return terms;
}

}  // namespace lrs::xapi
