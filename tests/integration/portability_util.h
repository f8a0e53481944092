// Shared by the learner's bundle tests (portability_*_test.cpp, docs/PORTABILITY.md):
// a source store holding the consent world (consent_world.h) plus a signed
// statement and two documents of Ada's, her exported bundle, the export and
// import requests, a ustar walker to tamper with bundles member by member,
// and the library's own reader (lrs::portability::ReadBundle) to check a
// bundle without a server.
//
// Everything that reaches a store goes through a real lrsd over HTTP; the
// library is used only to read bundles the servers produced.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lrs/portability/bundle.h"
#include "tests/integration/consent_world.h"

namespace lrs_it::portability_it {

namespace json = boost::json;
using consent::Cred;
using consent::IdSet;
using consent::Learner;
using consent::Org;
using consent::World;

inline constexpr char kBundleType[] = "application/vnd.learner-lrs.bundle+tar";
inline constexpr char kSignatureUsage[] = "http://adlnet.gov/expapi/attachments/signature";
// Ada's State document (with a registration) and Agent Profile document.
inline constexpr char kStateId[] = "bookmark";
inline constexpr char kStateBody[] = R"({"page":7,"note":"ada's bookmark"})";
inline constexpr char kStateType[] = "application/json";
inline constexpr char kProfileId[] = "preferences";
inline constexpr char kProfileBody[] = "lang=fr; theme=dark; \x01\x02 binary-ish";
inline constexpr char kProfileType[] = "application/octet-stream";

// The source store: the world, Ada's extras and her own export.
struct Source {
  LrsProcess lrs;
  World w;
  std::string key_id;     // the store's key id (GET /xapi/about)
  std::string signed_id;  // Ada's signed statement
  std::string jws;        // its signature attachment
  std::string bundle;     // GET /me/export as Ada
};
// Starts `s->lrs`, builds the world and Ada's extras and exports her record.
::testing::AssertionResult BuildSource(Source* s);

// The store key id of `lrs` from GET /xapi/about ("" and a failure if absent).
std::string StoreKeyId(const LrsProcess& lrs);

// GET `target` (/me/export or /admin/learners/ID/export) as `who`.
HttpResponse Export(const LrsProcess& lrs, const std::optional<Cred>& who,
                    const std::string& target = "/me/export");
// GET /me/export as `who`: the bundle; "" and a failure unless 200 with the
// bundle media type.
std::string ExportBundle(const LrsProcess& lrs, const Cred& who,
                         const std::string& target = "/me/export");
// POST /me/import of `bundle` as `who`.
HttpResponse Import(const LrsProcess& lrs, const Cred& who, const std::string& bundle);
// Imports and expects 200; the summary (empty and a failure otherwise).
json::object ImportOk(const LrsProcess& lrs, const Cred& who, const std::string& bundle);
// summary[section][field] as a number (-1 when absent).
int64_t Count(const json::object& summary, const char* section, const char* field);

// Every statement a query as `who` returns, following `more`: id -> statement.
std::map<std::string, json::object> StatementsAs(
    const LrsProcess& lrs, const Cred& who, const std::string& target = "/xapi/statements?limit=4");
IdSet Keys(const std::map<std::string, json::object>& statements);
// The statement without what each store sets for itself.
json::object WithoutStoreFields(json::object statement);

// GET /me as `who`.
json::object Me(const LrsProcess& lrs, const Cred& who);
// "mbox:..." / "account:HOME|NAME" of an Agent, to compare identities.
std::string IfiOf(const json::value& agent);
std::set<std::string> IfisOf(const json::array& agents);
// GET /me/provenance?statementId=ID as `who` (empty and a failure unless 200).
json::object Provenance(const LrsProcess& lrs, const Cred& who, const std::string& id);

// A suite sharing one source store (built once per test process: ctest runs
// each test in its own process, a plain run of the binary shares it).
class SourceSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  static const Source& src() { return *source_; }

 private:
  static Source* source_;
  static std::string* error_;
};

// Starts `lrs`, trusting `trusted` store keys.
::testing::AssertionResult StartTrusting(LrsProcess& lrs, const std::vector<std::string>& trusted);

// The destination holds nothing of the learner: no statement for the
// learner or the operator, no identity, no import record.
void ExpectNothingImported(const LrsProcess& lrs, const Learner& learner,
                           const IdSet& operator_may_see = {});

// ---------------------------------------------------------------------------
// Reading bundles with the library

struct ReadOutcome {
  lrs::Status status;
  lrs::portability::BundleCounts counts;
  std::map<std::string, json::object> statements;  // id -> statement as in the bundle
  std::map<std::string, json::array> provenance;   // id -> hops
  std::map<std::string, std::string> voided_by;    // id -> voiding id
  std::map<std::string, std::string> attachments;  // sha2 -> content
  std::vector<lrs::portability::DocumentEntry> documents;
  json::array identities;
  std::string signer;  // key id
};
ReadOutcome ReadBundleBytes(const std::string& bundle);

// ---------------------------------------------------------------------------
// ustar, parsed independently of lrs/portability/tar

struct TarEntry {
  std::string name;   // prefix + "/" + name when the prefix is set
  size_t header = 0;  // offset of the header block
  size_t data = 0;    // offset of the content
  size_t size = 0;    // content bytes
  size_t end = 0;     // offset after the padding
};
// The members of a tar archive (a failure when the headers do not parse).
std::vector<TarEntry> TarEntries(const std::string& tar);
// The member whose name ends with `suffix` (the first if several); nullptr
// and a failure when none.
const TarEntry* FindMember(const std::vector<TarEntry>& entries, const std::string& suffix);
// The first member whose name contains `part`.
const TarEntry* FindMemberContaining(const std::vector<TarEntry>& entries, const std::string& part);
// `bundle` with one byte at `pos` changed (XOR `mask`).
std::string FlipByte(std::string bundle, size_t pos, unsigned char mask = 0x01);
// `bundle` without member `e` (its header, content and padding).
std::string RemoveMember(std::string bundle, const TarEntry& e);

}  // namespace lrs_it::portability_it
