#include "lrs/http/auth_limiter.h"

#include <algorithm>

namespace lrs::http {

int64_t AuthLimiter::window_micros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(limits_.window).count();
}

int64_t AuthLimiter::BlockedFor(const Counts& counts, std::string_view name, int limit,
                                int64_t now) const {
  if (limit <= 0 || name.empty()) return 0;  // "": an in-process caller without an address
  auto it = counts.find(std::string(name));
  if (it == counts.end() || it->second.failures < limit) return 0;
  int64_t end = it->second.start + window_micros();
  if (end <= now) return 0;
  return std::max<int64_t>(1, (end - now + 999999) / 1000000);
}

Status AuthLimiter::Admit(std::string_view key, std::string_view address, int64_t now_micros,
                          int64_t* retry_after_seconds) {
  std::lock_guard lock(mu_);
  int64_t wait =
      std::max(BlockedFor(by_address_, address, limits_.max_failures_per_address, now_micros),
               BlockedFor(by_key_, key, limits_.max_failures_per_key, now_micros));
  if (wait == 0) return Status::Ok();
  *retry_after_seconds = wait;
  return Status::TooManyRequests("too many failed authentications; try again in " +
                                 std::to_string(wait) + " s");
}

void AuthLimiter::Count(Counts& counts, std::string_view name, int64_t now) {
  if (name.empty()) return;
  auto it = counts.find(std::string(name));
  if (it == counts.end()) {
    if (counts.size() >= limits_.max_tracked) {
      std::erase_if(counts,
                    [&](const auto& kv) { return kv.second.start + window_micros() <= now; });
      if (counts.size() >= limits_.max_tracked) return;
    }
    it = counts.emplace(std::string(name), Window{now, 0}).first;
  }
  if (it->second.start + window_micros() <= now) it->second = Window{now, 0};
  it->second.failures++;
}

void AuthLimiter::Failed(std::string_view key, std::string_view address, int64_t now_micros) {
  std::lock_guard lock(mu_);
  if (limits_.max_failures_per_key > 0) Count(by_key_, key, now_micros);
  if (limits_.max_failures_per_address > 0) Count(by_address_, address, now_micros);
}

}  // namespace lrs::http
