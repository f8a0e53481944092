// StoreKey: the key this store signs its bundles with (Ed25519, through
// OpenSSL 3). Created on the first start in the data directory as
// `store-key.pem` (PKCS#8 PEM, mode 0600, written to a temporary file,
// fsynced and renamed, so a crash never leaves half a key), loaded on every
// later start. Its public half is published at GET /xapi/about and in every
// bundle's manifest; its RFC 7638 thumbprint is the store's id in
// provenance records.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "lrs/base/status.h"

namespace lrs::portability {

class StoreKey {
 public:
  // Loads `dir`/store-key.pem, creating it when absent. IoError when the
  // file cannot be read or written, InvalidArgument when it holds no
  // Ed25519 private key.
  static Result<std::shared_ptr<const StoreKey>> LoadOrCreate(const std::string& dir);
  // A key that lives only in memory (tests).
  static std::shared_ptr<const StoreKey> Generate();
  ~StoreKey();

  // The raw 64-byte Ed25519 signature of `data`.
  std::string Sign(std::string_view data) const;
  // {"kty":"OKP","crv":"Ed25519","x":"<base64url of the 32-byte public key>"}
  boost::json::object PublicJwk() const;
  // RFC 7638 JWK thumbprint (SHA-256, base64url, no padding).
  const std::string& KeyId() const { return key_id_; }

  struct Impl;
  explicit StoreKey(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
  std::string key_id_;
};

// RFC 7638 thumbprint of an OKP public JWK; InvalidArgument when `jwk` is
// not {"kty":"OKP","crv":"Ed25519","x":<32 bytes base64url>}.
Result<std::string> JwkThumbprint(const boost::json::object& jwk);

}  // namespace lrs::portability
