#include "services/plan_document.h"

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/sample_plan.h"
#include "tests/testing/status_matchers.h"

namespace koers::services {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::koers::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The bundled sample plan (services/sample_plan.json).
v1::Plan SamplePlan() {
  absl::StatusOr<v1::Plan> plan =
      ParsePlanJson(SamplePlanJson(), "services/sample_plan.json");
  EXPECT_OK(plan);
  return plan.value_or(v1::Plan());
}

// Shortcuts into the sample plan. SD1.A1.I1 (0, 0, 0) is quantitative,
// increasing, within [0, 100]; SD1.A1.I3 (0, 0, 2) is decreasing; SD2.A1.I2
// (1, 0, 1) keeps within a band; SD1.A3.I1 (0, 2, 0) is qualitative.
v1::Action& ActionAt(v1::Plan& plan, int objective, int action) {
  return *plan.mutable_objectives(objective)->mutable_actions(action);
}
v1::Indicator& IndicatorAt(v1::Plan& plan, int objective, int action,
                           int indicator) {
  return *ActionAt(plan, objective, action).mutable_indicators(indicator);
}
v1::QuantitativeSpec& Quantitative(v1::Plan& plan, int objective, int action,
                                   int indicator) {
  return *IndicatorAt(plan, objective, action, indicator)
              .mutable_quantitative();
}
v1::QualitativeSpec& Qualitative(v1::Plan& plan) {
  return *IndicatorAt(plan, 0, 2, 0).mutable_qualitative();
}

void AddCopies(google::protobuf::RepeatedPtrField<std::string>* values,
               int count, const std::string& value) {
  for (int i = 0; i < count; ++i) values->Add()->assign(value);
}

constexpr char kAction[] = "plan.objectives[0].actions[3]";
constexpr char kIndicator[] = "plan.objectives[0].actions[0].indicators[0]";
constexpr char kQuantitative[] =
    "plan.objectives[0].actions[0].indicators[0].quantitative";
constexpr char kQualitative[] =
    "plan.objectives[0].actions[2].indicators[0].qualitative";

std::string At(const char* prefix, const char* field) {
  return std::string(prefix) + "." + field;
}

TEST(ValidatePlanDocumentTest, SamplePlanIsValid) {
  EXPECT_OK(ValidatePlanDocument(SamplePlan()));
}

TEST(ValidatePlanDocumentTest, AcceptsParentIdsAndActionsWithoutIndicators) {
  v1::Plan plan = SamplePlan();
  ActionAt(plan, 0, 0).set_objective_id("SD1");
  IndicatorAt(plan, 0, 0, 0).set_action_id("SD1.A1");
  ActionAt(plan, 0, 1).clear_indicators();
  ActionAt(plan, 0, 1).clear_partners();
  ActionAt(plan, 0, 1).set_id("SD1.A12");
  EXPECT_OK(ValidatePlanDocument(plan));
}

// One broken rule: how to break it in the sample plan, the field path the
// error must start with and what the message must say.
struct BrokenRule {
  std::string name;
  std::function<void(v1::Plan&)> mutate;
  std::string path;
  std::string says;
};

class BrokenRuleTest : public ::testing::TestWithParam<BrokenRule> {};

TEST_P(BrokenRuleTest, IsRefusedNamingTheField) {
  v1::Plan plan = SamplePlan();
  GetParam().mutate(plan);
  EXPECT_THAT(ValidatePlanDocument(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith(GetParam().path + ": "),
                             HasSubstr(GetParam().says))));
}

