// The Tracker's bitemporal point resolution and its EvaluationService
// methods: state at a point, snapshots, diffs and completeness.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/completeness.h"
#include "services/evaluation_state.h"
#include "services/state_diff.h"
#include "services/tracker.h"
#include "storage/civil_date.h"
#include "storage/event_hash.h"
#include "storage/proto_time.h"
#include "storage/status_macros.h"

namespace koers::services {
namespace {

constexpr char kSnapshotStream[] = "snapshots";
constexpr size_t kMaxSnapshotName = 100;

absl::Status CheckSnapshotName(const std::string& name) {
  const bool well_formed =
      !name.empty() && name.size() <= kMaxSnapshotName &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (well_formed) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "name: \"", name.substr(0, 40),
      "\" is not a snapshot name; expected 1 to ", kMaxSnapshotName,
      " characters of A-Z a-z 0-9 . _ - (like interim-2027)"));
}

}  // namespace

absl::StatusOr<uint64_t> Tracker::ResolveKnownAt(
    const v1::KnownAt& known_at, absl::string_view field) const {
  const uint64_t head = HeadPosition();
  switch (known_at.point_case()) {
    case v1::KnownAt::kPosition:
      if (known_at.position() > head) {
        return absl::OutOfRangeError(
            absl::StrCat(field, "known_at.position: ", known_at.position(),
                         " is beyond the log's head, ", head));
      }
      return known_at.position();
    case v1::KnownAt::kTime:
      return log_->PositionAt(storage::FromProtoTimestamp(known_at.time()),
                              head);
    case v1::KnownAt::POINT_NOT_SET:
      break;
  }
  return head;
}

absl::StatusOr<Tracker::ReadPoint> Tracker::Resolve(
    const v1::TimePoint& at, absl::string_view field) const {
  ReadPoint point;
  point.day = Today();
  if (!at.as_of_date().empty()) {
    KOERS_ASSIGN_OR_RETURN(
        point.day, storage::ParseIsoDate(at.as_of_date(),
                                         absl::StrCat(field, "as_of_date")));
  }
  KOERS_ASSIGN_OR_RETURN(point.known_at, ResolveKnownAt(at.known_at(), field));
  return point;
}

absl::StatusOr<v1::EvaluationState> Tracker::GetState(
    const v1::GetStateRequest& request) const {
  KOERS_ASSIGN_OR_RETURN(const ReadPoint point, Resolve(request.at(), "at."));
  absl::ReaderMutexLock lock(&state_mu_);
  return BuildEvaluationState(state_, point.day, point.known_at,
                              point.known_at);
}

absl::StatusOr<v1::Completeness> Tracker::GetCompleteness(
    const v1::CompletenessRequest& request) const {
  const absl::CivilDay today = Today();
  absl::CivilDay first;
  absl::CivilDay last;
  if (request.year() != 0) {
    if (!request.from_date().empty() || !request.to_date().empty()) {
      return absl::InvalidArgumentError(
          "year: give a year or from_date and to_date, not both");
    }
    if (request.year() < 2000 || request.year() > 2100) {
      return absl::InvalidArgumentError(
          absl::StrCat("year: ", request.year(), " is outside 2000 to 2100"));
    }
    first = absl::CivilDay(request.year(), 1, 1);
    last = std::min(absl::CivilDay(request.year(), 12, 31), today);
  } else {
    KOERS_ASSIGN_OR_RETURN(
        first, storage::ParseIsoDate(request.from_date(), "from_date"));
    KOERS_ASSIGN_OR_RETURN(last,
                           storage::ParseIsoDate(request.to_date(), "to_date"));
    last = std::min(last, today);
  }
  if (last < first) {
    return absl::InvalidArgumentError(
        absl::StrCat("the period ", storage::FormatIsoDate(first), " to ",
                     storage::FormatIsoDate(last),
                     " is empty (it may not start after today)"));
  }
  KOERS_ASSIGN_OR_RETURN(const uint64_t known_at,
                         ResolveKnownAt(request.known_at(), ""));
  absl::ReaderMutexLock lock(&state_mu_);
  return BuildCompleteness(state_, first, last, static_cast<int>(last.year()),
                           known_at, known_at);
}

