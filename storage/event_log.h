// EventLog: Koers's durable, append-only, tamper-evident event log on RocksDB.
//
// What it guarantees
//   * Append is all-or-nothing for a batch of events over one or more streams,
//     each stream with an optional expected revision.
//   * Durable: Append returns (and AppendAsync answers) only after RocksDB's
//     write-ahead log is synced (fdatasync). One writer thread folds every
//     append queued while it was busy into a single synced WriteBatch (group
//     commit); each caller still learns of its own events only once they are
//     durable.
//   * Global positions start at 1 and are gap-free and strictly increasing in
//     commit order; stream revisions start at 0 and are contiguous.
//   * Idempotent forever: re-appending events whose client-supplied ids are
//     all stored, with identical content, writes nothing and returns the
//     original positions, across restarts, for the life of the log.
//   * Tamper-evident: every event carries the hash of its predecessor and its
//     own hash over the exact stored bytes; Verify() walks the chain.
//   * Indexes (by stream, by id, by valid time) are written in the same
//     WriteBatch as their events, so no reader sees an event without them.
//
// Thread-safety: every method may be called from any thread concurrently.
// Readers never observe part of a batch.
//
// Errors (absl::Status codes)
//   InvalidArgument     a malformed request; the message names the field
//                       (for example "events[2].valid_date") and what is
//                       allowed. Nothing is written.
//   Aborted             an expected revision did not hold; the message names
//                       the stream, the expected and the actual revision.
//   AlreadyExists       an event id is stored with different content, or a
//                       batch mixes already-stored ids with new ones.
//   NotFound            a read of an unknown event or stream.
//   FailedPrecondition  Open of a directory that is not a Koers log of this
//                       format version.
//   Unavailable / DataLoss / Internal
//                       storage failures. After a failed write the log
//                       refuses further appends (the outcome of that write
//                       is unknown until the log is reopened).
//
// The key layout is documented in storage/log_keys.h.
#ifndef KOERS_STORAGE_EVENT_LOG_H_
#define KOERS_STORAGE_EVENT_LOG_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "koers/v1/events.pb.h"
#include "storage/clock.h"

namespace koers::storage {

// What a stream's revision must be before an append touches it.
class ExpectedRevision {
 public:
  // No expectation (the default).
  static ExpectedRevision Any() { return ExpectedRevision(Kind::kAny, 0); }
  // The stream must have no events yet.
  static ExpectedRevision NoStream() {
    return ExpectedRevision(Kind::kNoStream, 0);
  }
  // The stream's last event must have exactly this revision.
  static ExpectedRevision Exactly(uint64_t revision) {
    return ExpectedRevision(Kind::kExact, revision);
  }

  ExpectedRevision() : ExpectedRevision(Kind::kAny, 0) {}

  // True when a stream whose last revision is `current` (nullopt: no events)
  // meets the expectation.
  bool IsMetBy(std::optional<uint64_t> current) const;
  // "any", "no stream" or "revision 4".
  std::string ToString() const;