std::vector<BrokenRule> PlanRules() {
  return {
      {"IdNotAStreamName", [](v1::Plan& p) { p.set_id("VAP 2025"); }, "plan.id",
       "expected 1 to 128 characters"},
      {"IdEmpty", [](v1::Plan& p) { p.clear_id(); }, "plan.id",
       "is not a valid plan id"},
      {"IdSnapshots", [](v1::Plan& p) { p.set_id("snapshots"); }, "plan.id",
       "stream of evaluation snapshots; expected another id"},
      {"IdLikeAnAction", [](v1::Plan& p) { p.set_id("SD1.A1"); }, "plan.id",
       "does not start with \"SD\" and a digit"},
      {"TitleEmpty", [](v1::Plan& p) { p.clear_title(); }, "plan.title",
       "is 0 bytes; expected 1 to 500 bytes"},
      {"TitleTooLong", [](v1::Plan& p) { p.set_title(std::string(501, 'x')); },
       "plan.title", "expected 1 to 500 bytes"},
      {"LegalBasisTooLong",
       [](v1::Plan& p) { p.set_legal_basis(std::string(501, 'x')); },
       "plan.legal_basis", "expected 0 to 500 bytes"},
      {"PeriodStartNotADate",
       [](v1::Plan& p) { p.set_period_start("2025-13-01"); },
       "plan.period_start", "\"2025-13-01\" is not a calendar date"},
      {"PeriodEndNotADate", [](v1::Plan& p) { p.clear_period_end(); },
       "plan.period_end", "expected YYYY-MM-DD"},
      {"PeriodEndBeforeStart",
       [](v1::Plan& p) { p.set_period_end("2024-12-31"); }, "plan.period_end",
       "is before period_start \"2025-01-01\""},
      {"NoObjectives", [](v1::Plan& p) { p.clear_objectives(); },
       "plan.objectives", "has 0 entries; expected 1 to 20"},
      {"TooManyObjectives",
       [](v1::Plan& p) {
         for (int i = 5; i <= 21; ++i) {
           v1::StrategicObjective* objective = p.add_objectives();
           objective->set_id("SD" + std::to_string(i));
           objective->set_title("t");
         }
       },
       "plan.objectives", "has 21 entries; expected 1 to 20"},
      {"TooManyActions",
       [](v1::Plan& p) {
         for (int i = 0; i < kMaxActions - 15; ++i) {
           p.mutable_objectives(0)->add_actions();
         }
       },
       "plan", "has 501 actions; expected at most 500"},
      {"TooManyIndicators",
       [](v1::Plan& p) {
         for (int i = 0; i < kMaxIndicators - 32; ++i) {
           ActionAt(p, 0, 0).add_indicators();
         }
       },
       "plan", "has 3001 indicators; expected at most 3000"},
  };
}

std::vector<BrokenRule> ObjectiveRules() {
  return {
      {"IdZero", [](v1::Plan& p) { p.mutable_objectives(0)->set_id("SD0"); },
       "plan.objectives[0].id",
       "\"SD0\" is not an objective id; expected SD<n>"},
      {"IdLeadingZero",
       [](v1::Plan& p) { p.mutable_objectives(0)->set_id("SD01"); },
       "plan.objectives[0].id", "without leading zero"},
      {"IdThreeDigits",
       [](v1::Plan& p) { p.mutable_objectives(0)->set_id("SD100"); },
       "plan.objectives[0].id", "at most 2 digits"},
      {"IdLowerCase",
       [](v1::Plan& p) { p.mutable_objectives(0)->set_id("sd1"); },
       "plan.objectives[0].id", "is not an objective id"},
      {"IdRepeated",
       [](v1::Plan& p) { p.mutable_objectives(1)->set_id("SD1"); },
       "plan.objectives[1].id",
       "\"SD1\" repeats plan.objectives[0].id; each must be unique"},
      {"TitleEmpty",
       [](v1::Plan& p) { p.mutable_objectives(2)->clear_title(); },
       "plan.objectives[2].title", "expected 1 to 500 bytes"},
      {"DescriptionTooLong",
       [](v1::Plan& p) {
         p.mutable_objectives(3)->set_description(std::string(5001, 'x'));
       },
       "plan.objectives[3].description", "expected 0 to 5000 bytes"},
  };
}

