#include "clients/time_point_args.h"

#include "absl/status/status.h"
#include "clients/cli_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace koers::clients {
namespace {

using ::koers::testing::StatusIs;
using ::testing::HasSubstr;

// 2027-07-01T09:00:00Z.
constexpr int64_t kJulyFirstNineUtc = 1814432400;

TEST(ParseKnownAtTest, AWholeNumberFromOneIsALogPosition) {
  ASSERT_OK_AND_ASSIGN(const v1::KnownAt one, ParseKnownAt("1"));
  EXPECT_EQ(one.position(), 1u);
  ASSERT_OK_AND_ASSIGN(const v1::KnownAt large,
                       ParseKnownAt("18446744073709551615"));
  EXPECT_EQ(large.position(), UINT64_MAX);
  EXPECT_FALSE(large.has_time());
}

TEST(ParseKnownAtTest, AnRfc3339TimestampWithItsOffsetIsAnInstant) {
  ASSERT_OK_AND_ASSIGN(const v1::KnownAt utc,
                       ParseKnownAt("2027-07-01T09:00:00Z"));
  EXPECT_EQ(utc.time().seconds(), kJulyFirstNineUtc);
  EXPECT_EQ(utc.time().nanos(), 0);
  ASSERT_OK_AND_ASSIGN(const v1::KnownAt brussels,
                       ParseKnownAt("2027-07-01T11:00:00+02:00"));
  EXPECT_EQ(brussels.time().seconds(), kJulyFirstNineUtc);
  ASSERT_OK_AND_ASSIGN(const v1::KnownAt fraction,
                       ParseKnownAt("2027-07-01t09:00:00.25z"));
  EXPECT_EQ(fraction.time().seconds(), kJulyFirstNineUtc);
  EXPECT_EQ(fraction.time().nanos(), 250000000);
  ASSERT_OK_AND_ASSIGN(const v1::KnownAt west,
                       ParseKnownAt("2027-07-01T04:00:00-05:00"));
  EXPECT_EQ(west.time().seconds(), kJulyFirstNineUtc);
}

TEST(ParseKnownAtTest, AnythingElseIsAUsageErrorThatSaysWhatIsAllowed) {
  for (const char* text :
       {"", "0", "-1", "+5", "1.5", "18446744073709551616", "2027-07-01",
        "2027-07-01T09:00:00", "2027-07-01 09:00:00Z", " 2027-07-01T09:00:00Z",
        "2027-07-01T09:00:00+0200", "12027-07-01T09:00:00Z",
        "2027-02-30T09:00:00Z", "now", "yesterday"}) {
    const absl::StatusOr<v1::KnownAt> known_at = ParseKnownAt(text);
    EXPECT_THAT(known_at,
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("must be a log position (a whole number "
                                   "from 1) or an RFC 3339 timestamp")))
        << text;
    EXPECT_TRUE(IsUsageError(known_at.status())) << text;
  }
}

TEST(TimePointFromFlagsTest, UnsetFlagsMeanTodayAndNow) {
  ASSERT_OK_AND_ASSIGN(const v1::TimePoint none, TimePointFromFlags({}));
  EXPECT_EQ(none.as_of_date(), "");
  EXPECT_FALSE(none.has_known_at());

  ParsedArgs parsed;
  parsed.flags = {{"as-of", "2027-06-30"}, {"known-at", "812"}};
  ASSERT_OK_AND_ASSIGN(const v1::TimePoint both, TimePointFromFlags(parsed));
  EXPECT_EQ(both.as_of_date(), "2027-06-30");
  EXPECT_EQ(both.known_at().position(), 812u);

  parsed.flags = {{"known-at", "gisteren"}};
  EXPECT_TRUE(IsUsageError(TimePointFromFlags(parsed).status()));
}

}  // namespace
}  // namespace koers::clients
