// Tests for lrs/portability/store_key: the key file's life cycle (created
// once with mode 0600, loaded unchanged afterwards, foreign keys refused)
// and the RFC 8037 appendix A vectors for the thumbprint and the signature.
#include "lrs/portability/store_key.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "lrs/base/encoding.h"
#include "tests/common/temp_dir.h"

namespace lrs::portability {
namespace {

namespace json = boost::json;

// RFC 8037 appendix A.1 (private key d, public key x), A.3 (thumbprint of
// the public key) and A.4 (signing input and signature of "Example of
// Ed25519 signing" under the protected header {"alg":"EdDSA"}).
constexpr std::string_view kRfcD = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
constexpr std::string_view kRfcX = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr std::string_view kRfcKid = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
constexpr std::string_view kRfcSigningInput =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
constexpr std::string_view kRfcSignature =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

using lrs::test::TempDir;

std::string KeyFile(const TempDir& dir) { return dir.path() + "/store-key.pem"; }

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

// PEM of an OpenSSL key, written with `cipher` and a passphrase when given.
std::string ToPem(EVP_PKEY* key, bool private_key, const EVP_CIPHER* cipher = nullptr) {
  BIO* bio = BIO_new(BIO_s_mem());
  static char kPass[] = "secret";
  int ok = private_key
               ? PEM_write_bio_PrivateKey(
                     bio, key, cipher, cipher ? reinterpret_cast<unsigned char*>(kPass) : nullptr,
                     cipher ? 6 : 0, nullptr, nullptr)
               : PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem = ok == 1 && size > 0 ? std::string(data, static_cast<size_t>(size)) : "";
  BIO_free(bio);
  return pem;
}

// The RFC 8037 A.1 private key as PKCS#8 PEM: the fixed RFC 8410 prefix for
// an Ed25519 PrivateKeyInfo, then the 32 bytes of d.
std::string RfcPrivateKeyPem() {
  std::string der = *HexDecode("302e020100300506032b657004220420") + *Base64Decode(kRfcD, true);
  return "-----BEGIN PRIVATE KEY-----\n" + Base64Encode(der) + "\n-----END PRIVATE KEY-----\n";
}

void ExpectRefused(const TempDir& dir, std::string_view file_content) {
  WriteFile(KeyFile(dir), file_content);
  auto key = StoreKey::LoadOrCreate(dir.path());
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(key.status().Is(Status::Code::kInvalidArgument)) << key.status().message();
  EXPECT_NE(key.status().message().find("no Ed25519 private key"), std::string::npos)
      << key.status().message();
  EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left non-empty";
}

TEST(StoreKeyTest, CreatedOnceThenLoadedUnchanged) {
  TempDir dir("lrs_store_key");
  ASSERT_FALSE(dir.path().empty());
  auto created = StoreKey::LoadOrCreate(dir.path());
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_TRUE(std::filesystem::exists(KeyFile(dir)));
  EXPECT_FALSE(std::filesystem::exists(KeyFile(dir) + ".tmp"));

  auto loaded = StoreKey::LoadOrCreate(dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->KeyId(), (*created)->KeyId());
  EXPECT_EQ((*loaded)->PublicJwk(), (*created)->PublicJwk());
  // Ed25519 signatures are deterministic: equal signatures mean the same private key.
  EXPECT_EQ((*loaded)->Sign("data"), (*created)->Sign("data"));
}

TEST(StoreKeyTest, KeyFileIsReadableByItsOwnerOnly) {
  TempDir dir("lrs_store_key");
  ASSERT_TRUE(StoreKey::LoadOrCreate(dir.path()).ok());
  struct stat st {};
  ASSERT_EQ(stat(KeyFile(dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(StoreKeyTest, KeyFileIsPkcs8Pem) {
  TempDir dir("lrs_store_key");
  ASSERT_TRUE(StoreKey::LoadOrCreate(dir.path()).ok());
  std::ifstream in(KeyFile(dir));
  std::string first_line;
  std::getline(in, first_line);
  EXPECT_EQ(first_line, "-----BEGIN PRIVATE KEY-----");
}

TEST(StoreKeyTest, StaleTemporaryFileIsReplaced) {
  TempDir dir("lrs_store_key");
  WriteFile(KeyFile(dir) + ".tmp", "half a key from a crash");
  auto key = StoreKey::LoadOrCreate(dir.path());
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_FALSE(std::filesystem::exists(KeyFile(dir) + ".tmp"));
  auto again = StoreKey::LoadOrCreate(dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->KeyId(), (*key)->KeyId());
}

TEST(StoreKeyTest, GarbageKeyFileIsRefused) {
  TempDir dir("lrs_store_key");
  ExpectRefused(dir, "not a key at all\n");
  ExpectRefused(dir, "");
  ExpectRefused(dir, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  // The refused file is left alone for an operator to inspect.
  std::ifstream in(KeyFile(dir));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
}

TEST(StoreKeyTest, RsaKeyFileIsRefused) {
  TempDir dir("lrs_store_key");
  EVP_PKEY* rsa = EVP_RSA_gen(1024);
  ASSERT_NE(rsa, nullptr);
  std::string pem = ToPem(rsa, /*private_key=*/true);
  EVP_PKEY_free(rsa);
  ASSERT_FALSE(pem.empty());
  ExpectRefused(dir, pem);
}

TEST(StoreKeyTest, PublicOnlyOrEncryptedKeyFileIsRefused) {
  TempDir dir("lrs_store_key");
  EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  ASSERT_NE(ed, nullptr);
  std::string public_pem = ToPem(ed, /*private_key=*/false);
  // Encrypted: refused without prompting for a passphrase.
  std::string encrypted_pem = ToPem(ed, /*private_key=*/true, EVP_aes_256_cbc());
  EVP_PKEY_free(ed);
  ASSERT_FALSE(public_pem.empty());
  ASSERT_FALSE(encrypted_pem.empty());
  ExpectRefused(dir, public_pem);
  ExpectRefused(dir, encrypted_pem);
}

TEST(StoreKeyTest, MissingDirectoryIsAnIoError) {
  TempDir dir("lrs_store_key");
  auto key = StoreKey::LoadOrCreate(dir.path() + "/no/such/dir");
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(key.status().Is(Status::Code::kIoError)) << key.status().message();
}

TEST(StoreKeyTest, GeneratedKeysDiffer) {
  auto a = StoreKey::Generate();
  auto b = StoreKey::Generate();
  EXPECT_NE(a->KeyId(), b->KeyId());
  EXPECT_EQ(a->Sign("x").size(), 64u);
  EXPECT_NE(a->Sign("x"), b->Sign("x"));
}

TEST(StoreKeyTest, PublicJwkHasItsThumbprintAsKeyId) {
  auto key = StoreKey::Generate();
  json::object jwk = key->PublicJwk();
  EXPECT_EQ(jwk.size(), 3u);
  EXPECT_EQ(jwk.at("kty").as_string(), "OKP");
  EXPECT_EQ(jwk.at("crv").as_string(), "Ed25519");
  EXPECT_EQ(Base64Decode(jwk.at("x").as_string(), true)->size(), 32u);
  auto thumbprint = JwkThumbprint(jwk);
  ASSERT_TRUE(thumbprint.ok());
  EXPECT_EQ(*thumbprint, key->KeyId());
  EXPECT_EQ(key->KeyId().size(), 43u);  // 32 bytes, base64url without padding
}

TEST(StoreKeyTest, Rfc8037ThumbprintVector) {
  auto thumbprint = JwkThumbprint(json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kRfcX}});
  ASSERT_TRUE(thumbprint.ok()) << thumbprint.status().message();
  EXPECT_EQ(*thumbprint, kRfcKid);
}

TEST(StoreKeyTest, Rfc8037SignatureVector) {
  TempDir dir("lrs_store_key");
  WriteFile(KeyFile(dir), RfcPrivateKeyPem());
  auto key = StoreKey::LoadOrCreate(dir.path());
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ((*key)->PublicJwk().at("x").as_string(), kRfcX);
  EXPECT_EQ((*key)->KeyId(), kRfcKid);
  EXPECT_EQ(Base64UrlEncode((*key)->Sign(kRfcSigningInput)), kRfcSignature);
}

TEST(StoreKeyTest, ThumbprintRefusesOtherJwks) {
  struct Case {
    json::object jwk;
    std::string_view message;
  };
  const std::string x31 = Base64UrlEncode(std::string(31, 'a'));
  const std::string x33 = Base64UrlEncode(std::string(33, 'a'));
  const Case cases[] = {
      {{{"crv", "Ed25519"}, {"x", kRfcX}}, "kty"},
      {{{"kty", "EC"}, {"crv", "Ed25519"}, {"x", kRfcX}}, "kty"},
      {{{"kty", "OKP"}, {"crv", "X25519"}, {"x", kRfcX}}, "crv"},
      {{{"kty", "OKP"}, {"crv", "Ed448"}, {"x", kRfcX}}, "crv"},
      {{{"kty", "OKP"}, {"x", kRfcX}}, "crv"},
      {{{"kty", "OKP"}, {"crv", "Ed25519"}}, "x must be a string"},
      {{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", 7}}, "x must be a string"},
      {{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x31}}, "32 bytes"},
      {{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x33}}, "32 bytes"},
      {{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", std::string(kRfcX) + "="}}, "32 bytes"},
      {{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp"}},
       "32 bytes"},  // same bytes, non-zero trailing bits
      {{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
       "32 bytes"},
      {{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kRfcX}, {"d", kRfcD}}, "only kty, crv and x"},
  };
  for (const Case& c : cases) {
    auto thumbprint = JwkThumbprint(c.jwk);
    ASSERT_FALSE(thumbprint.ok()) << json::serialize(c.jwk);
    EXPECT_TRUE(thumbprint.status().Is(Status::Code::kInvalidArgument));
    EXPECT_NE(thumbprint.status().message().find(c.message), std::string::npos)
        << json::serialize(c.jwk) << ": " << thumbprint.status().message();
  }
}

}  // namespace
}  // namespace lrs::portability
