// DocumentStore against a real RocksDB in a temporary directory: Get, the
// Update decision protocol (create, replace, delete, refuse), ETags, updated
// times, ListIds with since and its scoping, DeleteAll, and reopening. The
// atomicity of Update under concurrent writers is in
// document_store_concurrency_test.cpp.
#include "lrs/store/document_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>

#include "lrs/base/clock.h"
#include "tests/common/digest.h"
#include "tests/unit/store/document_store_test_util.h"

namespace lrs::store {
namespace {

namespace json = boost::json;
using test_util::DocumentStoreTest;

TEST_F(DocumentStoreTest, GetOfMissingDocumentIsNotFound) {
  // Unknown partition.
  auto none = docs_->Get(State(Ada(), kCourse), "bookmark");
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.status().Is(Status::Code::kNotFound)) << none.status().message();

  // Known partition and activity, other id.
  Put(State(Ada(), kCourse), "bookmark", "{}");
  auto other = docs_->Get(State(Ada(), kCourse), "suspend_data");
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(other.status().Is(Status::Code::kNotFound)) << other.status().message();

  auto profile = docs_->Get(ActivityProfile(kCourse), "bookmark");
  EXPECT_TRUE(profile.status().Is(Status::Code::kNotFound));
}

TEST_F(DocumentStoreTest, UpdateCreatesDocumentWithEtagAndUpdated) {
  bool saw_current = true;
  Micros before = NowMicros();
  Status s = docs_->Update(State(Ada(), kCourse), "bookmark", [&](const auto& current) {
    saw_current = current.has_value();
    // Whatever the decision puts in etag and updated is replaced by the store.
    return Result<std::optional<Document>>(
        std::optional<Document>(Document{"text/plain; charset=utf-8", "abc", "bogus", 42, ""}));
  });
  Micros after = NowMicros();
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_FALSE(saw_current) << "a new document's decision must receive nullopt";

  auto d = docs_->Get(State(Ada(), kCourse), "bookmark");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(d->body, "abc");
  EXPECT_EQ(d->etag, "a9993e364706816aba3e25717850c26c9cd0d89d");  // SHA-1("abc")
  EXPECT_GE(d->updated, before);
  EXPECT_LE(d->updated, after);
}

TEST_F(DocumentStoreTest, EtagIsSha1HexOfBinaryBody) {
  std::string body("\x00\x01\xff\xfe binary\r\n", 13);
  Put(AgentProfile(Ada()), "avatar", body, "application/octet-stream");
  auto d = docs_->Get(AgentProfile(Ada()), "avatar");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->body, body);
  EXPECT_EQ(d->etag, lrs_test::Sha1Hex(body));
  EXPECT_EQ(d->etag.size(), 40u);
  EXPECT_EQ(d->etag.find_first_not_of("0123456789abcdef"), std::string::npos) << d->etag;
  EXPECT_EQ(d->content_type, "application/octet-stream");

