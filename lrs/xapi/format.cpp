#include "lrs/xapi/format.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <utility>

#include "lrs/base/clock.h"
#include "lrs/xapi/agent.h"

namespace lrs::xapi {

namespace json = boost::json;

namespace {

// ---------------------------------------------------------------------------
// Statement walk. The three operations in this file (ids reduction, canonical
// language filtering, comparison normalization) all need to reach the same
// places: every actor, verb, activity and attachment of a statement and of
// its SubStatement. One walker keeps that list of places in one spot.

class Visitor {
 public:
  virtual ~Visitor() = default;
  // Called on a statement or SubStatement object before its parts are walked,
  // so it may reshape them (e.g. wrap a lone context activity in an array).
  virtual void Statement(json::object&) {}
  virtual void Actor(json::value&) {}
  virtual void Verb(json::value&) {}
  virtual void Activity(json::value&) {}
  virtual void Attachment(json::value&) {}
};

void WalkStatement(json::object& s, Visitor& v);

json::value* Find(json::object& o, std::string_view key) { return o.if_contains(key); }

std::string_view StringOr(const json::object& o, std::string_view key, std::string_view dflt) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : dflt;
}

void WalkObject(json::value& object, Visitor& v) {
  if (!object.is_object()) return;
  const std::string_view type = StringOr(object.get_object(), "objectType", "Activity");
  if (type == "Agent" || type == "Group") {
    v.Actor(object);
  } else if (type == "SubStatement") {
    WalkStatement(object.get_object(), v);
  } else if (type == "Activity") {
    v.Activity(object);
  }  // StatementRef: only objectType and id, nothing to visit.
}

// contextActivities values are arrays, but 1.0.3 also accepts a lone object.
void WalkContextActivities(json::value& ca, Visitor& v) {
  if (!ca.is_object()) return;
  for (auto& kv : ca.get_object()) {
    if (kv.value().is_array()) {
      for (auto& a : kv.value().get_array()) v.Activity(a);
    } else if (kv.value().is_object()) {
      v.Activity(kv.value());
    }
  }
}

// 2.0 contextAgents / contextGroups: arrays of wrappers holding the actor
// under `inner`.
void WalkWrappedActors(json::value* list, std::string_view inner, Visitor& v) {
  if (!list || !list->is_array()) return;
  for (auto& item : list->get_array()) {
    if (!item.is_object()) continue;
    if (json::value* actor = Find(item.get_object(), inner)) v.Actor(*actor);
  }
}

void WalkContext(json::value& context, Visitor& v) {
  if (!context.is_object()) return;
  json::object& c = context.get_object();
  if (json::value* p = Find(c, "instructor")) v.Actor(*p);
  if (json::value* p = Find(c, "team")) v.Actor(*p);
  if (json::value* p = Find(c, "contextActivities")) WalkContextActivities(*p, v);
  WalkWrappedActors(Find(c, "contextAgents"), "agent", v);
  WalkWrappedActors(Find(c, "contextGroups"), "group", v);
}

void WalkStatement(json::object& s, Visitor& v) {
  v.Statement(s);
  if (json::value* p = Find(s, "actor")) v.Actor(*p);
  if (json::value* p = Find(s, "verb")) v.Verb(*p);
  if (json::value* p = Find(s, "object")) WalkObject(*p, v);
  if (json::value* p = Find(s, "context")) WalkContext(*p, v);
  if (json::value* p = Find(s, "authority")) v.Actor(*p);
  if (json::value* p = Find(s, "attachments"); p && p->is_array()) {
    for (auto& a : p->get_array()) v.Attachment(a);
  }
}

// ---------------------------------------------------------------------------
// format=ids

// Keeps only the listed keys of `v` (when it is an object).
void KeepOnly(json::value& v, std::initializer_list<std::string_view> keys) {
  if (!v.is_object()) return;
  json::object kept;
  for (const auto& kv : v.get_object()) {
    if (std::find(keys.begin(), keys.end(), kv.key()) != keys.end()) {
      kept.emplace(kv.key(), kv.value());
    }
  }
  v = std::move(kept);
}

class IdsVisitor : public Visitor {
 public:
  void Actor(json::value& actor) override {
    if (!actor.is_object()) return;
    const bool anonymous_group =
        !IfiKey(actor).has_value() && StringOr(actor.get_object(), "objectType", "") == "Group";
    if (!anonymous_group) {
      // Identified Groups lose their member list too: the IFI identifies them.
      KeepOnly(actor, {"objectType", "mbox", "mbox_sha1sum", "openid", "account"});
      return;
    }
    KeepOnly(actor, {"objectType", "member"});
    if (json::value* members = Find(actor.get_object(), "member"); members && members->is_array()) {
      for (auto& m : members->get_array()) Actor(m);
    }
  }
  void Verb(json::value& verb) override { KeepOnly(verb, {"id"}); }
  // The conformance suite (XAPI-00171) requires an ids-format Activity to have
  // exactly one property, so objectType goes too; it defaults to "Activity"
  // wherever an Activity may appear, so nothing is lost.
  void Activity(json::value& activity) override { KeepOnly(activity, {"id"}); }
};

// ---------------------------------------------------------------------------
// format=canonical

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 2616 14.4: a range matches a tag equal to it or a tag it is a prefix of,
// when the next character of the tag is '-'.
bool RangeMatches(std::string_view range, std::string_view tag) {
  if (tag.size() < range.size()) return false;
  if (!EqualsIgnoreCase(range, tag.substr(0, range.size()))) return false;
  return tag.size() == range.size() || tag[range.size()] == '-';
}

const json::key_value_pair* FirstMatch(const json::object& map, std::string_view range) {
  for (const auto& kv : map) {
    if (RangeMatches(range, kv.key())) return &kv;
  }
  return nullptr;
}

// Picks the entry of `map` to keep. First the header as RFC 2616 reads it;
// failing that, each range with subtags cut off from the right (the RFC 4647
// "lookup" fallback, so "en-GB" still finds "en-US" rather than an arbitrary
// language); failing that, the first entry.
const json::key_value_pair* ChooseEntry(const json::object& map,
                                        const std::vector<std::string>& languages) {
  for (const auto& range : languages) {
    if (const auto* kv = FirstMatch(map, range)) return kv;
  }
  for (const auto& range : languages) {
    std::string_view r = range;
    for (auto dash = r.rfind('-'); dash != std::string_view::npos; dash = r.rfind('-')) {
      r = r.substr(0, dash);
      if (const auto* kv = FirstMatch(map, r)) return kv;
    }
  }
  return map.empty() ? nullptr : &*map.begin();
}

void FilterLanguageMap(json::object& holder, std::string_view key,
                       const std::vector<std::string>& languages) {
  json::value* map = Find(holder, key);
  if (!map || !map->is_object() || map->get_object().size() <= 1) return;
  const json::key_value_pair* chosen = ChooseEntry(map->get_object(), languages);
  json::object single;
  single.emplace(chosen->key(), chosen->value());
  *map = std::move(single);
}

class CanonicalVisitor : public Visitor {
 public:
  explicit CanonicalVisitor(const std::vector<std::string>& languages) : languages_(languages) {}

