// Grant parsing, coverage and canonical JSON (docs/CONSENT.md, "Grants").
//
// Parsing checks one field at a time, in contract order, and stops at the
// first failure, whose message starts with the field's path. Coverage reads
// statements defensively: a stored statement is valid xAPI, but the rule
// must not depend on that, so every property is looked up with its type and
// a mismatch simply fails the restriction.
#include "lrs/consent/grant.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "lrs/base/encoding.h"
#include "lrs/xapi/validate.h"

namespace lrs::consent {

namespace json = boost::json;

namespace {

constexpr size_t kMaxPurposeChars = 1000;

constexpr std::array<std::string_view, 11> kFields = {
    "organisation", "verbs",   "activities", "activityPrefixes", "registrations", "since",
    "until",        "expires", "actions",    "purpose",          "replaces"};

constexpr std::string_view kStatementsAction = "statements";
constexpr std::string_view kDocumentsAction = "documents";

Status Invalid(std::string_view path, std::string_view problem) {
  std::string msg(path);
  msg.append(": ").append(problem);
  return Status::InvalidArgument(std::move(msg));
}

std::string Element(std::string_view field, size_t index) {
  std::string path(field);
  path.append("[").append(std::to_string(index)).append("]");
  return path;
}

// --- Values shared by parsing and coverage --------------------------------

// A timestamp as xAPI 2.0.0 writes it (RFC 3339), or as 1.0.3 allows it
// (ISO 8601, offset optional).
std::optional<Micros> ReadTimestamp(std::string_view text) {
  if (auto t = ParseTimestamp(text, TimestampSyntax::kRfc3339)) return t;
  return ParseTimestamp(text, TimestampSyntax::kIso8601);
}

// The lowercase canonical form of a UUID, or nullopt.
std::optional<std::string> NormalUuid(std::string_view text) {
  auto id = ParseUuid(text);
  if (!id) return std::nullopt;
  return FormatUuid(*id);
}

std::optional<std::string> NormalIri(std::string_view text) {
  if (!xapi::IsIri(text)) return std::nullopt;
  return std::string(text);
}

// Millisecond rounding that only ever narrows a grant (see grant.h).
Micros FloorMillis(Micros t) {
  Micros ms = t / 1000;
  if (t % 1000 < 0) --ms;
  return ms * 1000;
}
Micros CeilMillis(Micros t) { return -FloorMillis(-t); }

// --- Parsing --------------------------------------------------------------

Status CheckKnownFields(const json::object& body) {
  for (const auto& field : body) {
    std::string_view name = field.key();
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return Invalid(name, "not a field of a grant");
    }
  }
  return Status::Ok();
}

// A required or optional UUID string, lowercased into *out.
Status ParseUuidField(const json::value& v, std::string_view path, std::string* out) {
  const json::string* s = v.if_string();
  if (!s) return Invalid(path, "must be a string");
  auto id = NormalUuid(*s);
  if (!id) return Invalid(path, "must be a UUID");
  *out = std::move(*id);
  return Status::Ok();
}

Status ParseOrganisation(const json::object& body, Grant* grant) {
  const json::value* v = body.if_contains("organisation");
  if (!v) return Invalid("organisation", "required");
  if (v->is_string() && v->get_string().empty()) return Invalid("organisation", "required");
  return ParseUuidField(*v, "organisation", &grant->organisation);
}

// An optional, non-empty array of strings, each accepted and normalised by
// `normal` (nullopt: rejected with "must be <what>").
Status ParseStringList(const json::object& body, std::string_view field,
                       std::optional<std::string> (*normal)(std::string_view),
                       std::string_view what, std::vector<std::string>* out) {
  const json::value* v = body.if_contains(field);
  if (!v) return Status::Ok();
  const json::array* items = v->if_array();
  if (!items) return Invalid(field, "must be an array");
  if (items->empty()) return Invalid(field, "must not be empty (omit it to allow any)");
  std::vector<std::string> values;
  values.reserve(items->size());
  for (size_t i = 0; i < items->size(); ++i) {
    const json::string* s = (*items)[i].if_string();
    if (!s) return Invalid(Element(field, i), "must be a string");
    auto value = normal(*s);
    if (!value) return Invalid(Element(field, i), std::string("must be ") + std::string(what));
    values.push_back(std::move(*value));
  }
  *out = std::move(values);
  return Status::Ok();
}

enum class Rounding { kUp, kDown };

Status ParseTime(const json::object& body, std::string_view field, Rounding rounding,
                 std::optional<Micros>* out) {
  const json::value* v = body.if_contains(field);
  if (!v) return Status::Ok();
  const json::string* s = v->if_string();
  if (!s) return Invalid(field, "must be a string");
  auto t = ReadTimestamp(*s);
  if (!t) return Invalid(field, "must be an RFC 3339 timestamp");
  Micros rounded = rounding == Rounding::kUp ? CeilMillis(*t) : FloorMillis(*t);
  // The canonical JSON writes UTC with a four-digit year. An offset or the
  // rounding can move an instant out of 0000..9999, and a stored grant that
  // no longer parses fails every read of its organisation.
  if (ReadTimestamp(FormatTimestampMillis(rounded)) != rounded) {
    return Invalid(field, "must lie within the years 0000 to 9999 in UTC");
  }
  *out = rounded;
  return Status::Ok();
}

Status ParseWindow(const json::object& body, Grant* grant) {
  LRS_RETURN_IF_ERROR(ParseTime(body, "since", Rounding::kUp, &grant->since));
  LRS_RETURN_IF_ERROR(ParseTime(body, "until", Rounding::kDown, &grant->until));
  LRS_RETURN_IF_ERROR(ParseTime(body, "expires", Rounding::kDown, &grant->expires));
  if (grant->since && grant->until && *grant->since >= *grant->until) {
    return Invalid("until", "must be after since");
  }
  return Status::Ok();
}

Status ParseActions(const json::object& body, Grant* grant) {
  const json::value* v = body.if_contains("actions");
  if (!v) return Status::Ok();  // the default: statements only
  const json::array* items = v->if_array();
  if (!items) return Invalid("actions", "must be an array");
  if (items->empty()) return Invalid("actions", "must not be empty (omit it for statements)");
  bool statements = false;
  bool documents = false;
  for (size_t i = 0; i < items->size(); ++i) {
    const json::string* s = (*items)[i].if_string();
    if (!s) return Invalid(Element("actions", i), "must be a string");
    bool* seen = *s == kStatementsAction  ? &statements
                 : *s == kDocumentsAction ? &documents
                                          : nullptr;
    if (!seen) return Invalid(Element("actions", i), R"(must be "statements" or "documents")");
    if (*seen) return Invalid(Element("actions", i), "duplicate action");
    *seen = true;
  }
  grant->statements = statements;
  grant->documents = documents;
  return Status::Ok();
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Unicode code points in valid UTF-8 (JSON strings always are).
size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Status ParsePurpose(const json::object& body, Grant* grant) {
  const json::value* v = body.if_contains("purpose");
  if (!v) return Invalid("purpose", "required");
  const json::string* s = v->if_string();
  if (!s) return Invalid("purpose", "must be a string");
  std::string_view text = Trim(*s);
  if (text.empty()) return Invalid("purpose", "required (must not be blank)");
  if (CodePoints(text) > kMaxPurposeChars) {
    return Invalid("purpose", "must be at most 1000 characters");
  }
  grant->purpose = std::string(text);
  return Status::Ok();
}

Status ParseReplaces(const json::object& body, Grant* grant) {
  const json::value* v = body.if_contains("replaces");
  if (!v) return Status::Ok();
  std::string id;
  LRS_RETURN_IF_ERROR(ParseUuidField(*v, "replaces", &id));
  grant->replaces = std::move(id);
  return Status::Ok();
}

// --- Coverage -------------------------------------------------------------

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const json::string* StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool RestrictsActivity(const Grant& g) {
  return !g.activities.empty() || !g.activity_prefixes.empty();
}

// `id` is in `activities` or starts with one of `activity_prefixes`.
bool ActivityMatches(const Grant& g, std::string_view id) {
  if (Contains(g.activities, id)) return true;
  return std::any_of(g.activity_prefixes.begin(), g.activity_prefixes.end(),
                     [id](const std::string& prefix) { return id.starts_with(prefix); });
}

// `registration` (any case) is in `registrations`; absent never is.
bool RegistrationMatches(const Grant& g, std::optional<std::string_view> registration) {
  if (g.registrations.empty()) return true;
  auto id = registration ? NormalUuid(*registration) : std::nullopt;
  return id && Contains(g.registrations, *id);
}

bool InWindow(const Grant& g, std::optional<Micros> t) {
  if (!g.since && !g.until) return true;
  if (!t) return false;
  if (g.since && *t <= *g.since) return false;
  if (g.until && *t > *g.until) return false;
  return true;
}

bool VerbCovered(const Grant& g, const json::object& statement) {
  if (g.verbs.empty()) return true;
  const json::object* verb = ObjectAt(statement, "verb");
  const json::string* id = verb ? StringAt(*verb, "id") : nullptr;
  return id && Contains(g.verbs, *id);
}

// The statement's object is an Activity (objectType absent or "Activity")
// whose id the grant's activity restrictions accept.
bool ObjectCovered(const Grant& g, const json::object& statement) {
  if (!RestrictsActivity(g)) return true;
  const json::object* object = ObjectAt(statement, "object");
  if (!object) return false;
  if (const json::value* type = object->if_contains("objectType")) {
    const json::string* name = type->if_string();
    if (!name || *name != "Activity") return false;
  }
  const json::string* id = StringAt(*object, "id");
  return id && ActivityMatches(g, *id);
}

bool RegistrationCovered(const Grant& g, const json::object& statement) {
  if (g.registrations.empty()) return true;
  const json::object* context = ObjectAt(statement, "context");
  const json::string* registration = context ? StringAt(*context, "registration") : nullptr;
  if (!registration) return false;
  return RegistrationMatches(g, std::string_view(*registration));
}

bool TimestampCovered(const Grant& g, const json::object& statement) {
  if (!g.since && !g.until) return true;
  const json::string* text = StringAt(statement, "timestamp");
  return InWindow(g, text ? ReadTimestamp(*text) : std::nullopt);
}

// --- Canonical JSON -------------------------------------------------------

void PutList(json::object& o, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  json::array items;
  items.reserve(values.size());
  for (const auto& v : values) items.emplace_back(std::string_view(v));
  o[key] = std::move(items);
}

void PutTime(json::object& o, std::string_view key, const std::optional<Micros>& t) {
  if (t) o[key] = FormatTimestampMillis(*t);
}

}  // namespace

Result<Grant> ParseGrant(const json::value& body) {
  const json::object* o = body.if_object();
  if (!o) return Invalid("grant", "must be a JSON object");
  LRS_RETURN_IF_ERROR(CheckKnownFields(*o));
  Grant g;
  LRS_RETURN_IF_ERROR(ParseOrganisation(*o, &g));
  LRS_RETURN_IF_ERROR(ParseStringList(*o, "verbs", NormalIri, "an IRI", &g.verbs));
  LRS_RETURN_IF_ERROR(ParseStringList(*o, "activities", NormalIri, "an IRI", &g.activities));
  LRS_RETURN_IF_ERROR(
      ParseStringList(*o, "activityPrefixes", NormalIri, "an IRI", &g.activity_prefixes));
  LRS_RETURN_IF_ERROR(ParseStringList(*o, "registrations", NormalUuid, "a UUID", &g.registrations));
  LRS_RETURN_IF_ERROR(ParseWindow(*o, &g));
  LRS_RETURN_IF_ERROR(ParseActions(*o, &g));
  LRS_RETURN_IF_ERROR(ParsePurpose(*o, &g));
  LRS_RETURN_IF_ERROR(ParseReplaces(*o, &g));
  return g;
}

bool Grant::CoversStatement(const json::object& statement) const {
  return statements && VerbCovered(*this, statement) && ObjectCovered(*this, statement) &&
         RegistrationCovered(*this, statement) && TimestampCovered(*this, statement);
}

bool Grant::CoversDocument(std::string_view activity_id,
                           const std::optional<std::string>& registration, Micros updated) const {
  if (!documents) return false;
  if (RestrictsActivity(*this) && (activity_id.empty() || !ActivityMatches(*this, activity_id))) {
    return false;
  }
  if (!RegistrationMatches(*this, registration)) return false;
  return InWindow(*this, updated);
}

json::object GrantToJson(const Grant& grant) {
  json::object o;
  o["organisation"] = grant.organisation;
  PutList(o, "verbs", grant.verbs);
  PutList(o, "activities", grant.activities);
  PutList(o, "activityPrefixes", grant.activity_prefixes);
  PutList(o, "registrations", grant.registrations);
  PutTime(o, "since", grant.since);
  PutTime(o, "until", grant.until);
  PutTime(o, "expires", grant.expires);
  json::array actions;
  if (grant.statements) actions.emplace_back(kStatementsAction);
  if (grant.documents) actions.emplace_back(kDocumentsAction);
  o["actions"] = std::move(actions);
  o["purpose"] = grant.purpose;
  if (grant.replaces) o["replaces"] = *grant.replaces;
  return o;
}

}  // namespace lrs::consent