 private:
  enum class Kind { kAny, kNoStream, kExact };
  ExpectedRevision(Kind kind, uint64_t revision)
      : kind_(kind), revision_(revision) {}
  Kind kind_;
  uint64_t revision_;
};

struct StreamExpectation {
  std::string stream;
  ExpectedRevision expected;
};

// One atomic append.
struct AppendRequest {
  // Each event sets only the client fields: event_id (optional), stream,
  // valid_date, principal, and one payload. The assigned fields (position,
  // stream_revision, type, record_time, prev_hash, hash) must be unset.
  std::vector<v1::Event> events;
  // At most one per stream; streams not listed are not checked.
  std::vector<StreamExpectation> expectations;
};

// Where one event of a request landed.
struct AppendedEvent {
  std::string event_id;
  std::string stream;
  uint64_t stream_revision = 0;
  uint64_t position = 0;
};

struct AppendResult {
  // One per request event, in request order.
  std::vector<AppendedEvent> events;
  // The record time of the events (of the original append for a duplicate).
  absl::Time record_time;
  // True when every event was already stored: nothing was written.
  bool duplicate = false;
};

// The end of the log: the last position (0 for an empty log) and its hash
// (32 zero bytes for an empty log).
struct LogHead {
  uint64_t position = 0;
  std::string hash;
};

enum class ReadDirection { kForward, kBackward };

// An entry of the valid-time index.
struct ValidTimeEntry {
  absl::CivilDay valid_date;
  uint64_t position = 0;
  v1::EventType type = v1::EVENT_TYPE_UNSPECIFIED;
};

// The outcome of Verify().
struct VerifyReport {
  bool ok = true;
  uint64_t events_checked = 0;
  // When !ok: the first position whose link is broken, and why.
  uint64_t broken_position = 0;
  std::string reason;
};

// Counters since Open, for monitoring: synced_writes below appends_committed
// means group commit folded appends together.
struct EventLogStats {
  uint64_t appends_committed = 0;  // Append calls that wrote their events
  uint64_t events_committed = 0;
  uint64_t synced_writes = 0;  // synced RocksDB writes, one per group
};

// Receives the entries a projection derives from one event.
class ProjectionSink {
 public:
  virtual ~ProjectionSink() = default;
  virtual void Put(absl::string_view key, absl::string_view value) = 0;
};

// Derives the projection entries of one event (every assigned field set).
// It must be a pure function of the event: a rebuild from the log then
// reproduces exactly what the appends stored. Walks over the log
// (rebuild, check, catch-up) call it from two threads at once, each with
// its own sink.
using Projector =
    std::function<void(const v1::Event& event, ProjectionSink* sink)>;

// What CheckProjections found.
struct ProjectionCheckReport {
  uint64_t events_projected = 0;
  uint64_t entries_compared = 0;
  // Entries the rebuild has and the store lacks, the store has and the
  // rebuild lacks, and stored with other content.
  uint64_t missing = 0;
  uint64_t unexpected = 0;
  uint64_t different = 0;
  // The first few differing keys, for the report.
  std::vector<std::string> examples;
  bool ok() const { return missing == 0 && unexpected == 0 && different == 0; }
};

struct EventLogOptions {
  // Source of record time; not owned, must outlive the log.
  const Clock* clock = SystemClock::Get();
  // Limits that keep one request from monopolising the writer.
  size_t max_events_per_append = 10000;
  size_t max_bytes_per_append = 16 << 20;
  // Upper bound on the events folded into one synced write.
  size_t max_events_per_group = 4096;
  // Called after every synced write with the events it committed, in log
  // order (each with every assigned field and its hash), before any caller
  // of that write returns: a projection kept by it is never behind an
  // acknowledged append. Runs on the log's syncer thread, in log order,
  // while later groups are written: keep it short, and never call Append
  // from it. Optional.
  std::function<void(const std::vector<const v1::Event*>& committed)> on_commit;
  // Maintains the "projections" column family: each event's entries are
  // written in the same synced WriteBatch as the event, together with the
  // position they reflect (ProjectionPosition). At Open, events the stored
  // projections do not reflect yet (a log written before they existed) are
  // projected first. Optional.
  Projector projector;
};

// Progress of a long walk over the log: events done so far, of `total`.
using ProgressCallback = std::function<void(uint64_t done, uint64_t total)>;

// Receives the outcome of an AppendAsync.
using AppendCallback = absl::AnyInvocable<void(absl::StatusOr<AppendResult>)>;

class EventLog {
 public:
  // Opens the log in `dir`, creating it when `dir` holds no database.
  // FailedPrecondition when `dir` holds a database that is not a Koers log
  // or has another format version; Unavailable when another process has it
  // open.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(
      const std::string& dir, const EventLogOptions& options = {});

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  // Finishes every append already queued (their callbacks run), then closes
  // the database. Callers must not race Append with destruction.
  ~EventLog();

  // Appends the request's events atomically and durably. See the file
  // comment for the errors. An empty request is InvalidArgument.
  absl::StatusOr<AppendResult> Append(AppendRequest request);