  // An empty document has the SHA-1 of nothing.
  Put(AgentProfile(Ada()), "empty", "", "text/plain");
  auto e = docs_->Get(AgentProfile(Ada()), "empty");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->body, "");
  EXPECT_EQ(e->etag, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST_F(DocumentStoreTest, UpdateReplacesAndSeesTheCurrentDocument) {
  Put(State(Ada(), kCourse), "bookmark", R"({"page":1})");
  auto first = docs_->Get(State(Ada(), kCourse), "bookmark");
  ASSERT_TRUE(first.ok());
  WaitForClockPast(first->updated);

  std::optional<Document> seen;
  Status s = docs_->Update(State(Ada(), kCourse), "bookmark", [&](const auto& current) {
    seen = current;
    return Result<std::optional<Document>>(
        std::optional<Document>(Document{"text/plain", "page 2", "", 0, ""}));
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->body, R"({"page":1})");
  EXPECT_EQ(seen->content_type, "application/json");
  EXPECT_EQ(seen->etag, lrs_test::Sha1Hex(R"({"page":1})"));
  EXPECT_EQ(seen->updated, first->updated);

  auto second = docs_->Get(State(Ada(), kCourse), "bookmark");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->body, "page 2");
  EXPECT_EQ(second->content_type, "text/plain");
  EXPECT_EQ(second->etag, lrs_test::Sha1Hex("page 2"));
  EXPECT_GT(second->updated, first->updated);
  EXPECT_EQ(Ids(State(Ada(), kCourse)), IdList{"bookmark"});
}

TEST_F(DocumentStoreTest, UpdateReturningNulloptDeletes) {
  Put(State(Ada(), kCourse), "bookmark", "{}");
  Put(State(Ada(), kCourse), "suspend_data", "{}");
  ASSERT_TRUE(Delete(State(Ada(), kCourse), "bookmark").ok());
  EXPECT_EQ(BodyOf(State(Ada(), kCourse), "bookmark"), "<missing>");
  EXPECT_EQ(BodyOf(State(Ada(), kCourse), "suspend_data"), "{}");
  EXPECT_EQ(Ids(State(Ada(), kCourse)), IdList{"suspend_data"});

  // Deleting what is not there succeeds and changes nothing.
  EXPECT_TRUE(Delete(State(Ada(), kCourse), "bookmark").ok());
  EXPECT_TRUE(Delete(State(Bob(), kLesson), "never").ok());
  EXPECT_EQ(Ids(State(Ada(), kCourse)), IdList{"suspend_data"});
}

TEST_F(DocumentStoreTest, DecisionErrorChangesNothing) {
  Put(ActivityProfile(kCourse), "config", R"({"a":1})");
  auto before = docs_->Get(ActivityProfile(kCourse), "config");
  ASSERT_TRUE(before.ok());

  // A refused replacement.
  Status s = docs_->Update(ActivityProfile(kCourse), "config", [](const auto&) {
    return Result<std::optional<Document>>(Status::PreconditionFailed("If-Match failed"));
  });
  EXPECT_TRUE(s.Is(Status::Code::kPreconditionFailed)) << s.message();
  EXPECT_EQ(s.message(), "If-Match failed");
  // A refused delete.
  s = docs_->Update(ActivityProfile(kCourse), "config", [](const auto&) {
    return Result<std::optional<Document>>(Status::Conflict("no"));
  });
  EXPECT_TRUE(s.Is(Status::Code::kConflict)) << s.message();

  auto after = docs_->Get(ActivityProfile(kCourse), "config");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->body, before->body);
  EXPECT_EQ(after->etag, before->etag);
  EXPECT_EQ(after->updated, before->updated);
  EXPECT_EQ(after->content_type, before->content_type);

  // A refused creation leaves no document and no id behind.
  s = docs_->Update(State(Bob(), kLesson, kRegA), "new", [](const auto&) {
    return Result<std::optional<Document>>(Status::InvalidArgument("not JSON"));
  });
  EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << s.message();
  EXPECT_EQ(BodyOf(State(Bob(), kLesson, kRegA), "new"), "<missing>");
  EXPECT_TRUE(Ids(State(Bob(), kLesson, kRegA)).empty());
}

TEST_F(DocumentStoreTest, ListIdsSinceIsExclusiveAndOnlyLaterOnes) {
  DocumentScope scope = AgentProfile(Ada());
  Put(scope, "one", "1");
  auto one = docs_->Get(scope, "one");
  ASSERT_TRUE(one.ok());
  WaitForClockPast(one->updated);
  Put(scope, "two", "2");
  auto two = docs_->Get(scope, "two");
  ASSERT_TRUE(two.ok());
  ASSERT_GT(two->updated, one->updated);

  EXPECT_EQ(Ids(scope), (IdList{"one", "two"}));
  EXPECT_EQ(Ids(scope, one->updated - 1), (IdList{"one", "two"}));
  EXPECT_EQ(Ids(scope, one->updated), IdList{"two"});  // exclusive
  EXPECT_EQ(Ids(scope, two->updated - 1), IdList{"two"});
  EXPECT_TRUE(Ids(scope, two->updated).empty());

  // Changing "one" makes it later than "two".
  WaitForClockPast(two->updated);
  Put(scope, "one", "1b");
  EXPECT_EQ(Ids(scope, two->updated), IdList{"one"});
  EXPECT_EQ(Ids(scope, one->updated), (IdList{"one", "two"}));
}

