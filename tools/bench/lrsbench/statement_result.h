// ReadPage: checks a StatementResult body ({"statements": [...], "more":
// "..."}) the way a careful client would, so a driver that reports a
// figure also proves the server answered what was asked (the learner's
// statements, the verb asked for) rather than something cheaper.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lrsbench {

// What every statement of a page must have; empty fields are not checked.
struct PageExpectation {
  std::string mbox;  // the actor's mbox
  std::string verb;  // the verb id
};

struct Page {
  uint64_t statements = 0;
  std::string more;      // "" after the last page
  bool matches = false;  // every statement met the expectation
};

// nullopt when `body` is not a StatementResult.
std::optional<Page> ReadPage(const std::string& body, const PageExpectation& expect);

}  // namespace lrsbench
