#include "services/evaluation_state.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/completeness.h"
#include "services/progress.h"
#include "storage/civil_date.h"
#include "storage/event_hash.h"

namespace koers::services {
namespace {

void AddTrend(const IndicatorRecord& record, const std::string& id,
              absl::CivilDay day, uint64_t known_at, v1::EvaluationState* out) {
  v1::IndicatorTrend* trend = out->add_trends();
  trend->set_indicator_id(id);
  // Valid dates have four-digit years.
  for (const MeasurementRecord* value : PlanState::ValuesBetween(
           record, absl::CivilDay(0, 1, 1), day, known_at, kTrendPoints)) {
    v1::ValuePoint* point = trend->add_points();
    point->set_date(storage::FormatIsoDate(value->date));
    if (value->is_number) {
      point->set_number(value->number);
    } else {
      point->set_level(value->level);
    }
    point->set_event_id(value->event_id.ToString());
  }
}

}  // namespace

v1::EvaluationState BuildEvaluationState(const PlanState& state,
                                         absl::CivilDay day, uint64_t known_at,
                                         uint64_t position) {
  v1::EvaluationState out;
  *out.mutable_progress() = BuildProgress(state, day, known_at, position);
  for (const v1::IndicatorProgress& indicator : out.progress().indicators()) {
    AddTrend(*state.FindIndicator(indicator.indicator_id()),
             indicator.indicator_id(), day, known_at, &out);
  }
  *out.mutable_completeness() =
      BuildCompleteness(state, absl::CivilDay(day.year(), 1, 1), day,
                        static_cast<int>(day.year()), known_at, position);
  return out;
}

std::string CanonicalContent(const v1::EvaluationState& state) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    state.SerializeToCodedStream(&coded);
  }
  return bytes;
}

v1::SnapshotInfo ToSnapshotInfo(const SnapshotRecord& record) {
  v1::SnapshotInfo info;
  info.set_name(record.name);
  info.set_as_of_date(record.as_of_date);
  info.set_seen_position(record.seen_position);
  info.set_head_hash(storage::HexEncode(record.head_hash));
  info.set_digest(storage::HexEncode(record.digest));
  info.set_event_id(record.event_id);
  info.set_event_position(record.position);
  *info.mutable_taken_at() = record.taken_at;
  info.set_taken_by(record.taken_by);
  return info;
}

}  // namespace koers::services