TEST_F(DocumentStoreTest, ListIdsIsScopedByKindPartitionAndActivity) {
  Put(State(Ada(), kCourse), "s-ada-course", "{}");
  Put(State(Ada(), kLesson), "s-ada-lesson", "{}");
  Put(State(Bob(), kCourse), "s-bob-course", "{}");
  Put(ActivityProfile(kCourse), "ap-course", "{}");
  Put(ActivityProfile(kLesson), "ap-lesson", "{}");
  Put(AgentProfile(Ada()), "p-ada", "{}");
  Put(AgentProfile(Bob()), "p-bob", "{}");
  // The same id in every kind: each kind has its own namespace.
  Put(State(Ada(), kCourse), "same", "state");
  Put(ActivityProfile(kCourse), "same", "activity profile");
  Put(AgentProfile(Ada()), "same", "agent profile");

  EXPECT_EQ(Ids(State(Ada(), kCourse)), (IdList{"s-ada-course", "same"}));
  EXPECT_EQ(Ids(State(Ada(), kLesson)), IdList{"s-ada-lesson"});
  EXPECT_EQ(Ids(State(Bob(), kCourse)), IdList{"s-bob-course"});
  EXPECT_TRUE(Ids(State(Bob(), kLesson)).empty());
  EXPECT_EQ(Ids(ActivityProfile(kCourse)), (IdList{"ap-course", "same"}));
  EXPECT_EQ(Ids(ActivityProfile(kLesson)), IdList{"ap-lesson"});
  EXPECT_EQ(Ids(AgentProfile(Ada())), (IdList{"p-ada", "same"}));
  EXPECT_EQ(Ids(AgentProfile(Bob())), IdList{"p-bob"});

  EXPECT_EQ(BodyOf(State(Ada(), kCourse), "same"), "state");
  EXPECT_EQ(BodyOf(ActivityProfile(kCourse), "same"), "activity profile");
  EXPECT_EQ(BodyOf(AgentProfile(Ada()), "same"), "agent profile");
  EXPECT_EQ(BodyOf(State(Bob(), kCourse), "same"), "<missing>");
  EXPECT_EQ(BodyOf(AgentProfile(Bob()), "same"), "<missing>");
}

TEST_F(DocumentStoreTest, StateRegistrationIsPartOfTheScope) {
  Put(State(Ada(), kCourse), "plain", "no registration");
  Put(State(Ada(), kCourse, kRegA), "in-a", "registration A");
  Put(State(Ada(), kCourse, kRegB), "in-b", "registration B");
  Put(State(Ada(), kCourse, kRegA), "shared", "A's");
  Put(State(Ada(), kCourse), "shared", "plain's");

  EXPECT_EQ(Ids(State(Ada(), kCourse)), (IdList{"plain", "shared"}));
  EXPECT_EQ(Ids(State(Ada(), kCourse, kRegA)), (IdList{"in-a", "shared"}));
  EXPECT_EQ(Ids(State(Ada(), kCourse, kRegB)), IdList{"in-b"});

  EXPECT_EQ(BodyOf(State(Ada(), kCourse), "in-a"), "<missing>");
  EXPECT_EQ(BodyOf(State(Ada(), kCourse, kRegA), "plain"), "<missing>");
  EXPECT_EQ(BodyOf(State(Ada(), kCourse, kRegB), "in-a"), "<missing>");
  EXPECT_EQ(BodyOf(State(Ada(), kCourse, kRegA), "shared"), "A's");
  EXPECT_EQ(BodyOf(State(Ada(), kCourse), "shared"), "plain's");
}

