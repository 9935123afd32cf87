// The Tracker's evaluation features, in process: verdicts, roll-ups,
// completeness, snapshots, diffs, histories at a bitemporal point, and the
// refusal of a known-at point beyond the head.
#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/sample_plan.h"
#include "services/tracker.h"
#include "storage/event_hash.h"
#include "tests/services/tracker_fixture.h"
#include "tests/testing/status_matchers.h"

namespace koers::services {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::koers::testing::IsOk;
using ::koers::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

// From the sample plan. SD1.A1's indicators run from 2025-01-01 to
// 2028-12-31, so on 2027-01-01 exactly half the time has elapsed.
constexpr char kShare[] = "SD1.A1.I1";       // increase, 62 -> 80, in [0, 100]
constexpr char kCases[] = "SD1.A1.I2";       // increase, 0 -> 600, quarterly
constexpr char kDays[] = "SD1.A1.I3";        // decrease, 45 -> 21
constexpr char kBand[] = "SD2.A1.I2";        // within [8, 12]
constexpr char kSchoolBook[] = "SD1.A3.I1";  // qualitative, 4 levels
constexpr char kHalfway[] = "2027-01-01";

class TrackerEvaluationTest : public TrackerFixture {
 protected:
  v1::GetProgressResponse ProgressAsOf(const std::string& date) {
    v1::GetProgressRequest request;
    request.mutable_at()->set_as_of_date(date);
    auto progress = tracker_->GetProgress(request);
    EXPECT_THAT(progress, IsOk());
    return progress.ok() ? *progress : v1::GetProgressResponse();
  }

  std::string Write(const v1::Submission& submission) {
    auto written = tracker_->Submit(coordinator_, submission);
    EXPECT_THAT(written, IsOk());
    return written.ok() ? written->event_id() : "";
  }

  void Revise(const std::string& effective_date,
              const std::function<void(v1::Plan*)>& change) {
    auto plan = ParsePlanJson(SamplePlanJson(), "sample");
    ASSERT_THAT(plan, IsOk());
    change(&*plan);
    v1::LoadPlanRequest load;
    *load.mutable_plan() = *plan;
    load.set_reason("interim evaluation");
    load.set_effective_date(effective_date);
    ASSERT_THAT(tracker_->LoadPlan(coordinator_, load), IsOk());
  }

  static v1::Action* FindAction(v1::Plan* plan, const std::string& id) {
    for (auto& objective : *plan->mutable_objectives()) {
      for (auto& action : *objective.mutable_actions()) {
        if (action.id() == id) return &action;
      }
    }
    return nullptr;
  }

  static void RemoveAction(v1::Plan* plan, const std::string& id) {
    for (auto& objective : *plan->mutable_objectives()) {
      auto* actions = objective.mutable_actions();
      for (int i = 0; i < actions->size(); ++i) {
        if (actions->Get(i).id() == id) {
          actions->DeleteSubrange(i, 1);
          return;
        }
      }
    }
  }

  static const v1::RollUp* RollUpFor(
      const google::protobuf::RepeatedPtrField<v1::RollUp>& rollups,
      const std::string& key) {
    for (const auto& rollup : rollups) {
      if (rollup.key() == key) return &rollup;
    }
    return nullptr;
  }

  static std::map<v1::ActionStatus, uint32_t> ByStatus(
      const v1::RollUp& rollup) {
    std::map<v1::ActionStatus, uint32_t> counts;
    for (const auto& entry : rollup.by_status()) {
      counts[entry.status()] = entry.count();
    }
    return counts;
  }

  static std::map<v1::Verdict, uint32_t> ByVerdict(const v1::RollUp& rollup) {
    std::map<v1::Verdict, uint32_t> counts;
    for (const auto& entry : rollup.by_verdict()) {
      counts[entry.verdict()] = entry.count();
    }
    return counts;
  }

  v1::Completeness CompletenessFor(int year, uint64_t known_at = 0) {
    v1::CompletenessRequest request;
    request.set_year(year);
    if (known_at != 0) request.mutable_known_at()->set_position(known_at);
    auto completeness = tracker_->GetCompleteness(request);
    EXPECT_THAT(completeness, IsOk());
    return completeness.ok() ? *completeness : v1::Completeness();
  }

  static std::vector<std::string> MissingPeriods(
      const v1::Completeness& completeness, const std::string& indicator) {
    std::vector<std::string> periods;
    for (const auto& missing : completeness.missing_values()) {
      if (missing.indicator_id() == indicator) {
        periods.push_back(
            absl::StrCat(missing.period_start(), "..", missing.period_end()));
      }
    }
    return periods;
  }

  static std::vector<std::string> MissingFicheActions(
      const v1::Completeness& completeness) {
    std::vector<std::string> ids;
    for (const auto& missing : completeness.missing_fiches()) {
      ids.push_back(missing.action_id());
    }
    return ids;
  }

  static std::vector<std::string> OverdueActions(
      const v1::Completeness& completeness) {
    std::vector<std::string> ids;
    for (const auto& overdue : completeness.overdue()) {
      ids.push_back(overdue.action_id());
    }
    return ids;
  }

  v1::TakeSnapshotResponse Snapshot(const std::string& name,
                                    const std::string& as_of_date) {
    v1::TakeSnapshotRequest request;
    request.set_name(name);
    request.set_as_of_date(as_of_date);
    auto taken = tracker_->TakeSnapshot(coordinator_, request);
    EXPECT_THAT(taken, IsOk());
    return taken.ok() ? *taken : v1::TakeSnapshotResponse();
  }

  v1::GetSnapshotResponse GetSnapshot(const std::string& name) {
    v1::GetSnapshotRequest request;
    request.set_name(name);
    auto snapshot = tracker_->GetSnapshot(request);
    EXPECT_THAT(snapshot, IsOk());
    return snapshot.ok() ? *snapshot : v1::GetSnapshotResponse();
  }

