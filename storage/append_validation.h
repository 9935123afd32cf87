// Checks an AppendRequest's shape before it reaches the writer, on the
// caller's thread, so that the single writer only does what needs the log's
// state (idempotency, expected revisions, positions). Internal to storage.
#ifndef KOERS_STORAGE_APPEND_VALIDATION_H_
#define KOERS_STORAGE_APPEND_VALIDATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/event_log.h"

namespace koers::storage {

// An event that passed validation.
struct ValidatedEvent {
  // Client fields only; event_id is filled (generated when the client gave
  // none).
  v1::Event event;
  // The id as 16 raw bytes (the by_id key).
  std::string raw_id;
  // True when the client supplied the id: only then can it be a retry.
  bool client_id = false;
  int32_t epoch_day = 0;
};

struct ValidatedRequest {
  std::vector<ValidatedEvent> events;
  std::vector<StreamExpectation> expectations;
};

// True for a valid stream name: 1 to 128 characters of [A-Za-z0-9._:-].
bool IsValidStreamName(absl::string_view stream);

// InvalidArgument, naming the field, for anything malformed: no events, too
// many or too large, an assigned field set, a bad stream name, date or id, a
// missing principal or payload, an id repeated within the request, two
// expectations for one stream.
absl::StatusOr<ValidatedRequest> ValidateAppendRequest(
    AppendRequest request, const EventLogOptions& options, absl::Time now);

// The bytes that decide whether a retried event is "the same": its client
// fields, serialized deterministically. For a stored event the assigned fields
// are cleared first, so stored and proposed forms compare equal.
std::string IdempotencyContent(const v1::Event& event);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_APPEND_VALIDATION_H_
