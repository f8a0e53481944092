// CredentialStore: HTTP Basic credentials (key + secret) with xAPI scopes.
//
// Secrets are stored only as PBKDF2-HMAC-SHA256 hashes with a per-credential
// random salt, and checked in constant time. Because the slow hash would cap
// the server at a few dozen requests per second, a successful check is
// remembered in memory as SHA-256(process pepper || secret); later requests
// compare that digest, still in constant time. An unknown key costs the same
// slow hash as a wrong secret, so the two are indistinguishable by timing or
// by answer.
#pragma once

#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "lrs/base/status.h"
#include "lrs/store/database.h"

namespace lrs::store {

struct Credential {
  std::string key;
  std::string name;
  std::vector<std::string> scopes;  // xAPI scope names: "all", "statements/write", ...
  // Whose credential it is (docs/CONSENT.md): an organisation's, a
  // learner's, or, with both empty, the operator's.
  std::string organisation;
  std::string learner;
  bool HasScope(std::string_view scope) const;
  bool IsOperator() const { return organisation.empty() && learner.empty(); }
};

class CredentialStore {
 public:
  static constexpr int kIterations = 210000;  // OWASP 2023 guidance for PBKDF2-SHA256

  explicit CredentialStore(Database* db);

  // Creates or replaces the credential `c.key` with `secret`. Durable.
  Status Put(const Credential& c, std::string_view secret);
  Result<bool> Exists(std::string_view key);
  // Removes the credential (a learner's, at erasure); later requests with it
  // are refused. Durable.
  Status Delete(std::string_view key);
  // True when no credential has ever been created (a fresh data directory).
  Result<bool> Empty();
  // The credential when key and secret match; Unauthorized otherwise (the
  // same message whether the key is unknown or the secret wrong).
  Result<Credential> Authenticate(std::string_view key, std::string_view secret);

 private:
  struct Cached {
    Credential credential;
    std::string digest;
  };
  std::string FastDigest(std::string_view secret) const;

  Database* db_;
  std::string pepper_;
  std::shared_mutex mu_;
  std::map<std::string, Cached, std::less<>> cache_;
  uint64_t generation_ = 0;  // bumped by every Put and Delete, under mu_
};

}  // namespace lrs::store
