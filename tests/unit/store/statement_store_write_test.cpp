// Tests for RocksStatementStore writes: concurrent Insert (group commit),
// reopening a data directory, and attachment contents.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "lrs/store/keys.h"
#include "lrs/store/statement_store.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

using test_util::kAda;
using test_util::kAttempted;
using test_util::kBob;
using test_util::kCompleted;
using test_util::kCourse;
using test_util::kLesson;
using test_util::MakeStatement;
namespace json = boost::json;

class StatementStoreWriteTest : public test_util::StoreFixture {};

TEST_F(StatementStoreWriteTest, ConcurrentInsertsAllLandWithUniqueIncreasingSeqs) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Uuid id = RandomUuidV4();
        json::object s = MakeStatement(id, t % 2 ? kAda : kBob, kAttempted,
                                       "http://example.org/activities/t" + std::to_string(t));
        auto r = store_->Insert({test_util::ToNew(s)}, {});
        if (!r.ok() || r->ids.size() != 1 || r->ids[0] != FormatUuid(id)) {
          ++failures[t];
          continue;
        }
        // Visible as soon as Insert returns.
        auto got = store_->Get(id, false);
        if (!got.ok()) {
          ++failures[t];
          continue;
        }
        ids[t].push_back(FormatUuid(id));
        seqs[t].push_back(got->seq);
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<uint64_t> all_seqs;
  std::set<std::string> all_ids;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    ASSERT_EQ(seqs[t].size(), static_cast<size_t>(kPerThread));
    // One thread's inserts are sequential, so their seqs increase.
    for (size_t i = 1; i < seqs[t].size(); ++i) {
      EXPECT_GT(seqs[t][i], seqs[t][i - 1]) << "thread " << t << " insert " << i;
    }
    all_seqs.insert(seqs[t].begin(), seqs[t].end());
    all_ids.insert(ids[t].begin(), ids[t].end());
  }
  EXPECT_EQ(all_seqs.size(), static_cast<size_t>(kThreads * kPerThread)) << "seqs must be unique";
  EXPECT_EQ(all_ids.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(store_->ConsistentThroughSeq(), *all_seqs.rbegin());

  // Query sees every statement exactly once, in strictly increasing seq order.
  StatementQuery q;
  q.ascending = true;
  auto stored = QueryAll(q);
  ASSERT_EQ(stored.size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<std::string> queried;
  for (size_t i = 0; i < stored.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(stored[i].seq, stored[i - 1].seq);
    }
    EXPECT_EQ(all_seqs.count(stored[i].seq), 1u);
    queried.insert(IdOf(stored[i]));
  }
  EXPECT_EQ(queried, all_ids);

  // And each thread's activity term indexes exactly its statements.
  for (int t = 0; t < kThreads; ++t) {
    auto by_activity = QueryIds(
        {{xapi::TermKind::kActivity, "http://example.org/activities/t" + std::to_string(t)}});
    EXPECT_EQ(by_activity, ids[t]) << "thread " << t;
  }
}

