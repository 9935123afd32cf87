#include "services/tracker.h"

#include <deque>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/plan_diff.h"
#include "services/plan_document.h"
#include "services/progress.h"
#include "services/state_projection.h"
#include "services/submissions.h"
#include "storage/append_validation.h"
#include "storage/civil_date.h"
#include "storage/event_hash.h"
#include "storage/proto_time.h"
#include "storage/status_macros.h"

namespace koers::services {
namespace {

// How often a write whose guard revision moved is validated again before
// the conflict is reported (ABORTED) to the caller.
constexpr int kGuardRetries = 3;

constexpr size_t kMaxReason = 2000;
// Events read for one page of GetHistory, at most and by default.
constexpr uint32_t kMaxHistoryPage = 1000;

// The writes one round of SubmitEach has queued. A round judges every
// submission against one state, so a status change or correction that
// builds on a write of the same round (the status it moves from, the value
// it corrects, the revision its guard expects) waits for the next round,
// whose state holds that write.
class RoundWrites {
 public:
  // Before judging: `submission` names something this round writes, or
  // reuses the client event id of one of its writes (whose retry check
  // needs that write stored).
  bool MustWaitFor(const v1::Submission& submission) const {
    if (const std::string& id = OptionsOf(submission).event_id();
        !id.empty() && ids_.contains(absl::AsciiStrToLower(id))) {
      return true;
    }
    if (submission.has_status_change()) {
      return streams_.contains(submission.status_change().action_id());
    }
    if (submission.has_correction()) {
      return ids_.contains(
          absl::AsciiStrToLower(submission.correction().supersedes_event_id()));
    }
    return false;
  }
  // After judging: `submission`, a status change or correction of
  // `stream`, was judged without this round's own write to that stream
  // (the status it moves from, whether its value is already corrected).
  bool JudgedWithoutOwnWrite(const v1::Submission& submission,
                             const std::string& stream) const {
    return (submission.has_status_change() || submission.has_correction()) &&
           streams_.contains(stream);
  }
  void Add(const v1::Submission& submission, const v1::Event& event) {
    streams_.insert(event.stream());
    if (const std::string& id = OptionsOf(submission).event_id(); !id.empty()) {
      ids_.insert(absl::AsciiStrToLower(id));
    }
  }

 private:
  absl::flat_hash_set<std::string> streams_;
  absl::flat_hash_set<std::string> ids_;
};

// A batch is judged against the state before it, where its own
// measurements do not exist yet: a correction of one of them would read as
// an unknown event, so it gets a message that says what to do instead.
absl::Status CheckCorrectsNoEarlierSubmission(
    const v1::SubmitBatchRequest& request, int index) {
  const v1::Submission& submission = request.submissions(index);
  if (!submission.has_correction()) return absl::OkStatus();
  const std::string& target = submission.correction().supersedes_event_id();
  for (int i = 0; i < index; ++i) {
    const std::string& id = OptionsOf(request.submissions(i)).event_id();
    if (!id.empty() && absl::EqualsIgnoreCase(id, target)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "submissions[", index,
          "].correction.supersedes_event_id: corrects submissions[", i,
          "] of this same batch; a batch is judged against the state before "
          "it, so send the correction in a later call (or push both through "
          "StreamSubmit, which judges items in order)"));
    }
  }
  return absl::OkStatus();
}

storage::AppendRequest SingleAppend(PreparedWrite write) {
  storage::AppendRequest request;
  if (write.expectation.has_value()) {
    request.expectations.push_back(*std::move(write.expectation));
  }
  request.events.push_back(std::move(write.event));
  return request;
}