std::vector<BrokenRule> ActionRules() {
  return {
      {"IdUnderAnotherObjective",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_id("SD2.A1"); },
       At(kAction, "id"),
       "\"SD2.A1\" must start with its objective's id \"SD1.\""},
      {"IdWithoutA", [](v1::Plan& p) { ActionAt(p, 0, 3).set_id("SD1.B4"); },
       At(kAction, "id"), "\"SD1.B4\" is not SD1.A<n>; expected n a positive"},
      {"IdLeadingZero",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_id("SD1.A04"); },
       At(kAction, "id"), "without leading zero, for example \"SD1.A1\""},
      {"IdNumberZero", [](v1::Plan& p) { ActionAt(p, 0, 3).set_id("SD1.A0"); },
       At(kAction, "id"), "is not SD1.A<n>"},
      {"IdNumberMissing",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_id("SD1.A"); },
       At(kAction, "id"), "is not SD1.A<n>"},
      {"IdNumberTooLong",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_id("SD1.A12345"); },
       At(kAction, "id"), "at most 4 digits"},
      {"IdRepeated", [](v1::Plan& p) { ActionAt(p, 0, 3).set_id("SD1.A1"); },
       At(kAction, "id"), "repeats plan.objectives[0].actions[0].id"},
      {"ObjectiveIdOfAnother",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_objective_id("SD2"); },
       At(kAction, "objective_id"),
       "\"SD2\" differs from the id of the item "
       "it is nested in; expected \"SD1\""},
      {"TitleEmpty", [](v1::Plan& p) { ActionAt(p, 0, 3).clear_title(); },
       At(kAction, "title"), "expected 1 to 500 bytes"},
      {"TitleTooLong",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_title(std::string(501, 'x')); },
       At(kAction, "title"), "is 501 bytes"},
      {"DescriptionTooLong",
       [](v1::Plan& p) {
         ActionAt(p, 0, 3).set_description(std::string(5001, 'x'));
       },
       At(kAction, "description"), "expected 0 to 5000 bytes"},
      {"NoLeadMinister",
       [](v1::Plan& p) { ActionAt(p, 0, 3).clear_lead_ministers(); },
       At(kAction, "lead_ministers"), "has 0 entries; expected 1 to 10"},
      {"TooManyLeadMinisters",
       [](v1::Plan& p) {
         AddCopies(ActionAt(p, 0, 3).mutable_lead_ministers(), 10, "m");
       },
       At(kAction, "lead_ministers"), "expected 1 to 10"},
      {"LeadMinisterEmpty",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_lead_ministers(0, ""); },
       At(kAction, "lead_ministers[0]"), "expected 1 to 200 bytes"},
      {"LeadMinisterTooLong",
       [](v1::Plan& p) {
         ActionAt(p, 0, 3).add_lead_ministers(std::string(201, 'x'));
       },
       At(kAction, "lead_ministers[2]"), "is 201 bytes"},
      {"ReportingEntityEmpty",
       [](v1::Plan& p) { ActionAt(p, 0, 3).clear_reporting_entity(); },
       At(kAction, "reporting_entity"), "expected 1 to 200 bytes"},
      {"ReportingEntityTooLong",
       [](v1::Plan& p) {
         ActionAt(p, 0, 3).set_reporting_entity(std::string(201, 'x'));
       },
       At(kAction, "reporting_entity"), "expected 1 to 200 bytes"},
      {"TooManyPartners",
       [](v1::Plan& p) {
         AddCopies(ActionAt(p, 0, 3).mutable_partners(), 51, "p");
       },
       At(kAction, "partners"), "expected 0 to 50"},
      {"PartnerEmpty", [](v1::Plan& p) { ActionAt(p, 0, 3).add_partners(""); },
       At(kAction, "partners[3]"), "expected 1 to 200 bytes"},
      {"DeadlineNotADate",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_deadline("2027-13-01"); },
       At(kAction, "deadline"), "\"2027-13-01\" is not a calendar date"},
      {"StartDateNotADate",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_start_date("2027-02-30"); },
       At(kAction, "start_date"), "is not a calendar date"},
      {"StartBeforePeriod",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_start_date("2024-12-31"); },
       At(kAction, "start_date"),
       "is outside the plan period; expected a date from 2025-01-01 to "
       "2029-12-31"},
      {"DeadlineAfterPeriod",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_deadline("2030-01-01"); },
       At(kAction, "deadline"), "is outside the plan period"},
      {"DeadlineBeforeStart",
       [](v1::Plan& p) { ActionAt(p, 0, 3).set_deadline("2025-02-28"); },
       At(kAction, "deadline"),
       "\"2025-02-28\" is before start_date \"2025-03-01\"; expected on or "
       "after it"},
  };
}

