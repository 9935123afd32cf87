#include "services/state_projection.h"

#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/civil_date.h"
#include "storage/event_id.h"
#include "storage/log_keys.h"
#include "storage/status_macros.h"

namespace koers::services {
namespace {

namespace keys = storage::log_keys;

constexpr char kValueKind = 'V';
constexpr char kEventKind = 'E';
constexpr uint8_t kIsNumber = 1;
constexpr uint8_t kIsCorrection = 2;
constexpr size_t kIdSize = 16;

// A stored id is always one the log accepted (a UUID).
std::string RawId(const std::string& id) {
  auto raw = storage::ParseEventId(id, "event_id");
  return raw.ok() ? *raw : std::string(kIdSize, '\0');
}

void AppendDouble(double value, std::string* out) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  keys::AppendBigEndian64(bits, out);
}

double DecodeDouble(absl::string_view bytes) {
  const uint64_t bits = keys::DecodeBigEndian64(bytes);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// The value's fields, whichever of the two payloads holds them.
struct ValueFields {
  bool has_number;
  double number;
  const std::string* level;
  const std::string* supersedes;  // null for a measurement
};

void ProjectValue(const v1::Event& event, const ValueFields& fields,
                  storage::ProjectionSink* sink) {
  auto day = storage::ParseIsoDate(event.valid_date(), "valid_date");
  const int32_t epoch_day =
      storage::DaysSinceEpoch(day.ok() ? *day : absl::CivilDay(1970, 1, 1));
  const std::string key = absl::StrCat(
      absl::string_view(&kValueKind, 1),
      keys::ValidTimeKey(event.stream(), epoch_day, event.position()));
  std::string value;
  keys::AppendBigEndian64(event.stream_revision(), &value);
  const uint8_t flags = (fields.has_number ? kIsNumber : 0) |
                        (fields.supersedes != nullptr ? kIsCorrection : 0);
  value.push_back(static_cast<char>(flags));
  value.append(RawId(event.event_id()));
  if (fields.supersedes != nullptr) value.append(RawId(*fields.supersedes));
  if (fields.has_number) {
    AppendDouble(fields.number, &value);
  } else {
    value.append(*fields.level);
  }
  sink->Put(key, value);
}

absl::Status LoadValue(absl::string_view key, absl::string_view value,
                       PlanState* state) {
  const size_t end = key.find('\0');
  const size_t fixed = 8 + 1 + kIdSize;
  if (end == absl::string_view::npos || key.size() != end + 1 + 4 + 8 ||
      value.size() < fixed) {
    return absl::DataLossError("a stored value projection is damaged");
  }
  const std::string stream(key.substr(1, end - 1));
  int32_t epoch_day = 0;
  MeasurementRecord record;
  keys::DecodeValidTimeKey(key.substr(1), stream.size(), &epoch_day,
                           &record.position);
  record.date = storage::DayFromEpochDays(epoch_day);
  const uint64_t revision = keys::DecodeBigEndian64(value);
  const auto flags = static_cast<uint8_t>(value[8]);
  record.event_id = storage::FormatEventId(value.substr(9, kIdSize));
  absl::string_view rest = value.substr(fixed);
  if ((flags & kIsCorrection) != 0) {
    if (rest.size() < kIdSize) {
      return absl::DataLossError("a stored correction projection is damaged");
    }
    record.supersedes = storage::FormatEventId(rest.substr(0, kIdSize));
    rest.remove_prefix(kIdSize);
  }
  record.is_number = (flags & kIsNumber) != 0;
  if (record.is_number) {
    if (rest.size() != 8) {
      return absl::DataLossError("a stored number projection is damaged");
    }
    record.number = DecodeDouble(rest);
  } else {
    record.level = std::string(rest);
  }
  state->ApplyValue(stream, revision, std::move(record));
  return absl::OkStatus();
}

}  // namespace

void ProjectEvent(const v1::Event& event, storage::ProjectionSink* sink) {
  switch (event.payload_case()) {
    case v1::Event::kMeasurementRecorded: {
      const v1::MeasurementRecorded& m = event.measurement_recorded();
      ProjectValue(event, {m.has_number(), m.number(), &m.level(), nullptr},
                   sink);
      return;
    }
    case v1::Event::kMeasurementCorrected: {
      const v1::MeasurementCorrected& c = event.measurement_corrected();
      ProjectValue(
          event,
          {c.has_number(), c.number(), &c.level(), &c.supersedes_event_id()},
          sink);
      return;
    }
    default:
      break;
  }
  const std::string key =
      absl::StrCat(absl::string_view(&kEventKind, 1),
                   keys::StreamKey(event.stream(), event.stream_revision()));
  if (event.has_evaluation_snapshot_taken()) {
    v1::Event light = event;
    light.mutable_evaluation_snapshot_taken()->clear_content();
    sink->Put(key, light.SerializeAsString());
    return;
  }
  sink->Put(key, event.SerializeAsString());
}

absl::Status LoadPlanState(const storage::EventLog& log, PlanState* state) {
  KOERS_ASSIGN_OR_RETURN(const uint64_t position, log.ProjectionPosition());
  absl::Status decoded;
  KOERS_RETURN_IF_ERROR(log.ScanProjections("", [&](absl::string_view key,
                                                    absl::string_view value) {
    if (key.empty()) {
      decoded = absl::DataLossError("an empty projection key");
    } else if (key[0] == kValueKind) {
      decoded = LoadValue(key, value, state);
    } else if (key[0] == kEventKind) {
      v1::Event event;
      if (event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        state->Apply(event);
      } else {
        decoded =
            absl::DataLossError("a stored event projection cannot be parsed");
      }
    }
    return decoded.ok();
  }));
  KOERS_RETURN_IF_ERROR(decoded);
  state->set_position(position);
  return absl::OkStatus();
}

}  // namespace koers::services
