// Detached JWS (RFC 7515, compact serialization with the payload left out,
// appendix F: "header..signature") over a bundle's manifest, signed EdDSA
// (RFC 8037) with the exporting store's key.
//
// The protected header is {"alg":"EdDSA","typ":<typ>,"kid":<thumbprint>,
// "jwk":<public JWK>}: a bundle carries the key that signed it, so anyone can
// check it offline; whether to trust that key is the verifier's decision
// (VerifiedSignature::key_id names it).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "lrs/base/status.h"
#include "lrs/portability/store_key.h"

namespace lrs::portability {

std::string SignDetached(const StoreKey& key, std::string_view payload, std::string_view typ);

struct VerifiedSignature {
  boost::json::object jwk;  // the signer's public key
  std::string key_id;       // its RFC 7638 thumbprint
};

// Checks `jws` against `payload`. InvalidArgument saying what failed: not
// three dot-separated parts, a non-empty payload part, bad base64url, a
// header that is not JSON, alg other than EdDSA, typ other than
// `expected_typ`, a missing or malformed jwk, a kid that is not the jwk's
// thumbprint, or a signature that does not verify.
Result<VerifiedSignature> VerifyDetached(std::string_view jws, std::string_view payload,
                                         std::string_view expected_typ);

}  // namespace lrs::portability