// InvalidArgument naming the submission that repeats an earlier one's id.
absl::Status CheckDistinctEventIds(const v1::SubmitBatchRequest& request) {
  absl::flat_hash_map<std::string, int> first_with_id;
  for (int i = 0; i < request.submissions_size(); ++i) {
    const v1::Submission& submission = request.submissions(i);
    const std::string& id = OptionsOf(submission).event_id();
    if (id.empty()) continue;
    auto [it, inserted] = first_with_id.emplace(absl::AsciiStrToLower(id), i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat("submissions[", i, "].", KindField(submission),
                       ".options.event_id: ", id, " repeats submissions[",
                       it->second, "]'s; every write needs its own id"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

v1::WriteResult ToWriteResult(const storage::AppendedEvent& event,
                              absl::Time record_time, bool duplicate) {
  v1::WriteResult result;
  result.set_event_id(event.event_id);
  result.set_stream(event.stream);
  result.set_stream_revision(event.stream_revision);
  result.set_position(event.position);
  *result.mutable_record_time() = storage::ToProtoTimestamp(record_time);
  result.set_duplicate(duplicate);
  return result;
}

v1::WriteResult DuplicateResult(const v1::Event& stored) {
  v1::WriteResult result;
  result.set_event_id(stored.event_id());
  result.set_stream(stored.stream());
  result.set_stream_revision(stored.stream_revision());
  result.set_position(stored.position());
  *result.mutable_record_time() = stored.record_time();
  result.set_duplicate(true);
  return result;
}

absl::StatusOr<v1::WriteResult> ToWriteResult(
    const absl::StatusOr<storage::AppendResult>& appended) {
  if (!appended.ok()) return appended.status();
  return ToWriteResult(appended->events.front(), appended->record_time,
                       appended->duplicate);
}

Tracker::Tracker(const TrackerOptions& options) : options_(options) {}
Tracker::~Tracker() = default;

absl::StatusOr<std::unique_ptr<Tracker>> Tracker::Open(
    const std::string& data_dir, const TrackerOptions& options) {
  std::unique_ptr<Tracker> tracker(new Tracker(options));
  storage::EventLogOptions log_options;
  log_options.clock = options.clock;
  Tracker* self = tracker.get();
  log_options.on_commit = [self](const std::vector<const v1::Event*>& events) {
    self->OnCommit(events);
  };
  log_options.projector = ProjectEvent;
  KOERS_ASSIGN_OR_RETURN(tracker->log_,
                         storage::EventLog::Open(data_dir, log_options));
  // The stored projections, not the log: start-up reads one compact entry
  // per value instead of parsing every event.
  absl::MutexLock lock(&tracker->state_mu_);
  KOERS_RETURN_IF_ERROR(LoadPlanState(*tracker->log_, &tracker->state_));
  return tracker;
}

void Tracker::OnCommit(const std::vector<const v1::Event*>& events) {
  absl::MutexLock lock(&state_mu_);
  for (const v1::Event* event : events) state_.Apply(*event);
  head_changed_.SignalAll();
}

SubmissionContext Tracker::NewContext(const Caller& caller) const {
  SubmissionContext context;
  context.state = &state_;
  context.caller = &caller;
  context.today = Today();
  context.read_event = [this](absl::string_view id) {
    return log_->ReadEvent(id);
  };
  return context;
}

absl::CivilDay Tracker::Today() const {
  return absl::ToCivilDay(options_.clock->Now(), options_.zone);
}

uint64_t Tracker::HeadPosition() const {
  absl::MutexLock lock(&state_mu_);
  return state_.position();
}

uint64_t Tracker::WaitForHeadBeyond(uint64_t position,
                                    absl::Duration timeout) const {
  absl::MutexLock lock(&state_mu_);
  const absl::Time deadline = absl::Now() + timeout;
  while (state_.position() <= position) {
    if (head_changed_.WaitWithDeadline(&state_mu_, deadline)) break;
  }
  return state_.position();
}

absl::StatusOr<v1::LoadPlanResponse> Tracker::LoadPlan(
    const Caller& caller, const v1::LoadPlanRequest& request) {
  KOERS_RETURN_IF_ERROR(CheckCoordinator(caller, "load a plan"));
  KOERS_RETURN_IF_ERROR(ValidatePlanDocument(request.plan()));
  if (request.reason().empty() || request.reason().size() > kMaxReason) {
    return absl::InvalidArgumentError(absl::StrCat("reason: required, at most ",
                                                   kMaxReason, " bytes, got ",
                                                   request.reason().size()));
  }
  absl::CivilDay effective = Today();
  if (!request.effective_date().empty()) {
    KOERS_ASSIGN_OR_RETURN(
        effective,
        storage::ParseIsoDate(request.effective_date(), "effective_date"));
  }
  absl::MutexLock exclusive(&plan_mu_);
  PlanDiff diff;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    KOERS_ASSIGN_OR_RETURN(diff, DiffPlan(state_, request.plan(), effective,
                                          request.reason(), caller.name));
  }
  v1::LoadPlanResponse response;
  for (v1::PlanChange& change : diff.changes) {
    *response.add_changes() = std::move(change);
  }
  if (request.dry_run() || diff.events.empty()) return response;
  storage::AppendRequest append;
  append.events = std::move(diff.events);
  KOERS_ASSIGN_OR_RETURN(const storage::AppendResult appended,
                         log_->Append(std::move(append)));
  for (const storage::AppendedEvent& event : appended.events) {
    *response.add_results() =
        ToWriteResult(event, appended.record_time, appended.duplicate);
  }
  return response;
}

absl::StatusOr<v1::GetPlanResponse> Tracker::GetPlan(
    const v1::GetPlanRequest& request) const {
  v1::TimePoint at;
  at.set_as_of_date(request.as_of_date());
  *at.mutable_known_at() = request.known_at();
  KOERS_ASSIGN_OR_RETURN(const ReadPoint point, Resolve(at, ""));
  v1::GetPlanResponse response;
  response.set_as_of_date(storage::FormatIsoDate(point.day));
  absl::ReaderMutexLock lock(&state_mu_);
  *response.mutable_plan() = state_.PlanAsOf(point.day, point.known_at);
  response.set_position(point.known_at);
  return response;
}

absl::StatusOr<v1::Event> Tracker::FindRetry(
    const Caller& caller, const v1::Submission& submission) const {
  const std::string& id = OptionsOf(submission).event_id();
  if (id.empty()) return absl::NotFoundError("no client event id");
  absl::StatusOr<v1::Event> stored = log_->ReadEvent(id);
  // A malformed id is reported by validation, with its field name.
  if (absl::IsInvalidArgument(stored.status())) {
    return absl::NotFoundError("malformed client event id");
  }
  KOERS_RETURN_IF_ERROR(stored.status());
  if (!IsSameWrite(*stored, submission, caller)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "options.event_id: ", id, " is already stored at position ",
        stored->position(),
        " with different content; a retry must resend the same write, and a "
        "new write needs a new id"));
  }
  return stored;
}

absl::StatusOr<v1::WriteResult> Tracker::Submit(
    const Caller& caller, const v1::Submission& submission) {
  return std::move(SubmitEach(caller, {submission}, false).front());
}

Tracker::Attempt Tracker::Prepare(const SubmissionContext& context,
                                  const v1::Submission& submission) const {
  Attempt attempt;
  absl::StatusOr<v1::Event> retry = FindRetry(*context.caller, submission);
  if (!absl::IsNotFound(retry.status())) {
    attempt.answer =
        retry.ok() ? absl::StatusOr<v1::WriteResult>(DuplicateResult(*retry))
                   : retry.status();
    return attempt;
  }
  absl::StatusOr<PreparedWrite> write = PrepareWrite(context, submission, "");
  if (!write.ok()) {
    attempt.answer = write.status();
    return attempt;
  }
  attempt.write = *std::move(write);
  return attempt;
}

struct Tracker::AsyncSubmission {
  Caller caller;
  v1::Submission submission;
  SubmitCallback done;
  int round = 0;
};

void Tracker::SubmitAsync(const Caller& caller, v1::Submission submission,
                          SubmitCallback done) {
  if (absl::Status may_write = CheckMayWrite(caller); !may_write.ok()) {
    done(may_write);
    return;
  }
  absl::ReaderMutexLock shared(&plan_mu_);
  StartRound(std::make_unique<AsyncSubmission>(
      AsyncSubmission{caller, std::move(submission), std::move(done)}));
}

void Tracker::StartRound(std::unique_ptr<AsyncSubmission> submission) {
  Attempt attempt;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    attempt = Prepare(NewContext(submission->caller), submission->submission);
  }
  if (attempt.answer.has_value()) {
    submission->done(*std::move(attempt.answer));
    return;
  }
  const bool guarded = attempt.write.guarded;
  log_->AppendAsync(
      SingleAppend(std::move(attempt.write)),
      [this, guarded, submission = std::move(submission)](
          const absl::StatusOr<storage::AppendResult>& appended) mutable {
        // Runs on the log's syncer thread, which must never wait for
        // plan_mu_ (a plan load holds it while it waits for the syncer):
        // when a load is under way, the conflict goes back to the caller.
        if (absl::IsAborted(appended.status()) && guarded &&
            submission->round < kGuardRetries && plan_mu_.ReaderTryLock()) {
          ++submission->round;
          StartRound(std::move(submission));
          plan_mu_.ReaderUnlock();
          return;
        }
        submission->done(ToWriteResult(appended));
      });
}

