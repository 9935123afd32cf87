// ProgressReport: where the plan stands on a date, computed from PlanState.
#ifndef KOERS_SERVICES_PROGRESS_H_
#define KOERS_SERVICES_PROGRESS_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "koers/v1/query_service.pb.h"
#include "services/plan_state.h"

namespace koers::services {

// The plan's progress on `day`: the plan as it stood then (PlanAsOf), each
// action's status then and whether it is overdue, each indicator's value in
// force then and its progress from baseline to target, and per objective
// the count of actions by status, stamped with the state's log position.
v1::GetProgressResponse BuildProgress(const PlanState& state,
                                      absl::CivilDay day);

// (value - baseline) / (target - baseline) for an increase or decrease
// indicator, 1 inside / 0 outside the band for a band indicator; nullopt when
// the target equals the baseline.
std::optional<double> ProgressFraction(const v1::QuantitativeSpec& spec,
                                       double value);

}  // namespace koers::services

#endif  // KOERS_SERVICES_PROGRESS_H_
