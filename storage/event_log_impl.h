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
  };

  // Takes ownership of `db` and `handles` (every open family handle).
  Impl(std::unique_ptr<rocksdb::DB> db,
       std::vector<rocksdb::ColumnFamilyHandle*> handles, Families families,
       EventLogOptions options);
  ~Impl();

  rocksdb::DB* db() const { return db_.get(); }

  // Reads the head from the last stored event. Called once, by Open.
  absl::Status LoadHead();

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
  absl::StatusOr<std::optional<uint64_t>> StreamRevision(
      absl::string_view stream) const;
  absl::StatusOr<std::vector<ValidTimeEntry>> ReadValidTimeRange(
      absl::string_view stream, absl::CivilDay first,
      absl::CivilDay last) const;
  absl::StatusOr<VerifyReport> Verify(
      const std::function<void(uint64_t)>& progress) const;

 private:
  // One request of an Append caller, waiting in the writer queue.
  struct PendingAppend;
  // One caller waiting for its requests.
  struct Waiter;
  // What the leader has staged for its group but not yet committed.
  struct GroupState;

  // group_commit.cc
  // Takes the queue's front group, commits it, wakes its members and hands
  // the leader role on. Called by the caller whose request is at the front.
  void LeadGroup() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  void CommitGroup(const std::vector<PendingAppend*>& group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);
  absl::Status StageAppend(PendingAppend* pending, GroupState* state,
                           rocksdb::WriteBatch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);
  absl::StatusOr<std::optional<uint64_t>> CurrentRevision(
      absl::string_view stream, const GroupState& state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);
  absl::Status FindDuplicates(PendingAppend* pending, const GroupState& state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_role_);

  // Reads an event at `position` through `options` (which may pin a
  // snapshot). NotFound when absent.
  absl::StatusOr<v1::Event> ReadAtWith(const rocksdb::ReadOptions& options,
                                       uint64_t position) const;

  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const Families cf_;
  const EventLogOptions options_;

  // The writer queue. The caller at its front is the leader: it commits a
  // group of queued appends while holding writer_role_.
  absl::Mutex queue_mu_;
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(queue_mu_);

  // Held by the leader while it commits; guards the state that assigns
  // positions. Never held together with queue_mu_.
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

  mutable absl::Mutex head_mu_;
  LogHead head_ ABSL_GUARDED_BY(head_mu_);
  EventLogStats stats_ ABSL_GUARDED_BY(head_mu_);
};

// Decodes an "events" value (hash || stored bytes) found at `position`.
absl::StatusOr<v1::Event> DecodeStoredEvent(absl::string_view value,
                                            uint64_t position);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_EVENT_LOG_IMPL_H_
