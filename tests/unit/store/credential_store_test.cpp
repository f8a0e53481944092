// Tests for CredentialStore: Put/Authenticate, uniform refusals, scopes, the
// in-memory cache, Empty(), and that secrets are never stored in clear.
#include "lrs/store/credential_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

#include "lrs/base/encoding.h"
#include "lrs/store/database.h"
#include "lrs/store/keys.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

class CredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    Open();
  }

  void Open() {
    creds_.reset();
    db_.reset();
    auto db = Database::Open(DatabaseOptions{.path = dir_.path(), .sync_writes = true});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    creds_ = std::make_unique<CredentialStore>(db_.get());
  }

  // Every key and value in the database, concatenated.
  std::string DumpDatabase() {
    std::string all;
    auto it = db_->NewIterator(rocksdb::ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      all += it->key().ToString();
      all += '\n';
      all += it->value().ToString();
      all += '\n';
    }
    EXPECT_TRUE(it->status().ok());
    return all;
  }

  static Credential Make(std::string key, std::vector<std::string> scopes) {
    Credential c;
    c.key = std::move(key);
    c.name = "Test credential";
    c.scopes = std::move(scopes);
    return c;
  }

  test_util::TempDir dir_{"lrs_cred_test"};  // first, so it goes after the database
  std::unique_ptr<Database> db_;
  std::unique_ptr<CredentialStore> creds_;
};

TEST_F(CredentialStoreTest, PutThenAuthenticate) {
  ASSERT_TRUE(creds_->Put(Make("key1", {"all"}), "s3cret-value").ok());
  auto c = creds_->Authenticate("key1", "s3cret-value");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->key, "key1");
  EXPECT_EQ(c->name, "Test credential");
  EXPECT_TRUE(c->HasScope("all"));
}

TEST_F(CredentialStoreTest, WrongSecretAndUnknownKeyAreIndistinguishable) {
  ASSERT_TRUE(creds_->Put(Make("key1", {"all"}), "right").ok());
  auto wrong = creds_->Authenticate("key1", "wrong");
  auto unknown = creds_->Authenticate("nobody", "right");
  EXPECT_TRUE(wrong.status().Is(Status::Code::kUnauthorized));
  EXPECT_TRUE(unknown.status().Is(Status::Code::kUnauthorized));
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_FALSE(wrong.status().message().empty());
}

TEST_F(CredentialStoreTest, EmptySecretAndPrefixOfSecretAreRefused) {
  ASSERT_TRUE(creds_->Put(Make("key1", {"all"}), "longsecret").ok());
  EXPECT_TRUE(creds_->Authenticate("key1", "").status().Is(Status::Code::kUnauthorized));
  EXPECT_TRUE(creds_->Authenticate("key1", "long").status().Is(Status::Code::kUnauthorized));
  EXPECT_TRUE(creds_->Authenticate("key", "longsecret").status().Is(Status::Code::kUnauthorized));
}

TEST_F(CredentialStoreTest, ScopesRoundTrip) {
  std::vector<std::string> scopes = {"statements/write", "statements/read/mine", "state"};
  ASSERT_TRUE(creds_->Put(Make("scoped", scopes), "pw").ok());
  // A fresh CredentialStore reads the record from the database, not a cache.
  Open();
  auto c = creds_->Authenticate("scoped", "pw");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->scopes, scopes);
  EXPECT_TRUE(c->HasScope("statements/write"));
  EXPECT_FALSE(c->HasScope("all"));
  EXPECT_FALSE(c->HasScope("statements/read"));

  // The cached path returns the same credential.
  auto again = creds_->Authenticate("scoped", "pw");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->scopes, scopes);
  EXPECT_EQ(again->name, c->name);
}

TEST_F(CredentialStoreTest, CachedPathStillRejectsWrongSecret) {
  ASSERT_TRUE(creds_->Put(Make("key1", {"all"}), "right").ok());
  ASSERT_TRUE(creds_->Authenticate("key1", "right").ok());  // now cached
  auto wrong = creds_->Authenticate("key1", "wrong");
  EXPECT_TRUE(wrong.status().Is(Status::Code::kUnauthorized));
  EXPECT_TRUE(creds_->Authenticate("key1", "right").ok());
  EXPECT_TRUE(creds_->Authenticate("key1", "").status().Is(Status::Code::kUnauthorized));
}

