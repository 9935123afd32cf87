#include "services/plan_diff.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/plan_document.h"
#include "services/sample_plan.h"
#include "storage/append_validation.h"
#include "tests/testing/status_matchers.h"

namespace koers::services {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::koers::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using Kind = v1::PlanChange::Kind;

constexpr absl::CivilDay kAdoption(2025, 1, 1);
constexpr absl::CivilDay kRevision(2027, 7, 1);

v1::Plan SamplePlan() {
  absl::StatusOr<v1::Plan> plan =
      ParsePlanJson(SamplePlanJson(), "services/sample_plan.json");
  EXPECT_OK(plan);
  return plan.value_or(v1::Plan());
}

v1::Action& ActionAt(v1::Plan& plan, int objective, int action) {
  return *plan.mutable_objectives(objective)->mutable_actions(action);
}

// The changes of a diff as (kind, id) pairs, for compact expectations.
std::vector<std::pair<Kind, std::string>> KindsAndIds(const PlanDiff& diff) {
  std::vector<std::pair<Kind, std::string>> out;
  for (const v1::PlanChange& change : diff.changes) {
    out.emplace_back(change.kind(), change.id());
  }
  return out;
}

class PlanDiffTest : public ::testing::Test {
 protected:
  // Diffs `plan` against the state and, when that works, commits the events
  // to the state as the event log would (assigned fields filled, in order).
  absl::StatusOr<PlanDiff> Load(const v1::Plan& plan,
                                absl::CivilDay effective = kAdoption) {
    absl::StatusOr<PlanDiff> diff =
        DiffPlan(state_, plan, effective, "plan load", "coordinator");
    if (diff.ok()) Commit(diff->events);
    return diff;
  }

  void Commit(const std::vector<v1::Event>& events) {
    for (v1::Event event : events) {
      event.set_position(state_.position() + 1);
      event.set_stream_revision(revisions_[event.stream()]++);
      event.set_type(static_cast<v1::EventType>(event.payload_case()));
      event.set_event_id(
          absl::StrFormat("00000000-0000-4000-8000-%012d", event.position()));
      state_.Apply(event);
    }
  }

  PlanState state_;
  absl::flat_hash_map<std::string, uint64_t> revisions_;
};

TEST_F(PlanDiffTest, FirstLoadAdoptsThePlanAndDefinesEverything) {
  const v1::Plan plan = SamplePlan();
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan));
  ASSERT_EQ(diff.changes.size(), diff.events.size());
  // The header, then each action followed by its indicators, in id order.
  std::vector<std::pair<Kind, std::string>> expected = {
      {v1::PlanChange::KIND_PLAN_ADOPTED, "VAP-2025-2029"}};
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    for (const v1::Action& action : objective.actions()) {
      expected.emplace_back(v1::PlanChange::KIND_ACTION_DEFINED, action.id());
      for (const v1::Indicator& indicator : action.indicators()) {
        expected.emplace_back(v1::PlanChange::KIND_INDICATOR_DEFINED,
                              indicator.id());
      }
    }
  }
  EXPECT_EQ(KindsAndIds(diff), expected);
  EXPECT_EQ(diff.events.size(), 1u + 16u + 33u);
  for (size_t i = 0; i < diff.events.size(); ++i) {
    const v1::Event& event = diff.events[i];
    EXPECT_EQ(event.stream(), diff.changes[i].id());
    EXPECT_EQ(event.valid_date(), "2025-01-01");
    EXPECT_EQ(event.principal(), "coordinator");
    EXPECT_TRUE(event.event_id().empty());
    EXPECT_THAT(diff.changes[i].changed_fields(), IsEmpty());
  }
  EXPECT_EQ(diff.events[0].plan_adopted().reason(), "plan load");
  EXPECT_TRUE(MessageDifferencer::Equals(diff.events[0].plan_adopted().plan(),
                                         PlanHeader(plan)));
  EXPECT_EQ(diff.events[1].action_defined().action().objective_id(), "SD1");
  EXPECT_EQ(diff.events[1].action_defined().action().indicators_size(), 0);
  EXPECT_EQ(diff.events[2].indicator_defined().indicator().action_id(),
            "SD1.A1");
}

TEST_F(PlanDiffTest, EventsAreAcceptedByTheEventLog) {
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(SamplePlan()));
  storage::AppendRequest request;
  request.events = diff.events;
  EXPECT_OK(
      storage::ValidateAppendRequest(std::move(request), {}, absl::Now()));
}