std::vector<absl::StatusOr<v1::WriteResult>> Tracker::SubmitEach(
    const Caller& caller, absl::Span<const v1::Submission> submissions,
    bool dry_run) {
  std::vector<absl::StatusOr<v1::WriteResult>> results(
      submissions.size(), absl::UnknownError("not processed"));
  // Decided before anything else, so that evaluators learn nothing about
  // which event ids are stored.
  if (absl::Status may_write = CheckMayWrite(caller); !may_write.ok()) {
    for (auto& result : results) result = may_write;
    return results;
  }
  // Indices still to judge, in order. A round validates them against one
  // state and writes what passed together; a later round sees the state
  // those writes made.
  std::deque<size_t> open(submissions.size());
  for (size_t i = 0; i < open.size(); ++i) open[i] = i;
  std::vector<int> guard_retries(submissions.size(), 0);

  absl::ReaderMutexLock shared(&plan_mu_);
  while (!open.empty()) {
    std::vector<size_t> appending;
    std::vector<storage::AppendRequest> requests;
    std::vector<bool> guarded;
    RoundWrites round;
    {
      absl::ReaderMutexLock lock(&state_mu_);
      const SubmissionContext context = NewContext(caller);
      while (!open.empty()) {
        const size_t index = open.front();
        const v1::Submission& submission = submissions[index];
        if (round.MustWaitFor(submission)) break;
        Attempt attempt = Prepare(context, submission);
        if (!attempt.answer.has_value() &&
            round.JudgedWithoutOwnWrite(submission,
                                        attempt.write.event.stream())) {
          break;
        }
        open.pop_front();
        if (attempt.answer.has_value() || dry_run) {
          results[index] = attempt.answer.has_value()
                               ? *std::move(attempt.answer)
                               : v1::WriteResult();
          continue;
        }
        round.Add(submission, attempt.write.event);
        appending.push_back(index);
        guarded.push_back(attempt.write.guarded);
        requests.push_back(SingleAppend(std::move(attempt.write)));
      }
    }
    std::vector<absl::StatusOr<storage::AppendResult>> appended =
        log_->AppendEach(std::move(requests));
    // A guarded write that met another caller's change to its stream is
    // judged again, ahead of everything after it.
    for (size_t k = appended.size(); k-- > 0;) {
      const size_t index = appending[k];
      if (absl::IsAborted(appended[k].status()) && guarded[k] &&
          guard_retries[index] < kGuardRetries) {
        ++guard_retries[index];
        open.push_front(index);
        continue;
      }
      results[index] = ToWriteResult(appended[k]);
    }
  }
  return results;
}