std::vector<BrokenRule> IndicatorRules() {
  return {
      {"IdUnderAnotherAction",
       [](v1::Plan& p) { IndicatorAt(p, 0, 0, 0).set_id("SD1.A2.I1"); },
       At(kIndicator, "id"), "must start with its action's id \"SD1.A1.\""},
      {"IdWithoutI",
       [](v1::Plan& p) { IndicatorAt(p, 0, 0, 0).set_id("SD1.A1.X1"); },
       At(kIndicator, "id"), "is not SD1.A1.I<n>"},
      {"IdRepeated",
       [](v1::Plan& p) { IndicatorAt(p, 0, 0, 1).set_id("SD1.A1.I1"); },
       "plan.objectives[0].actions[0].indicators[1].id",
       "repeats plan.objectives[0].actions[0].indicators[0].id"},
      {"ActionIdOfAnother",
       [](v1::Plan& p) { IndicatorAt(p, 0, 0, 0).set_action_id("SD1.A2"); },
       At(kIndicator, "action_id"), "expected \"SD1.A1\" or empty"},
      {"NameEmpty", [](v1::Plan& p) { IndicatorAt(p, 0, 0, 0).clear_name(); },
       At(kIndicator, "name"), "expected 1 to 500 bytes"},
      {"NameTooLong",
       [](v1::Plan& p) {
         IndicatorAt(p, 0, 0, 0).set_name(std::string(501, 'x'));
       },
       At(kIndicator, "name"), "expected 1 to 500 bytes"},
      {"DescriptionTooLong",
       [](v1::Plan& p) {
         IndicatorAt(p, 0, 0, 0).set_description(std::string(5001, 'x'));
       },
       At(kIndicator, "description"), "expected 0 to 5000 bytes"},
      {"FrequencyNotSet",
       [](v1::Plan& p) { IndicatorAt(p, 0, 0, 0).clear_frequency(); },
       At(kIndicator, "frequency"),
       "not set; expected one of REPORTING_FREQUENCY_MONTHLY, "
       "REPORTING_FREQUENCY_QUARTERLY"},
      {"FrequencyUnknown",
       [](v1::Plan& p) {
         IndicatorAt(p, 0, 0, 0)
             .set_frequency(static_cast<v1::ReportingFrequency>(99));
       },
       At(kIndicator, "frequency"), "unknown value 99; expected one of"},
      {"NoSpec", [](v1::Plan& p) { IndicatorAt(p, 0, 0, 0).clear_spec(); },
       kIndicator, "has no spec; expected quantitative or qualitative"},
  };
}