TEST_F(PlanDiffTest, StateHoldsTheLoadedPlan) {
  v1::Plan plan = SamplePlan();
  ASSERT_OK(Load(plan).status());
  for (v1::StrategicObjective& objective : *plan.mutable_objectives()) {
    for (v1::Action& action : *objective.mutable_actions()) {
      action.set_objective_id(objective.id());
      for (v1::Indicator& indicator : *action.mutable_indicators()) {
        indicator.set_action_id(action.id());
      }
    }
  }
  EXPECT_TRUE(MessageDifferencer::Equals(state_.PlanAsOf(kAdoption), plan));
}

TEST_F(PlanDiffTest, ReloadingTheSamePlanChangesNothing) {
  ASSERT_OK(Load(SamplePlan()).status());
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(SamplePlan(), kRevision));
  EXPECT_THAT(diff.changes, IsEmpty());
  EXPECT_THAT(diff.events, IsEmpty());
}

TEST_F(PlanDiffTest, ChangingADeadlineRevisesOneAction) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  ActionAt(plan, 0, 1).set_deadline("2029-12-31");
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan, kRevision));
  EXPECT_THAT(KindsAndIds(diff),
              ElementsAre(Pair(v1::PlanChange::KIND_ACTION_REVISED, "SD1.A2")));
  EXPECT_EQ(diff.changes[0].changed_fields(), "deadline");
  const v1::ActionRevised& revised = diff.events[0].action_revised();
  EXPECT_EQ(revised.action().deadline(), "2029-12-31");
  EXPECT_EQ(revised.action().objective_id(), "SD1");
  EXPECT_EQ(revised.reason(), "plan load");
  EXPECT_EQ(diff.events[0].valid_date(), "2027-07-01");
}

TEST_F(PlanDiffTest, NamesEveryChangedFieldInDeclarationOrder) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  ActionAt(plan, 0, 1).set_deadline("2029-12-31");
  ActionAt(plan, 0, 1).add_partners("scholen");
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan, kRevision));
  ASSERT_EQ(diff.changes.size(), 1u);
  EXPECT_EQ(diff.changes[0].changed_fields(), "partners, deadline");
}

TEST_F(PlanDiffTest, RevisingTheHeaderRevisesThePlan) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  plan.set_title("Vlaams actieplan 2025-2029, herzien");
  plan.mutable_objectives(2)->set_title("Aanpak van polarisatie");
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan, kRevision));
  EXPECT_THAT(
      KindsAndIds(diff),
      ElementsAre(Pair(v1::PlanChange::KIND_PLAN_REVISED, "VAP-2025-2029")));
  EXPECT_EQ(diff.changes[0].changed_fields(), "title, objectives");
  EXPECT_EQ(diff.events[0].plan_revised().plan().objectives(2).title(),
            "Aanpak van polarisatie");
  EXPECT_EQ(diff.events[0].plan_revised().plan().objectives(2).actions_size(),
            0);
}

TEST_F(PlanDiffTest, RemovingAnActionWithdrawsItAndRetiresItsIndicators) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  plan.mutable_objectives(0)->mutable_actions()->DeleteSubrange(3, 1);
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan, kRevision));
  EXPECT_THAT(
      KindsAndIds(diff),
      ElementsAre(Pair(v1::PlanChange::KIND_ACTION_WITHDRAWN, "SD1.A4"),
                  Pair(v1::PlanChange::KIND_INDICATOR_RETIRED, "SD1.A4.I1"),
                  Pair(v1::PlanChange::KIND_INDICATOR_RETIRED, "SD1.A4.I2")));
  EXPECT_EQ(diff.events[0].action_withdrawn().action_id(), "SD1.A4");
  EXPECT_EQ(diff.events[0].action_withdrawn().reason(), "plan load");
  EXPECT_EQ(diff.events[1].indicator_retired().indicator_id(), "SD1.A4.I1");
  EXPECT_EQ(state_.CurrentAction("SD1.A4"), nullptr);
  EXPECT_EQ(state_.CurrentIndicator("SD1.A4.I2"), nullptr);
}

TEST_F(PlanDiffTest, RemovingAnIndicatorRetiresOnlyIt) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  ActionAt(plan, 0, 0).mutable_indicators()->DeleteSubrange(1, 1);
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan, kRevision));
  EXPECT_THAT(
      KindsAndIds(diff),
      ElementsAre(Pair(v1::PlanChange::KIND_INDICATOR_RETIRED, "SD1.A1.I2")));
}

