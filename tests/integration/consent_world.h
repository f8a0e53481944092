// The consent tests' fixture world: three organisations, three learners
// (Ada with two identities), an unclaimed identity (zed) and 17 statements
// chosen to cut across every restriction a grant can make, plus the
// WorldChecker that asserts, for one principal, exactly which statements
// every read path returns.
//
// The statements, in the order they are stored (LMS writes all but two):
//
//   name    actor        verb         object                  timestamp             reg
//   z1      zed (none)   completed    course/a/1              2025-08-01            -
//   c1      cy           completed    course/a/1              2025-07-01            R1
//   b1      bob          completed    course/a/1 (desc B1)    2025-05-01            R1
//   b2      bob          experienced  course/b/2              2025-06-01            -
//   b3      bob          mentored     Agent ada               2025-06-15            -
//   a1      ada mbox     completed    course/a/1 (desc A1)    2020-03-01T10:00Z     R1
//   a2      ada account  experienced  course/a/2 (desc A2)    2025-01-01T00:00Z     R2
//   a3      ada mbox     attempted    course/b/2 +attachment  2025-02-01            R1
//   a4      ada account  completed    course/a/3              2025-09-01T02:00+02:00 R2
//   a5      ada mbox     experienced  other/x                 2025-11-01  (voided by v1)
//   v1      ada mbox     voided       StatementRef a5         2025-11-02            -
//   ref1    ada mbox     experienced  StatementRef b1         2025-12-01            -
//   snoopA  ada mbox     experienced  course/a/1 (desc Snoop) 2025-10-01  written by Snoop
//   a6      ada account  commented    notes/1                 2026-01-10  written by Ada
//   g1      Group team (member ada)   completed course/a/1    2025-03-01            -
//   g2      anonymous Group (ada, bob) completed course/b/2   2025-03-02            -
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/consent_test_util.h"

