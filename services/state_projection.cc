#include "services/state_projection.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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
constexpr size_t kIdSize = storage::kRawEventIdSize;

// Appends the 16 raw bytes of `id`. A stored id is always one the log
// accepted (a UUID); anything else appends 16 zero bytes.
void AppendRawId(absl::string_view id, std::string* out) {
  char raw[storage::kRawEventIdSize];
  if (!storage::DecodeEventId(id, raw)) std::memset(raw, 0, sizeof raw);
  out->append(raw, sizeof raw);
}

// The days since 1970-01-01 of a valid date, remembering the last date
// parsed: values come roughly in date order, thousands on each day.
class EpochDays {
 public:
  int32_t Of(const std::string& date) {
    if (date != last_date_) {
      auto day = storage::ParseIsoDate(date, "valid_date");
      last_days_ =
          storage::DaysSinceEpoch(day.ok() ? *day : absl::CivilDay(1970, 1, 1));
      last_date_ = date;
    }
    return last_days_;
  }

 private:
  std::string last_date_;
  int32_t last_days_ = 0;
};

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

// What projecting a value needs beyond the event, kept per thread so that
// a walk's millions of values allocate nothing: the key and value are
// built in place, and most values fall on the date of the one before.
struct ValueScratch {
  std::string key;
  std::string value;
  EpochDays days;
};

void ProjectValue(const v1::Event& event, const ValueFields& fields,
                  storage::ProjectionSink* sink) {
  thread_local ValueScratch scratch;
  // "V" ValidTimeKey(stream, day, position), as the layout above says.
  std::string& key = scratch.key;
  key.clear();
  key.push_back(kValueKind);
  keys::AppendValidTimeKey(event.stream(), scratch.days.Of(event.valid_date()),
                           event.position(), &key);
  std::string& value = scratch.value;
  value.clear();
  keys::AppendBigEndian64(event.stream_revision(), &value);
  const uint8_t flags = (fields.has_number ? kIsNumber : 0) |
                        (fields.supersedes != nullptr ? kIsCorrection : 0);
  value.push_back(static_cast<char>(flags));
  AppendRawId(event.event_id(), &value);
  if (fields.supersedes != nullptr) AppendRawId(*fields.supersedes, &value);
  if (fields.has_number) {
    AppendDouble(fields.number, &value);
  } else {
    value.append(*fields.level);
  }
  sink->Put(key, value);
}

// Indexes (PlanState::IndexValues) the indicators handed to it, on threads
// of its own, while the caller reads the next ones. Index is thread-safe;
// the destructor waits until every indicator handed over is indexed.
class Indexer {
 public:
  explicit Indexer(size_t threads) {
    for (size_t i = 0; i < threads; ++i) {
      threads_.emplace_back([this] { Run(); });
    }
  }
  ~Indexer() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    for (std::thread& thread : threads_) thread.join();
  }

  // `indicator` must not be touched by the caller until the Indexer is
  // destroyed.
  void Index(IndicatorRecord* indicator) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(indicator);
  }

 private:
  void Run() {
    for (;;) {
      IndicatorRecord* indicator;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](Indexer* self) { return self->done_ || !self->queue_.empty(); },
            this));
        if (queue_.empty()) return;
        indicator = queue_.front();
        queue_.pop_front();
      }
      PlanState::IndexValues(indicator, 0);
    }
  }

  absl::Mutex mu_;
  std::deque<IndicatorRecord*> queue_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// Reads the "V" entries into the indicators' records, an indicator at a time
// (the keys start with its id), and hands each to `indexer` once read.
class ValueLoader {
 public:
  ValueLoader(PlanState* state, Indexer* indexer)
      : state_(state), indexer_(indexer) {}
  ~ValueLoader() { Finish(); }

  absl::Status Load(absl::string_view key, absl::string_view value) {
    const size_t fixed = 8 + 1 + kIdSize;
    if (indicator_ == nullptr || !absl::StartsWith(key, prefix_)) {
      const size_t end = key.find('\0');
      if (end == absl::string_view::npos) {
        return absl::DataLossError("a stored value projection is damaged");
      }
      Finish();
      prefix_ = std::string(key.substr(0, end + 1));
      indicator_ =
          state_->MutableIndicator(std::string(key.substr(1, end - 1)));
      // Indicators tend to have as many values as the one before.
      indicator_->values.reserve(previous_count_);
    }
    if (key.size() != prefix_.size() + 4 + 8 || value.size() < fixed) {
      return absl::DataLossError("a stored value projection is damaged");
    }
    MeasurementRecord& record = indicator_->values.emplace_back();
    int32_t epoch_day = 0;
    keys::DecodeValidTimeKey(key.substr(1), prefix_.size() - 2, &epoch_day,
                             &record.position);
    // Values come by date, many on the same day as the one before.
    if (epoch_day != last_epoch_day_) {
      last_day_ = storage::DayFromEpochDays(epoch_day);
      last_epoch_day_ = epoch_day;
    }
    record.date = last_day_;
    indicator_->revision =
        std::max(indicator_->revision, keys::DecodeBigEndian64(value));
    const auto flags = static_cast<uint8_t>(value[8]);
    record.event_id = RawEventId::FromBytes(value.substr(9, kIdSize));
    absl::string_view rest = value.substr(fixed);
    if ((flags & kIsCorrection) != 0) {
      if (rest.size() < kIdSize) {
        return absl::DataLossError("a stored correction projection is damaged");
      }
      record.supersedes = RawEventId::FromBytes(rest.substr(0, kIdSize));
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
    return absl::OkStatus();
  }

  // Hands the indicator being read to the indexer.
  void Finish() {
    if (indicator_ == nullptr) return;
    previous_count_ = indicator_->values.size();
    indexer_->Index(indicator_);
    indicator_ = nullptr;
  }

 private:
  PlanState* const state_;
  Indexer* const indexer_;
  std::string prefix_;  // "V", the indicator's id, NUL
  IndicatorRecord* indicator_ = nullptr;
  size_t previous_count_ = 0;
  int32_t last_epoch_day_ = 0;
  absl::CivilDay last_day_ = storage::DayFromEpochDays(0);
};

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
  absl::Status parsed;
  KOERS_RETURN_IF_ERROR(log.ScanProjections(
      absl::string_view(&kEventKind, 1),
      [&](absl::string_view, absl::string_view value) {
        v1::Event event;
        if (!event.ParseFromArray(value.data(),
                                  static_cast<int>(value.size()))) {
          parsed =
              absl::DataLossError("a stored event projection cannot be parsed");
          return false;
        }
        state->Apply(event);
        return true;
      }));
  KOERS_RETURN_IF_ERROR(parsed);
  // Values are most of the work: reading them (RocksDB, decoding) and
  // indexing them (by id and by valid time) each a large part, so the two
  // overlap, indicator by indicator, on different threads. Reading, one
  // sequential scan, is the longer; more than two indexers would idle.
  absl::Status decoded;
  {
    Indexer indexer(
        std::clamp<size_t>(std::thread::hardware_concurrency(), 2, 3) - 1);
    ValueLoader loader(state, &indexer);
    KOERS_RETURN_IF_ERROR(log.ScanProjections(
        absl::string_view(&kValueKind, 1),
        [&](absl::string_view key, absl::string_view value) {
          decoded = loader.Load(key, value);
          return decoded.ok();
        }));
  }
  KOERS_RETURN_IF_ERROR(decoded);
  state->set_position(position);
  return absl::OkStatus();
}

}  // namespace koers::services
