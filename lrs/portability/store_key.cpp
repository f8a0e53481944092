// StoreKey: see store_key.h.
//
// Decisions:
//  - The key file is written once, through a temporary file opened with
//    O_CREAT|O_EXCL and mode 0600, fsynced, renamed, and the directory
//    fsynced: after a crash the file is either absent (a new key is made on
//    the next start) or whole, and the private key is never readable by
//    others, not even for a moment.
//  - An existing file that holds anything other than an Ed25519 private key
//    is refused rather than replaced: losing the store's key would change its
//    identity in every provenance record, so an operator has to look.
//  - PEM is read with a password callback that always fails: an encrypted
//    key is refused instead of blocking the server on a terminal prompt.
//  - JwkThumbprint accepts exactly the members kty, crv and x. RFC 7638 would
//    ignore others, but a JWK that carries more (say "d", the private key)
//    is not what any honest signer publishes.
//  - Every OpenSSL call path leaves the error queue empty (the HTTP layer's
//    TLS code reads it).
#include "lrs/portability/store_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "lrs/base/encoding.h"
#include "lrs/base/fd.h"

namespace lrs::portability {

namespace {

namespace json = boost::json;

constexpr size_t kPublicKeyBytes = 32;
constexpr size_t kSignatureBytes = 64;
// A PKCS#8 Ed25519 PEM is about 120 bytes; anything far larger is not one.
constexpr size_t kMaxKeyFileBytes = 64 * 1024;
constexpr const char* kKeyFile = "/store-key.pem";
constexpr const char* kTempSuffix = ".tmp";

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Clears the OpenSSL error queue on every way out.
struct OpenSslErrorGuard {
  ~OpenSslErrorGuard() { ERR_clear_error(); }
};

Status IoFailure(const std::string& what, const std::string& path) {
  return Status::IoError("store key: cannot " + what + " " + path + ": " + std::strerror(errno));
}

int RefusePassword(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

Result<PkeyPtr> NewEd25519Key() {
  OpenSslErrorGuard guard;
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return Status::Internal("store key: Ed25519 key generation failed");
  return key;
}

Result<std::string> RawPublicKey(EVP_PKEY* key) {
  std::string raw(kPublicKeyBytes, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kPublicKeyBytes) {
    return Status::Internal("store key: cannot read the public key");
  }
  return raw;
}

// The thumbprint input of RFC 7638 section 3.2: required members only, in
// lexicographic order, no whitespace. `x` is canonical base64url, so it
// needs no JSON escaping.
std::string ThumbprintOf(std::string_view x) {
  std::string canonical = R"({"crv":"Ed25519","kty":"OKP","x":")";
  canonical += x;
  canonical += R"("})";
  return Base64UrlEncode(Sha256(canonical));
}

// Reads the whole key file; NotFound when it does not exist.
Result<std::string> ReadKeyFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound(path);
    return IoFailure("open", path);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      OPENSSL_cleanse(text.data(), text.size());
      return IoFailure("read", path);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxKeyFileBytes) break;
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return text;
}

Result<PkeyPtr> ParseKeyFile(std::string_view text, const std::string& path) {
  OpenSslErrorGuard guard;
  Status refused = Status::InvalidArgument("store key: " + path + " holds no Ed25519 private key");
  if (text.size() > kMaxKeyFileBytes) return refused;
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) return Status::Internal("store key: out of memory");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, RefusePassword, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return refused;
  return key;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFailure("write", path);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoFailure("open directory", dir);
  if (::fsync(fd.get()) != 0) return IoFailure("fsync directory", dir);
  return Status::Ok();
}

// Writes `pem` to `tmp` (0600, fsynced); the caller renames it into place.
Status WriteTempFile(const std::string& tmp, std::string_view pem) {
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) return IoFailure("remove", tmp);
  Fd fd(::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
  if (fd.get() < 0) return IoFailure("create", tmp);
  Status s = WriteAll(fd.get(), pem, tmp);
  if (s.ok() && ::fsync(fd.get()) != 0) s = IoFailure("fsync", tmp);
  if (s.ok() && !fd.Close()) s = IoFailure("close", tmp);
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

// Generates a key and stores it at `path` as PKCS#8 PEM.
Result<PkeyPtr> CreateKeyFile(const std::string& dir, const std::string& path) {
  auto key = NewEd25519Key();
  if (!key.ok()) return key.status();
  OpenSslErrorGuard guard;
  // A secure-memory BIO: the PEM text is wiped when the BIO is freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key->get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal("store key: cannot encode the private key");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr)
    return Status::Internal("store key: cannot encode the private key");
  std::string tmp = path + kTempSuffix;
  LRS_RETURN_IF_ERROR(WriteTempFile(tmp, std::string_view(data, static_cast<size_t>(size))));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = IoFailure("rename " + tmp + " to", path);
    ::unlink(tmp.c_str());
    return s;
  }
  LRS_RETURN_IF_ERROR(SyncDirectory(dir));
  return std::move(*key);
}

