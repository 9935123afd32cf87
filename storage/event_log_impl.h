// EventLog's internals, shared by the files that implement it:
// event_log.cc (open, reads), group_commit.cc (appends), log_verifier.cc
// (Verify). Not part of the storage library's interface.
#ifndef KOERS_STORAGE_EVENT_LOG_IMPL_H_
#define KOERS_STORAGE_EVENT_LOG_IMPL_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "storage/append_validation.h"
#include "storage/event_log.h"

namespace koers::storage {

class EventLog::Impl {
 public:
  struct Families {
    rocksdb::ColumnFamilyHandle* events = nullptr;
    rocksdb::ColumnFamilyHandle* by_stream = nullptr;
    rocksdb::ColumnFamilyHandle* by_id = nullptr;
    rocksdb::ColumnFamilyHandle* by_valid_time = nullptr;
    rocksdb::ColumnFamilyHandle* projections = nullptr;
  };

  // Takes ownership of `db` and `handles` (every open family handle).
  Impl(std::unique_ptr<rocksdb::DB> db,
       std::vector<rocksdb::ColumnFamilyHandle*> handles, Families families,
       EventLogOptions options);
  ~Impl();

  rocksdb::DB* db() const { return db_.get(); }

  // Reads the head from the last stored event. Called once, by Open.
  absl::Status LoadHead();

  void AppendAsync(AppendRequest request, AppendCallback done);
  std::vector<absl::StatusOr<AppendResult>> AppendEach(
      std::vector<AppendRequest> requests);
  LogHead Head() const;
  EventLogStats Stats() const;
  absl::StatusOr<std::vector<v1::Event>> ReadAll(uint64_t from_position,
                                                 size_t limit) const;
  absl::StatusOr<std::vector<v1::Event>> ReadStream(absl::string_view stream,
                                                    uint64_t from_revision,
                                                    ReadDirection direction,
                                                    size_t limit) const;
  absl::StatusOr<v1::Event> ReadEvent(absl::string_view event_id) const;
  absl::StatusOr<v1::Event> ReadAt(uint64_t position) const;
  absl::StatusOr<uint64_t> PositionAt(absl::Time time, uint64_t at_most) const;
  // The last revision of `stream` among durable events (what readers see).
  absl::StatusOr<std::optional<uint64_t>> DurableStreamRevision(
      absl::string_view stream) const;
  // The same including events written but not yet durable (what the
  // writer checks expectations against).
  absl::StatusOr<std::optional<uint64_t>> WrittenStreamRevision(
      absl::string_view stream) const;
  absl::StatusOr<std::vector<ValidTimeEntry>> ReadValidTimeRange(
      absl::string_view stream, absl::CivilDay first,
      absl::CivilDay last) const;
  absl::StatusOr<VerifyReport> Verify(
      const std::function<void(uint64_t)>& progress) const;

  // projections.cc
  absl::StatusOr<uint64_t> ProjectionPosition() const;
  absl::Status ScanProjections(
      absl::string_view prefix,
      const std::function<bool(absl::string_view, absl::string_view)>& visit)
      const;
  absl::Status RebuildProjections(const ProgressCallback& progress);
  absl::StatusOr<ProjectionCheckReport> CheckProjections(
      const ProgressCallback& progress);
  // Projects the events the stored projections do not reflect yet. Called
  // once, by Open, after LoadHead.
  absl::Status CatchUpProjections();

 private:
  // One queued append and whom to tell.
  struct PendingAppend {
    PendingAppend(ValidatedRequest validated, AppendCallback callback)
        : request(std::move(validated)), done(std::move(callback)) {}

    ValidatedRequest request;
    AppendCallback done;
    // Set by the writer before `done` is called.
    absl::StatusOr<AppendResult> result;
    // True when the result depends on the group's write succeeding.
    bool needs_write = false;
  };
  // What the writer has staged for its group but not yet committed.
  struct GroupState;
  // A group the writer wrote (not yet synced), on its way to its callers.
  struct WrittenGroup {
    std::vector<std::unique_ptr<PendingAppend>> members;
    // The events written, in log order (owned by `members`); empty when
    // nothing was written.
    std::vector<const v1::Event*> committed;
    uint64_t last_position = 0;
    std::string last_hash;
    uint64_t appends_staged = 0;
  };