  const Caller evaluator_{"eval", v1::ROLE_EVALUATOR, {}};
};

// ---------------------------------------------------------------------------
// Verdicts.

struct VerdictCase {
  const char* indicator;
  double value;
  double progress;
  v1::Verdict verdict;
};

TEST_F(TrackerEvaluationTest,
       VerdictComparesProgressWithTheElapsedShareOfTime) {
  // Before any value: not assessed, but the expected progress is known.
  v1::GetProgressResponse progress = ProgressAsOf(kHalfway);
  EXPECT_EQ(IndicatorIn(progress, kShare).verdict(), v1::VERDICT_NOT_ASSESSED);
  EXPECT_FALSE(IndicatorIn(progress, kShare).has_progress());
  EXPECT_DOUBLE_EQ(IndicatorIn(progress, kShare).expected_progress(), 0.5);

  // On 2027-01-01 half the time has elapsed: on track while progress trails
  // by at most 0.10, at risk up to 0.25, off track beyond.
  const VerdictCase cases[] = {
      {kShare, 71, 0.5, v1::VERDICT_ON_TRACK},
      {kShare, 70.1, 0.45, v1::VERDICT_ON_TRACK},
      {kShare, 67.4, 0.3, v1::VERDICT_AT_RISK},
      {kShare, 65.6, 0.2, v1::VERDICT_OFF_TRACK},
      {kShare, 60, -2.0 / 18, v1::VERDICT_OFF_TRACK},  // the wrong way
      {kShare, 85, 23.0 / 18, v1::VERDICT_ON_TRACK},   // past the target
      // Lower is better: 45 -> 21.
      {kDays, 33, 0.5, v1::VERDICT_ON_TRACK},
      {kDays, 36, 0.375, v1::VERDICT_AT_RISK},
      {kDays, 39, 0.25, v1::VERDICT_AT_RISK},  // exactly 0.25 behind
      {kDays, 41, 4.0 / 24, v1::VERDICT_OFF_TRACK},
      {kDays, 50, -5.0 / 24, v1::VERDICT_OFF_TRACK},  // the wrong way
      {kDays, 21, 1, v1::VERDICT_ON_TRACK},
      // A band: inside it (edges included) on track, outside off track.
      {kBand, 10, 1, v1::VERDICT_ON_TRACK},
      {kBand, 12, 1, v1::VERDICT_ON_TRACK},
      {kBand, 8, 1, v1::VERDICT_ON_TRACK},
      {kBand, 12.5, 0, v1::VERDICT_OFF_TRACK},
      {kBand, 7.5, 0, v1::VERDICT_OFF_TRACK},
  };
  absl::CivilDay date(2026, 1, 1);
  for (const VerdictCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.indicator, " = ", c.value));
    // Each value dated after the previous one, so it is the one in force.
    date += 1;
    ASSERT_OK(tracker_->Submit(
        coordinator_,
        Measure(c.indicator, c.value, absl::FormatCivilTime(date))));
    progress = ProgressAsOf(kHalfway);
    const v1::IndicatorProgress& indicator = IndicatorIn(progress, c.indicator);
    EXPECT_EQ(indicator.number(), c.value);
    ASSERT_TRUE(indicator.has_progress());
    EXPECT_NEAR(indicator.progress(), c.progress, 1e-9);
    EXPECT_EQ(indicator.verdict(), c.verdict)
        << v1::Verdict_Name(indicator.verdict());
  }
}

TEST_F(TrackerEvaluationTest, VerdictUsesTheAsOfDatesShareOfTime) {
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kShare, 71, "2025-01-01")));
  // On the baseline date nothing is expected yet.
  v1::GetProgressResponse progress = ProgressAsOf("2025-01-01");
  EXPECT_DOUBLE_EQ(IndicatorIn(progress, kShare).expected_progress(), 0);
  EXPECT_EQ(IndicatorIn(progress, kShare).verdict(), v1::VERDICT_ON_TRACK);
  // Half-way through: progress 0.5 is on track.
  progress = ProgressAsOf(kHalfway);
  EXPECT_EQ(IndicatorIn(progress, kShare).verdict(), v1::VERDICT_ON_TRACK);
  // After the target date everything is expected: 0.5 is off track.
  progress = ProgressAsOf("2029-06-30");
  EXPECT_DOUBLE_EQ(IndicatorIn(progress, kShare).expected_progress(), 1);
  EXPECT_EQ(IndicatorIn(progress, kShare).verdict(), v1::VERDICT_OFF_TRACK);
}

TEST_F(TrackerEvaluationTest, QualitativeIndicatorsShowTheirLevelOnTheScale) {
  ASSERT_OK(tracker_->Submit(
      coordinator_,
      Level(kSchoolBook, "grotendeels gerealiseerd", "2026-03-31")));
  const v1::GetProgressResponse progress = ProgressAsOf("2026-04-01");
  const v1::IndicatorProgress& book = IndicatorIn(progress, kSchoolBook);
  EXPECT_FALSE(book.quantitative());
  EXPECT_TRUE(book.has_value());
  EXPECT_EQ(book.level(), "grotendeels gerealiseerd");
  EXPECT_EQ(book.level_index(), 2);
  EXPECT_EQ(book.scale_size(), 4);
  EXPECT_EQ(book.target_level(), "volledig gerealiseerd");
  EXPECT_FALSE(book.has_progress());
  // Before the value's date it had none.
  EXPECT_FALSE(
      IndicatorIn(ProgressAsOf("2026-03-30"), kSchoolBook).has_value());
}

// ---------------------------------------------------------------------------
// Roll-ups.

