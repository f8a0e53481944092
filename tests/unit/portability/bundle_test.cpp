// BundleWriter and ReadBundle against each other: what is written is read
// back as written, and any change to the bytes is refused with a reason.
#include "lrs/portability/bundle.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "lrs/base/encoding.h"

namespace lrs::portability {
namespace {

namespace json = boost::json;

constexpr char kAdaMbox[] = "mailto:ada@example.org";

std::string Statement(int n, const std::string& sha2 = "") {
  char id[40];
  std::snprintf(id, sizeof id, "%08x-93d4-4e8b-a1f0-2b3c4d5e6f70", n);
  json::object s{
      {"id", id},
      {"actor", json::object{{"objectType", "Agent"}, {"mbox", kAdaMbox}}},
      {"verb", json::object{{"id", "http://adlnet.gov/expapi/verbs/completed"}}},
      {"object", json::object{{"id", "https://example.org/course/" + std::to_string(n)}}},
      {"stored", "2025-01-01T00:00:0" + std::to_string(n % 10) + ".000Z"},
      {"timestamp", "2025-01-01T00:00:00.000Z"},
      {"authority", json::object{{"objectType", "Agent"},
                                 {"account", json::object{{"homePage", "urn:lrs:organisation"},
                                                          {"name", "lms"}}}}},
      {"version", "1.0.0"}};
  if (!sha2.empty()) {
    s["attachments"] = json::array{json::object{{"usageType", "https://example.org/certificate"},
                                                {"display", json::object{{"en-US", "certificate"}}},
                                                {"contentType", "text/plain"},
                                                {"length", 11},
                                                {"sha2", sha2}}};
  }
  return json::serialize(s);
}

struct Recorder : BundleVisitor {
  Status OnIdentities(const json::array& identities) override {
    this->identities = identities;
    return Status::Ok();
  }
  Status OnAttachment(const std::string& sha2, std::string content) override {
    attachments.emplace_back(sha2, std::move(content));
    return Status::Ok();
  }
  Status OnStatement(StatementLine line, uint64_t index) override {
    EXPECT_EQ(index, statements.size());
    statements.push_back(std::move(line));
    return Status::Ok();
  }
  Status OnDocument(DocumentEntry d) override {
    documents.push_back(std::move(d));
    return Status::Ok();
  }
  Status OnAuditEntry(json::object e) override {
    audit.push_back(std::move(e));
    return Status::Ok();
  }
  json::array identities;
  std::vector<std::pair<std::string, std::string>> attachments;
  std::vector<StatementLine> statements;
  std::vector<DocumentEntry> documents;
  std::vector<json::object> audit;
};

class BundleTest : public ::testing::Test {
 protected:
  // A small bundle with one of everything (statement count as asked).
  std::string Write(int statements = 3) {
    StringSink sink;
    BundleWriter w(&sink, key_.get(), 1700000000000000);
    EXPECT_TRUE(w.Begin(json::object{{"id", "learner-1"}, {"name", "Ada"}},
                        json::array{json::object{{"objectType", "Agent"}, {"mbox", kAdaMbox}}})
                    .ok());
    EXPECT_TRUE(w.AddAttachment(Sha256Hex("certificate"), "certificate").ok());
    for (int i = 0; i < statements; ++i) {
      std::optional<std::string> voided;
      if (i == 1) voided = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
      std::string prov =
          i == 2 ? R"([{"store":"elsewhere","stored":"2020-01-01T00:00:00.000Z"}])" : "";
      EXPECT_TRUE(
          w.AddStatement(Statement(i, i == 0 ? Sha256Hex("certificate") : ""), prov, voided).ok());
    }
    DocumentEntry d;
    d.agent = json::object{{"objectType", "Agent"}, {"mbox", kAdaMbox}};
    d.activity_id = "https://example.org/course/1";
    d.registration = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
    d.id = "bookmark";
    d.content_type = "application/json";
    d.updated = 1600000000000000;
    d.content = R"({"page":3})";
    EXPECT_TRUE(w.AddDocument(d).ok());
    EXPECT_TRUE(w.AddAuditEntry(json::object{{"kind", "statements"}, {"returned", 2}}).ok());
    EXPECT_TRUE(w.Finish().ok());
    return sink.data();
  }

  Result<VerifiedBundle> Read(const std::string& bytes, BundleVisitor* v = nullptr) {
    StringSource source(bytes);
    return ReadBundle(&source, v);
  }