std::vector<BrokenRule> QuantitativeRules() {
  return {
      {"UnitEmpty", [](v1::Plan& p) { Quantitative(p, 0, 0, 0).clear_unit(); },
       At(kQuantitative, "unit"), "expected 1 to 50 bytes"},
      {"UnitTooLong",
       [](v1::Plan& p) {
         Quantitative(p, 0, 0, 0).set_unit(std::string(51, 'x'));
       },
       At(kQuantitative, "unit"), "is 51 bytes"},
      {"DirectionNotSet",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).clear_direction(); },
       At(kQuantitative, "direction"),
       "not set; expected one of DIRECTION_INCREASE, DIRECTION_DECREASE, "
       "DIRECTION_WITHIN_BAND"},
      {"NatureNotSet",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).clear_nature(); },
       At(kQuantitative, "nature"), "not set; expected one of VALUE_NATURE_"},
      {"BaselineDateNotADate",
       [](v1::Plan& p) {
         Quantitative(p, 0, 0, 0).set_baseline_date("2025-02-29");
       },
       At(kQuantitative, "baseline_date"), "is not a calendar date"},
      {"TargetDateAfterPeriod",
       [](v1::Plan& p) {
         Quantitative(p, 0, 0, 0).set_target_date("2030-06-30");
       },
       At(kQuantitative, "target_date"), "is outside the plan period"},
      {"TargetDateBeforeBaselineDate",
       [](v1::Plan& p) {
         Quantitative(p, 0, 0, 0).set_baseline_date("2026-01-01");
         Quantitative(p, 0, 0, 0).set_target_date("2025-12-31");
       },
       At(kQuantitative, "target_date"), "is before baseline_date"},
      {"BaselineNaN",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).set_baseline_value(kNaN); },
       At(kQuantitative, "baseline_value"), "is not a finite number"},
      {"TargetInfinite",
       [](v1::Plan& p) {
         Quantitative(p, 0, 0, 0).set_target_value(kInfinity);
       },
       At(kQuantitative, "target_value"), "inf is not a finite number"},
      {"MinAllowedNaN",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).set_min_allowed(kNaN); },
       At(kQuantitative, "min_allowed"), "is not a finite number"},
      {"MaxAllowedInfinite",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).set_max_allowed(kInfinity); },
       At(kQuantitative, "max_allowed"), "is not a finite number"},
      {"BandLowInfinite",
       [](v1::Plan& p) { Quantitative(p, 1, 0, 1).set_band_low(-kInfinity); },
       "plan.objectives[1].actions[0].indicators[1].quantitative.band_low",
       "-inf is not a finite number"},
      {"BandHighNaN",
       [](v1::Plan& p) { Quantitative(p, 1, 0, 1).set_band_high(kNaN); },
       "plan.objectives[1].actions[0].indicators[1].quantitative.band_high",
       "is not a finite number"},
      {"MaxBelowMin",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).set_max_allowed(-1); },
       At(kQuantitative, "max_allowed"), "-1 is below min_allowed 0"},
      {"BaselineBelowMin",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).set_baseline_value(-5); },
       At(kQuantitative, "baseline_value"), "-5 is below min_allowed 0"},
      {"TargetAboveMax",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).set_target_value(101); },
       At(kQuantitative, "target_value"), "101 is above max_allowed 100"},
      {"IncreaseWithoutRise",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 0).set_target_value(62); },
       At(kQuantitative, "target_value"),
       "62 is not above baseline_value 62; DIRECTION_INCREASE"},
      {"DecreaseWithoutFall",
       [](v1::Plan& p) { Quantitative(p, 0, 0, 2).set_target_value(50); },
       "plan.objectives[0].actions[0].indicators[2].quantitative."
       "target_value",
       "50 is not below baseline_value 45; DIRECTION_DECREASE"},
      {"BandWithoutLow",
       [](v1::Plan& p) { Quantitative(p, 1, 0, 1).clear_band_low(); },
       "plan.objectives[1].actions[0].indicators[1].quantitative.band_low",
       "not set; DIRECTION_WITHIN_BAND expects band_low and band_high"},
      {"BandWithoutHigh",
       [](v1::Plan& p) { Quantitative(p, 1, 0, 1).clear_band_high(); },
       "plan.objectives[1].actions[0].indicators[1].quantitative.band_high",
       "not set; DIRECTION_WITHIN_BAND"},
      {"BandUpsideDown",
       [](v1::Plan& p) { Quantitative(p, 1, 0, 1).set_band_high(7); },
       "plan.objectives[1].actions[0].indicators[1].quantitative.band_high",
       "7 is below band_low 8"},
  };
}

std::vector<BrokenRule> QualitativeRules() {
  return {
      {"OneLevel",
       [](v1::Plan& p) {
         Qualitative(p).mutable_scale()->DeleteSubrange(1, 3);
       },
       At(kQualitative, "scale"), "has 1 entries; expected 2 to 10"},
      {"ElevenLevels",
       [](v1::Plan& p) {
         for (int i = 0; i < 7; ++i) {
           Qualitative(p).add_scale("level " + std::to_string(i));
         }
       },
       At(kQualitative, "scale"), "has 11 entries; expected 2 to 10"},
      {"LevelEmpty", [](v1::Plan& p) { Qualitative(p).set_scale(1, ""); },
       At(kQualitative, "scale[1]"), "expected 1 to 100 bytes"},
      {"LevelTooLong",
       [](v1::Plan& p) { Qualitative(p).set_scale(1, std::string(101, 'x')); },
       At(kQualitative, "scale[1]"), "is 101 bytes"},
      {"LevelRepeated",
       [](v1::Plan& p) {
         Qualitative(p).set_scale(2, "gedeeltelijk gerealiseerd");
       },
       At(kQualitative, "scale[2]"),
       "repeats plan.objectives[0].actions[2].indicators[0].qualitative."
       "scale[1]"},
      {"BaselineLevelUnknown",
       [](v1::Plan& p) { Qualitative(p).set_baseline_level("half"); },
       At(kQualitative, "baseline_level"),
       "\"half\" is not a level of the scale; expected one of \"niet "
       "gestart\", "},
      {"TargetLevelUnknown",
       [](v1::Plan& p) { Qualitative(p).clear_target_level(); },
       At(kQualitative, "target_level"), "is not a level of the scale"},
      {"BaselineDateNotADate",
       [](v1::Plan& p) { Qualitative(p).set_baseline_date("2025-9-01"); },
       At(kQualitative, "baseline_date"), "is not a calendar date"},
      {"BaselineDateBeforePeriod",
       [](v1::Plan& p) { Qualitative(p).set_baseline_date("2024-09-01"); },
       At(kQualitative, "baseline_date"), "is outside the plan period"},
      {"TargetDateBeforeBaselineDate",
       [](v1::Plan& p) { Qualitative(p).set_target_date("2025-08-31"); },
       At(kQualitative, "target_date"),
       "\"2025-08-31\" is before baseline_date \"2025-09-01\""},
  };
}