TEST_F(TrackerEvaluationTest, RollUpsCountActionsPerMinisterAndEntity) {
  constexpr char kEducation[] = "Minister van Onderwijs";  // SD1.A3, SD3.A1-3
  constexpr char kDepartment[] = "Departement Onderwijs en Vorming";
  v1::GetProgressResponse progress = ProgressAsOf("2026-11-29");

  // Every action counts once for its entity and once for each minister.
  ASSERT_OK_AND_ASSIGN(const v1::GetPlanResponse plan, tracker_->GetPlan({}));
  std::map<std::string, uint32_t> per_minister, per_entity;
  for (const auto& objective : plan.plan().objectives()) {
    for (const auto& action : objective.actions()) {
      ++per_entity[action.reporting_entity()];
      for (const auto& minister : action.lead_ministers()) {
        ++per_minister[minister];
      }
    }
  }
  std::map<std::string, uint32_t> got_minister, got_entity;
  std::vector<std::string> minister_keys;
  for (const auto& rollup : progress.by_minister()) {
    got_minister[rollup.key()] = rollup.actions();
    minister_keys.push_back(rollup.key());
  }
  for (const auto& rollup : progress.by_entity()) {
    got_entity[rollup.key()] = rollup.actions();
  }
  EXPECT_EQ(got_minister, per_minister);
  EXPECT_EQ(got_entity, per_entity);
  EXPECT_TRUE(std::is_sorted(minister_keys.begin(), minister_keys.end()));

  const v1::RollUp* education = RollUpFor(progress.by_minister(), kEducation);
  ASSERT_NE(education, nullptr);
  EXPECT_EQ(education->actions(), 2u + 1u);
  EXPECT_EQ(education->overdue(), 1u);  // SD1.A3, deadline 2026-08-31
  EXPECT_EQ(education->fiches_missing(), 3u);
  EXPECT_THAT(ByStatus(*education),
              ElementsAre(Pair(v1::ACTION_STATUS_PLANNED, 3u)));
  // Its five quantitative indicators have no value yet.
  EXPECT_THAT(ByVerdict(*education),
              ElementsAre(Pair(v1::VERDICT_NOT_ASSESSED, 5u)));
  const v1::RollUp* department = RollUpFor(progress.by_entity(), kDepartment);
  ASSERT_NE(department, nullptr);
  EXPECT_EQ(department->actions(), 2u);
  EXPECT_EQ(department->overdue(), 1u);

  // SD1.A3 completed, its fiche for 2026 given, a value on track for
  // SD3.A1.I1 (0 -> 500 from 2025-09-01 to 2029-06-30; a third of the way
  // on 2026-11-29).
  ASSERT_OK(tracker_->Submit(
      coordinator_,
      Status("SD1.A3", v1::ACTION_STATUS_IN_PROGRESS, "2025-10-01")));
  ASSERT_OK(tracker_->Submit(
      coordinator_,
      Status("SD1.A3", v1::ACTION_STATUS_COMPLETED, "2026-08-15")));
  ASSERT_OK(tracker_->Submit(coordinator_, Fiche("SD1.A3", 2026)));
  ASSERT_OK(
      tracker_->Submit(coordinator_, Measure("SD3.A1.I1", 200, "2026-09-30")));
  progress = ProgressAsOf("2026-11-29");
  education = RollUpFor(progress.by_minister(), kEducation);
  ASSERT_NE(education, nullptr);
  EXPECT_EQ(education->actions(), 3u);
  EXPECT_EQ(education->overdue(), 0u);
  EXPECT_EQ(education->fiches_missing(), 2u);
  EXPECT_THAT(ByStatus(*education),
              ElementsAre(Pair(v1::ACTION_STATUS_PLANNED, 2u),
                          Pair(v1::ACTION_STATUS_COMPLETED, 1u)));
  EXPECT_THAT(ByVerdict(*education),
              ElementsAre(Pair(v1::VERDICT_NOT_ASSESSED, 4u),
                          Pair(v1::VERDICT_ON_TRACK, 1u)));
  department = RollUpFor(progress.by_entity(), kDepartment);
  ASSERT_NE(department, nullptr);
  EXPECT_EQ(department->overdue(), 0u);
  EXPECT_THAT(ByStatus(*department),
              ElementsAre(Pair(v1::ACTION_STATUS_PLANNED, 1u),
                          Pair(v1::ACTION_STATUS_COMPLETED, 1u)));
  // The other ministers of SD1.A3's entity are untouched: the Minister of
  // Justice still counts SD1.A4 overdue.
  const v1::RollUp* justice =
      RollUpFor(progress.by_minister(), "Minister van Justitie en Handhaving");
  ASSERT_NE(justice, nullptr);
  EXPECT_EQ(justice->overdue(), 1u);

  // The objective's summary counts the same way.
  for (const auto& objective : progress.objectives()) {
    if (objective.objective_id() != "SD1") continue;
    EXPECT_EQ(objective.actions(), 4u);
    EXPECT_EQ(objective.overdue(), 1u);  // SD1.A4
  }
}

TEST_F(TrackerEvaluationTest, AWithdrawnActionLeavesTheRollUpsFromItsDate) {
  ASSERT_NO_FATAL_FAILURE(Revise(
      "2026-07-01", [](v1::Plan* plan) { RemoveAction(plan, "SD1.A3"); }));
  const v1::GetProgressResponse before = ProgressAsOf("2026-06-30");
  const v1::RollUp* education =
      RollUpFor(before.by_minister(), "Minister van Onderwijs");
  ASSERT_NE(education, nullptr);
  EXPECT_EQ(education->actions(), 3u);
  const v1::GetProgressResponse after = ProgressAsOf("2026-07-01");
  education = RollUpFor(after.by_minister(), "Minister van Onderwijs");
  ASSERT_NE(education, nullptr);
  EXPECT_EQ(education->actions(), 2u);
  for (const auto& action : after.actions()) {
    EXPECT_NE(action.action_id(), "SD1.A3");
  }
}

// ---------------------------------------------------------------------------
// Completeness.

