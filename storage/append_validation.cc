#include "storage/append_validation.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "storage/civil_date.h"
#include "storage/event_id.h"
#include "storage/status_macros.h"

namespace koers::storage {
namespace {

constexpr size_t kMaxStreamName = 128;
constexpr size_t kMaxPrincipal = 256;

bool IsStreamChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
}

absl::Status CheckStream(absl::string_view stream, absl::string_view field) {
  if (IsValidStreamName(stream)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": \"", stream.substr(0, 40),
                   "\" is not a stream name; expected 1 to ", kMaxStreamName,
                   " characters of A-Z a-z 0-9 . _ : -"));
}

// Names the first assigned field a client set, or returns "".
absl::string_view FirstAssignedField(const v1::Event& event) {
  if (event.stream_revision() != 0) return "stream_revision";
  if (event.position() != 0) return "position";
  if (event.type() != v1::EVENT_TYPE_UNSPECIFIED) return "type";
  if (event.has_record_time()) return "record_time";
  if (!event.prev_hash().empty()) return "prev_hash";
  if (!event.hash().empty()) return "hash";
  return "";
}

absl::StatusOr<ValidatedEvent> ValidateEvent(v1::Event event,
                                             absl::string_view field,
                                             absl::Time now) {
  if (const absl::string_view assigned = FirstAssignedField(event);
      !assigned.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".", assigned, " is assigned by the event log; leave it unset"));
  }
  KOERS_RETURN_IF_ERROR(
      CheckStream(event.stream(), absl::StrCat(field, ".stream")));
  ValidatedEvent out;
  KOERS_ASSIGN_OR_RETURN(
      const absl::CivilDay day,
      ParseIsoDate(event.valid_date(), absl::StrCat(field, ".valid_date")));
  out.epoch_day = DaysSinceEpoch(day);
  if (event.principal().empty() || event.principal().size() > kMaxPrincipal) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".principal: must be 1 to ", kMaxPrincipal,
                     " bytes, got ", event.principal().size()));
  }
  if (event.payload_case() == v1::Event::PAYLOAD_NOT_SET) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     ": no payload; set exactly one event kind (for example "
                     "measurement_recorded)"));
  }
  if (event.event_id().empty()) {
    KOERS_ASSIGN_OR_RETURN(std::string id, NewEventId(now));
    event.set_event_id(std::move(id));
  } else {
    out.client_id = true;
  }
  KOERS_ASSIGN_OR_RETURN(
      out.raw_id,
      ParseEventId(event.event_id(), absl::StrCat(field, ".event_id")));
  // One canonical spelling, so that a retry in upper case is the same event.
  event.set_event_id(FormatEventId(out.raw_id));
  out.event = std::move(event);
  return out;
}

absl::Status CheckExpectations(const std::vector<StreamExpectation>& list) {
  absl::flat_hash_map<absl::string_view, size_t> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = absl::StrCat("expectations[", i, "].stream");
    KOERS_RETURN_IF_ERROR(CheckStream(list[i].stream, field));
    if (auto [it, inserted] = seen.emplace(list[i].stream, i); !inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": stream ", list[i].stream, " already has expectations[",
          it->second, "]; give at most one expectation per stream"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidStreamName(absl::string_view stream) {
  if (stream.empty() || stream.size() > kMaxStreamName) return false;
  for (char c : stream) {
    if (!IsStreamChar(c)) return false;
  }
  return true;
}

absl::StatusOr<ValidatedRequest> ValidateAppendRequest(
    AppendRequest request, const EventLogOptions& options, absl::Time now) {
  const size_t count = request.events.size();
  if (count == 0) {
    return absl::InvalidArgumentError("events: at least one event is required");
  }
  if (count > options.max_events_per_append) {
    return absl::InvalidArgumentError(
        absl::StrCat("events: ", count, " events in one append; at most ",
                     options.max_events_per_append));
  }
  size_t bytes = 0;
  for (const v1::Event& event : request.events) bytes += event.ByteSizeLong();
  if (bytes > options.max_bytes_per_append) {
    return absl::InvalidArgumentError(
        absl::StrCat("events: ", bytes, " bytes in one append; at most ",
                     options.max_bytes_per_append));
  }
  KOERS_RETURN_IF_ERROR(CheckExpectations(request.expectations));

  ValidatedRequest out;
  out.events.reserve(count);
  absl::flat_hash_map<std::string, size_t> index_of_id;
  for (size_t i = 0; i < count; ++i) {
    const std::string field = absl::StrCat("events[", i, "]");
    KOERS_ASSIGN_OR_RETURN(
        ValidatedEvent event,
        ValidateEvent(std::move(request.events[i]), field, now));
    if (auto [it, inserted] = index_of_id.emplace(event.raw_id, i); !inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".event_id: ", event.event.event_id(),
                       " repeats events[", it->second, "].event_id"));
    }
    out.events.push_back(std::move(event));
  }
  out.expectations = std::move(request.expectations);
  return out;
}

std::string IdempotencyContent(const v1::Event& event) {
  v1::Event client_fields = event;
  client_fields.clear_stream_revision();
  client_fields.clear_position();
  client_fields.clear_type();
  client_fields.clear_record_time();
  client_fields.clear_prev_hash();
  client_fields.clear_hash();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    client_fields.SerializeToCodedStream(&coded);
  }
  return bytes;
}

}  // namespace koers::storage