  // group_commit.cc
  // Validates each request (answering a malformed one at once) and queues
  // the valid ones together. `callbacks[i]` answers `requests[i]`.
  void Enqueue(std::vector<AppendRequest> requests,
               std::vector<AppendCallback> callbacks);
  // Two threads carry appends, the writer handing on to the syncer:
  //   writer  takes the queued appends in groups, stages and writes each
  //           group (unsynced), until the log closes and the queue is
  //           empty;
  //   syncer  makes every group written so far durable with one fdatasync,
  //           while the writer already writes the next ones, moves the
  //           durable head, then runs on_commit and answers the callers.
  // The syncer answers rather than handing on to a third thread: a thread
  // wake-up costs this VM more CPU than the answers delay the next sync
  // (measured: 1.9 against 1.4 context switches per call, see
  // docs/PERFORMANCE.md).
  void RunWriter();
  void RunSyncer();
  // Runs on_commit for, and answers the callers of, `groups`.
  void Finish(std::deque<WrittenGroup>* groups);
  // Moves the head past `groups` and counts them (one sync).
  void MarkDurable(const std::deque<WrittenGroup>& groups);
  // Answers `groups`' writes with `failure`: they are not durable.
  static void FailUnsynced(const absl::Status& failure,
                           std::deque<WrittenGroup>* groups);
  // Moves the queue's front group (bounded by max_events_per_group) into
  // `group`.
  void TakeGroup(std::vector<std::unique_ptr<PendingAppend>>* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  // Stages and writes `group`'s appends (unsynced), recording what was
  // written in it.
  void CommitGroup(WrittenGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);
  absl::Status StageAppend(PendingAppend* pending, GroupState* state,
                           rocksdb::WriteBatch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);
  absl::StatusOr<std::optional<uint64_t>> CurrentRevision(
      absl::string_view stream, const GroupState& state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);
  absl::Status FindDuplicates(PendingAppend* pending, const GroupState& state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);

  // projections.cc
  // Stages the projector's entries for `event` into `batch`. Nothing
  // without a projector.
  void StageProjection(const v1::Event& event,
                       rocksdb::WriteBatch* batch) const;
  // Stages the position the projections reflect once the batch is written.
  void StageProjectionPosition(uint64_t position,
                               rocksdb::WriteBatch* batch) const;
  // Projects the events in [from, to] into sorted SST files and ingests
  // them into the projections family. With `clear`, once the files are
  // written, sets the projections' position to 0 and empties the family
  // before ingesting (the caller sets the position afterwards).
  absl::Status ProjectIntoFamily(uint64_t from, uint64_t to, bool clear,
                                 const ProgressCallback& progress);
  // Empties the projections family, leaving no files in it.
  absl::Status ClearProjections();
  absl::Status SetProjectionPosition(uint64_t position);
  // Projects the events at `snapshot` that its stored projections reflect,
  // and compares the result with them, in key order.
  absl::StatusOr<ProjectionCheckReport> CompareWithRebuild(
      const rocksdb::Snapshot* snapshot, const ProgressCallback& progress);

  // event_log.cc
  // Reads an event at `position` through `options` (which may pin a
  // snapshot). NotFound when absent.
  absl::StatusOr<v1::Event> ReadAtWith(const rocksdb::ReadOptions& options,
                                       uint64_t position) const;
  // Stages the record-time index entry of a group recorded at
  // `record_time` whose last event is at `last_position`.
  static void StageRecordTime(absl::Time record_time, uint64_t last_position,
                              rocksdb::WriteBatch* batch);
  // The binary search of PositionAt over positions [0, limit], for
  // instants the record-time index does not cover.
  absl::StatusOr<uint64_t> SearchPositionAt(absl::Time time,
                                            uint64_t limit) const;

  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const Families cf_;
  const EventLogOptions options_;

  // Appends waiting for the writer thread.
  absl::Mutex queue_mu_;
  absl::CondVar queue_cv_;
  std::deque<std::unique_ptr<PendingAppend>> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool closing_ ABSL_GUARDED_BY(queue_mu_) = false;

  // Held by the writer thread while it writes a group (and by LoadHead, and
  // by the syncer to record a failed sync); guards the written (not yet
  // durable) head and the state that assigns positions. Never held together
  // with queue_mu_.
  absl::Mutex writer_role_;
  uint64_t last_position_ ABSL_GUARDED_BY(writer_role_) = 0;
  std::string last_hash_ ABSL_GUARDED_BY(writer_role_);
  absl::Time last_record_time_ ABSL_GUARDED_BY(writer_role_) =
      absl::UnixEpoch();
  // Last committed revision per stream seen so far (nullopt: no events).
  absl::flat_hash_map<std::string, std::optional<uint64_t>> revisions_
      ABSL_GUARDED_BY(writer_role_);
  // Set when a write failed: its outcome is unknown, so no further append
  // may assume the in-memory head until the log is reopened.
  absl::Status write_failure_ ABSL_GUARDED_BY(writer_role_);

  // The durable head: readers see nothing beyond it.
  mutable absl::Mutex head_mu_;
  LogHead head_ ABSL_GUARDED_BY(head_mu_);
  EventLogStats stats_ ABSL_GUARDED_BY(head_mu_);

  // Written groups waiting for the syncer thread.
  absl::Mutex sync_mu_;
  absl::CondVar sync_cv_;
  std::deque<WrittenGroup> sync_queue_ ABSL_GUARDED_BY(sync_mu_);
  bool writer_done_ ABSL_GUARDED_BY(sync_mu_) = false;

  // Started last, joined first (by the destructor), in this order.
  std::thread writer_;
  std::thread syncer_;
};

// Decodes an "events" value (hash || stored bytes) found at `position`.
absl::StatusOr<v1::Event> DecodeStoredEvent(absl::string_view value,
                                            uint64_t position);
// The same into `event`, whatever it held, reusing its allocations: walks
// over the whole log decode every event into one message.
absl::Status DecodeStoredEventInto(absl::string_view value, uint64_t position,
                                   v1::Event* event);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_EVENT_LOG_IMPL_H_