  void Verb(json::value& verb) override {
    if (verb.is_object()) FilterLanguageMap(verb.get_object(), "display", languages_);
  }
  void Activity(json::value& activity) override {
    if (!activity.is_object()) return;
    json::value* def = Find(activity.get_object(), "definition");
    if (!def || !def->is_object()) return;
    json::object& d = def->get_object();
    FilterLanguageMap(d, "name", languages_);
    FilterLanguageMap(d, "description", languages_);
    for (std::string_view list : {"choices", "scale", "source", "target", "steps"}) {
      json::value* components = Find(d, list);
      if (!components || !components->is_array()) continue;
      for (auto& c : components->get_array()) {
        if (c.is_object()) FilterLanguageMap(c.get_object(), "description", languages_);
      }
    }
  }
  void Attachment(json::value& attachment) override {
    if (!attachment.is_object()) return;
    FilterLanguageMap(attachment.get_object(), "display", languages_);
    FilterLanguageMap(attachment.get_object(), "description", languages_);
  }

 private:
  const std::vector<std::string>& languages_;
};

// ---------------------------------------------------------------------------
// Accept-Language

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 7231 qvalue: "0" or "1" optionally followed by up to three decimals, in
// thousandths so ties compare exactly. nullopt when malformed.
std::optional<int> ParseQValue(std::string_view q) {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return std::nullopt;
  int thousandths = (q[0] - '0') * 1000;
  if (q.size() == 1) return thousandths;
  if (q[1] != '.' || q.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : q.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    thousandths += (c - '0') * scale;
    scale /= 10;
  }
  if (thousandths > 1000) return std::nullopt;
  return thousandths;
}

// The q of one comma-separated element's parameters; 1000 when absent.
std::optional<int> QOfParams(std::string_view params) {
  int q = 1000;
  while (!params.empty()) {
    const auto semi = params.find(';');
    const std::string_view param = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      const auto parsed = ParseQValue(Trim(param.substr(2)));
      if (!parsed) return std::nullopt;
      q = *parsed;
    }
  }
  return q;
}

