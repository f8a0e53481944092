// Fuzz target: statement validation and preparation (lrs/xapi/validate*.cpp,
// prepare.cpp, format.cpp, terms.cpp), as PUT/POST /xapi/statements and the
// store's indexing run them.
//
// Input: one version byte ('2' selects xAPI 2.0.0, anything else 1.0.3),
// then the request body: a statement object or an array of them.
//
// Besides crashes, it checks what the server relies on for every statement
// validation accepts: once prepared and stored it still validates at the
// same version (bundles re-validate stored statements), and re-sending the
// same statement compares equal to its stored form (else a retry gets 409).
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "lrs/base/json.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/format.h"
#include "lrs/xapi/prepare.h"
#include "lrs/xapi/terms.h"
#include "lrs/xapi/validate.h"

namespace {

namespace json = boost::json;
using lrs::xapi::Version;

void Require(bool ok, const char* what, const json::value& statement) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\nstatement: %s\n", what,
               json::serialize(statement).c_str());
  std::abort();
}

// The authority lrs/consent writes for an operator credential.
const json::value& Authority() {
  static const json::value authority = json::parse(
      R"({"objectType":"Agent","account":{"homePage":"urn:lrs:credential","name":"fuzz"}})");
  return authority;
}

// What the store adds at commit (lrs/store/statement_stager.cpp).
void Store(json::object& s) {
  constexpr std::string_view kStored = "2026-01-02T03:04:05.678Z";
  s["stored"] = kStored;
  if (!s.contains("timestamp")) s["timestamp"] = kStored;
}

void CheckStatement(const json::object& incoming, Version version) {
  const json::value original(incoming);
  if (!lrs::xapi::ValidateStatement(original, version).ok()) return;
  (void)lrs::xapi::IfiKey(incoming.at("actor"));
  json::object prepared = incoming;
  lrs::xapi::PrepareStatement(prepared, version, Authority());
  Store(prepared);
  const json::value stored(prepared);
  Require(lrs::xapi::ValidateStatement(stored, version).ok(),
          "a prepared statement no longer validates", stored);
  Require(lrs::xapi::SameStatement(original, stored),
          "a statement differs from its own stored form", stored);
  (void)lrs::xapi::ExtractTerms(stored);
  for (auto format : {lrs::xapi::Format::kIds, lrs::xapi::Format::kCanonical}) {
    json::value copy = stored;
    lrs::xapi::ApplyFormat(copy, format, {"en-US", "fr"});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Version version = data[0] == '2' ? Version::k200 : Version::k103;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto body = lrs::ParseJson(text, "request body");
  if (!body.ok()) return 0;
  if (body->is_object()) {
    CheckStatement(body->get_object(), version);
  } else if (body->is_array()) {
    for (const auto& element : body->get_array()) {
      if (element.is_object()) CheckStatement(element.get_object(), version);
    }
  }
  return 0;
}
