// The plan document (a whole v1::Plan with its objectives, actions and
// indicators nested) as coordinators load it: the rules it must satisfy and
// the normalised definitions that plan events carry.
#ifndef KOERS_SERVICES_PLAN_DOCUMENT_H_
#define KOERS_SERVICES_PLAN_DOCUMENT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "koers/v1/plan.pb.h"

namespace koers::services {

// Limits of one plan document.
inline constexpr int kMaxObjectives = 20;
// A plan at these sizes, even replaced whole (every definition withdrawn
// and a new one defined), fits one append of the event log (10,000 events).
inline constexpr int kMaxActions = 500;
inline constexpr int kMaxIndicators = 3000;

// OK when `plan` is a well-formed plan document; otherwise InvalidArgument
// for the first rule broken, whose message starts with the field's path (for
// example `plan.objectives[1].actions[2].deadline: "2027-13-01" is not a
// calendar date; ...`) and says what is allowed. The rules:
//   plan: id a valid stream name that is not "snapshots" and does not look
//     like an objective, action or indicator id ("SD..."); title 1..500
//     bytes; legal_basis at most 500 bytes; period_start <= period_end, both
//     ISO dates; 1..20 objectives; at most 1000 actions and 5000 indicators
//     in all.
//   objective: id "SD<n>" (n 1..99, no leading zero), unique; title 1..500
//     bytes; description at most 5000 bytes.
//   action: id "<objective id>.A<n>" (n a positive integer of at most four
//     digits, without leading zero), unique; objective_id empty or the
//     parent's id; title 1..500 bytes; description at most 5000; 1..10 lead
//     ministers and at most 50 partners, each 1..200 bytes;
//     reporting_entity 1..200 bytes; start_date <= deadline, both ISO dates
//     within the plan period; zero or more indicators.
//   indicator: id "<action id>.I<n>" (n as for actions), unique; action_id
//     empty or the parent's id; name 1..500 bytes; description at most 5000;
//     frequency set; a quantitative or a qualitative spec.
//   quantitative: unit 1..50 bytes; direction and nature set; baseline_date
//     <= target_date, both ISO dates within the plan period; every number
//     finite; min_allowed <= max_allowed, and baseline and target within
//     them, when given; for DIRECTION_INCREASE target > baseline, for
//     DIRECTION_DECREASE target < baseline, for DIRECTION_WITHIN_BAND
//     band_low <= band_high, both given.
//   qualitative: a scale of 2..10 distinct levels, each 1..100 bytes;
//     baseline_level and target_level in the scale; dates as quantitative.
absl::Status ValidatePlanDocument(const v1::Plan& plan);

// The plan's header as PlanAdopted / PlanRevised carry it: `plan` with every
// objective's actions cleared.
v1::Plan PlanHeader(const v1::Plan& plan);

// The action as ActionDefined / ActionRevised carry it: `action` with its
// indicators cleared and objective_id set to `objective_id`.
v1::Action ActionDefinition(const v1::Action& action,
                            absl::string_view objective_id);

// The indicator as IndicatorDefined / IndicatorRevised carry it: `indicator`
// with action_id set to `action_id`.
v1::Indicator IndicatorDefinition(const v1::Indicator& indicator,
                                  absl::string_view action_id);

}  // namespace koers::services

#endif  // KOERS_SERVICES_PLAN_DOCUMENT_H_
