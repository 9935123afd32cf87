// EvaluationState: everything an evaluation looks at, at one bitemporal
// point (progress with verdicts and roll-ups, each indicator's recent
// values, the completeness of the as-of year), and its canonical form, the
// bytes a snapshot freezes and digests.
#ifndef KOERS_SERVICES_EVALUATION_STATE_H_
#define KOERS_SERVICES_EVALUATION_STATE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "koers/v1/evaluation_service.pb.h"
#include "services/plan_state.h"

namespace koers::services {

// How many of an indicator's latest values a trend holds.
inline constexpr size_t kTrendPoints = 60;

// The state on `day` as known at `known_at`; `position` is the log
// position that point resolves to.
v1::EvaluationState BuildEvaluationState(const PlanState& state,
                                         absl::CivilDay day, uint64_t known_at,
                                         uint64_t position);

// The canonical bytes of `state`: protobuf's deterministic serialization.
// A snapshot stores these bytes and their SHA-256; readers get the stored
// bytes back, never a re-serialization.
std::string CanonicalContent(const v1::EvaluationState& state);

// A snapshot's metadata on the wire.
v1::SnapshotInfo ToSnapshotInfo(const SnapshotRecord& record);

}  // namespace koers::services

#endif  // KOERS_SERVICES_EVALUATION_STATE_H_
