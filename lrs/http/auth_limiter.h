// AuthLimiter: slows down the guessing of secrets. It counts failed
// authentications (a key with a wrong secret, or an unknown key) per key and
// per client address in fixed windows. Once a key or an address has failed
// its allowance within the current window, every authentication for it is
// refused with 429 until the window ends, without the secret being checked:
// a guess made meanwhile learns nothing, and costs the server no key
// derivation (each failed check is a full PBKDF2, see CredentialStore).
//
// The per-key limit can lock a legitimate client out while someone else
// guesses its secret; it is set well above any honest failure rate, and the
// lock ends with the window (docs/SECURITY.md). Memory is bounded: at most
// `max_tracked` keys and addresses are followed; beyond that, expired entries
// are dropped, and while none can be, new ones are not tracked.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lrs/base/status.h"

namespace lrs::http {

struct AuthLimits {
  int max_failures_per_address = 20;  // within one window; 0 turns the limit off
  int max_failures_per_key = 50;
  std::chrono::seconds window{60};
  size_t max_tracked = 100000;
};

class AuthLimiter {
 public:
  explicit AuthLimiter(AuthLimits limits = {}) : limits_(limits) {}

  // Ok when an authentication with `key` from `address` may be checked;
  // otherwise TooManyRequests, with *retry_after_seconds set to the wait.
  Status Admit(std::string_view key, std::string_view address, int64_t now_micros,
               int64_t* retry_after_seconds);
  // Records a failed check of `key` from `address`.
  void Failed(std::string_view key, std::string_view address, int64_t now_micros);

 private:
  struct Window {
    int64_t start = 0;  // micros
    int failures = 0;
  };
  using Counts = std::unordered_map<std::string, Window>;

  // Seconds until `counts[name]`'s window ends when it is over `limit`, else 0.
  int64_t BlockedFor(const Counts& counts, std::string_view name, int limit, int64_t now) const;
  void Count(Counts& counts, std::string_view name, int64_t now);
  int64_t window_micros() const;

  AuthLimits limits_;
  std::mutex mu_;
  Counts by_key_;
  Counts by_address_;
};

}  // namespace lrs::http