TEST_F(TrackerEvaluationTest,
       CompletenessListsMissingFichesValuesAndOverdueActions) {
  // Quarterly: Q1 and Q3 of 2026 reported, Q2 not; Q4 is not over yet on
  // 2026-11-29.
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kCases, 40, "2026-02-15")));
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kCases, 90, "2026-09-30")));
  // A value for 2025 does not fill a 2026 period.
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kDays, 40, "2025-12-31")));
  ASSERT_OK(tracker_->Submit(coordinator_, Fiche("SD1.A1", 2026)));
  ASSERT_OK(tracker_->Submit(coordinator_, Fiche("SD1.A2", 2025)));

  const v1::Completeness completeness = CompletenessFor(2026);
  EXPECT_EQ(completeness.from_date(), "2026-01-01");
  EXPECT_EQ(completeness.to_date(), "2026-11-29");  // today
  EXPECT_EQ(completeness.position(), tracker_->HeadPosition());
  EXPECT_THAT(MissingPeriods(completeness, kCases),
              ElementsAre("2026-04-01..2026-06-30"));
  EXPECT_THAT(MissingPeriods(completeness, kDays),
              ElementsAre("2026-01-01..2026-03-31", "2026-04-01..2026-06-30",
                          "2026-07-01..2026-09-30"));
  // Semiannual: the first half only; yearly: nothing is due before the end
  // of the year.
  EXPECT_THAT(MissingPeriods(completeness, kShare),
              ElementsAre("2026-01-01..2026-06-30"));
  EXPECT_THAT(MissingPeriods(completeness, "SD2.A3.I2"), IsEmpty());
  // Due once, by its target date 2026-08-31: the whole span.
  EXPECT_THAT(MissingPeriods(completeness, kSchoolBook),
              ElementsAre("2025-09-02..2026-08-31"));

  const std::vector<std::string> fiches = MissingFicheActions(completeness);
  EXPECT_THAT(fiches, SizeIs(15));  // 16 actions, one fiche for 2026
  EXPECT_THAT(fiches, Not(Contains("SD1.A1")));
  EXPECT_THAT(fiches, Contains("SD1.A2"));  // its fiche is for 2025
  for (const auto& missing : completeness.missing_fiches()) {
    EXPECT_EQ(missing.year(), 2026);
  }
  EXPECT_THAT(OverdueActions(completeness),
              UnorderedElementsAre("SD1.A3", "SD1.A4"));

  // The groups add up what the lists say.
  std::map<std::string, v1::CompletenessGroup> want;
  auto group = [&want](const std::string& key) -> v1::CompletenessGroup& {
    want[key].set_key(key);
    return want[key];
  };
  ASSERT_OK_AND_ASSIGN(const v1::GetPlanResponse plan, tracker_->GetPlan({}));
  for (const auto& objective : plan.plan().objectives()) {
    for (const auto& action : objective.actions()) {
      auto& entity = group(action.reporting_entity());
      entity.set_actions(entity.actions() + 1);
    }
  }
  for (const auto& missing : completeness.missing_fiches()) {
    auto& entity = group(missing.reporting_entity());
    entity.set_missing_fiches(entity.missing_fiches() + 1);
  }
  for (const auto& missing : completeness.missing_values()) {
    auto& entity = group(missing.reporting_entity());
    entity.set_missing_values(entity.missing_values() + 1);
  }
  for (const auto& overdue : completeness.overdue()) {
    auto& entity = group(overdue.reporting_entity());
    entity.set_overdue(entity.overdue() + 1);
  }
  ASSERT_EQ(completeness.by_entity_size(), static_cast<int>(want.size()));
  for (const auto& got : completeness.by_entity()) {
    EXPECT_TRUE(MessageDifferencer::Equals(got, want[got.key()]))
        << got.ShortDebugString() << " vs "
        << want[got.key()].ShortDebugString();
  }
  // One minister's group: Education (SD1.A3, SD3.A1, SD3.A3).
  for (const auto& got : completeness.by_minister()) {
    if (got.key() != "Minister van Onderwijs") continue;
    EXPECT_EQ(got.actions(), 3u);
    EXPECT_EQ(got.missing_fiches(), 3u);
    EXPECT_EQ(got.overdue(), 1u);
  }
}

TEST_F(TrackerEvaluationTest, CompletenessRespectsKnownAt) {
  const uint64_t before_values = tracker_->HeadPosition();
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kCases, 40, "2026-02-15")));
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kCases, 90, "2026-09-30")));
  const uint64_t before_fiche = tracker_->HeadPosition();
  ASSERT_OK(tracker_->Submit(coordinator_, Fiche("SD1.A1", 2026)));
  ASSERT_OK(tracker_->Submit(
      coordinator_, Status("SD1.A4", v1::ACTION_STATUS_STOPPED, "2026-01-10")));

  v1::Completeness then = CompletenessFor(2026, before_values);
  EXPECT_EQ(then.position(), before_values);
  EXPECT_THAT(MissingPeriods(then, kCases), SizeIs(3));
  EXPECT_THAT(MissingFicheActions(then), Contains("SD1.A1"));
  EXPECT_THAT(OverdueActions(then), UnorderedElementsAre("SD1.A3", "SD1.A4"));

  then = CompletenessFor(2026, before_fiche);
  EXPECT_THAT(MissingPeriods(then, kCases),
              ElementsAre("2026-04-01..2026-06-30"));
  EXPECT_THAT(MissingFicheActions(then), Contains("SD1.A1"));

  const v1::Completeness now = CompletenessFor(2026);
  EXPECT_THAT(MissingFicheActions(now), Not(Contains("SD1.A1")));
  EXPECT_THAT(OverdueActions(now), ElementsAre("SD1.A3"));  // SD1.A4 stopped
}

TEST_F(TrackerEvaluationTest, CompletenessOfAPastYearAndItsRefusals) {
  // 2025 is over: its fourth quarter and its yearly periods were due.
  const v1::Completeness year = CompletenessFor(2025);
  EXPECT_EQ(year.to_date(), "2025-12-31");
  EXPECT_THAT(MissingPeriods(year, kCases), SizeIs(4));
  EXPECT_THAT(MissingPeriods(year, "SD2.A3.I2"),
              ElementsAre("2025-01-01..2025-12-31"));

  v1::CompletenessRequest request;
  request.set_year(2026);
  request.set_from_date("2026-01-01");
  EXPECT_THAT(tracker_->GetCompleteness(request),
              StatusIs(absl::StatusCode::kInvalidArgument));
  request.Clear();
  request.set_year(1999);
  EXPECT_THAT(tracker_->GetCompleteness(request),
              StatusIs(absl::StatusCode::kInvalidArgument));
  request.Clear();
  request.set_from_date("2027-01-01");  // starts after today
  request.set_to_date("2027-12-31");
  EXPECT_THAT(tracker_->GetCompleteness(request),
              StatusIs(absl::StatusCode::kInvalidArgument));
  request.Clear();
  request.set_year(2026);
  request.mutable_known_at()->set_position(tracker_->HeadPosition() + 1);
  EXPECT_THAT(tracker_->GetCompleteness(request),
              StatusIs(absl::StatusCode::kOutOfRange));
}

