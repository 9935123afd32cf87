// Tracker: Koers's domain service. It owns the event log and the plan state
// derived from it, and answers every request of the API in domain terms
// (absl::Status, protobuf messages), with no gRPC in sight.
//
// Writes are validated against the current plan, authorised for the caller,
// and appended durably; the plan state follows every commit before the write
// returns, so a read after an acknowledged write sees it.
//
// Concurrency: all methods are thread-safe. Plan loads exclude ingestion
// (so a definition cannot change between a write's validation and its
// append); ingestion calls run concurrently and share synced writes.
#ifndef KOERS_SERVICES_TRACKER_H_
#define KOERS_SERVICES_TRACKER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "koers/v1/evaluation_service.pb.h"
#include "koers/v1/ingest_service.pb.h"
#include "koers/v1/plan_service.pb.h"
#include "koers/v1/query_service.pb.h"
#include "services/caller.h"
#include "services/plan_state.h"
#include "services/submissions.h"
#include "storage/clock.h"
#include "storage/event_log.h"

namespace koers::services {

struct TrackerOptions {
  // Not owned; must outlive the tracker.
  const storage::Clock* clock = storage::SystemClock::Get();
  // The plan's calendar: "today" is the civil day of clock->Now() here.
  absl::TimeZone zone = absl::UTCTimeZone();
  // Limits on one request.
  size_t max_batch_submissions = 1000;
  uint32_t max_read_events = 1000;
};

// Receives the outcome of a Tracker::SubmitAsync.
using SubmitCallback =
    absl::AnyInvocable<void(absl::StatusOr<v1::WriteResult>)>;

class Tracker {
 public:
  // Opens (or creates) the event log in `data_dir` and replays it into the
  // plan state. Errors as EventLog::Open.
  static absl::StatusOr<std::unique_ptr<Tracker>> Open(
      const std::string& data_dir, const TrackerOptions& options);

  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;
  ~Tracker();

  // PlanService. LoadPlan: coordinators only; see LoadPlanRequest.
  absl::StatusOr<v1::LoadPlanResponse> LoadPlan(
      const Caller& caller, const v1::LoadPlanRequest& request);
  absl::StatusOr<v1::GetPlanResponse> GetPlan(
      const v1::GetPlanRequest& request) const;

  // IngestService. One write, durable when it returns.
  absl::StatusOr<v1::WriteResult> Submit(const Caller& caller,
                                         const v1::Submission& submission);
  // All or nothing. At most one status change per action and one correction
  // per corrected event in a batch.
  absl::StatusOr<v1::SubmitBatchResponse> SubmitBatch(
      const Caller& caller, const v1::SubmitBatchRequest& request);
  // Submit without waiting for the write: `done` receives what Submit would
  // return, once. Validation runs on the calling thread, which also gets a
  // rejection; an accepted write is answered on the log's syncer thread
  // once durable (see storage::EventLog::AppendAsync), so `done` must be
  // short and must not call the tracker's blocking writes.
  void SubmitAsync(const Caller& caller, v1::Submission submission,
                   SubmitCallback done);
  // Each submission stands alone (its own result), judged in order as if
  // the ones before it were written one by one: a status change or
  // correction sees the writes before it (the status it moves from, the
  // measurement it corrects). Submissions share synced writes. With
  // dry_run, validates only, each against the current state (an OK result
  // is empty).
  std::vector<absl::StatusOr<v1::WriteResult>> SubmitEach(
      const Caller& caller, absl::Span<const v1::Submission> submissions,
      bool dry_run);

  // QueryService. Every read answers at a bitemporal point (default: as
  // of today, known now); OUT_OF_RANGE for a known-at position beyond the
  // head, INVALID_ARGUMENT for a malformed date.
  absl::StatusOr<v1::GetProgressResponse> GetProgress(
      const v1::GetProgressRequest& request) const;
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(
      const v1::GetHistoryRequest& request) const;
  absl::StatusOr<v1::ReadEventsResponse> ReadEvents(
      const v1::ReadEventsRequest& request) const;
  absl::StatusOr<v1::VerifyResponse> Verify() const;

