// Write-side rules of docs/CONSENT.md that protect a record from other
// writers: who may void a statement, and who may re-send an existing id.
#include "tests/integration/consent_test_util.h"

namespace lrs_it::consent {
namespace {

constexpr char kCompleted[] = "http://adlnet.gov/expapi/verbs/completed";
constexpr char kFailed[] = "http://adlnet.gov/expapi/verbs/failed";
constexpr char kVoided[] = "http://adlnet.gov/expapi/verbs/voided";
constexpr char kCourse[] = "https://example.org/course/1";

class ConsentWriteRules : public LrsTest {
 protected:
  void SetUp() override {
    LrsTest::SetUp();
    if (HasFatalFailure()) return;
    lms_ = CreateOrg(lrs_, "LMS", {"statements/write", "statements/read"});
    other_ = CreateOrg(lrs_, "Other", {"statements/write", "statements/read"});
    ada_ = CreateLearner(lrs_, "Ada", {ada_mbox_});
    bob_ = CreateLearner(lrs_, "Bob", {bob_mbox_});
    ASSERT_FALSE(HasFailure());
  }

  json::object Voiding(const json::object& actor, const std::string& target) {
    return MakeStatement(actor, kVoided, StatementRefObject(target), "2026-01-02T00:00:00Z");
  }
  int GetStatus(const Cred& who, const std::string& id) {
    return GetAs(lrs_, who, "/xapi/statements?statementId=" + id).status;
  }

  json::object ada_mbox_ = MboxAgent("ada@example.com");
  json::object bob_mbox_ = MboxAgent("bob@example.com");
  Org lms_, other_;
  Learner ada_, bob_;
};

TEST_F(ConsentWriteRules, OnlyTheOwnerTheWriterOrTheOperatorVoids) {
  json::object s = MakeStatement(ada_mbox_, kCompleted, ActivityObject(kCourse), "2026-01-01T00:00:00Z");
  std::string id = PostAs(lrs_, lms_.cred, s);
  // Another learner and another organisation: their voiding statements are
  // stored as plain references and void nothing.
  PostAs(lrs_, bob_.cred, Voiding(bob_mbox_, id));
  PostAs(lrs_, other_.cred, Voiding(MboxAgent("someone@example.com"), id));
  EXPECT_EQ(GetStatus(ada_.cred, id), 200);
  EXPECT_EQ(GetStatus(AdminCred(), id), 200);
  // The writing organisation may void it.
  PostAs(lrs_, lms_.cred, Voiding(MboxAgent("teacher@example.com"), id));
  EXPECT_EQ(GetStatus(ada_.cred, id), 404);
  EXPECT_EQ(GetAs(lrs_, ada_.cred, "/xapi/statements?voidedStatementId=" + id).status, 200);

  // The owner may void what was written about her.
  std::string second = PostAs(lrs_, lms_.cred, MakeStatement(ada_mbox_, kFailed, ActivityObject(kCourse),
                                                             "2026-01-01T00:00:00Z"));
  PostAs(lrs_, ada_.cred, Voiding(ada_mbox_, second));
  EXPECT_EQ(GetStatus(lms_.cred, second), 404);
}

TEST_F(ConsentWriteRules, AVoidingStatementSentBeforeItsTargetObeysTheSameRule) {
  json::object target = MakeStatement(ada_mbox_, kCompleted, ActivityObject(kCourse), "2026-01-01T00:00:00Z");
  std::string id(target.at("id").as_string());
  PostAs(lrs_, bob_.cred, Voiding(bob_mbox_, id));  // Bob cannot void Ada's, even pre-emptively
  PostAs(lrs_, lms_.cred, target);
  EXPECT_EQ(GetStatus(ada_.cred, id), 200);
  json::object later = MakeStatement(ada_mbox_, kFailed, ActivityObject(kCourse), "2026-01-01T00:00:00Z");
  std::string later_id(later.at("id").as_string());
  PostAs(lrs_, lms_.cred, Voiding(MboxAgent("teacher@example.com"), later_id));  // the future writer
  PostAs(lrs_, lms_.cred, later);
  EXPECT_EQ(GetStatus(ada_.cred, later_id), 404);
}

TEST_F(ConsentWriteRules, ReSendingAnotherWritersIdIsAConflictWhateverTheContent) {
  json::object s = MakeStatement(ada_mbox_, kFailed, ActivityObject(kCourse), "2026-01-01T00:00:00Z");
  std::string id = PostAs(lrs_, lms_.cred, s);
  // The writer may re-send it (idempotent); anyone else gets 409 for the
  // exact content and for a guess alike, so nothing is learnt.
  EXPECT_EQ(Call(lrs_, lms_.cred, bhttp::verb::put, "/xapi/statements?statementId=" + id, json::serialize(s),
                 "application/json").status, 204);
  json::object guess = s;
  guess["verb"] = Verb(kCompleted);
  HttpResponse exact = Call(lrs_, other_.cred, bhttp::verb::put, "/xapi/statements?statementId=" + id,
                            json::serialize(s), "application/json");
  HttpResponse wrong = Call(lrs_, other_.cred, bhttp::verb::put, "/xapi/statements?statementId=" + id,
                            json::serialize(guess), "application/json");
  EXPECT_EQ(exact.status, 409);
  EXPECT_EQ(wrong.status, 409);
  EXPECT_EQ(exact.body, wrong.body);
}

}  // namespace
}  // namespace lrs_it::consent