absl::StatusOr<v1::TakeSnapshotResponse> Tracker::TakeSnapshot(
    const Caller& caller, const v1::TakeSnapshotRequest& request) {
  KOERS_RETURN_IF_ERROR(CheckCoordinator(caller, "take a snapshot"));
  KOERS_RETURN_IF_ERROR(CheckSnapshotName(request.name()));
  if (request.as_of_date().empty()) {
    return absl::InvalidArgumentError("as_of_date: required (YYYY-MM-DD)");
  }
  KOERS_ASSIGN_OR_RETURN(
      const absl::CivilDay day,
      storage::ParseIsoDate(request.as_of_date(), "as_of_date"));
  if (day > Today()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "as_of_date: ", request.as_of_date(), " is after today, ",
        storage::FormatIsoDate(Today()),
        "; a snapshot freezes what is known, so its date cannot be ahead"));
  }
  v1::Event event;
  storage::AppendRequest append;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    if (const SnapshotRecord* taken = state_.FindSnapshot(request.name())) {
      if (!request.options().event_id().empty() &&
          absl::AsciiStrToLower(request.options().event_id()) ==
              taken->event_id &&
          request.as_of_date() == taken->as_of_date) {
        KOERS_ASSIGN_OR_RETURN(const v1::Event stored,
                               log_->ReadAt(taken->position));
        v1::TakeSnapshotResponse response;
        *response.mutable_info() = ToSnapshotInfo(*taken);
        *response.mutable_result() = DuplicateResult(stored);
        return response;
      }
      return absl::AlreadyExistsError(absl::StrCat(
          "name: a snapshot named ", request.name(), " was taken at position ",
          taken->position, "; snapshot names are unique"));
    }
    const uint64_t seen = state_.position();
    const std::string content =
        CanonicalContent(BuildEvaluationState(state_, day, seen, seen));
    std::string head_hash = storage::GenesisHash();
    if (seen > 0) {
      KOERS_ASSIGN_OR_RETURN(const v1::Event head, log_->ReadAt(seen));
      head_hash = head.hash();
    }
    event.set_event_id(request.options().event_id());
    event.set_stream(kSnapshotStream);
    event.set_valid_date(request.as_of_date());
    event.set_principal(caller.name);
    v1::EvaluationSnapshotTaken* taken =
        event.mutable_evaluation_snapshot_taken();
    taken->set_name(request.name());
    taken->set_as_of_date(request.as_of_date());
    taken->set_seen_position(seen);
    taken->set_head_hash(head_hash);
    taken->set_content_digest(storage::Sha256(content));
    taken->set_content(content);
    const size_t count = state_.Snapshots().size();
    // Two snapshots taken at once with one name: the second one's check
    // fails and it is refused.
    append.expectations.push_back(
        {kSnapshotStream, count == 0
                              ? storage::ExpectedRevision::NoStream()
                              : storage::ExpectedRevision::Exactly(count - 1)});
  }
  append.events.push_back(std::move(event));
  absl::StatusOr<storage::AppendResult> appended =
      log_->Append(std::move(append));
  if (absl::IsAborted(appended.status())) {
    return absl::AbortedError(
        "another snapshot was taken at the same moment; try again");
  }
  KOERS_RETURN_IF_ERROR(appended.status());
  v1::TakeSnapshotResponse response;
  *response.mutable_result() = *ToWriteResult(appended);
  absl::ReaderMutexLock lock(&state_mu_);
  const SnapshotRecord* taken = state_.FindSnapshot(request.name());
  if (taken == nullptr) {
    return absl::InternalError("the snapshot was written but is not listed");
  }
  *response.mutable_info() = ToSnapshotInfo(*taken);
  return response;
}