// SD4.A2 starts on 2026-09-01 and so does its semiannual indicator
// SD4.A2.I2 (baseline date 2026-09-01). No value can be due for the first
// half of 2026, which ended before the indicator's baseline.
TEST_F(TrackerEvaluationTest,
       NoValueIsDueForAPeriodThatEndedBeforeTheBaselineDate) {
  const v1::Completeness completeness = CompletenessFor(2026);
  EXPECT_THAT(MissingPeriods(completeness, "SD4.A2.I2"), IsEmpty());

  // A quarterly indicator added with baseline 2026-05-15: the second
  // quarter, in which its baseline falls, is due; the first is not.
  ASSERT_NO_FATAL_FAILURE(Revise("2026-05-15", [](v1::Plan* plan) {
    v1::Indicator* added = FindAction(plan, "SD1.A1")->add_indicators();
    *added = FindAction(plan, "SD1.A1")->indicators(1);
    added->set_id("SD1.A1.I9");
    added->mutable_quantitative()->set_baseline_date("2026-05-15");
  }));
  EXPECT_THAT(MissingPeriods(CompletenessFor(2026), "SD1.A1.I9"),
              ElementsAre("2026-04-01..2026-06-30", "2026-07-01..2026-09-30"));
}

// ---------------------------------------------------------------------------
// Snapshots.

TEST_F(TrackerEvaluationTest, Sha256IsTheStandardOne) {
  // The digest check below relies on it: FIPS 180-2's "abc" vector.
  EXPECT_EQ(storage::HexEncode(storage::Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(TrackerEvaluationTest, OnlyCoordinatorsTakeSnapshots) {
  ASSERT_OK_AND_ASSIGN(const v1::GetPlanResponse plan, tracker_->GetPlan({}));
  const Caller reporter{
      "dept",
      v1::ROLE_REPORTER,
      {plan.plan().objectives(0).actions(0).reporting_entity()}};
  v1::TakeSnapshotRequest request;
  request.set_name("interim-2026");
  request.set_as_of_date("2026-06-30");
  const uint64_t head = tracker_->HeadPosition();
  EXPECT_THAT(tracker_->TakeSnapshot(reporter, request),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(tracker_->TakeSnapshot(evaluator_, request),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(tracker_->HeadPosition(), head);
  ASSERT_OK_AND_ASSIGN(const auto list, tracker_->ListSnapshots());
  EXPECT_THAT(list.snapshots(), IsEmpty());
}

TEST_F(TrackerEvaluationTest, SnapshotRequestsAreChecked) {
  v1::TakeSnapshotRequest request;
  request.set_as_of_date("2026-06-30");
  for (const std::string& name :
       {std::string(""), std::string("interim 2026"), std::string("a/b"),
        std::string("tussentijds-é"), std::string(101, 'a')}) {
    request.set_name(name);
    EXPECT_THAT(tracker_->TakeSnapshot(coordinator_, request),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << "\"" << name << "\"";
  }
  request.set_name(std::string(100, 'a'));
  EXPECT_OK(tracker_->TakeSnapshot(coordinator_, request));

  request.set_name("later");
  request.set_as_of_date("2026-11-30");  // the day after today
  EXPECT_THAT(
      tracker_->TakeSnapshot(coordinator_, request),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("after today")));
  request.set_as_of_date("2026-02-30");
  EXPECT_THAT(tracker_->TakeSnapshot(coordinator_, request),
              StatusIs(absl::StatusCode::kInvalidArgument));
  request.set_as_of_date("");
  EXPECT_THAT(tracker_->TakeSnapshot(coordinator_, request),
              StatusIs(absl::StatusCode::kInvalidArgument));
  request.set_as_of_date("2026-11-29");  // today is allowed
  EXPECT_OK(tracker_->TakeSnapshot(coordinator_, request));

  // Names are unique, whatever the date.
  request.set_as_of_date("2026-01-31");
  const uint64_t head = tracker_->HeadPosition();
  EXPECT_THAT(tracker_->TakeSnapshot(coordinator_, request),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(tracker_->HeadPosition(), head);

  v1::GetSnapshotRequest get;
  get.set_name("unknown");
  EXPECT_THAT(tracker_->GetSnapshot(get),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TrackerEvaluationTest, ARetriedSnapshotWithItsEventIdIsTheSameSnapshot) {
  v1::TakeSnapshotRequest request;
  request.set_name("interim");
  request.set_as_of_date("2026-06-30");
  request.mutable_options()->set_event_id(
      "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f9");
  ASSERT_OK_AND_ASSIGN(const auto first,
                       tracker_->TakeSnapshot(coordinator_, request));
  const uint64_t head = tracker_->HeadPosition();
  ASSERT_OK_AND_ASSIGN(const auto retry,
                       tracker_->TakeSnapshot(coordinator_, request));
  EXPECT_TRUE(MessageDifferencer::Equals(first.info(), retry.info()));
  EXPECT_EQ(tracker_->HeadPosition(), head);
}

TEST_F(TrackerEvaluationTest, ASnapshotIsFrozenToTheByteAndSurvivesReopen) {
  const std::string measured = Write(Measure(kShare, 70, "2026-03-31"));
  ASSERT_OK(tracker_->Submit(
      coordinator_,
      Status("SD1.A1", v1::ACTION_STATUS_IN_PROGRESS, "2026-02-01")));
  const uint64_t seen = tracker_->HeadPosition();
  ASSERT_OK_AND_ASSIGN(const v1::Event head_event,
                       tracker_->log().ReadAt(seen));

  const v1::TakeSnapshotResponse taken = Snapshot("interim-2026", "2026-06-30");
  const v1::SnapshotInfo& info = taken.info();
  EXPECT_EQ(info.name(), "interim-2026");
  EXPECT_EQ(info.as_of_date(), "2026-06-30");
  EXPECT_EQ(info.seen_position(), seen);
  EXPECT_EQ(info.head_hash(), storage::HexEncode(head_event.hash()));
  EXPECT_EQ(info.event_position(), seen + 1);
  EXPECT_EQ(info.event_id(), taken.result().event_id());
  EXPECT_EQ(info.taken_by(), "coord");
  EXPECT_EQ(info.digest().size(), 64u);

  const v1::GetSnapshotResponse frozen = GetSnapshot("interim-2026");
  ASSERT_FALSE(frozen.content().empty());
  EXPECT_EQ(storage::HexEncode(storage::Sha256(frozen.content())),
            info.digest());
  EXPECT_TRUE(MessageDifferencer::Equals(frozen.info(), info));
  v1::EvaluationState parsed;
  ASSERT_TRUE(parsed.ParseFromString(frozen.content()));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, frozen.state()));
  EXPECT_EQ(IndicatorIn(frozen.state().progress(), kShare).number(), 70);
  EXPECT_EQ(frozen.state().progress().as_of_date(), "2026-06-30");
  EXPECT_EQ(frozen.state().progress().position(), seen);
  // What it froze is what a read at its point answers.
  v1::GetStateRequest at;
  at.mutable_at()->set_as_of_date("2026-06-30");
  at.mutable_at()->mutable_known_at()->set_position(seen);
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState state, tracker_->GetState(at));
  EXPECT_TRUE(MessageDifferencer::Equals(state, frozen.state()));

  // Later corrections, values, status changes and a plan revision that all
  // change the state as of 2026-06-30.
  clock_.Advance(absl::Hours(24 * 30));
  ASSERT_OK(
      tracker_->Submit(coordinator_, Correct(measured, 68, "double counted")));
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kShare, 75, "2026-06-01")));
  ASSERT_OK(tracker_->Submit(
      coordinator_, Status("SD1.A1", v1::ACTION_STATUS_DELAYED, "2026-06-01")));
  ASSERT_NO_FATAL_FAILURE(Revise("2026-01-01", [](v1::Plan* plan) {
    FindAction(plan, "SD1.A1")->set_deadline("2029-06-30");
    RemoveAction(plan, "SD1.A4");
  }));
  at.mutable_at()->clear_known_at();
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState now, tracker_->GetState(at));
  EXPECT_FALSE(MessageDifferencer::Equals(now, frozen.state()));

  const v1::GetSnapshotResponse later = GetSnapshot("interim-2026");
  EXPECT_EQ(later.content(), frozen.content());
  EXPECT_EQ(later.info().digest(), info.digest());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  const v1::GetSnapshotResponse reopened = GetSnapshot("interim-2026");
  EXPECT_EQ(reopened.content(), frozen.content());
  EXPECT_TRUE(MessageDifferencer::Equals(reopened.info(), info));
  ASSERT_OK_AND_ASSIGN(const auto list, tracker_->ListSnapshots());
  ASSERT_THAT(list.snapshots(), SizeIs(1));
  EXPECT_TRUE(MessageDifferencer::Equals(list.snapshots(0), info));
}

