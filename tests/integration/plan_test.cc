// PlanService over gRPC against the real koersd: loading a plan into an empty
// log, dry runs, an unchanged plan appending nothing, a revision appending
// only its differences, and GetPlan as of dates before and after a revision
// takes effect.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"

namespace koers::integration {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::koers::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A date on which every revision these tests load is in force.
constexpr char kEndOfPeriod[] = "2029-12-31";

class PlanTest : public SharedServerTest<PlanTest> {
 public:
  static std::vector<std::string> Flags() { return {"--plan=sample"}; }
};

v1::LoadPlanRequest LoadRequest(const v1::Plan& plan,
                                absl::string_view effective_date,
                                bool dry_run = false) {
  v1::LoadPlanRequest request;
  *request.mutable_plan() = plan;
  request.set_reason("interim evaluation");
  request.set_effective_date(std::string(effective_date));
  request.set_dry_run(dry_run);
  return request;
}

v1::Action* FindAction(v1::Plan& plan, absl::string_view id) {
  for (v1::StrategicObjective& objective : *plan.mutable_objectives()) {
    for (v1::Action& action : *objective.mutable_actions()) {
      if (action.id() == id) return &action;
    }
  }
  ADD_FAILURE() << "no action " << id;
  return nullptr;
}

int IndicatorCount(const v1::Plan& plan) {
  int count = 0;
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    for (const v1::Action& action : objective.actions()) {
      count += action.indicators_size();
    }
  }
  return count;
}

int ActionCount(const v1::Plan& plan) {
  int count = 0;
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    count += objective.actions_size();
  }
  return count;
}

TEST_F(PlanTest, LoadingThePlanIntoAnEmptyLogAdoptsIt) {
  KoersClient sample = Client();
  ASSERT_OK_AND_ASSIGN(const v1::Plan plan, sample.GetPlan(kEndOfPeriod));
  TestServer empty({});
  ASSERT_TRUE(empty.status().ok()) << empty.status();
  KoersClient client = empty.Client();
  ASSERT_EQ(HeadOf(client), 0u);
  ASSERT_OK_AND_ASSIGN(const v1::Plan none, client.GetPlan(""));
  EXPECT_THAT(none.id(), IsEmpty());

  const size_t definitions = 1 + ActionCount(plan) + IndicatorCount(plan);
  ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse dry,
                       client.LoadPlan(LoadRequest(plan, "2025-01-01", true)));
  EXPECT_THAT(dry.changes(), SizeIs(definitions));
  EXPECT_THAT(dry.results(), IsEmpty());
  ExpectHeadIs(client, 0);

  ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse loaded,
                       client.LoadPlan(LoadRequest(plan, "2025-01-01")));
  ASSERT_THAT(loaded.changes(), SizeIs(definitions));
  ASSERT_THAT(loaded.results(), SizeIs(definitions));
  EXPECT_EQ(loaded.changes(0).kind(), v1::PlanChange::KIND_PLAN_ADOPTED);
  EXPECT_EQ(loaded.changes(0).id(), kPlanId);
  for (int i = 0; i < loaded.results_size(); ++i) {
    EXPECT_EQ(loaded.results(i).position(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(loaded.results(i).stream(), loaded.changes(i).id());
  }
  ExpectHeadIs(client, definitions);

  ASSERT_OK_AND_ASSIGN(const v1::Plan before, client.GetPlan("2024-12-31"));
  EXPECT_THAT(before.id(), IsEmpty());
  ASSERT_OK_AND_ASSIGN(const v1::Plan adopted, client.GetPlan(kEndOfPeriod));
  EXPECT_TRUE(MessageDifferencer::Equals(adopted, plan))
      << "loaded:\n"
      << plan.DebugString() << "served:\n"
      << adopted.DebugString();
}

TEST_F(PlanTest, LoadingTheCurrentPlanAppendsNothing) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(const v1::Plan plan, client.GetPlan(kEndOfPeriod));
  ASSERT_EQ(plan.id(), kPlanId);
  for (const bool dry_run : {true, false}) {
    SCOPED_TRACE(dry_run ? "dry run" : "load");
    ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse response,
                         client.LoadPlan(LoadRequest(plan, "", dry_run)));
    EXPECT_THAT(response.changes(), IsEmpty());
    EXPECT_THAT(response.results(), IsEmpty());
  }
  ExpectHeadIs(client, head);
}