  std::shared_ptr<const StoreKey> key_ = StoreKey::Generate();
};

TEST_F(BundleTest, ReadsBackWhatWasWritten) {
  std::string bytes = Write();
  Recorder r;
  auto v = Read(bytes, &r);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->signer.key_id, key_->KeyId());
  EXPECT_EQ(v->counts, (BundleCounts{3, 1, 1, 1, 1, 1}));
  EXPECT_EQ(v->learner.at("name").as_string(), "Ada");
  ASSERT_EQ(r.statements.size(), 3u);
  EXPECT_EQ(json::serialize(r.statements[0].statement), Statement(0, Sha256Hex("certificate")));
  EXPECT_EQ(r.statements[1].voided_by, "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d");
  ASSERT_EQ(r.statements[2].provenance.size(), 1u);
  EXPECT_EQ(r.statements[2].provenance[0].at("store").as_string(), "elsewhere");
  ASSERT_EQ(r.attachments.size(), 1u);
  EXPECT_EQ(r.attachments[0].second, "certificate");
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].content, R"({"page":3})");
  EXPECT_EQ(r.documents[0].registration, "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d");
  EXPECT_EQ(r.documents[0].updated, 1600000000000000);
  ASSERT_EQ(r.audit.size(), 1u);
  EXPECT_EQ(r.identities.size(), 1u);
}

TEST_F(BundleTest, SameRecordSameBytes) { EXPECT_EQ(Write(), Write()); }

TEST_F(BundleTest, LargeRecordsSplitIntoNumberedMembers) {
  // ~500-byte lines: 12,000 of them pass the 4 MiB chunk size once.
  std::string bytes = Write(12000);
  EXPECT_NE(bytes.find("data/statements/000002.jsonl"), std::string::npos);
  Recorder r;
  auto v = Read(bytes, &r);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(r.statements.size(), 12000u);
}

TEST_F(BundleTest, EveryFlippedByteIsRefused) {
  std::string bytes = Write();
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string tampered = bytes;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto v = Read(tampered);
    ASSERT_FALSE(v.ok()) << "flipping byte " << i << " of " << bytes.size() << " went unnoticed";
    EXPECT_EQ(v.status().message().rfind("bundle: ", 0), 0u) << v.status().message();
  }
}

TEST_F(BundleTest, EveryTruncationIsRefused) {
  std::string bytes = Write();
  for (size_t n = 0; n < bytes.size(); n += 97) {
    ASSERT_FALSE(Read(bytes.substr(0, n)).ok()) << "truncated to " << n;
  }
  ASSERT_FALSE(Read(bytes.substr(0, bytes.size() - 1)).ok());
}

// Hostile input: random bytes overwritten, inserted and deleted anywhere.
// Every mutant is refused with a reason; none crashes or hangs the reader.
TEST_F(BundleTest, RandomMutationsAreRefusedWithoutCrashing) {
  std::string bytes = Write();
  std::mt19937 rng(20261123);
  for (int round = 0; round < 3000; ++round) {
    std::string m = bytes;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = static_cast<char>(rng());
          break;
        case 1:
          m.insert(at, 1 + rng() % 600, static_cast<char>(rng()));
          break;
        default:
          m.erase(at, 1 + rng() % 600);
          break;
      }
    }
    if (m == bytes) continue;
    auto v = Read(m);
    ASSERT_FALSE(v.ok()) << "mutant " << round << " went unnoticed";
    EXPECT_EQ(v.status().message().rfind("bundle: ", 0), 0u) << v.status().message();
  }
}

TEST_F(BundleTest, AStatementWhoseAttachmentIsMissingIsRefused) {
  StringSink sink;
  BundleWriter w(&sink, key_.get(), 0);
  ASSERT_TRUE(w.Begin(json::object{{"id", "x"}, {"name", "y"}},
                      json::array{json::object{{"objectType", "Agent"}, {"mbox", kAdaMbox}}})
                  .ok());
  ASSERT_TRUE(w.AddStatement(Statement(0, Sha256Hex("never exported")), "", std::nullopt).ok());
  ASSERT_TRUE(w.Finish().ok());
  auto v = Read(sink.data());
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("statement.attachments[0]: its content is not in the bundle"),
            std::string::npos)
      << v.status().message();
}

