// Submissions: turns write requests (measurements, corrections, status
// changes, fiche updates) into the events to append, after checking them
// against the plan's current state and the caller's rights.
//
// Errors name the field (with `field_prefix`, e.g. "submissions[3].
// measurement.date") and say what is allowed:
//   InvalidArgument     malformed or out-of-range values, dates outside the
//                       plan period or after today, empty or oversized text
//   NotFound            unknown indicator, action or corrected event
//   FailedPrecondition  no plan loaded; retired indicator; withdrawn action;
//                       illegal status transition; correcting a value that a
//                       correction already replaced, or a non-measurement
//   PermissionDenied    the caller does not report on the action
#ifndef KOERS_SERVICES_SUBMISSIONS_H_
#define KOERS_SERVICES_SUBMISSIONS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "koers/v1/events.pb.h"
#include "koers/v1/ingest_service.pb.h"
#include "services/caller.h"
#include "services/plan_state.h"
#include "storage/event_log.h"

namespace koers::services {

// What validation needs besides the request.
struct SubmissionContext {
  const PlanState* state = nullptr;
  const Caller* caller = nullptr;
  // "Today" in the plan's calendar: values may not be dated after it.
  absl::CivilDay today;
  // Reads a stored event by id (for corrections).
  std::function<absl::StatusOr<v1::Event>(absl::string_view event_id)>
      read_event;
};

// An event ready to append, with the expectation it must be appended under.
struct PreparedWrite {
  v1::Event event;  // client fields only; principal set
  std::optional<storage::StreamExpectation> expectation;
  // True when the expectation is the service's own guard on the state the
  // validation relied on (not the client's): a conflict then means "the
  // state moved; validate again".
  bool guarded = false;
};

// Validates `submission` and builds its event. See the file comment for the
// errors. InvalidArgument when no kind is set.
absl::StatusOr<PreparedWrite> PrepareWrite(const SubmissionContext& context,
                                           const v1::Submission& submission,
                                           absl::string_view field_prefix);

// True when `stored` is exactly the event `submission` wrote before (a
// retry): the same content, with what the state contributed then (a status
// change's "from", a correction's indicator and default date) taken from
// `stored`.
bool IsSameWrite(const v1::Event& stored, const v1::Submission& submission,
                 const Caller& caller);

// The submission's write options (event id, expected revision).
const v1::WriteOptions& OptionsOf(const v1::Submission& submission);

// The field name of the submission's kind ("measurement", "correction", ...).
absl::string_view KindField(const v1::Submission& submission);

// The status's English and Dutch names, e.g. "in progress (lopend)".
std::string StatusLabel(v1::ActionStatus status);

}  // namespace koers::services

#endif  // KOERS_SERVICES_SUBMISSIONS_H_
