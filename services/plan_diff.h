// The difference between the plan the log holds and a plan document, as the
// events that would turn one into the other (LoadPlan's core).
#ifndef KOERS_SERVICES_PLAN_DIFF_H_
#define KOERS_SERVICES_PLAN_DIFF_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "koers/v1/events.pb.h"
#include "koers/v1/plan.pb.h"
#include "koers/v1/plan_service.pb.h"
#include "services/plan_state.h"

namespace koers::services {

// The events of a plan load and, at the same index, what each one changes.
struct PlanDiff {
  std::vector<v1::PlanChange> changes;
  std::vector<v1::Event> events;
};

// The events that turn `state`'s current plan into `plan`, a document that
// passed ValidatePlanDocument. In this order:
//   1. PlanAdopted when `state` has no plan, PlanRevised when the header
//      (PlanHeader) differs from the current one;
//   2. per action of the document, in id order: ActionDefined when it is not
//      current (new, or withdrawn before), ActionRevised when its definition
//      (ActionDefinition) differs; then its indicators in id order, likewise
//      IndicatorDefined / IndicatorRevised (IndicatorDefinition);
//   3. ActionWithdrawn, in id order, for each current action absent from the
//      document;
//   4. IndicatorRetired, in id order, for each current indicator absent from
//      the document (which includes every current indicator of a withdrawn
//      action).
// Definitions are compared with MessageDifferencer::Equals; an unchanged plan
// yields an empty diff. Each event carries client fields only: stream (the
// plan, action or indicator id), valid_date (`effective_date`), principal
// and the payload with `reason`; no event_id. changes[i] describes events[i]:
// its kind, id and, for a revision, the names of the top-level fields that
// differ, in declaration order, joined by ", " (for example "deadline").
// FailedPrecondition when the log tracks a plan with another id.
absl::StatusOr<PlanDiff> DiffPlan(const PlanState& state, const v1::Plan& plan,
                                  absl::CivilDay effective_date,
                                  absl::string_view reason,
                                  absl::string_view principal);

}  // namespace koers::services

#endif  // KOERS_SERVICES_PLAN_DIFF_H_
