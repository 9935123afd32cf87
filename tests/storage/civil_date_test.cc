#include "storage/civil_date.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace koers::storage {
namespace {

using ::koers::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseIsoDateTest, AcceptsCalendarDates) {
  ASSERT_OK_AND_ASSIGN(const absl::CivilDay day,
                       ParseIsoDate("2027-06-30", "valid_date"));
  EXPECT_EQ(day, absl::CivilDay(2027, 6, 30));
  ASSERT_OK_AND_ASSIGN(const absl::CivilDay leap,
                       ParseIsoDate("2028-02-29", "valid_date"));
  EXPECT_EQ(leap, absl::CivilDay(2028, 2, 29));
}

TEST(ParseIsoDateTest, RefusesWhatIsNotADateAndNamesTheField) {
  for (const char* bad :
       {"2027-02-30", "2027-13-01", "2027-6-30", "27-06-30", "2027/06/30",
        "2027-06-30T00:00", " 2027-06-30", "", "1899-12-31", "abcd-ef-gh"}) {
    EXPECT_THAT(ParseIsoDate(bad, "events[0].valid_date"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("events[0].valid_date")))
        << bad;
  }
}

TEST(CivilDateTest, EpochDaysRoundTrip) {
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1970, 1, 1)), 0);
  EXPECT_EQ(DaysSinceEpoch(absl::CivilDay(1969, 12, 31)), -1);
  for (const absl::CivilDay day :
       {absl::CivilDay(1900, 1, 1), absl::CivilDay(2025, 1, 1),
        absl::CivilDay(9999, 12, 31)}) {
    EXPECT_EQ(DayFromEpochDays(DaysSinceEpoch(day)), day);
  }
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(2029, 3, 5)), "2029-03-05");
}

TEST(CivilDateTest, FormatsEveryYearWithFourDigitsAtLeast) {
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(2025, 12, 31)), "2025-12-31");
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(987, 10, 1)), "0987-10-01");
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(9999, 1, 9)), "9999-01-09");
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(10000, 1, 1)), "10000-01-01");
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(-1, 1, 1)), "-001-01-01");
}

}  // namespace
}  // namespace koers::storage