Result<PkeyPtr> LoadOrCreateKey(const std::string& dir) {
  std::string path = dir + kKeyFile;
  auto text = ReadKeyFile(path);
  if (text.ok()) {
    auto key = ParseKeyFile(*text, path);
    OPENSSL_cleanse(text->data(), text->size());
    return key;
  }
  if (!text.status().Is(Status::Code::kNotFound)) return text.status();
  return CreateKeyFile(dir, path);
}

}  // namespace

struct StoreKey::Impl {
  PkeyPtr key;
  std::string public_key;  // raw 32 bytes
};

namespace {

Result<std::unique_ptr<StoreKey::Impl>> MakeImpl(PkeyPtr key) {
  auto raw = RawPublicKey(key.get());
  ERR_clear_error();
  if (!raw.ok()) return raw.status();
  auto impl = std::make_unique<StoreKey::Impl>();
  impl->key = std::move(key);
  impl->public_key = std::move(*raw);
  return impl;
}

}  // namespace

StoreKey::StoreKey(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)), key_id_(ThumbprintOf(Base64UrlEncode(impl_->public_key))) {}

StoreKey::~StoreKey() = default;

Result<std::shared_ptr<const StoreKey>> StoreKey::LoadOrCreate(const std::string& dir) {
  auto key = LoadOrCreateKey(dir);
  if (!key.ok()) return key.status();
  auto impl = MakeImpl(std::move(*key));
  if (!impl.ok()) return impl.status();
  return std::shared_ptr<const StoreKey>(std::make_shared<StoreKey>(std::move(*impl)));
}

std::shared_ptr<const StoreKey> StoreKey::Generate() {
  auto key = NewEd25519Key();
  // No Status to return here; like RandomBytes, a machine that cannot make a
  // key has nothing safe left to do.
  if (!key.ok()) throw std::runtime_error(key.status().message());
  auto impl = MakeImpl(std::move(*key));
  if (!impl.ok()) throw std::runtime_error(impl.status().message());
  return std::make_shared<StoreKey>(std::move(*impl));
}

std::string StoreKey::Sign(std::string_view data) const {
  OpenSslErrorGuard guard;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::string sig(kSignatureBytes, '\0');
  size_t len = sig.size();
  // Ed25519 hashes internally (PureEdDSA), so no digest is named.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      len != kSignatureBytes) {
    // Only an allocation failure gets here: the key is a valid Ed25519 key.
    throw std::runtime_error("store key: Ed25519 signing failed");
  }
  return sig;
}

json::object StoreKey::PublicJwk() const {
  return json::object{
      {"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(impl_->public_key)}};
}

Result<std::string> JwkThumbprint(const json::object& jwk) {
  const json::value* kty = jwk.if_contains("kty");
  if (!kty || !kty->is_string() || kty->get_string() != "OKP") {
    return Status::InvalidArgument("jwk: kty must be OKP");
  }
  const json::value* crv = jwk.if_contains("crv");
  if (!crv || !crv->is_string() || crv->get_string() != "Ed25519") {
    return Status::InvalidArgument("jwk: crv must be Ed25519");
  }
  const json::value* x = jwk.if_contains("x");
  if (!x || !x->is_string()) return Status::InvalidArgument("jwk: x must be a string");
  std::string_view text = x->get_string();
  std::optional<std::string> raw = Base64Decode(text, /*url=*/true);
  // Canonical base64url only (no padding, no stray low bits): otherwise two
  // spellings of one key would have different thumbprints.
  if (!raw || raw->size() != kPublicKeyBytes || Base64UrlEncode(*raw) != text) {
    return Status::InvalidArgument("jwk: x must be 32 bytes in unpadded base64url");
  }
  if (jwk.size() != 3) return Status::InvalidArgument("jwk: only kty, crv and x are allowed");
  return ThumbprintOf(text);
}

}  // namespace lrs::portability