// A 2.0.0 client may mark its statement 1.0.0 and still use 2.0.0
// properties; the store accepted it, so a bundle holding it must import.
TEST_F(BundleTest, AStatementMarked100WithA200PropertyIsReadButNotAnInvalidOne) {
  auto bundle_of = [&](const json::object& statement) {
    StringSink sink;
    BundleWriter w(&sink, key_.get(), 0);
    EXPECT_TRUE(w.Begin(json::object{{"id", "x"}, {"name", "y"}},
                        json::array{json::object{{"objectType", "Agent"}, {"mbox", kAdaMbox}}})
                    .ok());
    EXPECT_TRUE(w.AddStatement(json::serialize(statement), "", std::nullopt).ok());
    EXPECT_TRUE(w.Finish().ok());
    return sink.data();
  };
  json::object s = json::parse(Statement(0)).as_object();
  s["context"] = json::object{
      {"contextAgents",
       json::array{json::object{{"objectType", "contextAgent"},
                                {"agent", json::object{{"objectType", "Agent"},
                                                       {"mbox", "mailto:tutor@example.org"}}}}}}};
  Recorder r;
  auto v = Read(bundle_of(s), &r);
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(r.statements.size(), 1u);
  EXPECT_TRUE(r.statements[0].statement.at("context").as_object().contains("contextAgents"));

  // Not marked 1.0.x: checked at 1.0.3 only, and refused.
  json::object unmarked = s;
  unmarked.erase("version");
  v = Read(bundle_of(unmarked));
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("contextAgents"), std::string::npos) << v.status().message();
  EXPECT_EQ(v.status().message().find("at 2.0.0"), std::string::npos) << v.status().message();

  // Invalid at both versions: refused, with both reasons.
  s["context"].as_object()["contextAgents"] = "not a list";
  v = Read(bundle_of(s));
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("not an allowed property"), std::string::npos)
      << v.status().message();
  EXPECT_NE(v.status().message().find("at 2.0.0: statement.context.contextAgents"),
            std::string::npos)
      << v.status().message();
}

TEST_F(BundleTest, DataAfterTheArchiveIsRefused) {
  auto v = Read(Write() + std::string(512, '\0'));
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("after the end"), std::string::npos) << v.status().message();
}

TEST_F(BundleTest, ReasonsNameWhatFailed) {
  std::string bytes = Write();
  // Inside the first statement line: its member's hash no longer matches.
  std::string t = bytes;
  size_t at = t.find("course/0");
  t[at] = 'C';
  auto v = Read(t);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("data/statements/000001.jsonl"), std::string::npos)
      << v.status().message();
  // Inside manifest.json: the signature no longer verifies.
  t = bytes;
  at = t.find("\"counts\"");
  t[at + 1] = 'C';
  v = Read(t);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("signature"), std::string::npos) << v.status().message();
}

TEST_F(BundleTest, AnotherKeysSignatureOverTheSameManifestIsStillConsistent) {
  // Signing is what a store vouches with; a bundle re-signed by another key
  // verifies, and names that other key: trust is the reader's decision.
  auto other = StoreKey::Generate();
  StringSink sink;
  BundleWriter w(&sink, other.get(), 1700000000000000);
  ASSERT_TRUE(w.Begin(json::object{{"id", "x"}, {"name", "y"}}, json::array{}).ok());
  ASSERT_TRUE(w.Finish().ok());
  auto v = Read(sink.data());
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->signer.key_id, other->KeyId());
  EXPECT_NE(v->signer.key_id, key_->KeyId());
}

TEST_F(BundleTest, WriterRefusesCallsOutOfOrder) {
  StringSink sink;
  BundleWriter w(&sink, key_.get(), 0);
  EXPECT_FALSE(w.AddStatement(Statement(0), "", std::nullopt).ok());
  ASSERT_TRUE(w.Begin(json::object{}, json::array{}).ok());
  ASSERT_TRUE(w.AddStatement(Statement(0), "", std::nullopt).ok());
  EXPECT_FALSE(w.AddAttachment(Sha256Hex("x"), "x").ok());
}

TEST(StatementFingerprintTest, IgnoresStoredAuthorityAndKeyOrder) {
  auto a =
      json::parse(
          R"({"id":"x","actor":{"mbox":"mailto:a@b.c","objectType":"Agent"},"stored":"1","authority":{"a":1}})")
          .as_object();
  auto b =
      json::parse(
          R"({"authority":{"b":2},"actor":{"objectType":"Agent","mbox":"mailto:a@b.c"},"id":"x","stored":"2"})")
          .as_object();
  auto c =
      json::parse(R"({"id":"y","actor":{"objectType":"Agent","mbox":"mailto:a@b.c"}})").as_object();
  EXPECT_EQ(StatementFingerprint(a), StatementFingerprint(b));
  EXPECT_NE(StatementFingerprint(a), StatementFingerprint(c));
}

}  // namespace
}  // namespace lrs::portability