TEST_F(CredentialStoreTest, ReplacingASecretInvalidatesTheCache) {
  ASSERT_TRUE(creds_->Put(Make("key1", {"all"}), "old").ok());
  ASSERT_TRUE(creds_->Authenticate("key1", "old").ok());  // cached
  ASSERT_TRUE(creds_->Put(Make("key1", {"state"}), "new").ok());
  EXPECT_TRUE(creds_->Authenticate("key1", "old").status().Is(Status::Code::kUnauthorized));
  auto c = creds_->Authenticate("key1", "new");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->scopes, std::vector<std::string>{"state"});
}

TEST_F(CredentialStoreTest, EmptyOnFreshDatabaseThenNot) {
  auto empty = creds_->Empty();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(*empty);
  auto exists = creds_->Exists("key1");
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);

  ASSERT_TRUE(creds_->Put(Make("key1", {"all"}), "pw").ok());
  empty = creds_->Empty();
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
  exists = creds_->Exists("key1");
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);
  exists = creds_->Exists("key2");
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);

  // Durable: still there after reopening.
  Open();
  empty = creds_->Empty();
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
}

TEST_F(CredentialStoreTest, EmptyIgnoresOtherTables) {
  // Records of other tables, before and after 'K', do not count as credentials.
  rocksdb::WriteBatch batch;
  batch.Put(keys::Meta("last_seq"), "12345678");
  batch.Put(keys::Attachment(1, std::string(32, 'a')), "x");
  batch.Put(keys::Statement(1, 1), "{}");
  ASSERT_TRUE(db_->WriteDurable(&batch).ok());
  auto empty = creds_->Empty();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(*empty);
}

TEST_F(CredentialStoreTest, SecretIsNotStoredInClear) {
  const std::string secret = "Zq8-very-distinctive-secret-Xw3";
  ASSERT_TRUE(creds_->Put(Make("key1", {"all"}), secret).ok());
  ASSERT_TRUE(creds_->Authenticate("key1", secret).ok());
  // Flush so the SST files hold the record too, then scan keys and values.
  ASSERT_TRUE(db_->raw()->Flush(rocksdb::FlushOptions()).ok());
  std::string all = DumpDatabase();
  EXPECT_NE(all.find("key1"), std::string::npos) << "the credential must be stored";
  EXPECT_EQ(all.find(secret), std::string::npos);
  EXPECT_EQ(all.find(HexEncode(secret)), std::string::npos);
  EXPECT_EQ(all.find(Base64Encode(secret)), std::string::npos);
  EXPECT_EQ(all.find(Sha256Hex(secret)), std::string::npos)
      << "an unsalted hash is as good as clear";

  // Nor in any file of the data directory (WAL, SSTs, logs).
  creds_.reset();
  db_.reset();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(secret), std::string::npos) << entry.path();
  }
}

TEST_F(CredentialStoreTest, SameSecretTwoKeysGetDifferentHashes) {
  ASSERT_TRUE(creds_->Put(Make("k1", {"all"}), "shared").ok());
  ASSERT_TRUE(creds_->Put(Make("k2", {"all"}), "shared").ok());
  auto r1 = db_->Get(keys::Credential("k1"));
  auto r2 = db_->Get(keys::Credential("k2"));
  ASSERT_TRUE(r1.ok() && r1->has_value());
  ASSERT_TRUE(r2.ok() && r2->has_value());
  auto h1 = boost::json::parse(**r1).at("hash");
  auto h2 = boost::json::parse(**r2).at("hash");
  EXPECT_NE(h1, h2) << "per-credential salt";
  EXPECT_TRUE(creds_->Authenticate("k1", "shared").ok());
  EXPECT_TRUE(creds_->Authenticate("k2", "shared").ok());
}

}  // namespace
}  // namespace lrs::store
