#include "lrs/xapi/prepare.h"

#include "lrs/base/clock.h"

namespace lrs::xapi {

namespace {

// contextActivities may be sent as one object per key; the LRS returns arrays.
void ContextActivitiesAsArrays(boost::json::object& s) {
  auto ctx = s.find("context");
  if (ctx == s.end() || !ctx->value().is_object()) return;
  auto ca = ctx->value().get_object().find("contextActivities");
  if (ca == ctx->value().get_object().end() || !ca->value().is_object()) return;
  for (auto& kv : ca->value().get_object()) {
    if (kv.value().is_object()) kv.value() = boost::json::array{kv.value()};
  }
}

}  // namespace

Uuid PrepareStatement(boost::json::object& s, Version version, const boost::json::value& authority) {
  Uuid id;
  auto given = s.find("id");
  if (given != s.end() && given->value().is_string()) {
    // Validation guarantees the form; fall back to a new id defensively.
    auto parsed = ParseUuid(given->value().get_string());
    id = parsed ? *parsed : RandomUuidV4();
  } else {
    id = RandomUuidV4();
  }
  s["id"] = FormatUuid(id);
  s["authority"] = authority;
  ContextActivitiesAsArrays(s);
  if (auto obj = s.find("object"); obj != s.end() && obj->value().is_object()) {
    ContextActivitiesAsArrays(obj->value().get_object());  // a SubStatement's context
  }
  if (!s.contains("version")) s["version"] = version == Version::k103 ? "1.0.0" : "2.0.0";
  if (version == Version::k200) {
    auto ts = s.find("timestamp");
    if (ts != s.end() && ts->value().is_string()) {
      std::string_view text = ts->value().get_string();
      if (!text.empty() && text.back() != 'Z' && text.back() != 'z') {
        if (auto t = ParseTimestamp(text, TimestampSyntax::kRfc3339)) {
          // Near year 0000 or 9999 the UTC instant can fall outside the
          // four-digit years ("10000-01-01T..."); the offset form is kept
          // then, as the stored statement must stay a valid one.
          std::string utc = FormatTimestampMillis(*t);
          if (ParseTimestamp(utc, TimestampSyntax::kRfc3339)) ts->value() = utc;
        }
      }
    }
  }
  return id;
}

}  // namespace lrs::xapi