  // Append without waiting: `done` receives what Append would return, once.
  // A request that fails validation is answered at once on the calling
  // thread; every other one on the log's syncer thread after its synced
  // write (and after on_commit saw it). `done` runs while later answers
  // wait: keep it short, and never call Append or AppendEach from it
  // (AppendAsync is fine).
  void AppendAsync(AppendRequest request, AppendCallback done);

  // Appends each request as if by its own Append call (each all-or-nothing,
  // each with its own result, in order), and lets them share synced writes:
  // for many small independent appends from one caller.
  std::vector<absl::StatusOr<AppendResult>> AppendEach(
      std::vector<AppendRequest> requests);

  // The last committed position and its hash.
  LogHead Head() const;

  // The log position the stored projections reflect (equal to the head
  // when a projector is set).
  absl::StatusOr<uint64_t> ProjectionPosition() const;
  // Calls `visit` for every stored projection entry whose key starts with
  // `prefix`, in key order, from one consistent view; stops early when
  // `visit` returns false.
  absl::Status ScanProjections(
      absl::string_view prefix,
      const std::function<bool(absl::string_view key, absl::string_view value)>&
          visit) const;
  // Recomputes every projection entry from the log with the projector,
  // replacing what is stored. For maintenance: no append may run
  // meanwhile. FailedPrecondition without a projector. `progress` is called
  // every 100,000 events.
  absl::Status RebuildProjections(const ProgressCallback& progress = {});
  // Rebuilds aside (into sorted runs in memory, spilled to temporary files
  // in the log's directory when large) and compares with what is stored,
  // entry by entry, at one snapshot. Changes nothing that is stored.
  absl::StatusOr<ProjectionCheckReport> CheckProjections(
      const ProgressCallback& progress = {});

  EventLogStats Stats() const;

  // Events with position >= from_position (0 reads from the start), at most
  // `limit`, in position order.
  absl::StatusOr<std::vector<v1::Event>> ReadAll(uint64_t from_position,
                                                 size_t limit) const;

  // Events of `stream` from `from_revision` on, at most `limit`. Backward
  // reads go from `from_revision` (clamped to the last revision) down.
  // NotFound when the stream has no events.
  absl::StatusOr<std::vector<v1::Event>> ReadStream(absl::string_view stream,
                                                    uint64_t from_revision,
                                                    ReadDirection direction,
                                                    size_t limit) const;

  // The event with this id. InvalidArgument for a malformed id; NotFound
  // when it is not stored.
  absl::StatusOr<v1::Event> ReadEvent(absl::string_view event_id) const;

  // The event at this position. NotFound past the head.
  absl::StatusOr<v1::Event> ReadAt(uint64_t position) const;

  // The last position recorded at or before `time` (0 when none), at most
  // `at_most` and the head: what the log held at that instant. One seek in
  // the record-time index, whatever the log's length; for instants before
  // the index's first entry (a log written before it existed), a binary
  // search over the events.
  absl::StatusOr<uint64_t> PositionAt(absl::Time time, uint64_t at_most) const;

  // The revision of the stream's last event; nullopt when it has none.
  absl::StatusOr<std::optional<uint64_t>> StreamRevision(
      absl::string_view stream) const;

  // Index entries of `stream` with valid_date in [first, last], ordered by
  // valid date, then position.
  absl::StatusOr<std::vector<ValidTimeEntry>> ReadValidTimeRange(
      absl::string_view stream, absl::CivilDay first,
      absl::CivilDay last) const;

  // Walks the whole log: positions gap-free from 1, each event's prev_hash
  // equal to its predecessor's hash, each hash recomputed over the stored
  // bytes, assigned fields consistent with the key, and the by_stream and
  // by_id entries of every event pointing back to it. Reports the first
  // broken link. `progress`, when given, is called every 100,000 events.
  absl::StatusOr<VerifyReport> Verify(
      const std::function<void(uint64_t checked)>& progress = {}) const;

 private:
  class Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace koers::storage

#endif  // KOERS_STORAGE_EVENT_LOG_H_