// ---------------------------------------------------------------------------
// Statement comparison

// Instants are compared to the millisecond: the LRS may truncate timestamps to
// millisecond precision when it stores them (Data 4.5.s1.b7), as
// FormatTimestampMillis does.
std::optional<int64_t> TimestampMillis(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string_view text = v.get_string();
  auto micros = ParseTimestamp(text, TimestampSyntax::kIso8601);
  if (!micros) micros = ParseTimestamp(text, TimestampSyntax::kRfc3339);
  if (!micros) return std::nullopt;
  return *micros >= 0 ? *micros / 1000 : (*micros - 999) / 1000;
}

// Durations are compared without precision beyond 0.01 s (Data 4.6.s1.b5):
// seconds' fraction cut to two digits, trailing zeros dropped, so
// "PT1.2S", "PT1.20S" and "PT1.2049S" compare equal.
std::string NormalizeDuration(std::string_view d) {
  if (d.empty() || d.back() != 'S') return std::string(d);
  const auto sep = d.find_last_of(".,");
  if (sep == std::string_view::npos) return std::string(d);
  std::string frac(d.substr(sep + 1, std::min<size_t>(2, d.size() - sep - 2)));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out(d.substr(0, sep));
  if (!frac.empty()) out += "." + frac;
  return out + "S";
}

// Rewrites a statement copy so that differences the comparison rules say to
// ignore disappear: Verb display and Activity definitions (not part of the
// statement, Data 2.3.1.b2-b3), defaulted objectTypes, a lone context
// activity vs a one-element array, Group member order (Data 2.3.1.b5),
// timestamp serialization, and duration precision.
class NormalizeVisitor : public Visitor {
 public:
  void Statement(json::object& s) override {
    if (json::value* ts = Find(s, "timestamp")) {
      if (auto ms = TimestampMillis(*ts)) *ts = *ms;
    }
    if (json::value* r = Find(s, "result"); r && r->is_object()) {
      json::value* d = Find(r->get_object(), "duration");
      if (d && d->is_string()) *d = json::string(NormalizeDuration(d->get_string()));
    }
    json::value* ctx = Find(s, "context");
    json::value* ca =
        ctx && ctx->is_object() ? Find(ctx->get_object(), "contextActivities") : nullptr;
    if (ca && ca->is_object()) {
      for (auto& kv : ca->get_object()) {
        if (kv.value().is_object()) kv.value() = json::array{kv.value()};
      }
    }
  }
  void Actor(json::value& actor) override;
  void Verb(json::value& verb) override {
    if (verb.is_object()) verb.get_object().erase("display");
  }
  void Activity(json::value& activity) override {
    if (!activity.is_object()) return;
    activity.get_object().erase("definition");
    activity.get_object()["objectType"] = "Activity";
  }
};

void AppendCanonical(const json::value& v, std::string& out);

std::string Canonical(const json::value& v) {
  std::string out;
  AppendCanonical(v, out);
  return out;
}