TEST_F(StatementStoreWriteTest, ConcurrentIdenticalRepeatsAreIdempotent) {
  // Several threads send the same statement, each with a statement of its own.
  Uuid shared = RandomUuidV4();
  json::object s = MakeStatement(shared, kAda, kAttempted, kCourse);
  constexpr int kThreads = 8;
  std::vector<Status> results(kThreads);
  std::vector<Uuid> extra(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    extra[t] = RandomUuidV4();
    threads.emplace_back([&, t] {
      auto r = store_->Insert({test_util::ToNew(MakeStatement(extra[t], kBob, kCompleted, kLesson)),
                               test_util::ToNew(s)},
                              {});
      results[t] = r.status();
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(results[t].ok()) << results[t].message();
    EXPECT_TRUE(store_->Get(extra[t], false).ok());
  }
  auto all = QueryIds({{xapi::TermKind::kActivity, std::string(kCourse)}});
  EXPECT_EQ(all, std::vector<std::string>{FormatUuid(shared)});
}

TEST_F(StatementStoreWriteTest, ConcurrentConflictingVersionsOnlyOneWins) {
  // Every thread sends the same id with other content: exactly one is stored,
  // whichever write group the others land in.
  Uuid shared = RandomUuidV4();
  constexpr int kThreads = 8;
  std::vector<Status> results(kThreads);
  std::vector<Uuid> extra(kThreads);
  std::vector<std::thread> threads;
  auto verb = [](int t) { return "http://example.org/verbs/v" + std::to_string(t); };
  for (int t = 0; t < kThreads; ++t) {
    extra[t] = RandomUuidV4();
    threads.emplace_back([&, t] {
      auto r = store_->Insert({test_util::ToNew(MakeStatement(extra[t], kBob, kCompleted, kLesson)),
                               test_util::ToNew(MakeStatement(shared, kAda, verb(t), kCourse))},
                              {});
      results[t] = r.status();
    });
  }
  for (auto& th : threads) th.join();
  int winner = -1;
  for (int t = 0; t < kThreads; ++t) {
    if (results[t].ok()) {
      EXPECT_EQ(winner, -1) << "two different statements stored under one id";
      winner = t;
      EXPECT_TRUE(store_->Get(extra[t], false).ok());
    } else {
      EXPECT_TRUE(results[t].Is(Status::Code::kConflict)) << results[t].message();
      // Nothing of a failed call is stored.
      EXPECT_TRUE(store_->Get(extra[t], false).status().Is(Status::Code::kNotFound));
    }
  }
  ASSERT_NE(winner, -1);
  auto got = store_->Get(shared, false);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::parse(got->json).at("verb").at("id").as_string(), verb(winner));
  EXPECT_EQ(QueryIds({{xapi::TermKind::kActivity, std::string(kCourse)}}),
            std::vector<std::string>{FormatUuid(shared)});
}

TEST_F(StatementStoreWriteTest, ReopenKeepsPartitionNumbering) {
  InsertOne(MakeStatement(RandomUuidV4(), kAda, kAttempted, kCourse));
  Reopen();
  InsertOne(MakeStatement(RandomUuidV4(), kBob, kAttempted, kCourse));
  auto ada = db_->Get(keys::Partition("mbox:mailto:ada@example.org"));
  auto bob = db_->Get(keys::Partition("mbox:mailto:bob@example.org"));
  ASSERT_TRUE(ada.ok() && ada->has_value());
  ASSERT_TRUE(bob.ok() && bob->has_value());
  EXPECT_NE(GetBigEndian64(**ada), GetBigEndian64(**bob))
      << "two learners must not share a partition after a restart";
}

TEST_F(StatementStoreWriteTest, ReopenRestoresLastSeq) {
  std::vector<Uuid> ids;
  uint64_t last = 0;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(RandomUuidV4());
    last = InsertOne(MakeStatement(ids.back(), kAda, kAttempted, kCourse));
  }
  // A large batch runs the sequence ahead of the clock (one seq per statement).
  std::vector<json::object> batch;
  for (int i = 0; i < 3000; ++i)
    batch.push_back(MakeStatement(RandomUuidV4(), kBob, kCompleted, kLesson));
  auto r = Insert(batch);
  ASSERT_TRUE(r.ok()) << r.status().message();
  last = store_->ConsistentThroughSeq();
  ASSERT_GT(last, 0u);

  Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->ConsistentThroughSeq(), last);
  for (const auto& id : ids) EXPECT_TRUE(store_->Get(id, false).ok());

  uint64_t next = InsertOne(MakeStatement(RandomUuidV4(), kAda, kCompleted, kCourse));
  EXPECT_GT(next, last);
  EXPECT_EQ(store_->ConsistentThroughSeq(), next);

  StatementQuery q;
  auto everything = QueryAll(q);
  EXPECT_EQ(everything.size(), 3u + 3000u + 1u);
  EXPECT_EQ(everything.front().seq, next);  // descending: the newest first
}