absl::StatusOr<v1::SubmitBatchResponse> Tracker::SubmitBatch(
    const Caller& caller, const v1::SubmitBatchRequest& request) {
  const int count = request.submissions_size();
  if (count == 0 ||
      static_cast<size_t>(count) > options_.max_batch_submissions) {
    return absl::InvalidArgumentError(
        absl::StrCat("submissions: ", count, " given; a batch holds 1 to ",
                     options_.max_batch_submissions));
  }
  KOERS_RETURN_IF_ERROR(CheckMayWrite(caller));
  KOERS_RETURN_IF_ERROR(CheckDistinctEventIds(request));
  absl::ReaderMutexLock shared(&plan_mu_);
  for (int round = 0;; ++round) {
    bool guard_conflict = false;
    absl::StatusOr<v1::SubmitBatchResponse> response =
        TrySubmitBatch(caller, request, &guard_conflict);
    if (!guard_conflict || round == kGuardRetries) return response;
  }
}

absl::StatusOr<v1::SubmitBatchResponse> Tracker::TrySubmitBatch(
    const Caller& caller, const v1::SubmitBatchRequest& request,
    bool* retry_guard_conflict) {
  v1::SubmitBatchResponse response;
  storage::AppendRequest append;
  absl::flat_hash_map<std::string, int> checked_streams;
  bool guarded = false;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    const SubmissionContext context = NewContext(caller);
    int retries = 0;
    for (int i = 0; i < request.submissions_size(); ++i) {
      const v1::Submission& submission = request.submissions(i);
      absl::StatusOr<v1::Event> retry = FindRetry(caller, submission);
      if (retry.ok()) {
        ++retries;
        *response.add_results() = DuplicateResult(*retry);
        continue;
      }
      if (!absl::IsNotFound(retry.status())) return retry.status();
      if (retries > 0) break;
      const std::string field = absl::StrCat("submissions[", i, "]");
      KOERS_RETURN_IF_ERROR(CheckCorrectsNoEarlierSubmission(request, i));
      KOERS_ASSIGN_OR_RETURN(PreparedWrite write,
                             PrepareWrite(context, submission, field));
      if (write.expectation.has_value()) {
        const std::string& stream = write.expectation->stream;
        auto [it, inserted] = checked_streams.emplace(stream, i);
        if (!inserted) {
          return absl::InvalidArgumentError(absl::StrCat(
              field, ": writes to ", stream, " under a revision check, as ",
              "submissions[", it->second,
              "] does; one status change per action, one correction per "
              "indicator and one expected revision per stream in a batch"));
        }
        guarded = guarded || write.guarded;
        append.expectations.push_back(*write.expectation);
      }
      append.events.push_back(std::move(write.event));
    }
    if (retries == request.submissions_size()) return response;
    if (retries > 0) {
      return absl::AlreadyExistsError(
          "submissions: some carry event ids that are already stored and "
          "others are new; a retry must resend the original batch exactly");
    }
  }
  if (request.dry_run()) return v1::SubmitBatchResponse();
  absl::StatusOr<storage::AppendResult> appended =
      log_->Append(std::move(append));
  if (absl::IsAborted(appended.status()) && guarded) {
    *retry_guard_conflict = true;
  }
  KOERS_RETURN_IF_ERROR(appended.status());
  for (const storage::AppendedEvent& event : appended->events) {
    *response.add_results() =
        ToWriteResult(event, appended->record_time, appended->duplicate);
  }
  return response;
}