void NormalizeVisitor::Actor(json::value& actor) {
  if (!actor.is_object()) return;
  json::object& a = actor.get_object();
  if (!a.contains("objectType")) a["objectType"] = "Agent";
  json::value* members = Find(a, "member");
  if (!members || !members->is_array()) return;
  std::vector<std::pair<std::string, json::value>> keyed;
  for (auto& m : members->get_array()) {
    Actor(m);
    std::string key = Canonical(m);
    keyed.emplace_back(std::move(key), std::move(m));
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  json::array sorted;
  for (auto& [key, m] : keyed) sorted.push_back(std::move(m));
  *members = std::move(sorted);
}

// A serialization that is equal for equal content: object keys sorted (so
// property order is ignored) and numbers written by value (so 1 and 1.0
// agree).
void AppendCanonical(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::object: {
      std::vector<const json::key_value_pair*> entries;
      for (const auto& kv : v.get_object()) entries.push_back(&kv);
      std::sort(entries.begin(), entries.end(),
                [](const auto* x, const auto* y) { return x->key() < y->key(); });
      out += '{';
      for (const auto* kv : entries) {
        if (out.back() != '{') out += ',';
        out += json::serialize(json::string(kv->key()));
        out += ':';
        AppendCanonical(kv->value(), out);
      }
      out += '}';
      return;
    }
    case json::kind::array:
      out += '[';
      for (const auto& e : v.get_array()) {
        if (out.back() != '[') out += ',';
        AppendCanonical(e, out);
      }
      out += ']';
      return;
    case json::kind::double_: {
      const double d = v.get_double();
      // Range first: casting an out-of-range double to int64_t is undefined.
      if (d > -9.2e18 && d < 9.2e18 && d == static_cast<double>(static_cast<int64_t>(d))) {
        out += std::to_string(static_cast<int64_t>(d));
      } else {
        out += json::serialize(v);
      }
      return;
    }
    default:
      out += json::serialize(v);
  }
}

// The comparable form of one statement. The properties the LRS assigns, and
// attachments (not part of the statement, Data 2.3.1.b6), are left out.
std::string ComparableForm(json::value statement, bool keep_timestamp) {
  if (!statement.is_object()) return Canonical(statement);
  json::object& s = statement.get_object();
  for (std::string_view key : {"id", "stored", "authority", "version", "attachments"}) {
    s.erase(key);
  }
  if (!keep_timestamp) s.erase("timestamp");
  NormalizeVisitor normalize;
  WalkStatement(s, normalize);
  return Canonical(statement);
}

}  // namespace

void ApplyFormat(json::value& statement, Format format, const std::vector<std::string>& languages) {
  if (!statement.is_object()) return;
  switch (format) {
    case Format::kExact:
      return;
    case Format::kIds: {
      IdsVisitor ids;
      WalkStatement(statement.get_object(), ids);
      return;
    }
    case Format::kCanonical: {
      CanonicalVisitor canonical(languages);
      WalkStatement(statement.get_object(), canonical);
      return;
    }
  }
}

std::vector<std::string> ParseAcceptLanguage(std::string_view header) {
  std::vector<std::pair<int, std::string>> ranked;
  while (!header.empty()) {
    const auto comma = header.find(',');
    const std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const auto semi = element.find(';');
    const std::string_view range = Trim(element.substr(0, semi));
    const auto q = QOfParams(semi == std::string_view::npos ? "" : element.substr(semi + 1));
    // "*" adds nothing: with no match the first entry is kept anyway.
    if (range.empty() || range == "*" || !q || *q == 0) continue;
    ranked.emplace_back(*q, std::string(range));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  out.reserve(ranked.size());
  for (auto& [q, range] : ranked) out.push_back(std::move(range));
  return out;
}

bool SameStatement(const json::value& incoming, const json::value& stored) {
  // A timestamp is LRS-assigned when the client sent none (Data 2.3.1.b1);
  // then the stored one says nothing about whether the statements differ.
  const bool incoming_has_timestamp =
      incoming.is_object() && incoming.get_object().contains("timestamp");
  return ComparableForm(incoming, incoming_has_timestamp) ==
         ComparableForm(stored, incoming_has_timestamp);
}

}  // namespace lrs::xapi
