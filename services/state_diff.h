// StateDiff: what changed between two evaluation states (two snapshots, a
// snapshot and now, or two bitemporal points): per indicator the value,
// progress and verdict on each side, status changes, actions and
// indicators the plan gained, lost or retargeted, and, separately, the
// corrections recorded after the first side's known-at point that replace
// a value it showed.
#ifndef KOERS_SERVICES_STATE_DIFF_H_
#define KOERS_SERVICES_STATE_DIFF_H_

#include <cstdint>

#include "koers/v1/evaluation_service.pb.h"
#include "services/plan_state.h"

namespace koers::services {

// Indicator, status and plan differences from `from` to `to` (sorted by
// id). Leaves the sides' resolution and the corrections to the caller.
v1::DiffResponse DiffStates(const v1::EvaluationState& from,
                            const v1::EvaluationState& to);

// Appends to `diff` every correction recorded in (from_position,
// to_position] that replaces a value `from` showed (an indicator's value or
// a point of its trend), following chains of corrections.
void AddLateCorrections(const PlanState& state, const v1::EvaluationState& from,
                        uint64_t from_position, uint64_t to_position,
                        v1::DiffResponse* diff);

}  // namespace koers::services

#endif  // KOERS_SERVICES_STATE_DIFF_H_
