#include "clients/progress_view.h"

#include <string>
#include <vector>

#include "clients/labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/report_fixture.h"

namespace koers::clients {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

TEST(ProgressTablesTest, VerdictsAndRollUpsBesideTheStatuses) {
  const std::vector<Table> tables =
      ProgressTables(fixture::SampleState().progress());
  ASSERT_EQ(tables.size(), 5u);
  const Table& objectives = tables[0];
  EXPECT_THAT(objectives.title,
              HasSubstr("Progress as of 2026-06-30 (log position 412)"));
  EXPECT_THAT(objectives.columns,
              ElementsAre("id", "title", "actions", "planned", "in progress",
                          "delayed", "completed", "stopped", "overdue",
                          "on track", "at risk", "off track", "not assessed"));
  EXPECT_THAT(objectives.rows[0],
              ElementsAre("SD1", fixture::kTrickyTitle, "3", "0", "1", "1", "1",
                          "0", "1", "1", "1", "0", "1"));

  const Table& indicators = tables[2];
  EXPECT_THAT(indicators.columns, ElementsAre("id", "value", "date", "progress",
                                              "expected", "verdict"));
  EXPECT_THAT(indicators.rows,
              Contains(ElementsAre("SD1.A1.I1", "71.5 %", "2026-03-31", "52.8%",
                                   "30.0%", "on track")));
  EXPECT_THAT(indicators.rows,
              Contains(ElementsAre("SD1.A1.I2", "grotendeels", "2026-03-31",
                                   "level 3 of 4", "", "")));

  EXPECT_EQ(tables[3].title, "By lead minister");
  EXPECT_EQ(tables[4].title, "By reporting entity");
  EXPECT_THAT(tables[4].columns,
              IsSupersetOf({"reporting entity", "at risk", "fiches missing"}));
  EXPECT_THAT(
      tables[4].rows[0],
      ElementsAre("Departement Welzijn; Volksgezondheid en Gezin", "1", "0",
                  "0", "1", "0", "0", "1", "0", "1", "0", "0", "1"));
}

TEST(LabelsTest, VerdictFrequencyAndPlanDifferenceLabels) {
  EXPECT_EQ(VerdictLabel(v1::VERDICT_AT_RISK), "at risk");
  EXPECT_EQ(VerdictLabel(v1::VERDICT_UNSPECIFIED), "");
  EXPECT_EQ(FrequencyLabel(v1::REPORTING_FREQUENCY_SEMIANNUAL), "semiannual");
  EXPECT_EQ(PlanDifferenceLabel(v1::PlanDifference::KIND_RETARGETED),
            "retargeted");
}

}  // namespace
}  // namespace koers::clients
