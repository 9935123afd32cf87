#include "services/tracker.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/sample_plan.h"
#include "tests/services/tracker_fixture.h"
#include "tests/testing/status_matchers.h"

namespace koers::services {
namespace {

using ::koers::testing::IsOk;
using ::koers::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// From the sample plan: a quantitative increase indicator in [0, 100]
// (baseline 62, target 80), a qualitative one, and actions.
constexpr char kCount[] = "SD1.A1.I1";
constexpr char kQualitative[] = "SD1.A3.I1";
constexpr char kAction[] = "SD1.A1";
constexpr char kEarlyAction[] = "SD1.A4";  // deadline 2025-12-31
constexpr char kId[] = "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f1";

class TrackerTest : public TrackerFixture {};

TEST_F(TrackerTest, LatestValueByReferenceDateAndDirectionAwareProgress) {
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kCount, 70, "2026-06-30")));
  // Recorded later, but about an earlier date: not the latest value.
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kCount, 65, "2026-03-31")));
  ASSERT_OK_AND_ASSIGN(const auto progress, tracker_->GetProgress({}));
  const v1::IndicatorProgress& count = IndicatorIn(progress, kCount);
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(count.number(), 70);
  EXPECT_EQ(count.value_date(), "2026-06-30");
  ASSERT_TRUE(count.has_progress());
  EXPECT_NEAR(count.progress(),
              (70 - count.baseline_value()) /
                  (count.target_value() - count.baseline_value()),
              1e-9);
}

TEST_F(TrackerTest, CorrectionReplacesTheValueAndIsLinkedInHistory) {
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult original,
      tracker_->Submit(coordinator_, Measure(kCount, 70, "2026-06-30")));
  v1::Submission correction;
  correction.mutable_correction()->set_supersedes_event_id(original.event_id());
  correction.mutable_correction()->set_number(68);
  correction.mutable_correction()->set_reason("double counted one town");
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult corrected,
                       tracker_->Submit(coordinator_, correction));
  EXPECT_EQ(corrected.stream(), kCount);

  ASSERT_OK_AND_ASSIGN(const auto progress, tracker_->GetProgress({}));
  EXPECT_EQ(IndicatorIn(progress, kCount).number(), 68);
  EXPECT_EQ(IndicatorIn(progress, kCount).value_date(), "2026-06-30");

  v1::GetHistoryRequest history_request;
  history_request.set_id(kCount);
  ASSERT_OK_AND_ASSIGN(const auto history,
                       tracker_->GetHistory(history_request));
  ASSERT_GE(history.entries_size(), 3);  // defined, recorded, corrected
  const auto& recorded = history.entries(history.entries_size() - 2);
  EXPECT_EQ(recorded.event().event_id(), original.event_id());
  EXPECT_EQ(recorded.superseded_by(), corrected.event_id());

  // The same value cannot be corrected twice: correct the correction.
  EXPECT_THAT(tracker_->Submit(coordinator_, correction),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr(corrected.event_id())));
}

TEST_F(TrackerTest, StatusLifecycleFollowsTheDocumentedTransitions) {
  EXPECT_OK(tracker_->Submit(
      coordinator_,
      Status(kAction, v1::ACTION_STATUS_IN_PROGRESS, "2025-03-01")));
  EXPECT_THAT(
      tracker_->Submit(coordinator_, Status(kAction, v1::ACTION_STATUS_PLANNED,
                                            "2025-04-01")),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("in progress (lopend)"),
                     HasSubstr("delayed (vertraagd)"))));
  EXPECT_THAT(
      tracker_->Submit(coordinator_, Status(kAction, v1::ACTION_STATUS_DELAYED,
                                            "2025-02-01")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("before the action's previous status")));
  EXPECT_OK(tracker_->Submit(
      coordinator_,
      Status(kAction, v1::ACTION_STATUS_COMPLETED, "2026-01-15")));
  EXPECT_THAT(
      tracker_->Submit(
          coordinator_,
          Status(kAction, v1::ACTION_STATUS_IN_PROGRESS, "2026-02-01")),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("final")));

  ASSERT_OK_AND_ASSIGN(const auto progress, tracker_->GetProgress({}));
  const v1::ActionProgress& action = ActionIn(progress, kAction);
  EXPECT_EQ(action.status(), v1::ACTION_STATUS_COMPLETED);
  EXPECT_EQ(action.status_since(), "2026-01-15");
  EXPECT_FALSE(action.overdue());
}