std::string RuleName(const ::testing::TestParamInfo<BrokenRule>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Plan, BrokenRuleTest, ::testing::ValuesIn(PlanRules()),
                         RuleName);
INSTANTIATE_TEST_SUITE_P(Objective, BrokenRuleTest,
                         ::testing::ValuesIn(ObjectiveRules()), RuleName);
INSTANTIATE_TEST_SUITE_P(Action, BrokenRuleTest,
                         ::testing::ValuesIn(ActionRules()), RuleName);
INSTANTIATE_TEST_SUITE_P(Indicator, BrokenRuleTest,
                         ::testing::ValuesIn(IndicatorRules()), RuleName);
INSTANTIATE_TEST_SUITE_P(Quantitative, BrokenRuleTest,
                         ::testing::ValuesIn(QuantitativeRules()), RuleName);
INSTANTIATE_TEST_SUITE_P(Qualitative, BrokenRuleTest,
                         ::testing::ValuesIn(QualitativeRules()), RuleName);

TEST(ValidatePlanDocumentTest, QuotesLongValuesOnACharacterBoundary) {
  v1::Plan plan = SamplePlan();
  // 39 ASCII bytes, then "é" (2 bytes) straddles the 40-byte cut.
  plan.set_id(std::string(39, 'x') + "\xc3\xa9" + std::string(10, 'y'));
  EXPECT_THAT(ValidatePlanDocument(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"" + std::string(39, 'x') + "...\"")));
}

TEST(PlanHeaderTest, KeepsEverythingButTheActions) {
  const v1::Plan plan = SamplePlan();
  const v1::Plan header = PlanHeader(plan);
  ASSERT_EQ(header.objectives_size(), plan.objectives_size());
  for (int i = 0; i < plan.objectives_size(); ++i) {
    EXPECT_EQ(header.objectives(i).actions_size(), 0);
    v1::StrategicObjective objective = plan.objectives(i);
    objective.clear_actions();
    EXPECT_TRUE(MessageDifferencer::Equals(header.objectives(i), objective));
  }
  EXPECT_EQ(header.id(), plan.id());
  EXPECT_EQ(header.title(), plan.title());
  EXPECT_EQ(header.period_start(), plan.period_start());
  EXPECT_EQ(header.period_end(), plan.period_end());
  EXPECT_EQ(header.legal_basis(), plan.legal_basis());
}

TEST(ActionDefinitionTest, DropsIndicatorsAndNamesTheObjective) {
  const v1::Plan plan = SamplePlan();
  const v1::Action& action = plan.objectives(0).actions(0);
  const v1::Action definition = ActionDefinition(action, "SD1");
  EXPECT_EQ(definition.indicators_size(), 0);
  EXPECT_EQ(definition.objective_id(), "SD1");
  v1::Action expected = action;
  expected.clear_indicators();
  expected.set_objective_id("SD1");
  EXPECT_TRUE(MessageDifferencer::Equals(definition, expected));
}

TEST(IndicatorDefinitionTest, NamesTheAction) {
  const v1::Plan plan = SamplePlan();
  const v1::Indicator& indicator = plan.objectives(0).actions(0).indicators(0);
  const v1::Indicator definition = IndicatorDefinition(indicator, "SD1.A1");
  EXPECT_EQ(definition.action_id(), "SD1.A1");
  v1::Indicator expected = indicator;
  expected.set_action_id("SD1.A1");
  EXPECT_TRUE(MessageDifferencer::Equals(definition, expected));
}

}  // namespace
}  // namespace koers::services
