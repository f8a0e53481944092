// Shared by the ValidateStatement tests (validate_*_test.cpp): one small
// valid statement, the fragments the cases put into it, the Case table format
// and the ValidateCaseTest fixture. Its single TEST_P, Verdict, is in
// validate_test.cpp; each file instantiates it with its own table of cases.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/xapi/validate.h"

namespace lrs::xapi::validate_test {

namespace json = boost::json;

inline constexpr const char* kBase = R"({
  "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
  "object": {"objectType": "Activity", "id": "http://example.org/activity/1",
             "definition": {"name": {"en-US": "Quiz"}}}
})";

// Fragments used by more than one table.
inline constexpr const char* kSub = R"({"objectType": "SubStatement",
  "actor": {"mbox": "mailto:bob@example.org"},
  "verb": {"id": "http://example.org/verbs/plans"},
  "object": {"id": "http://example.org/activity/2"}})";
inline constexpr const char* kRef = R"({"objectType": "StatementRef",
  "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"})";
inline constexpr const char* kAgentObject =
    R"({"objectType": "Agent", "mbox": "mailto:c@example.org"})";
inline constexpr const char* kGroup = R"({"objectType": "Group", "name": "Team",
  "mbox": "mailto:team@example.org", "member": [{"mbox": "mailto:bob@example.org"}]})";

// One change to the base statement: set the value at a dotted path (created
// as needed), or erase it when `json` is nullptr.
struct Edit {
  const char* path;
  const char* json;
};

enum Versions { k103 = 1, k200 = 2, kBoth = 3 };

struct Case {
  const char* name;
  std::vector<Edit> edits;
  const char* error;  // nullptr: accepted; else the path the message names
  Versions versions = kBoth;
};

inline std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    keys.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) return keys;
    start = dot + 1;
  }
}

inline json::value Apply(const std::vector<Edit>& edits) {
  json::value root = json::parse(kBase);
  for (const Edit& e : edits) {
    std::vector<std::string> keys = SplitPath(e.path);
    json::object* o = &root.as_object();
    for (size_t i = 0; i + 1 < keys.size(); ++i) {
      json::value& next = (*o)[keys[i]];
      if (!next.is_object()) next = json::object();
      o = &next.as_object();
    }
    if (e.json) {
      (*o)[keys.back()] = json::parse(e.json);
    } else {
      o->erase(keys.back());
    }
  }
  return root;
}

// True when `message` names `path` or a property inside it: "a.b: ...",
// "a.b.c: ..." and "a.b[0]: ..." all name "a.b".
inline bool NamesPath(const std::string& message, std::string_view path) {
  if (message.compare(0, path.size(), path) != 0 || message.size() <= path.size()) return false;
  char next = message[path.size()];
  return next == ':' || next == '.' || next == '[';
}

inline void ExpectVerdict(const json::value& statement, Version version, const char* error) {
  Status s = ValidateStatement(statement, version);
  if (!error) {
    EXPECT_TRUE(s.ok()) << s.message() << "\n" << json::serialize(statement);
    return;
  }
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << json::serialize(statement);
  EXPECT_TRUE(NamesPath(s.message(), error))
      << "message \"" << s.message() << "\" should name \"" << error << "\"";
}

inline void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// Applies the case's edits to the base statement and checks the verdict at
// each version the case names (defined in validate_test.cpp).
class ValidateCaseTest : public ::testing::TestWithParam<Case> {};

// The case name as the test name suffix.
inline std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

}  // namespace lrs::xapi::validate_test