TEST_F(StatementStoreWriteTest, ReopenKeepsVoidingAndConflicts) {
  Uuid target = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kAttempted, kCourse));
  Uuid voider = RandomUuidV4();
  InsertOne(test_util::MakeVoiding(voider, target));
  Uuid pending_target = RandomUuidV4();
  InsertOne(test_util::MakeVoiding(RandomUuidV4(), pending_target));

  Reopen();
  EXPECT_TRUE(store_->Get(target, true).ok());
  EXPECT_TRUE(store_->Get(target, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(Insert({MakeStatement(target, kAda, kCompleted, kCourse)})
                  .status()
                  .Is(Status::Code::kConflict));
  // A void recorded before the restart still applies to a late target.
  ASSERT_TRUE(Insert({MakeStatement(pending_target, kBob, kAttempted, kLesson)}).ok());
  EXPECT_TRUE(store_->Get(pending_target, true).ok());
  EXPECT_TRUE(store_->Get(pending_target, false).status().Is(Status::Code::kNotFound));
}

TEST_F(StatementStoreWriteTest, AttachmentsRoundTrip) {
  std::string text = "hello, attachment";
  std::string binary("\x00\x01\xff\xfe binary", 12);
  std::string text_sha = Sha256Hex(text);
  std::string binary_sha = Sha256Hex(binary);
  json::object s = MakeStatement(RandomUuidV4(), kAda, kAttempted, kCourse);
  s["attachments"] = json::array{json::object{{"usageType", "http://example.org/usage"},
                                              {"display", json::object{{"en-US", "text"}}},
                                              {"contentType", "text/plain"},
                                              {"length", text.size()},
                                              {"sha2", text_sha}},
                                 json::object{{"usageType", "http://example.org/usage"},
                                              {"display", json::object{{"en-US", "binary"}}},
                                              {"contentType", "application/octet-stream"},
                                              {"length", binary.size()},
                                              {"sha2", binary_sha}}};
  auto r = Insert({s}, {AttachmentContent{text_sha, text}, AttachmentContent{binary_sha, binary}});
  ASSERT_TRUE(r.ok()) << r.status().message();

  uint64_t part = store_->Get(ParseUuid(std::string(s.at("id").as_string())).value(), false)->part;
  auto got = store_->GetAttachment(part, text_sha);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, text);
  got = store_->GetAttachment(part, binary_sha);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, binary);
  // Kept per partition: another partition does not have it.
  EXPECT_TRUE(store_->GetAttachment(part + 1, text_sha).status().Is(Status::Code::kNotFound));

  Reopen();
  got = store_->GetAttachment(part, binary_sha);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, binary);
}

TEST_F(StatementStoreWriteTest, UnknownOrMalformedAttachmentIsNotFound) {
  EXPECT_TRUE(
      store_->GetAttachment(1, Sha256Hex("never stored")).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(store_->GetAttachment(1, "not hex").status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(store_->GetAttachment(1, "abcd").status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(store_->GetAttachment(1, "").status().Is(Status::Code::kNotFound));
}

TEST_F(StatementStoreWriteTest, BadAttachmentHashRejectsTheWholeCall) {
  Uuid id = RandomUuidV4();
  auto r = Insert({MakeStatement(id, kAda, kAttempted, kCourse)},
                  {AttachmentContent{"not-a-sha", "bytes"}});
  EXPECT_TRUE(r.status().Is(Status::Code::kInvalidArgument)) << r.status().message();
  EXPECT_TRUE(store_->Get(id, false).status().Is(Status::Code::kNotFound));
  EXPECT_EQ(store_->ConsistentThroughSeq(), 0u);
}

TEST_F(StatementStoreWriteTest, AttachmentSentWithRepeatedStatementIsStored) {
  // Re-sending a statement together with its attachment keeps the content.
  std::string content = "resent";
  json::object s = MakeStatement(RandomUuidV4(), kAda, kAttempted, kCourse);
  s["attachments"] = json::array{json::object{{"usageType", "http://example.org/usage"},
                                              {"display", json::object{{"en-US", "resent"}}},
                                              {"contentType", "text/plain"},
                                              {"length", content.size()},
                                              {"sha2", Sha256Hex(content)}}};
  ASSERT_TRUE(Insert({s}).ok());
  ASSERT_TRUE(Insert({s}, {AttachmentContent{Sha256Hex(content), content}}).ok());
  uint64_t part = store_->Get(ParseUuid(std::string(s.at("id").as_string())).value(), false)->part;
  auto got = store_->GetAttachment(part, Sha256Hex(content));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, content);
}

}  // namespace
}  // namespace lrs::store