TEST_F(PlanTest, RevisionAppendsOnlyItsDifferencesFromItsEffectiveDate) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(v1::Plan plan, client.GetPlan(kEndOfPeriod));
  v1::Action* action = FindAction(plan, "SD4.A4");
  ASSERT_NE(action, nullptr);
  const std::string old_deadline = action->deadline();
  action->set_deadline("2029-06-30");
  v1::Indicator* added = action->add_indicators();
  *added = action->indicators(0);
  added->set_id("SD4.A4.I3");
  added->set_name("Aantal opgeleverde evaluatierapporten");
  const uint64_t head = HeadOf(client);

  ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse dry,
                       client.LoadPlan(LoadRequest(plan, "2027-07-01", true)));
  ASSERT_THAT(dry.changes(), SizeIs(2));
  EXPECT_THAT(dry.results(), IsEmpty());
  ExpectHeadIs(client, head);

  ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse revised,
                       client.LoadPlan(LoadRequest(plan, "2027-07-01")));
  ASSERT_THAT(revised.changes(), SizeIs(2));
  EXPECT_EQ(revised.changes(0).kind(), v1::PlanChange::KIND_ACTION_REVISED);
  EXPECT_EQ(revised.changes(0).id(), "SD4.A4");
  EXPECT_EQ(revised.changes(0).changed_fields(), "deadline");
  EXPECT_EQ(revised.changes(1).kind(), v1::PlanChange::KIND_INDICATOR_DEFINED);
  EXPECT_EQ(revised.changes(1).id(), "SD4.A4.I3");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(dry.changes(i).kind(), revised.changes(i).kind());
    EXPECT_EQ(revised.results(i).position(), head + 1 + i);
  }
  ExpectHeadIs(client, head + 2);
  ASSERT_OK_AND_ASSIGN(const v1::Event event, client.EventAt(head + 1));
  EXPECT_EQ(event.type(), v1::EVENT_TYPE_ACTION_REVISED);
  EXPECT_EQ(event.valid_date(), "2027-07-01");
  EXPECT_EQ(event.action_revised().reason(), "interim evaluation");
  EXPECT_EQ(event.principal(), "local");

  // The plan as of the day before the revision, and from it on.
  ASSERT_OK_AND_ASSIGN(v1::Plan before, client.GetPlan("2027-06-30"));
  ASSERT_NE(FindAction(before, "SD4.A4"), nullptr);
  EXPECT_EQ(FindAction(before, "SD4.A4")->deadline(), old_deadline);
  EXPECT_THAT(FindAction(before, "SD4.A4")->indicators(), SizeIs(2));
  ASSERT_OK_AND_ASSIGN(v1::Plan after, client.GetPlan("2027-07-01"));
  ASSERT_NE(FindAction(after, "SD4.A4"), nullptr);
  EXPECT_EQ(FindAction(after, "SD4.A4")->deadline(), "2029-06-30");
  EXPECT_THAT(FindAction(after, "SD4.A4")->indicators(), SizeIs(3));

  // Loading the revised plan again changes nothing.
  ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse again,
                       client.LoadPlan(LoadRequest(plan, "2027-07-01")));
  EXPECT_THAT(again.changes(), IsEmpty());
  ExpectHeadIs(client, head + 2);
}

TEST_F(PlanTest, WithdrawingAnActionRetiresItsIndicators) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(v1::Plan plan, client.GetPlan(kEndOfPeriod));
  for (v1::StrategicObjective& objective : *plan.mutable_objectives()) {
    if (objective.id() != "SD3") continue;
    auto* actions = objective.mutable_actions();
    for (int i = 0; i < actions->size(); ++i) {
      if (actions->Get(i).id() == "SD3.A2") actions->DeleteSubrange(i, 1);
    }
  }
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse revised,
                       client.LoadPlan(LoadRequest(plan, "2027-01-01")));
  ASSERT_THAT(revised.changes(), SizeIs(3));
  EXPECT_EQ(revised.changes(0).kind(), v1::PlanChange::KIND_ACTION_WITHDRAWN);
  EXPECT_EQ(revised.changes(1).kind(), v1::PlanChange::KIND_INDICATOR_RETIRED);
  EXPECT_EQ(revised.changes(1).id(), "SD3.A2.I1");
  EXPECT_EQ(revised.changes(2).id(), "SD3.A2.I2");
  ExpectHeadIs(client, head + 3);
  // A withdrawn action takes no new facts.
  EXPECT_THAT(client.Submit(Measurement("SD3.A2.I1", 3)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(
      client.Submit(FicheUpdate("SD3.A2", 2026)),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("withdrawn")));
  ExpectHeadIs(client, head + 3);
  ASSERT_OK_AND_ASSIGN(v1::Plan before, client.GetPlan("2026-12-31"));
  EXPECT_NE(FindAction(before, "SD3.A2"), nullptr);
}

TEST_F(PlanTest, InvalidLoadIsRefusedAndWritesNothing) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(const v1::Plan plan, client.GetPlan(kEndOfPeriod));
  const uint64_t head = HeadOf(client);
  v1::LoadPlanRequest no_reason = LoadRequest(plan, "2027-01-01");
  no_reason.clear_reason();
  EXPECT_THAT(
      client.LoadPlan(no_reason),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  v1::LoadPlanRequest long_reason = LoadRequest(plan, "2027-01-01");
  long_reason.set_reason(std::string(2001, 'r'));
  EXPECT_THAT(
      client.LoadPlan(long_reason),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_THAT(client.LoadPlan(LoadRequest(plan, "2027-02-29")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("effective_date")));
  v1::Plan bad_deadline = plan;
  FindAction(bad_deadline, "SD1.A1")->set_deadline("2024-01-01");
  EXPECT_THAT(
      client.LoadPlan(LoadRequest(bad_deadline, "2027-01-01")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deadline")));
  v1::Plan other_plan = plan;
  other_plan.set_id("VAP-2030-2034");
  EXPECT_THAT(client.LoadPlan(LoadRequest(other_plan, "2027-01-01")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ExpectHeadIs(client, head);
}

}  // namespace
}  // namespace koers::integration