absl::StatusOr<SnapshotRecord> Tracker::SnapshotNamed(
    absl::string_view name, absl::string_view field) const {
  absl::ReaderMutexLock lock(&state_mu_);
  const SnapshotRecord* found = state_.FindSnapshot(name);
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat(field, ": no snapshot is named \"",
                                            name.substr(0, 100), "\""));
  }
  return *found;
}

absl::StatusOr<v1::GetSnapshotResponse> Tracker::ReadSnapshot(
    const SnapshotRecord& record) const {
  KOERS_ASSIGN_OR_RETURN(const v1::Event event, log_->ReadAt(record.position));
  v1::GetSnapshotResponse response;
  *response.mutable_info() = ToSnapshotInfo(record);
  response.set_content(event.evaluation_snapshot_taken().content());
  if (!response.mutable_state()->ParseFromString(response.content())) {
    return absl::DataLossError(absl::StrCat("the content of snapshot ",
                                            record.name, " cannot be parsed"));
  }
  return response;
}

absl::StatusOr<v1::GetSnapshotResponse> Tracker::GetSnapshot(
    const v1::GetSnapshotRequest& request) const {
  KOERS_ASSIGN_OR_RETURN(const SnapshotRecord record,
                         SnapshotNamed(request.name(), "name"));
  return ReadSnapshot(record);
}

absl::StatusOr<v1::ListSnapshotsResponse> Tracker::ListSnapshots() const {
  v1::ListSnapshotsResponse response;
  absl::ReaderMutexLock lock(&state_mu_);
  for (const SnapshotRecord* record : state_.Snapshots()) {
    *response.add_snapshots() = ToSnapshotInfo(*record);
  }
  return response;
}

absl::StatusOr<Tracker::DiffPoint> Tracker::ResolveDiffSide(
    const v1::DiffSide& side, absl::string_view field) const {
  DiffPoint point;
  if (side.side_case() == v1::DiffSide::kSnapshot) {
    KOERS_ASSIGN_OR_RETURN(
        const SnapshotRecord record,
        SnapshotNamed(side.snapshot(), absl::StrCat(field, ".snapshot")));
    KOERS_ASSIGN_OR_RETURN(v1::GetSnapshotResponse frozen,
                           ReadSnapshot(record));
    point.state = std::move(*frozen.mutable_state());
    point.as_of_date = record.as_of_date;
    point.position = record.seen_position;
    return point;
  }
  KOERS_ASSIGN_OR_RETURN(const ReadPoint at,
                         Resolve(side.at(), absl::StrCat(field, ".at.")));
  absl::ReaderMutexLock lock(&state_mu_);
  point.state = BuildEvaluationState(state_, at.day, at.known_at, at.known_at);
  point.as_of_date = storage::FormatIsoDate(at.day);
  point.position = at.known_at;
  return point;
}

absl::StatusOr<v1::DiffResponse> Tracker::Diff(
    const v1::DiffRequest& request) const {
  KOERS_ASSIGN_OR_RETURN(const DiffPoint from,
                         ResolveDiffSide(request.from(), "from"));
  KOERS_ASSIGN_OR_RETURN(const DiffPoint to,
                         ResolveDiffSide(request.to(), "to"));
  v1::DiffResponse diff = DiffStates(from.state, to.state);
  diff.set_from_as_of_date(from.as_of_date);
  diff.set_from_position(from.position);
  diff.set_to_as_of_date(to.as_of_date);
  diff.set_to_position(to.position);
  {
    absl::ReaderMutexLock lock(&state_mu_);
    AddLateCorrections(state_, from.state, from.position, to.position, &diff);
  }
  // What the index does not keep: when, by whom and why.
  for (v1::LateCorrection& late : *diff.mutable_corrections()) {
    KOERS_ASSIGN_OR_RETURN(const v1::Event event,
                           log_->ReadEvent(late.correction_event_id()));
    *late.mutable_record_time() = event.record_time();
    late.set_principal(event.principal());
    late.set_reason(event.measurement_corrected().reason());
  }
  return diff;
}

}  // namespace koers::services