TEST_F(TrackerEvaluationTest, TrendsHoldTheLatestSixtyValuesOldestFirst) {
  std::string corrected;
  absl::CivilDay day(2025, 1, 1);
  for (int i = 0; i < 70; ++i) {
    const std::string id =
        Write(Measure(kCases, i, absl::FormatCivilTime(day + i * 7)));
    if (i == 65) corrected = id;
  }
  ASSERT_OK(tracker_->Submit(coordinator_, Correct(corrected, 1000, "typo")));
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState state, tracker_->GetState({}));
  const v1::IndicatorTrend* trend = nullptr;
  for (const auto& each : state.trends()) {
    if (each.indicator_id() == kCases) trend = &each;
  }
  ASSERT_NE(trend, nullptr);
  ASSERT_THAT(trend->points(), SizeIs(60));
  EXPECT_EQ(trend->points(0).number(), 10);
  EXPECT_EQ(trend->points(0).date(), absl::FormatCivilTime(day + 70));
  EXPECT_EQ(trend->points(55).number(), 1000);  // the corrected one
  EXPECT_EQ(trend->points(59).number(), 69);
}

// ---------------------------------------------------------------------------
// Diffs.

TEST_F(TrackerEvaluationTest,
       DiffFromASnapshotToNowListsWhatChangedAndLateFixes) {
  const std::string measured = Write(Measure(kShare, 70, "2026-06-30"));
  const std::string early = Write(Measure(kDays, 40, "2026-06-30"));
  // Corrected before the snapshot: not a late correction.
  Write(Correct(early, 39, "known before"));
  ASSERT_OK(tracker_->Submit(
      coordinator_,
      Status("SD1.A1", v1::ACTION_STATUS_IN_PROGRESS, "2026-02-01")));
  const v1::TakeSnapshotResponse taken = Snapshot("interim", "2026-11-29");

  clock_.Advance(absl::Hours(2));
  const std::string correction =
      Write(Correct(measured, 68, "double counted one town"));
  ASSERT_OK_AND_ASSIGN(const v1::Event correction_event,
                       tracker_->log().ReadEvent(correction));
  ASSERT_OK(tracker_->Submit(
      coordinator_, Status("SD1.A1", v1::ACTION_STATUS_DELAYED, "2026-11-01")));
  ASSERT_NO_FATAL_FAILURE(Revise("2026-10-01", [](v1::Plan* plan) {
    FindAction(plan, "SD1.A1")
        ->mutable_indicators(1)
        ->mutable_quantitative()
        ->set_target_value(500);  // SD1.A1.I2: 600 -> 500
    RemoveAction(plan, "SD1.A4");
    v1::Action* added = plan->mutable_objectives(1)->add_actions();
    *added = *FindAction(plan, "SD2.A1");
    added->set_id("SD2.A9");
    added->set_title("Nieuwe actie");
    added->mutable_indicators()->DeleteSubrange(1, 1);
    added->mutable_indicators(0)->set_id("SD2.A9.I1");
  }));

  v1::DiffRequest request;
  request.mutable_from()->set_snapshot("interim");
  request.mutable_to()->mutable_at();  // now
  ASSERT_OK_AND_ASSIGN(const v1::DiffResponse diff, tracker_->Diff(request));
  EXPECT_EQ(diff.from_as_of_date(), "2026-11-29");
  EXPECT_EQ(diff.from_position(), taken.info().seen_position());
  EXPECT_EQ(diff.to_as_of_date(), "2026-11-29");
  EXPECT_EQ(diff.to_position(), tracker_->HeadPosition());

  ASSERT_THAT(diff.corrections(), SizeIs(1));
  const v1::LateCorrection& late = diff.corrections(0);
  EXPECT_EQ(late.indicator_id(), kShare);
  EXPECT_EQ(late.correction_event_id(), correction);
  EXPECT_EQ(late.superseded_event_id(), measured);
  EXPECT_EQ(late.old_number(), 70);
  EXPECT_EQ(late.new_number(), 68);
  EXPECT_EQ(late.value_date(), "2026-06-30");
  EXPECT_EQ(late.reason(), "double counted one town");
  EXPECT_EQ(late.principal(), "coord");
  EXPECT_EQ(late.position(), correction_event.position());
  EXPECT_TRUE(MessageDifferencer::Equals(late.record_time(),
                                         correction_event.record_time()));

  const v1::IndicatorChange* share = nullptr;
  for (const auto& change : diff.indicators()) {
    if (change.indicator_id() == kShare) share = &change;
    EXPECT_NE(change.indicator_id(), kDays);  // corrected before: unchanged
  }
  ASSERT_NE(share, nullptr);
  EXPECT_TRUE(share->had_value());
  EXPECT_TRUE(share->has_value());
  EXPECT_EQ(share->old_number(), 70);
  EXPECT_EQ(share->new_number(), 68);

  ASSERT_THAT(diff.statuses(), SizeIs(1));
  EXPECT_EQ(diff.statuses(0).action_id(), "SD1.A1");
  EXPECT_EQ(diff.statuses(0).old_status(), v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(diff.statuses(0).new_status(), v1::ACTION_STATUS_DELAYED);

  std::vector<std::pair<std::string, v1::PlanDifference::Kind>> plan;
  std::string retargeting;
  for (const auto& difference : diff.plan()) {
    plan.emplace_back(difference.id(), difference.kind());
    if (difference.kind() == v1::PlanDifference::KIND_RETARGETED) {
      retargeting = difference.detail();
    }
  }
  EXPECT_THAT(plan, UnorderedElementsAre(
                        Pair("SD1.A1.I2", v1::PlanDifference::KIND_RETARGETED),
                        Pair("SD1.A4", v1::PlanDifference::KIND_WITHDRAWN),
                        Pair("SD1.A4.I1", v1::PlanDifference::KIND_WITHDRAWN),
                        Pair("SD1.A4.I2", v1::PlanDifference::KIND_WITHDRAWN),
                        Pair("SD2.A9", v1::PlanDifference::KIND_ADDED),
                        Pair("SD2.A9.I1", v1::PlanDifference::KIND_ADDED)));
  EXPECT_THAT(retargeting, HasSubstr("target 600 -> 500"));
}

TEST_F(TrackerEvaluationTest, DiffFollowsAChainOfLateCorrections) {
  const std::string measured = Write(Measure(kShare, 70, "2026-06-30"));
  const v1::TakeSnapshotResponse taken = Snapshot("interim", "2026-11-29");
  const std::string first = Write(Correct(measured, 68, "first"));
  const std::string second = Write(Correct(first, 69, "second"));

  v1::DiffRequest request;
  request.mutable_from()->set_snapshot("interim");
  request.mutable_to()->mutable_at();
  ASSERT_OK_AND_ASSIGN(const v1::DiffResponse diff, tracker_->Diff(request));
  ASSERT_THAT(diff.corrections(), SizeIs(2));
  EXPECT_EQ(diff.corrections(0).superseded_event_id(), measured);
  EXPECT_EQ(diff.corrections(0).correction_event_id(), first);
  EXPECT_EQ(diff.corrections(0).reason(), "first");
  EXPECT_EQ(diff.corrections(1).superseded_event_id(), first);
  EXPECT_EQ(diff.corrections(1).correction_event_id(), second);
  EXPECT_EQ(diff.corrections(1).new_number(), 69);

  // Between two points: known at the snapshot's position, and known after
  // the first correction only.
  request.mutable_from()->mutable_at()->mutable_known_at()->set_position(
      taken.info().seen_position());
  request.mutable_to()->mutable_at()->mutable_known_at()->set_position(
      tracker_->HeadPosition() - 1);
  ASSERT_OK_AND_ASSIGN(const v1::DiffResponse points, tracker_->Diff(request));
  ASSERT_THAT(points.corrections(), SizeIs(1));
  EXPECT_EQ(points.corrections(0).correction_event_id(), first);
  ASSERT_THAT(points.indicators(), SizeIs(1));
  EXPECT_EQ(points.indicators(0).old_number(), 70);
  EXPECT_EQ(points.indicators(0).new_number(), 68);

  // A snapshot against itself: nothing changed.
  request.mutable_to()->set_snapshot("interim");
  request.mutable_from()->set_snapshot("interim");
  ASSERT_OK_AND_ASSIGN(const v1::DiffResponse same, tracker_->Diff(request));
  EXPECT_THAT(same.indicators(), IsEmpty());
  EXPECT_THAT(same.statuses(), IsEmpty());
  EXPECT_THAT(same.plan(), IsEmpty());
  EXPECT_THAT(same.corrections(), IsEmpty());

  request.mutable_from()->set_snapshot("missing");
  EXPECT_THAT(tracker_->Diff(request), StatusIs(absl::StatusCode::kNotFound));
}

// ---------------------------------------------------------------------------
// Histories and known-at points.

std::vector<std::string> EventIds(const v1::GetHistoryResponse& history) {
  std::vector<std::string> ids;
  for (const auto& entry : history.entries()) {
    ids.push_back(entry.event().event_id());
  }
  return ids;
}

std::string SupersededBy(const v1::GetHistoryResponse& history,
                         const std::string& event_id) {
  for (const auto& entry : history.entries()) {
    if (entry.event().event_id() == event_id) return entry.superseded_by();
  }
  ADD_FAILURE() << event_id << " not in the history";
  return "";
}

TEST_F(TrackerEvaluationTest,
       HistoryAtAPointHidesWhatWasNotKnownOrNotYetValid) {
  ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse defined, [&] {
    v1::GetHistoryRequest request;
    request.set_id(kShare);
    return tracker_->GetHistory(request);
  }());
  ASSERT_THAT(defined.entries(), SizeIs(1));  // its definition
  const std::string definition = defined.entries(0).event().event_id();

  clock_.Advance(absl::Hours(1));
  const std::string measured = Write(Measure(kShare, 70, "2026-06-30"));
  const uint64_t measured_at = tracker_->HeadPosition();
  clock_.Advance(absl::Hours(1));
  const std::string corrected = Write(Correct(measured, 68, "typo"));
  const uint64_t corrected_at = tracker_->HeadPosition();
  ASSERT_OK_AND_ASSIGN(const v1::Event correction_event,
                       tracker_->log().ReadAt(corrected_at));
  clock_.Advance(absl::Hours(1));
  const std::string september = Write(Measure(kShare, 72, "2026-09-30"));

  auto history = [&](const v1::TimePoint& at) {
    v1::GetHistoryRequest request;
    request.set_id(kShare);
    *request.mutable_at() = at;
    auto got = tracker_->GetHistory(request);
    EXPECT_THAT(got, IsOk());
    return got.ok() ? *got : v1::GetHistoryResponse();
  };
  v1::TimePoint at;
  // Known now: everything, the measurement marked as corrected.
  v1::GetHistoryResponse got = history(at);
  EXPECT_THAT(EventIds(got),
              ElementsAre(definition, measured, corrected, september));
  EXPECT_EQ(SupersededBy(got, measured), corrected);
  EXPECT_EQ(SupersededBy(got, corrected), "");

  // Known before the correction: it is hidden, and so is the link to it.
  at.mutable_known_at()->set_position(corrected_at - 1);
  got = history(at);
  EXPECT_THAT(EventIds(got), ElementsAre(definition, measured));
  EXPECT_EQ(SupersededBy(got, measured), "");

  // Known at the correction exactly.
  at.mutable_known_at()->set_position(corrected_at);
  got = history(at);
  EXPECT_THAT(EventIds(got), ElementsAre(definition, measured, corrected));
  EXPECT_EQ(SupersededBy(got, measured), corrected);

  // The same point as a timestamp: the correction's record time, and a
  // nanosecond before it.
  *at.mutable_known_at()->mutable_time() = correction_event.record_time();
  got = history(at);
  EXPECT_THAT(EventIds(got), ElementsAre(definition, measured, corrected));
  at.mutable_known_at()->mutable_time()->set_nanos(
      correction_event.record_time().nanos() - 1);
  if (correction_event.record_time().nanos() == 0) {
    at.mutable_known_at()->mutable_time()->set_seconds(
        correction_event.record_time().seconds() - 1);
    at.mutable_known_at()->mutable_time()->set_nanos(999999999);
  }
  got = history(at);
  EXPECT_THAT(EventIds(got), ElementsAre(definition, measured));
  EXPECT_EQ(measured_at, corrected_at - 1);

  // As of a date: only events valid by then.
  at.Clear();
  at.set_as_of_date("2026-07-01");
  got = history(at);
  EXPECT_THAT(EventIds(got), ElementsAre(definition, measured, corrected));
  at.set_as_of_date("2024-12-31");
  EXPECT_THAT(history(at).entries(), IsEmpty());

  // Known at position 0: nothing was known.
  at.Clear();
  at.mutable_known_at()->set_position(0);
  EXPECT_THAT(history(at).entries(), IsEmpty());
}

