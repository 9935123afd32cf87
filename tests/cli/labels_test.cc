#include "clients/labels.h"

#include "absl/status/status.h"
#include "clients/cli_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace koers::clients {
namespace {

using ::koers::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseActionStatusTest, AcceptsEnglishAndDutchNamesInAnyCase) {
  const struct {
    const char* name;
    v1::ActionStatus status;
  } kCases[] = {
      {"planned", v1::ACTION_STATUS_PLANNED},
      {"gepland", v1::ACTION_STATUS_PLANNED},
      {"in-progress", v1::ACTION_STATUS_IN_PROGRESS},
      {"in_progress", v1::ACTION_STATUS_IN_PROGRESS},
      {"In Progress", v1::ACTION_STATUS_IN_PROGRESS},
      {"lopend", v1::ACTION_STATUS_IN_PROGRESS},
      {"LOPEND", v1::ACTION_STATUS_IN_PROGRESS},
      {"delayed", v1::ACTION_STATUS_DELAYED},
      {"Vertraagd", v1::ACTION_STATUS_DELAYED},
      {"completed", v1::ACTION_STATUS_COMPLETED},
      {"gerealiseerd", v1::ACTION_STATUS_COMPLETED},
      {"stopped", v1::ACTION_STATUS_STOPPED},
      {"stopgezet", v1::ACTION_STATUS_STOPPED},
  };
  for (const auto& c : kCases) {
    const absl::StatusOr<v1::ActionStatus> status = ParseActionStatus(c.name);
    ASSERT_OK(status) << c.name;
    EXPECT_EQ(*status, c.status) << c.name;
  }
}

TEST(ParseActionStatusTest, AnythingElseIsAUsageErrorListingTheNames) {
  for (const char* name : {"", "done", "inprogress", "planned ", "unspecified",
                           "ACTION_STATUS_PLANNED", "1"}) {
    const absl::StatusOr<v1::ActionStatus> status = ParseActionStatus(name);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("planned (gepland), in-progress "
                                           "(lopend), delayed (vertraagd), "
                                           "completed (gerealiseerd), stopped "
                                           "(stopgezet)")))
        << name;
    EXPECT_EQ(ExitCodeFor(status.status()), kExitUsage) << name;
  }
}

TEST(LabelsTest, EnumLabelsAreLowercaseWords) {
  EXPECT_EQ(StatusLabel(v1::ACTION_STATUS_IN_PROGRESS), "in progress");
  EXPECT_EQ(StatusLabel(v1::ACTION_STATUS_UNSPECIFIED), "");
  EXPECT_EQ(EventTypeLabel(v1::EVENT_TYPE_MEASUREMENT_CORRECTED),
            "measurement corrected");
  EXPECT_EQ(EventTypeLabel(static_cast<v1::EventType>(99)), "99");
  EXPECT_EQ(PlanChangeLabel(v1::PlanChange::KIND_ACTION_REVISED),
            "action revised");
}

TEST(LabelsTest, DirectionShowsTheBand) {
  v1::QuantitativeSpec spec;
  spec.set_direction(v1::DIRECTION_DECREASE);
  EXPECT_EQ(DirectionLabel(spec), "decrease");
  spec.set_direction(v1::DIRECTION_WITHIN_BAND);
  spec.set_band_low(8);
  spec.set_band_high(12.5);
  EXPECT_EQ(DirectionLabel(spec), "within [8, 12.5]");
}

TEST(LabelsTest, NumbersAsTyped) {
  EXPECT_EQ(FormatNumber(62), "62");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(-1234567.5), "-1234567.5");
  EXPECT_EQ(FormatPercent(0.4444), "44.4%");
  EXPECT_EQ(FormatPercent(1.25), "125.0%");
}

TEST(LabelsTest, TimestampsInUtcWithMilliseconds) {
  google::protobuf::Timestamp time;
  EXPECT_EQ(FormatTimestamp(time), "");
  time.set_seconds(1774948502);  // 2026-03-31T09:15:02Z
  time.set_nanos(123456789);
  EXPECT_EQ(FormatTimestamp(time), "2026-03-31T09:15:02.123Z");
}

}  // namespace
}  // namespace koers::clients
