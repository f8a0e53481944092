// Shared by the consent integration tests (consent_*_test.cpp): principals
// (operator, organisation, learner credentials) created over the /admin and
// /me HTTP endpoints of docs/CONSENT.md, requests made as one of them, query
// helpers that follow every `more` link, the "indistinguishable from
// nothing" comparison, multipart parsing, and a fixture world of learners,
// organisations and statements that the leak hunt and erasure tests share.
//
// Everything goes through the real lrsd over loopback HTTP (lrs_process.h);
// nothing here calls the server's own code.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"
#include "tests/integration/multipart_util.h"

namespace lrs_it::consent {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

using IdSet = std::set<std::string>;
IdSet Intersect(const IdSet& a, const IdSet& b);
IdSet Minus(IdSet a, const IdSet& b);
using Headers = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------
// Principals

struct Cred {
  std::string key;
  std::string secret;
};
// The operator credential of the harness (scope "all").
Cred AdminCred();

struct Org {
  std::string id;
  std::string name;
  Cred cred;
};

struct Learner {
  std::string id;
  std::string name;
  Cred cred;
  std::vector<json::object> identities;
};

// ---------------------------------------------------------------------------
// Requests

// One request as `who` (nullopt: no Authorization header). The version
// header is sent on every request (an xAPI client library always sends it).
HttpResponse Call(const LrsProcess& lrs, const std::optional<Cred>& who, bhttp::verb method,
                  const std::string& target, const std::string& body = "",
                  const std::string& content_type = "", Headers headers = {});
HttpResponse GetAs(const LrsProcess& lrs, const Cred& who, const std::string& target);
HttpResponse HeadAs(const LrsProcess& lrs, const Cred& who, const std::string& target);
HttpResponse PostJsonAs(const LrsProcess& lrs, const Cred& who, const std::string& target,
                        const json::value& body);
HttpResponse DeleteAs(const LrsProcess& lrs, const Cred& who, const std::string& target);

// The body as a JSON object; an empty object (and a test failure) otherwise.
json::object ObjectOf(const HttpResponse& r);
// True when the 400 (or other error) message names `field`.
::testing::AssertionResult NamesField(const HttpResponse& r, int status, const std::string& field);

// ---------------------------------------------------------------------------
// Admin and /me

// POST /admin/organisations then POST .../credentials with `scopes`.
Org CreateOrg(const LrsProcess& lrs, const std::string& name,
              const std::vector<std::string>& scopes);
Cred AddOrgCredential(const LrsProcess& lrs, const std::string& org_id,
                      const std::vector<std::string>& scopes);
// POST /admin/learners.
Learner CreateLearner(const LrsProcess& lrs, const std::string& name,
                      const std::vector<json::object>& identities);
// POST /me/grants as `learner`; adds "purpose" when `body` has none. Returns
// the grant id ("" and a test failure unless 201).
std::string MakeGrant(const LrsProcess& lrs, const Learner& learner, json::object body);
// DELETE /me/grants/ID; fails the test unless 204.
void RevokeGrant(const LrsProcess& lrs, const Learner& learner, const std::string& grant_id);
// GET /me/grants as `learner`: grant id -> status.
std::map<std::string, std::string> GrantStatuses(const LrsProcess& lrs, const Learner& learner);

// ---------------------------------------------------------------------------
// Statements

json::object MboxAgent(const std::string& email, const std::string& name = "");
json::object AccountAgent(const std::string& home_page, const std::string& name);
json::object Verb(const std::string& id);
json::object ActivityObject(const std::string& id, const std::string& description = "");
json::object StatementRefObject(const std::string& id);
// A statement with a fresh id (so the test knows it before posting).
json::object MakeStatement(const json::object& actor, const std::string& verb,
                           const json::value& object, const std::string& timestamp,
                           const std::string& registration = "");

// POST /xapi/statements of one statement as `who`; its id, or "" and a
// test failure unless 200.
std::string PostAs(const LrsProcess& lrs, const Cred& who, const json::object& statement);
// Posts a statement with one attachment part (multipart/mixed) as `who`.
std::string PostWithAttachmentAs(const LrsProcess& lrs, const Cred& who, json::object statement,
                                 const std::string& content);
json::object AttachmentMeta(const std::string& content);

// The result of one query followed through all its `more` links.
struct Paged {
  IdSet ids;
  std::vector<std::string> order;     // ids in the order returned
  std::vector<std::string> more;      // every non-empty `more` link seen
  std::vector<std::string> bodies;    // every page's body (for leak greps)
  bool all_ok = true;                 // every page was 200 with a StatementResult
  int first_error_status = 0;         // status of the first non-200 page
};
// GET `target` as `who` and every `more` link after it (at most 200 pages).
// Fails the test on a non-200 page unless `allow_error`, and on duplicates.
Paged QueryAs(const LrsProcess& lrs, const Cred& who, const std::string& target,
              bool allow_error = false);
inline IdSet QueryIds(const LrsProcess& lrs, const Cred& who, const std::string& target) {
  return QueryAs(lrs, who, target).ids;
}

// The `agent` query parameter, percent-encoded, for an Agent object.
std::string AgentParam(const json::object& agent);
std::string Enc(const std::string& text);

// ---------------------------------------------------------------------------
// `more` links

// Decodes a `more` link of this server (/xapi/statements?more=TOKEN, TOKEN
// base64url JSON) and re-encodes it after `edit`; nullopt when the token is
// not of that shape (the server changed its format: the edit test then
// cannot forge one and says so).
std::optional<std::string> EditMoreLink(const std::string& link,
                                        const std::function<void(json::object&)>& edit);

// ---------------------------------------------------------------------------
// Indistinguishability

// `hidden` answers exactly like `absent`: same status, same body, same
// headers except Date and X-Experience-API-Consistent-Through; the headers
// named in `approx_dates` (HTTP dates) may differ by at most one second.
::testing::AssertionResult Indistinguishable(const HttpResponse& hidden, const HttpResponse& absent,
                                             const std::set<std::string>& approx_dates = {
                                                 "Last-Modified"});
// `r` with every occurrence of `from` in its body replaced by `to` (same
// length, so Content-Length stays right): the "absent" answer for another
// id, to compare with a hidden one when an error message quotes the id.
HttpResponse SwapText(HttpResponse r, const std::string& from, const std::string& to);
// RFC 7231 IMF-fixdate to Unix seconds; nullopt when malformed.
std::optional<int64_t> ParseHttpDate(const std::string& text);

// ---------------------------------------------------------------------------
// Time

// RFC 3339 UTC with milliseconds.
std::string Iso(std::chrono::system_clock::time_point t);
// Whole seconds, no fraction.
std::string IsoSeconds(std::chrono::system_clock::time_point t);

// ---------------------------------------------------------------------------
// Multipart (RFC 2046), parsed independently of the server.

// Part, BoundaryOf and ParseMultipart: tests/integration/multipart_util.h.

}  // namespace lrs_it::consent