TEST_F(TrackerTest, OverdueAndFicheTimeliness) {
  ASSERT_OK_AND_ASSIGN(auto progress, tracker_->GetProgress({}));
  EXPECT_TRUE(ActionIn(progress, kEarlyAction).overdue());
  EXPECT_FALSE(ActionIn(progress, kAction).fiche_up_to_date());

  v1::Submission fiche;
  fiche.mutable_fiche_update()->set_action_id(kAction);
  fiche.mutable_fiche_update()->set_year(2026);
  fiche.mutable_fiche_update()->set_text("Planning 2026: ...");
  ASSERT_OK(tracker_->Submit(coordinator_, fiche));
  ASSERT_OK(tracker_->Submit(
      coordinator_,
      Status(kEarlyAction, v1::ACTION_STATUS_STOPPED, "2026-01-10")));

  ASSERT_OK_AND_ASSIGN(progress, tracker_->GetProgress({}));
  EXPECT_TRUE(ActionIn(progress, kAction).fiche_up_to_date());
  EXPECT_EQ(ActionIn(progress, kAction).latest_fiche_year(), 2026);
  EXPECT_FALSE(ActionIn(progress, kEarlyAction).overdue());
}

TEST_F(TrackerTest, ValuesAreCheckedAgainstTheIndicator) {
  const uint64_t head = tracker_->HeadPosition();
  EXPECT_THAT(
      tracker_->Submit(coordinator_, Measure(kCount, 101, "2026-03-31")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("allowed range")));
  EXPECT_THAT(
      tracker_->Submit(coordinator_,
                       Measure(kCount, std::nan(""), "2026-03-31")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("finite")));
  EXPECT_THAT(
      tracker_->Submit(coordinator_, Measure(kQualitative, 2, "2026-03-31")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("qualitative")));
  EXPECT_THAT(
      tracker_->Submit(coordinator_, Measure(kCount, 5, "2026-11-30")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("after today")));
  EXPECT_THAT(
      tracker_->Submit(coordinator_, Measure(kCount, 5, "2024-12-31")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("plan period")));
  EXPECT_THAT(
      tracker_->Submit(coordinator_, Measure("SD9.A1.I1", 5, "2026-03-31")),
      StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(tracker_->HeadPosition(), head);
}

TEST_F(TrackerTest, ReportersWriteOnlyForTheirEntitiesAndEvaluatorsNever) {
  ASSERT_OK_AND_ASSIGN(const v1::GetPlanResponse plan, tracker_->GetPlan({}));
  const std::string entity =
      plan.plan().objectives(0).actions(0).reporting_entity();
  const Caller reporter{"dept", v1::ROLE_REPORTER, {entity}};
  const Caller other{"other", v1::ROLE_REPORTER, {"Elders"}};
  const Caller evaluator{"eval", v1::ROLE_EVALUATOR, {}};
  EXPECT_OK(tracker_->Submit(reporter, Measure(kCount, 5, "2026-03-31")));
  EXPECT_THAT(tracker_->Submit(other, Measure(kCount, 5, "2026-03-31")),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr(entity)));
  EXPECT_THAT(tracker_->Submit(evaluator, Measure(kCount, 5, "2026-03-31")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::LoadPlanRequest load;
  EXPECT_THAT(tracker_->LoadPlan(reporter, load),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(TrackerTest, RetryReturnsTheOriginalEvenAfterTheStateMoved) {
  v1::Submission change =
      Status(kAction, v1::ACTION_STATUS_IN_PROGRESS, "2025-03-01");
  change.mutable_status_change()->mutable_options()->set_event_id(kId);
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult first,
                       tracker_->Submit(coordinator_, change));
  Reopen();
  // in progress -> in progress would be illegal, but this is a retry.
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult retry,
                       tracker_->Submit(coordinator_, change));
  EXPECT_TRUE(retry.duplicate());
  EXPECT_EQ(retry.position(), first.position());
  change.mutable_status_change()->set_reason("another reason");
  EXPECT_THAT(tracker_->Submit(coordinator_, change),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(TrackerTest, BatchIsAllOrNothing) {
  const uint64_t head = tracker_->HeadPosition();
  v1::SubmitBatchRequest batch;
  *batch.add_submissions() = Measure(kCount, 5, "2026-03-31");
  *batch.add_submissions() = Measure(kCount, 999, "2026-03-31");
  EXPECT_THAT(tracker_->SubmitBatch(coordinator_, batch),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("submissions[1].measurement.number")));
  EXPECT_EQ(tracker_->HeadPosition(), head);

  batch.mutable_submissions(1)->mutable_measurement()->set_number(6);
  *batch.add_submissions() =
      Status(kAction, v1::ACTION_STATUS_IN_PROGRESS, "2025-03-01");
  *batch.add_submissions() =
      Status(kAction, v1::ACTION_STATUS_DELAYED, "2025-04-01");
  EXPECT_THAT(tracker_->SubmitBatch(coordinator_, batch),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("one status change per action")));
  batch.mutable_submissions()->RemoveLast();
  ASSERT_OK_AND_ASSIGN(const auto written,
                       tracker_->SubmitBatch(coordinator_, batch));
  EXPECT_THAT(written.results(), SizeIs(3));
  EXPECT_EQ(tracker_->HeadPosition(), head + 3);
}

TEST_F(TrackerTest, ConcurrentStatusChangesNeverBuildOnAStaleStatus) {
  // Every thread tries planned -> in progress; exactly one may succeed, the
  // others must see the new status and be refused, not write a second
  // "from planned" change.
  std::atomic<int> succeeded{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto result = tracker_->Submit(
          coordinator_,
          Status(kAction, v1::ACTION_STATUS_IN_PROGRESS, "2025-03-01"));
      if (result.ok()) {
        ++succeeded;
      } else if (absl::IsFailedPrecondition(result.status()) ||
                 absl::IsAborted(result.status())) {
        ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded, 1);
  EXPECT_EQ(refused, 5);
}

TEST_F(TrackerTest, ConcurrentAsyncStatusChangesAreRevalidatedNotStale) {
  // The same race through SubmitAsync: a guarded conflict is validated
  // again on the log's syncer thread, so every loser learns the new
  // status instead of writing a second "from planned" change.
  constexpr int kWriters = 6;
  absl::Mutex mu;
  std::vector<absl::StatusOr<v1::WriteResult>> results;
  for (int i = 0; i < kWriters; ++i) {
    tracker_->SubmitAsync(
        coordinator_,
        Status(kAction, v1::ACTION_STATUS_IN_PROGRESS, "2025-03-01"),
        [&](absl::StatusOr<v1::WriteResult> result) {
          absl::MutexLock lock(&mu);
          results.push_back(std::move(result));
        });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](std::vector<absl::StatusOr<v1::WriteResult>>* done) {
        return done->size() == kWriters;
      },
      &results));
  int succeeded = 0;
  for (const auto& result : results) {
    if (result.ok()) {
      ++succeeded;
    } else {
      EXPECT_THAT(result, StatusIs(absl::StatusCode::kFailedPrecondition));
    }
  }
  EXPECT_EQ(succeeded, 1);
}

TEST_F(TrackerTest, PlanRevisionIsVisibleFromItsEffectiveDateOnly) {
  auto plan = ParsePlanJson(SamplePlanJson(), "sample");
  ASSERT_THAT(plan, IsOk());
  v1::Action* action = plan->mutable_objectives(0)->mutable_actions(0);
  const std::string old_deadline = action->deadline();
  action->set_deadline("2029-06-30");
  v1::LoadPlanRequest load;
  *load.mutable_plan() = *plan;
  load.set_reason("interim evaluation");
  load.set_effective_date("2026-07-01");
  load.set_dry_run(true);
  const uint64_t head = tracker_->HeadPosition();
  ASSERT_OK_AND_ASSIGN(const auto dry, tracker_->LoadPlan(coordinator_, load));
  ASSERT_THAT(dry.changes(), SizeIs(1));
  EXPECT_EQ(dry.changes(0).kind(), v1::PlanChange::KIND_ACTION_REVISED);
  EXPECT_EQ(tracker_->HeadPosition(), head);
  load.set_dry_run(false);
  ASSERT_OK_AND_ASSIGN(const auto applied,
                       tracker_->LoadPlan(coordinator_, load));
  EXPECT_THAT(applied.results(), SizeIs(1));
  ASSERT_OK_AND_ASSIGN(const auto again,
                       tracker_->LoadPlan(coordinator_, load));
  EXPECT_THAT(again.changes(), SizeIs(0));

  v1::GetPlanRequest before;
  before.set_as_of_date("2026-06-30");
  EXPECT_EQ(
      tracker_->GetPlan(before)->plan().objectives(0).actions(0).deadline(),
      old_deadline);
  v1::GetPlanRequest after;
  after.set_as_of_date("2026-07-01");
  EXPECT_EQ(
      tracker_->GetPlan(after)->plan().objectives(0).actions(0).deadline(),
      "2029-06-30");
}

TEST_F(TrackerTest, StateSurvivesReopen) {
  ASSERT_OK(tracker_->Submit(coordinator_, Measure(kCount, 70, "2026-06-30")));
  ASSERT_OK_AND_ASSIGN(const auto before, tracker_->GetProgress({}));
  Reopen();
  ASSERT_OK_AND_ASSIGN(const auto after, tracker_->GetProgress({}));
  EXPECT_EQ(before.SerializeAsString(), after.SerializeAsString());
}

}  // namespace
}  // namespace koers::services
