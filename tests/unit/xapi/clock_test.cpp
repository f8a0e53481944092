// Tests for lrs/base/clock.h: which timestamp forms each xAPI version accepts,
// conversion of offsets to UTC, and millisecond formatting.
#include "lrs/base/clock.h"

#include <gtest/gtest.h>

namespace lrs {
namespace {

constexpr auto kIso = TimestampSyntax::kIso8601;
constexpr auto kRfc = TimestampSyntax::kRfc3339;

// 2008-09-15T15:53:00Z in microseconds.
constexpr Micros kBase = 1221493980LL * 1'000'000;

TEST(ClockTest, ParsesUtcWithMillis) {
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53:00.601Z", kIso), kBase + 601'000);
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53:00.601Z", kRfc), kBase + 601'000);
}

TEST(ClockTest, ConvertsOffsetsToUtc) {
  // The 2.0 suite's own example: 12:00 at -05:00 is 17:00Z.
  auto est = ParseTimestamp("2023-05-04T12:00:00-05:00", kRfc);
  auto utc = ParseTimestamp("2023-05-04T17:00:00.000Z", kRfc);
  ASSERT_TRUE(est && utc);
  EXPECT_EQ(*est, *utc);
  EXPECT_EQ(ParseTimestamp("2008-09-15T17:23:00+01:30", kIso), kBase);
  EXPECT_EQ(ParseTimestamp("2008-09-15T17:23:00+0130", kIso), kBase);
  EXPECT_EQ(ParseTimestamp("2008-09-15T17:53:00+02", kIso), kBase);
}

TEST(ClockTest, AcceptsPositiveZeroOffset) {
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53:00.601+00:00", kRfc), kBase + 601'000);
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53:00.601+00:00", kIso), kBase + 601'000);
}

TEST(ClockTest, RejectsNegativeZeroOffset) {
  for (auto syntax : {kIso, kRfc}) {
    EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00.601-00", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00.601-0000", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00.601-00:00", syntax));
  }
}

TEST(ClockTest, OffsetOptionalOnlyAtIso) {
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53:00", kIso), kBase);
  EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00", kRfc));
}

TEST(ClockTest, IsoBasicFormatOnlyAtIso) {
  EXPECT_EQ(ParseTimestamp("20080915T155300Z", kIso), kBase);
  EXPECT_FALSE(ParseTimestamp("20080915T155300Z", kRfc));
}

TEST(ClockTest, AllowsLowercaseSeparators) {
  EXPECT_EQ(ParseTimestamp("2008-09-15t15:53:00z", kRfc), kBase);
  EXPECT_EQ(ParseTimestamp("2008-09-15t15:53:00z", kIso), kBase);
}

TEST(ClockTest, LeapSecondFoldsIntoNextSecond) {
  EXPECT_EQ(ParseTimestamp("2016-12-31T23:59:60Z", kRfc),
            ParseTimestamp("2017-01-01T00:00:00Z", kRfc));
}

TEST(ClockTest, IsoAllowsCommaFractionAndMinutePrecision) {
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53:00,5Z", kIso), kBase + 500'000);
  EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00,5Z", kRfc));
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53Z", kIso), kBase);
  EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53Z", kRfc));
}

TEST(ClockTest, TruncatesBeyondMicros) {
  EXPECT_EQ(ParseTimestamp("2008-09-15T15:53:00.1234567Z", kRfc), kBase + 123'456);
}

TEST(ClockTest, RejectsGarbage) {
  for (auto syntax : {kIso, kRfc}) {
    EXPECT_FALSE(ParseTimestamp("should fail", syntax));
    EXPECT_FALSE(ParseTimestamp("01/011/2015", syntax));
    EXPECT_FALSE(ParseTimestamp("", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-09-15", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00.Z", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00Zjunk", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-13-15T15:53:00Z", syntax));
    EXPECT_FALSE(ParseTimestamp("2009-02-29T15:53:00Z", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-09-15T25:53:00Z", syntax));
    EXPECT_FALSE(ParseTimestamp("2008-09-15T15:53:00+24:00", syntax));
  }
  EXPECT_TRUE(ParseTimestamp("2008-02-29T15:53:00Z", kRfc));
}

TEST(ClockTest, FormatsMillis) {
  EXPECT_EQ(FormatTimestampMillis(kBase + 601'999), "2008-09-15T15:53:00.601Z");
  EXPECT_EQ(FormatTimestampMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestampMillis(-1000), "1969-12-31T23:59:59.999Z");
}

TEST(ClockTest, FormatRoundTrips) {
  Micros t = NowMicros() / 1000 * 1000;
  EXPECT_EQ(ParseTimestamp(FormatTimestampMillis(t), kRfc), t);
}

TEST(ClockTest, NowIsAfter2020) { EXPECT_GT(NowMicros(), 1577836800LL * 1'000'000); }

}  // namespace
}  // namespace lrs