namespace lrs_it::consent {


inline constexpr char kCompleted[] = "http://adlnet.gov/expapi/verbs/completed";
inline constexpr char kExperienced[] = "http://adlnet.gov/expapi/verbs/experienced";
inline constexpr char kAttempted[] = "http://adlnet.gov/expapi/verbs/attempted";
inline constexpr char kVoided[] = "http://adlnet.gov/expapi/verbs/voided";
inline constexpr char kCommented[] = "http://adlnet.gov/expapi/verbs/commented";
inline constexpr char kMentored[] = "http://id.tincanapi.com/verb/mentored";
inline constexpr char kCourseA1[] = "https://example.org/course/a/1";
inline constexpr char kCourseA2[] = "https://example.org/course/a/2";
inline constexpr char kCourseA3[] = "https://example.org/course/a/3";
inline constexpr char kCourseB2[] = "https://example.org/course/b/2";
inline constexpr char kOtherX[] = "https://example.org/other/x";
inline constexpr char kNotes1[] = "https://example.org/notes/1";
inline constexpr char kCoursePrefixA[] = "https://example.org/course/a/";
inline constexpr char kR1[] = "6f1c7a52-93d4-4e8b-a1f0-2b3c4d5e6f70";
inline constexpr char kR2[] = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
inline constexpr char kLmsHome[] = "https://lms.example.org";
// Attachment content of statement a3 (and the secret nobody else may get).
inline constexpr char kA3Attachment[] = "ada's certificate: fire safety, grade A+, 2025";
// Definition descriptions that must only reach those who see the statement.
inline constexpr char kDescA1[] = "ada's course a1 notes";
inline constexpr char kDescA2[] = "ada private a2";
inline constexpr char kDescB1[] = "bob's course a1 notes";
inline constexpr char kDescSnoop[] = "snoop's note";

struct World {
  Org lms;        // statements/write statements/read state profile
  Org analytics;  // statements/read state profile; granted by the tests
  Org snoop;      // statements/write statements/read state profile; never granted
  Learner ada;    // identities: mbox ada@example.com and account lms/ada-7
  Learner bob;    // mbox bob@example.com
  Learner cy;     // mbox cy@example.com
  json::object ada_mbox, ada_account, bob_mbox, cy_mbox, zed_mbox;
  // Statement name -> id. Names: a1..a6, v1 (voids a5), ref1 (A's
  // StatementRef to b1), snoopA (written by Snoop about ada), b1..b3 (b3:
  // bob mentored ada), c1, z1 (unclaimed zed), g1 (identified group with
  // member ada), g2 (anonymous group ada+bob).
  std::map<std::string, std::string> id;
  // Non-voided ids per partition group.
  IdSet Ids(std::initializer_list<const char*> names) const;
  IdSet AdaAll() const;     // a1 a2 a3 a4 v1 ref1 snoopA a6
  IdSet BobAll() const;     // b1 b2 b3
  IdSet Everything() const; // every non-voided statement
  IdSet LmsWrote() const;   // Everything minus snoopA and a6
  std::string Name(const std::string& statement_id) const;  // for messages
  std::string Names(const IdSet& ids) const;
};

// Creates the organisations, learners and statements (in the order listed
// in consent_leak_hunt_test.cpp). ~8 credentials: about 2 s.
World BuildWorld(const LrsProcess& lrs);

// A test with its own lrsd holding BuildWorld's world.
class WorldTest : public LrsTest {
 protected:
  void SetUp() override {
    LrsTest::SetUp();
    if (HasFatalFailure()) return;
    w_ = BuildWorld(lrs_);
    ASSERT_FALSE(HasFailure()) << "building the world failed";
  }
  World w_;
};

// What one principal must see. Everything else must be indistinguishable
// from nothing on every read path.
struct Expect {
  std::string label;
  IdSet visible;                 // non-voided statements
  bool sees_voided_a5 = false;   // GET ?voidedStatementId=a5 answers 200
  // GET /xapi/agents shows Ada's whole Person (both identities); nullopt:
  // the contract leaves it open, not checked.
  std::optional<bool> sees_ada_person = false;
  bool is_operator = false;      // Activities: the merged definition
};

// Checks a filtered answer `got` for a principal that sees `visible` (and
// the StatementRef targets in `sees_targets`). `op` is the operator's
// answer; `via_ref` (referrer id -> target id) names the statements the
// operator got only through their StatementRef target. The answer must be
// exactly op-minus-via_ref within `visible`, plus possibly referrers whose
// target the principal sees: xAPI matches through targets, docs/STORAGE.md
// ("Scopes") says scoped queries match own terms only, so that part is left
// open. A referrer whose target the principal cannot see must never match:
// that would reveal the target's properties.
::testing::AssertionResult FilterAnswer(const World& w, const IdSet& got, const IdSet& op,
                                        const std::map<std::string, std::string>& via_ref,
                                        const IdSet& visible, const IdSet& sees_targets);

class WorldChecker {
 public:
  // Records the operator's answers to the filter queries: a principal's
  // filtered answer must be exactly its visible set intersected with them.
  WorldChecker(const LrsProcess& lrs, const World& world);

  // Every read path for `who`: queries (all pages, both orders, filters),
  // GET and HEAD by statementId and voidedStatementId for every stored id,
  // attachments by id and by query, Agents and Activities.
  void CheckView(const Cred& who, const Expect& e) const;
  // The cheap subset: the whole query and GET by id.
  void CheckQueryAndIds(const Cred& who, const Expect& e) const;
  // The operator's ids for a query (all pages).
  IdSet OperatorIds(const std::string& target) const;

 private:
  void CheckIds(const Cred& who, const Expect& e) const;
  void CheckAttachments(const Cred& who, const Expect& e) const;
  void CheckAgentsAndActivities(const Cred& who, const Expect& e) const;
  // Ids of statements that statements in `visible` reference by
  // StatementRef (they may appear as ids inside visible statements).
  IdSet Referenced(const IdSet& visible) const;

  const LrsProcess& lrs_;
  const World& w_;
  std::map<std::string, IdSet> filtered_;  // filter query -> operator's ids
  // filter query -> statements the operator gets only through their
  // StatementRef target: scoped (non-operator) queries match a statement's
  // own terms only (docs/STORAGE.md, "Scopes").
  std::map<std::string, std::map<std::string, std::string>> via_ref_;
};

}  // namespace lrs_it::consent
