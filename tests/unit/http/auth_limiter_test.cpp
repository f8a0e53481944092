// Tests for AuthLimiter (lrs/http/auth_limiter.h) on an explicit clock: the
// windows, the two limits, Retry-After, and the bound on what is tracked.
// The integration tests (tests/integration/limits_test.cpp) check the same
// behaviour through lrsd, where the clock cannot be chosen.
#include "lrs/http/auth_limiter.h"

#include <gtest/gtest.h>

namespace lrs::http {
namespace {

constexpr int64_t kSecond = 1000000;

AuthLimits Limits(int per_address, int per_key, int window_seconds = 60) {
  AuthLimits limits;
  limits.max_failures_per_address = per_address;
  limits.max_failures_per_key = per_key;
  limits.window = std::chrono::seconds(window_seconds);
  return limits;
}

// The wait Admit reports, or 0 when it admits.
int64_t WaitFor(AuthLimiter& limiter, std::string_view key, std::string_view address, int64_t now) {
  int64_t wait = -1;
  Status s = limiter.Admit(key, address, now, &wait);
  if (s.ok()) return 0;
  EXPECT_EQ(s.code(), Status::Code::kTooManyRequests) << s.message();
  return wait;
}

TEST(AuthLimiterTest, KeyIsRefusedAfterItsAllowanceUntilTheWindowEnds) {
  AuthLimiter limiter(Limits(0, 3, 10));
  int64_t t0 = 1000 * kSecond;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(WaitFor(limiter, "key", "10.0.0.1", t0 + i * kSecond), 0) << "failure " << i;
    limiter.Failed("key", "10.0.0.1", t0 + i * kSecond);
  }
  // The window began at the first failure: 10 s from t0.
  EXPECT_EQ(WaitFor(limiter, "key", "10.0.0.1", t0 + 3 * kSecond), 7);
  EXPECT_EQ(WaitFor(limiter, "key", "10.0.0.9", t0 + 3 * kSecond), 7) << "any address";
  EXPECT_EQ(WaitFor(limiter, "key", "10.0.0.1", t0 + 10 * kSecond - 1), 1) << "rounded up";
  EXPECT_EQ(WaitFor(limiter, "other", "10.0.0.1", t0 + 3 * kSecond), 0) << "other keys";
  EXPECT_EQ(WaitFor(limiter, "key", "10.0.0.1", t0 + 10 * kSecond), 0) << "window over";
}

TEST(AuthLimiterTest, AddressIsRefusedWhicheverKeyItTries) {
  AuthLimiter limiter(Limits(2, 0));
  int64_t t0 = 5 * kSecond;
  limiter.Failed("a", "192.0.2.1", t0);
  EXPECT_EQ(WaitFor(limiter, "b", "192.0.2.1", t0), 0);
  limiter.Failed("b", "192.0.2.1", t0);
  EXPECT_EQ(WaitFor(limiter, "c", "192.0.2.1", t0 + kSecond), 59);
  EXPECT_EQ(WaitFor(limiter, "a", "192.0.2.2", t0 + kSecond), 0) << "other addresses";
}

TEST(AuthLimiterTest, AFailureAfterTheWindowStartsANewCount) {
  AuthLimiter limiter(Limits(0, 2, 10));
  limiter.Failed("key", "", 0);
  limiter.Failed("key", "", 10 * kSecond);  // the first window is over: count 1 again
  EXPECT_EQ(WaitFor(limiter, "key", "", 11 * kSecond), 0);
  limiter.Failed("key", "", 12 * kSecond);
  EXPECT_EQ(WaitFor(limiter, "key", "", 12 * kSecond), 8);
}

TEST(AuthLimiterTest, ZeroTurnsALimitOffAndAnEmptyNameIsNeverCounted) {
  AuthLimiter limiter(Limits(0, 0));
  for (int i = 0; i < 1000; ++i) limiter.Failed("key", "192.0.2.1", i);
  EXPECT_EQ(WaitFor(limiter, "key", "192.0.2.1", 1000), 0);

  // An in-process caller has no address: "" takes none of the one slot,
  // so the key after it is still tracked and limited.
  AuthLimits one_slot = Limits(1, 1);
  one_slot.max_tracked = 1;
  AuthLimiter in_process(one_slot);
  in_process.Failed("", "", 0);
  EXPECT_EQ(WaitFor(in_process, "", "", 1), 0);
  in_process.Failed("key", "", 1);
  EXPECT_GT(WaitFor(in_process, "key", "", 2), 0);
}

TEST(AuthLimiterTest, TracksAtMostMaxTrackedNamesAndReusesExpiredSlots) {
  AuthLimits limits = Limits(0, 1, 10);
  limits.max_tracked = 2;
  AuthLimiter limiter(limits);
  limiter.Failed("a", "", 0);
  limiter.Failed("b", "", 0);
  limiter.Failed("c", "", kSecond);  // full, nothing expired: not tracked
  EXPECT_GT(WaitFor(limiter, "a", "", kSecond), 0);
  EXPECT_EQ(WaitFor(limiter, "c", "", kSecond), 0);
  limiter.Failed("c", "", 10 * kSecond);  // a and b have expired and make room
  EXPECT_EQ(WaitFor(limiter, "c", "", 10 * kSecond), 10);
  EXPECT_EQ(WaitFor(limiter, "a", "", 10 * kSecond), 0);
}

}  // namespace
}  // namespace lrs::http