  // EvaluationService (tracker_evaluations.cc).
  absl::StatusOr<v1::EvaluationState> GetState(
      const v1::GetStateRequest& request) const;
  // Coordinators only. INVALID_ARGUMENT for a malformed name or an as-of
  // date after today; ALREADY_EXISTS for a name taken.
  absl::StatusOr<v1::TakeSnapshotResponse> TakeSnapshot(
      const Caller& caller, const v1::TakeSnapshotRequest& request);
  // NOT_FOUND for an unknown name.
  absl::StatusOr<v1::GetSnapshotResponse> GetSnapshot(
      const v1::GetSnapshotRequest& request) const;
  absl::StatusOr<v1::ListSnapshotsResponse> ListSnapshots() const;
  absl::StatusOr<v1::DiffResponse> Diff(const v1::DiffRequest& request) const;
  absl::StatusOr<v1::Completeness> GetCompleteness(
      const v1::CompletenessRequest& request) const;

  // The last committed position.
  uint64_t HeadPosition() const;
  // Waits until the head passes `position` or `timeout` elapses; returns the
  // head. For live subscriptions.
  uint64_t WaitForHeadBeyond(uint64_t position, absl::Duration timeout) const;

  storage::EventLog& log() { return *log_; }

 private:
  explicit Tracker(const TrackerOptions& options);

  // A bitemporal point resolved: the as-of day, and the known-at position
  // (at most the head when resolved).
  struct ReadPoint {
    absl::CivilDay day;
    uint64_t known_at = 0;
  };
  absl::StatusOr<ReadPoint> Resolve(const v1::TimePoint& at,
                                    absl::string_view field) const;
  absl::StatusOr<uint64_t> ResolveKnownAt(const v1::KnownAt& known_at,
                                          absl::string_view field) const;
  // One side of a diff: its state, day and known-at position.
  struct DiffPoint {
    v1::EvaluationState state;
    std::string as_of_date;
    uint64_t position = 0;
  };
  absl::StatusOr<DiffPoint> ResolveDiffSide(const v1::DiffSide& side,
                                            absl::string_view field) const;
  // The snapshot named `name`; NotFound naming `field` otherwise.
  absl::StatusOr<SnapshotRecord> SnapshotNamed(absl::string_view name,
                                               absl::string_view field) const;
  // The snapshot's info and its stored content, parsed.
  absl::StatusOr<v1::GetSnapshotResponse> ReadSnapshot(
      const SnapshotRecord& record) const;
  void OnCommit(const std::vector<const v1::Event*>& events);
  absl::CivilDay Today() const;
  // What validating a submission needs; valid while state_mu_ is held.
  SubmissionContext NewContext(const Caller& caller) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  // A stored event when `submission` names an event id that is stored:
  // OK(event) for a faithful retry, ALREADY_EXISTS for other content,
  // NotFound when the id is new or absent.
  absl::StatusOr<v1::Event> FindRetry(const Caller& caller,
                                      const v1::Submission& submission) const;
  // One submission checked against the state: either answered already (a
  // faithful retry's original result, or a rejection) or ready to append.
  struct Attempt {
    std::optional<absl::StatusOr<v1::WriteResult>> answer;
    PreparedWrite write;
  };
  Attempt Prepare(const SubmissionContext& context,
                  const v1::Submission& submission) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  // A SubmitAsync in progress.
  struct AsyncSubmission;
  // Validates and queues one round of `submission`; a guarded conflict
  // comes back here for another round. Called with plan_mu_ held shared,
  // so that a plan load queues behind every write validated before it.
  void StartRound(std::unique_ptr<AsyncSubmission> submission)
      ABSL_SHARED_LOCKS_REQUIRED(plan_mu_);
  absl::StatusOr<v1::SubmitBatchResponse> TrySubmitBatch(
      const Caller& caller, const v1::SubmitBatchRequest& request,
      bool* retry_guard_conflict) ABSL_SHARED_LOCKS_REQUIRED(plan_mu_);

  const TrackerOptions options_;
  std::unique_ptr<storage::EventLog> log_;

  // Shared by ingestion, exclusive for plan loads.
  mutable absl::Mutex plan_mu_;

  // The plan state and the head it reflects; updated on every commit.
  mutable absl::Mutex state_mu_;
  PlanState state_ ABSL_GUARDED_BY(state_mu_);
  mutable absl::CondVar head_changed_;
};

// The write's outcome on the wire, from the log's.
v1::WriteResult ToWriteResult(const storage::AppendedEvent& event,
                              absl::Time record_time, bool duplicate);
// The answer to a retry: the stored event's result, marked duplicate.
v1::WriteResult DuplicateResult(const v1::Event& stored);
// The same for a single-event append's outcome.
absl::StatusOr<v1::WriteResult> ToWriteResult(
    const absl::StatusOr<storage::AppendResult>& appended);

}  // namespace koers::services

#endif  // KOERS_SERVICES_TRACKER_H_