TEST_F(TrackerEvaluationTest, KnownAtBeyondTheHeadIsOutOfRange) {
  const uint64_t head = tracker_->HeadPosition();
  v1::TimePoint beyond;
  beyond.mutable_known_at()->set_position(head + 1);
  v1::TimePoint at_head;
  at_head.mutable_known_at()->set_position(head);

  v1::GetProgressRequest progress;
  *progress.mutable_at() = beyond;
  EXPECT_THAT(tracker_->GetProgress(progress),
              StatusIs(absl::StatusCode::kOutOfRange,
                       HasSubstr(absl::StrCat(head + 1))));
  *progress.mutable_at() = at_head;
  EXPECT_OK(tracker_->GetProgress(progress));

  v1::GetPlanRequest plan;
  plan.mutable_known_at()->set_position(head + 1);
  EXPECT_THAT(tracker_->GetPlan(plan), StatusIs(absl::StatusCode::kOutOfRange));

  v1::GetHistoryRequest history;
  history.set_id(kShare);
  *history.mutable_at() = beyond;
  EXPECT_THAT(tracker_->GetHistory(history),
              StatusIs(absl::StatusCode::kOutOfRange));

  v1::GetStateRequest state;
  *state.mutable_at() = beyond;
  EXPECT_THAT(tracker_->GetState(state),
              StatusIs(absl::StatusCode::kOutOfRange));

  v1::DiffRequest diff;
  diff.mutable_from()->mutable_at()->mutable_known_at()->set_position(head);
  *diff.mutable_to()->mutable_at() = beyond;
  EXPECT_THAT(tracker_->Diff(diff), StatusIs(absl::StatusCode::kOutOfRange));

  // A timestamp after the head is simply "known now".
  v1::GetProgressRequest later;
  ASSERT_TRUE(google::protobuf::util::TimeUtil::FromString(
      "2030-01-01T00:00:00Z",
      later.mutable_at()->mutable_known_at()->mutable_time()));
  ASSERT_OK_AND_ASSIGN(const auto answer, tracker_->GetProgress(later));
  EXPECT_EQ(answer.position(), head);

  v1::GetProgressRequest malformed;
  malformed.mutable_at()->set_as_of_date("2026-13-01");
  EXPECT_THAT(
      tracker_->GetProgress(malformed),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("as_of_date")));
}

}  // namespace
}  // namespace koers::services