TEST_F(PlanDiffTest, ChangingATargetRevisesTheIndicator) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  ActionAt(plan, 0, 0)
      .mutable_indicators(0)
      ->mutable_quantitative()
      ->set_target_value(85);
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan, kRevision));
  EXPECT_THAT(
      KindsAndIds(diff),
      ElementsAre(Pair(v1::PlanChange::KIND_INDICATOR_REVISED, "SD1.A1.I1")));
  EXPECT_EQ(diff.changes[0].changed_fields(), "quantitative");
  const v1::Indicator& revised = diff.events[0].indicator_revised().indicator();
  EXPECT_EQ(revised.quantitative().target_value(), 85);
  EXPECT_EQ(revised.action_id(), "SD1.A1");
}

TEST_F(PlanDiffTest, ReAddingAWithdrawnActionDefinesItAgain) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan without = SamplePlan();
  without.mutable_objectives(0)->mutable_actions()->DeleteSubrange(3, 1);
  ASSERT_OK(Load(without, absl::CivilDay(2026, 1, 1)).status());
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(SamplePlan(), kRevision));
  EXPECT_THAT(
      KindsAndIds(diff),
      ElementsAre(Pair(v1::PlanChange::KIND_ACTION_DEFINED, "SD1.A4"),
                  Pair(v1::PlanChange::KIND_INDICATOR_DEFINED, "SD1.A4.I1"),
                  Pair(v1::PlanChange::KIND_INDICATOR_DEFINED, "SD1.A4.I2")));
  EXPECT_NE(state_.CurrentAction("SD1.A4"), nullptr);
}

TEST_F(PlanDiffTest, OrdersHeaderThenItemsThenRemovals) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  plan.set_legal_basis("Radicaliseringsdecreet, gewijzigd");
  plan.mutable_objectives(2)->mutable_actions()->DeleteSubrange(0, 1);
  ActionAt(plan, 1, 0).set_title("Disengagementtrajecten");
  v1::Action* added = plan.mutable_objectives(0)->add_actions();
  *added = ActionAt(plan, 0, 0);
  added->set_id("SD1.A5");
  added->mutable_indicators()->DeleteSubrange(1, 2);
  added->mutable_indicators(0)->set_id("SD1.A5.I1");
  ASSERT_OK(ValidatePlanDocument(plan));
  ASSERT_OK_AND_ASSIGN(const PlanDiff diff, Load(plan, kRevision));
  EXPECT_THAT(
      KindsAndIds(diff),
      ElementsAre(Pair(v1::PlanChange::KIND_PLAN_REVISED, "VAP-2025-2029"),
                  Pair(v1::PlanChange::KIND_ACTION_DEFINED, "SD1.A5"),
                  Pair(v1::PlanChange::KIND_INDICATOR_DEFINED, "SD1.A5.I1"),
                  Pair(v1::PlanChange::KIND_ACTION_REVISED, "SD2.A1"),
                  Pair(v1::PlanChange::KIND_ACTION_WITHDRAWN, "SD3.A1"),
                  Pair(v1::PlanChange::KIND_INDICATOR_RETIRED, "SD3.A1.I1"),
                  Pair(v1::PlanChange::KIND_INDICATOR_RETIRED, "SD3.A1.I2")));
  EXPECT_EQ(diff.changes[0].changed_fields(), "legal_basis");
  EXPECT_EQ(diff.changes[3].changed_fields(), "title");
}

TEST_F(PlanDiffTest, RefusesADocumentForAnotherPlan) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  plan.set_id("VAP-2030-2034");
  EXPECT_THAT(
      Load(plan, kRevision),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("this log tracks plan VAP-2025-2029; a document for "
                         "plan VAP-2030-2034 cannot revise it")));
}

TEST_F(PlanDiffTest, PlanAsOfShowsTheDeadlineInForceOnTheDay) {
  ASSERT_OK(Load(SamplePlan()).status());
  v1::Plan plan = SamplePlan();
  ActionAt(plan, 0, 1).set_deadline("2029-12-31");
  ASSERT_OK(Load(plan, kRevision).status());
  EXPECT_EQ(state_.PlanAsOf(kRevision - 1).objectives(0).actions(1).deadline(),
            "2029-06-30");
  EXPECT_EQ(state_.PlanAsOf(kRevision).objectives(0).actions(1).deadline(),
            "2029-12-31");
}

}  // namespace
}  // namespace koers::services
