// The stored form of PlanState: what each event contributes to the
// "projections" column family (the EventLog's projector), and how a
// PlanState is loaded back from it at start-up instead of replaying the log.
//
// Layout (keys start with a kind byte; see storage/log_keys.h for the
// StreamKey and ValidTimeKey encodings):
//   "V" ValidTimeKey(indicator, day, position)   one value (measurement or
//       correction): BE64(stream revision) flags[1] id[16] (supersedes[16]
//       for a correction) then the number (8 bytes, IEEE 754 big-endian) or
//       the level's bytes. flags: bit 0 number, bit 1 correction.
//   "E" StreamKey(stream, revision)              any other event, serialized
//       whole (a snapshot's content left out: it stays in the log).
// Values, by far the most numerous events, are compact and already in
// valid-time order, so loading them needs no protobuf parsing and no sort.
#ifndef KOERS_SERVICES_STATE_PROJECTION_H_
#define KOERS_SERVICES_STATE_PROJECTION_H_

#include "absl/status/status.h"
#include "koers/v1/events.pb.h"
#include "services/plan_state.h"
#include "storage/event_log.h"

namespace koers::services {

// The projector: a pure function of the event.
void ProjectEvent(const v1::Event& event, storage::ProjectionSink* sink);

// Fills an empty `state` from `log`'s stored projections: the values read on
// the calling thread, indexed meanwhile on one or two threads of its own
// (joined before it returns). Nothing else may touch `state` meanwhile.
// DataLoss when an entry cannot be decoded.
absl::Status LoadPlanState(const storage::EventLog& log, PlanState* state);

}  // namespace koers::services

#endif  // KOERS_SERVICES_STATE_PROJECTION_H_
