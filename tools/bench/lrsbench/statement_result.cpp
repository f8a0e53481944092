// ReadPage: parses a StatementResult and checks its statements (see
// statement_result.h).
#include "tools/bench/lrsbench/statement_result.h"

#include <boost/json.hpp>

namespace lrsbench {

namespace json = boost::json;

namespace {

// The string at obj[outer][inner], or "" when any step is missing.
std::string_view Field(const json::object& obj, std::string_view outer, std::string_view inner) {
  const json::value* v = obj.if_contains(outer);
  if (!v || !v->is_object()) return {};
  const json::value* s = v->get_object().if_contains(inner);
  return s && s->is_string() ? std::string_view(s->get_string()) : std::string_view();
}

bool Meets(const json::value& statement, const PageExpectation& expect) {
  if (!statement.is_object()) return false;
  const json::object& s = statement.get_object();
  if (!expect.mbox.empty() && Field(s, "actor", "mbox") != expect.mbox) return false;
  if (!expect.verb.empty() && Field(s, "verb", "id") != expect.verb) return false;
  return true;
}

}  // namespace

std::optional<Page> ReadPage(const std::string& body, const PageExpectation& expect) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::value* statements = v.get_object().if_contains("statements");
  const json::value* more = v.get_object().if_contains("more");
  if (!statements || !statements->is_array() || !more || !more->is_string()) return std::nullopt;
  Page page;
  page.statements = statements->get_array().size();
  page.more = std::string(more->get_string());
  page.matches = true;
  for (const json::value& s : statements->get_array())
    page.matches = page.matches && Meets(s, expect);
  return page;
}

}  // namespace lrsbench