absl::StatusOr<v1::GetProgressResponse> Tracker::GetProgress(
    const v1::GetProgressRequest& request) const {
  KOERS_ASSIGN_OR_RETURN(const ReadPoint point, Resolve(request.at(), "at."));
  absl::ReaderMutexLock lock(&state_mu_);
  return BuildProgress(state_, point.day, point.known_at, point.known_at);
}

absl::StatusOr<v1::GetHistoryResponse> Tracker::GetHistory(
    const v1::GetHistoryRequest& request) const {
  if (!storage::IsValidStreamName(request.id())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "id: \"", request.id().substr(0, 64),
        "\" is not an action, indicator or plan id (like SD1.A3.I2)"));
  }
  if (request.limit() > kMaxHistoryPage) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", request.limit(), " is more than the maximum, ",
                     kMaxHistoryPage, "; read on with next_from_revision"));
  }
  const uint32_t limit =
      request.limit() == 0 ? kMaxHistoryPage : request.limit();
  KOERS_ASSIGN_OR_RETURN(const ReadPoint point, Resolve(request.at(), "at."));
  // Without an as-of date every event known at the point is listed,
  // whatever its valid date.
  const std::string last_date = request.at().as_of_date().empty()
                                    ? std::string("9999-12-31")
                                    : storage::FormatIsoDate(point.day);
  absl::StatusOr<std::vector<v1::Event>> events =
      log_->ReadStream(request.id(), request.from_revision(),
                       storage::ReadDirection::kForward, limit);
  if (absl::IsNotFound(events.status())) {
    return absl::NotFoundError(
        absl::StrCat("id: ", request.id(), " has no history in this plan"));
  }
  KOERS_RETURN_IF_ERROR(events.status());
  v1::GetHistoryResponse response;
  response.set_id(request.id());
  response.set_known_at_position(point.known_at);
  absl::ReaderMutexLock lock(&state_mu_);
  const IndicatorRecord* indicator = state_.FindIndicator(request.id());
  if (events->size() == limit && events->back().position() <= point.known_at) {
    response.set_next_from_revision(events->back().stream_revision() + 1);
  }
  for (v1::Event& event : *events) {
    if (event.position() > point.known_at) break;
    if (event.valid_date() > last_date) continue;
    v1::HistoryEntry* entry = response.add_entries();
    if (indicator != nullptr) {
      auto value = indicator->value_index.find(event.event_id());
      if (value != indicator->value_index.end() &&
          indicator->values[value->second].superseded_at <= point.known_at &&
          indicator->values[value->second].superseded_by.has_value()) {
        entry->set_superseded_by(
            indicator->values[value->second].superseded_by->ToString());
      }
    }
    *entry->mutable_event() = std::move(event);
  }
  return response;
}

absl::StatusOr<v1::ReadEventsResponse> Tracker::ReadEvents(
    const v1::ReadEventsRequest& request) const {
  const uint32_t limit = request.limit() == 0 ? 100 : request.limit();
  if (limit > options_.max_read_events) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: ", limit, " is more than the maximum, ",
                     options_.max_read_events));
  }
  v1::ReadEventsResponse response;
  response.set_head_position(log_->Head().position);
  KOERS_ASSIGN_OR_RETURN(std::vector<v1::Event> events,
                         log_->ReadAll(request.from_position(), limit));
  for (v1::Event& event : events) *response.add_events() = std::move(event);
  return response;
}

absl::StatusOr<v1::VerifyResponse> Tracker::Verify() const {
  KOERS_ASSIGN_OR_RETURN(const storage::VerifyReport report, log_->Verify());
  const storage::LogHead head = log_->Head();
  v1::VerifyResponse response;
  response.set_ok(report.ok);
  response.set_events_checked(report.events_checked);
  response.set_broken_position(report.broken_position);
  response.set_reason(report.reason);
  response.set_head_position(head.position);
  response.set_head_hash(storage::HexEncode(head.hash));
  return response;
}

}  // namespace koers::services