TEST_F(DocumentStoreTest, DeleteAllRemovesOnlyItsScope) {
  Put(State(Ada(), kCourse), "a", "{}");
  Put(State(Ada(), kCourse), "b", "{}");
  Put(State(Ada(), kCourse, kRegA), "r", "{}");
  Put(State(Ada(), kLesson), "l", "{}");
  Put(State(Bob(), kCourse), "bob", "{}");
  Put(ActivityProfile(kCourse), "ap", "{}");
  Put(AgentProfile(Ada()), "p", "{}");

  ASSERT_TRUE(docs_->DeleteAll(State(Ada(), kCourse)).ok());
  EXPECT_TRUE(Ids(State(Ada(), kCourse)).empty());
  EXPECT_EQ(BodyOf(State(Ada(), kCourse), "a"), "<missing>");
  EXPECT_EQ(Ids(State(Ada(), kCourse, kRegA)), IdList{"r"});
  EXPECT_EQ(Ids(State(Ada(), kLesson)), IdList{"l"});
  EXPECT_EQ(Ids(State(Bob(), kCourse)), IdList{"bob"});
  EXPECT_EQ(Ids(ActivityProfile(kCourse)), IdList{"ap"});
  EXPECT_EQ(Ids(AgentProfile(Ada())), IdList{"p"});

  ASSERT_TRUE(docs_->DeleteAll(State(Ada(), kCourse, kRegA)).ok());
  EXPECT_TRUE(Ids(State(Ada(), kCourse, kRegA)).empty());
  EXPECT_EQ(Ids(State(Ada(), kLesson)), IdList{"l"});

  // Empty scopes and unknown partitions are fine.
  EXPECT_TRUE(docs_->DeleteAll(State(Ada(), kCourse)).ok());
  EXPECT_TRUE(
      docs_->DeleteAll(State(PartitionOf(R"({"openid":"http://nobody.example"})"), kCourse)).ok());
  EXPECT_EQ(Ids(State(Bob(), kCourse)), IdList{"bob"});

  // The scope is usable again afterwards.
  Put(State(Ada(), kCourse), "again", "{}");
  EXPECT_EQ(Ids(State(Ada(), kCourse)), IdList{"again"});
}

TEST_F(DocumentStoreTest, ActivityProfileIsSharedAndBelongsToNoAgent) {
  Put(ActivityProfile(kCourse), "config", R"({"passing":0.8})");
  // Whoever asks sees the one document: its scope names no agent.
  EXPECT_EQ(BodyOf(ActivityProfile(kCourse), "config"), R"({"passing":0.8})");
  EXPECT_EQ(Ids(ActivityProfile(kCourse)), IdList{"config"});
  // It is in no agent's documents.
  EXPECT_TRUE(Ids(AgentProfile(Ada())).empty());
  EXPECT_TRUE(Ids(State(Ada(), kCourse)).empty());
  EXPECT_EQ(BodyOf(State(Ada(), kCourse), "config"), "<missing>");
  // A State delete-all for an agent does not touch it.
  ASSERT_TRUE(docs_->DeleteAll(State(Ada(), kCourse)).ok());
  EXPECT_EQ(Ids(ActivityProfile(kCourse)), IdList{"config"});
}

TEST_F(DocumentStoreTest, DocumentsSurviveReopen) {
  Put(State(Ada(), kCourse, kRegA), "bookmark", R"({"page":7})");
  Put(ActivityProfile(kCourse), "config", "x", "text/plain");
  auto before = docs_->Get(State(Ada(), kCourse, kRegA), "bookmark");
  ASSERT_TRUE(before.ok());
  Close();
  Open();
  auto after = docs_->Get(State(Ada(), kCourse, kRegA), "bookmark");
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(after->body, R"({"page":7})");
  EXPECT_EQ(after->updated, before->updated);
  EXPECT_EQ(after->etag, before->etag);
  EXPECT_EQ(after->content_type, "application/json");
  EXPECT_EQ(BodyOf(ActivityProfile(kCourse), "config"), "x");
}

}  // namespace
}  // namespace lrs::store

namespace lrs::store {
namespace {

// Exports need a document's scope in clear (keys hold only its hashes).
using test_util::DocumentStoreTest;

TEST_F(DocumentStoreTest, ExportPartitionNamesEveryDocumentsScope) {
  Put(State(Ada(), "https://example.org/a1", "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"), "bookmark", R"({"p":1})");
  Put(State(Ada(), "https://example.org/a2"), "progress", "42", "text/plain");
  Put(AgentProfile(Ada()), "prefs", R"({"lang":"en"})");
  Put(State(Bob(), "https://example.org/a1"), "bookmark", R"({"p":9})");
  Put(ActivityProfile("https://example.org/a1"), "shared", "{}");
  auto part = partitions_->Find(Ada());
  ASSERT_TRUE(part.ok() && part->has_value());
  std::vector<std::string> seen;
  Status s = docs_->ExportPartition(**part, [&](const ExportedDocument& e) {
    seen.push_back(std::string(1, static_cast<char>(e.scope.kind)) + "|" + e.scope.activity_id + "|" +
                   e.scope.registration.value_or("-") + "|" + e.id + "|" + e.document.content_type + "|" +
                   e.document.body);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "p||-|prefs|application/json|{\"lang\":\"en\"}",
                      "s|https://example.org/a1|0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d|bookmark|application/json|{\"p\":1}",
                      "s|https://example.org/a2|-|progress|text/plain|42",
                  }));
}

}  // namespace
}  // namespace lrs::store
