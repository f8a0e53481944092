// Test-only helpers for signed statements: an RSA key with a self-signed
// X.509 certificate made with OpenSSL at run time, and a JWS compact
// serializer that signs with it. Keys are generated, never checked in.
#pragma once

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "lrs/base/encoding.h"

namespace lrs::xapi::testing {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// A signer identity: private key plus a self-signed certificate for it.
struct TestSigner {
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
  std::unique_ptr<X509, X509Free> cert;

  // Makes a `bits`-bit RSA key and a one-day self-signed certificate.
  static TestSigner Make(unsigned bits = 2048) {
    TestSigner s;
    s.key.reset(EVP_RSA_gen(bits));
    s.cert.reset(X509_new());
    if (!s.key || !s.cert) throw std::runtime_error("OpenSSL key/cert allocation failed");
    X509* x = s.cert.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("lrs test signer"), -1, -1,
                               0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, s.key.get());
    if (X509_sign(x, s.key.get(), EVP_sha256()) <= 0) throw std::runtime_error("X509_sign failed");
    return s;
  }

  // The certificate as base64 DER, the form an x5c entry takes.
  std::string CertBase64() const {
    unsigned char* der = nullptr;
    int len = i2d_X509(cert.get(), &der);
    if (len <= 0) throw std::runtime_error("i2d_X509 failed");
    std::string out = Base64Encode(std::string_view(reinterpret_cast<char*>(der), len));
    OPENSSL_free(der);
    return out;
  }

  // RSASSA-PKCS1-v1_5 signature of `data` with `md`.
  std::string Sign(std::string_view data, const EVP_MD* md) const {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
      throw std::runtime_error("EVP_DigestSign setup failed");
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       data.size()) != 1) {
      throw std::runtime_error("EVP_DigestSign failed");
    }
    sig.resize(len);
    return sig;
  }
};

inline const EVP_MD* DigestForAlg(std::string_view alg) {
  if (alg == "RS384") return EVP_sha384();
  if (alg == "RS512") return EVP_sha512();
  return EVP_sha256();
}

// JWS compact serialization of `payload` under the JSON header `header_json`,
// signed by `signer` with the digest named by `digest_alg` (RS256/384/512).
inline std::string MakeJws(const TestSigner& signer, std::string_view header_json,
                           std::string_view payload, std::string_view digest_alg) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload);
  return input + "." + Base64UrlEncode(signer.Sign(input, DigestForAlg(digest_alg)));
}

}  // namespace lrs::xapi::testing
