// Progress: where the plan stands at a bitemporal point, computed from
// PlanState, with a verdict per quantitative indicator and roll-ups per
// objective, lead minister and reporting entity.
#ifndef KOERS_SERVICES_PROGRESS_H_
#define KOERS_SERVICES_PROGRESS_H_

#include <cstdint>
#include <optional>

#include "absl/time/civil_time.h"
#include "koers/v1/query_service.pb.h"
#include "services/plan_state.h"

namespace koers::services {

// The plan's progress on `day` as known at `known_at`: the plan as it stood
// then (PlanState::ViewAsOf), each action's status then and whether it is
// overdue, each indicator's value in force then, its progress from baseline to
// target and its verdict, and the roll-ups. `position` is the log position the
// answer reflects (the known-at point resolved).
v1::GetProgressResponse BuildProgress(const PlanState& state,
                                      absl::CivilDay day, uint64_t known_at,
                                      uint64_t position);

// (value - baseline) / (target - baseline) for an increase or decrease
// indicator, 1 inside / 0 outside the band for a band indicator; nullopt when
// the target equals the baseline.
std::optional<double> ProgressFraction(const v1::QuantitativeSpec& spec,
                                       double value);

// The share of the time from the baseline date to the target date elapsed
// on `day`, in [0, 1]; nullopt when the dates are missing or not in order.
std::optional<double> ExpectedProgress(const v1::QuantitativeSpec& spec,
                                       absl::CivilDay day);

// The verdict for `progress` against `expected` (see v1::Verdict for the
// thresholds). Band indicators: on track inside the band, else off track.
v1::Verdict JudgeProgress(const v1::QuantitativeSpec& spec,
                          std::optional<double> progress,
                          std::optional<double> expected);

}  // namespace koers::services

#endif  // KOERS_SERVICES_PROGRESS_H_
