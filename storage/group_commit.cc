// The append path: callers queue their appends; one writer thread folds
// every append queued while it was busy into one synced WriteBatch. The
// writer checks each append against the log plus what the group staged
// before it, so appends in one group see each other exactly as if they had
// been written one by one.
#include <pthread.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "storage/event_hash.h"
#include "storage/event_log_impl.h"
#include "storage/log_keys.h"
#include "storage/proto_time.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"

namespace koers::storage {

namespace keys = log_keys;

struct EventLog::Impl::GroupState {
  uint64_t last_position = 0;
  std::string last_hash;
  absl::Time record_time;
  uint64_t appends_staged = 0;
  // The staged events in log order, for EventLogOptions::on_commit.
  std::vector<const v1::Event*> committed;
  // Streams this group wrote to: their staged last revision.
  absl::flat_hash_map<std::string, uint64_t> revisions;
  // Events this group staged, by raw id (the events stay owned by their
  // PendingAppend until the group is done).
  absl::flat_hash_map<std::string, const v1::Event*> ids;
};

void EventLog::Impl::AppendAsync(AppendRequest request, AppendCallback done) {
  std::vector<AppendRequest> one;
  one.push_back(std::move(request));
  std::vector<AppendCallback> callbacks;
  callbacks.push_back(std::move(done));
  Enqueue(std::move(one), std::move(callbacks));
}

std::vector<absl::StatusOr<AppendResult>> EventLog::Impl::AppendEach(
    std::vector<AppendRequest> requests) {
  std::vector<absl::StatusOr<AppendResult>> results(requests.size());
  absl::BlockingCounter answered(static_cast<int>(requests.size()));
  std::vector<AppendCallback> callbacks;
  for (size_t i = 0; i < requests.size(); ++i) {
    callbacks.emplace_back(
        [&results, &answered, i](absl::StatusOr<AppendResult> result) {
          results[i] = std::move(result);
          answered.DecrementCount();
        });
  }
  Enqueue(std::move(requests), std::move(callbacks));
  answered.Wait();
  return results;
}

void EventLog::Impl::Enqueue(std::vector<AppendRequest> requests,
                             std::vector<AppendCallback> callbacks) {
  const absl::Time now = options_.clock->Now();
  std::vector<std::unique_ptr<PendingAppend>> valid;
  for (size_t i = 0; i < requests.size(); ++i) {
    absl::StatusOr<ValidatedRequest> validated =
        ValidateAppendRequest(std::move(requests[i]), options_, now);
    if (!validated.ok()) {
      callbacks[i](validated.status());
      continue;
    }
    valid.push_back(std::make_unique<PendingAppend>(*std::move(validated),
                                                    std::move(callbacks[i])));
  }
  if (valid.empty()) return;
  // All at once, so that the writer sees them together and they can share
  // one synced write.
  absl::MutexLock lock(&queue_mu_);
  for (auto& pending : valid) queue_.push_back(std::move(pending));
  queue_cv_.Signal();
}

void EventLog::Impl::RunWriter() {
  pthread_setname_np(pthread_self(), "koers-writer");
  for (;;) {
    WrittenGroup written;
    {
      absl::MutexLock lock(&queue_mu_);
      while (queue_.empty() && !closing_) queue_cv_.Wait(&queue_mu_);
      if (queue_.empty()) break;
      TakeGroup(&written.members);
    }
    {
      absl::MutexLock writer(&writer_role_);
      CommitGroup(&written);
    }
    absl::MutexLock lock(&sync_mu_);
    sync_queue_.push_back(std::move(written));
    sync_cv_.Signal();
  }
  absl::MutexLock lock(&sync_mu_);
  writer_done_ = true;
  sync_cv_.Signal();
}

void EventLog::Impl::RunSyncer() {
  pthread_setname_np(pthread_self(), "koers-syncer");
  absl::Status failure;
  for (;;) {
    std::deque<WrittenGroup> groups;
    {
      absl::MutexLock lock(&sync_mu_);
      while (sync_queue_.empty() && !writer_done_) sync_cv_.Wait(&sync_mu_);
      if (sync_queue_.empty()) break;
      groups.swap(sync_queue_);
    }
    // One fdatasync makes every group written so far durable.
    const bool wrote = std::any_of(
        groups.begin(), groups.end(),
        [](const WrittenGroup& group) { return !group.committed.empty(); });
    if (failure.ok() && wrote) {
      failure = FromRocksDb(db_->SyncWAL(), "syncing the event log");
      // After a failed sync the kernel may have dropped what it could not
      // write: nothing written since may be acknowledged, and the log
      // refuses appends until it is reopened.
      if (!failure.ok()) {
        absl::MutexLock writer(&writer_role_);
        write_failure_ = failure;
      }
    }
    if (failure.ok()) {
      MarkDurable(groups);
    } else {
      FailUnsynced(failure, &groups);
    }
    Finish(&groups);
  }
}

void EventLog::Impl::MarkDurable(const std::deque<WrittenGroup>& groups) {
  absl::MutexLock head(&head_mu_);
  ++stats_.synced_writes;
  for (const WrittenGroup& group : groups) {
    if (group.committed.empty()) continue;
    head_ = LogHead{group.last_position, group.last_hash};
    stats_.events_committed += group.committed.size();
    stats_.appends_committed += group.appends_staged;
  }
}

void EventLog::Impl::FailUnsynced(const absl::Status& failure,
                                  std::deque<WrittenGroup>* groups) {
  for (WrittenGroup& group : *groups) {
    for (const auto& member : group.members) {
      if (member->needs_write) member->result = failure;
    }
    group.committed.clear();
  }
}

void EventLog::Impl::Finish(std::deque<WrittenGroup>* groups) {
  for (WrittenGroup& group : *groups) {
    if (options_.on_commit && !group.committed.empty()) {
      options_.on_commit(group.committed);
    }
    for (const std::unique_ptr<PendingAppend>& member : group.members) {
      member->done(std::move(member->result));
    }
  }
}

void EventLog::Impl::TakeGroup(
    std::vector<std::unique_ptr<PendingAppend>>* group) {
  size_t events = 0;
  while (!queue_.empty()) {
    events += queue_.front()->request.events.size();
    if (!group->empty() && events > options_.max_events_per_group) break;
    group->push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
}

void EventLog::Impl::CommitGroup(WrittenGroup* group) {
  if (!write_failure_.ok()) {
    for (const auto& member : group->members) member->result = write_failure_;
    return;
  }
  GroupState state;
  state.last_position = last_position_;
  state.last_hash = last_hash_;
  // Record time never goes back along the log, even if the clock does.
  state.record_time = std::max(options_.clock->Now(), last_record_time_);

  rocksdb::WriteBatch batch;
  for (const auto& member : group->members) {
    if (absl::Status staged = StageAppend(member.get(), &state, &batch);
        !staged.ok()) {
      member->result = std::move(staged);
    }
  }
  if (batch.Count() == 0) return;
  StageProjectionPosition(state.last_position, &batch);
  StageRecordTime(state.record_time, state.last_position, &batch);

  // Not synced here: the syncer thread makes it durable (together with the
  // groups written meanwhile) before anyone learns of it, and readers see
  // nothing beyond the durable head.
  if (const rocksdb::Status written =
          db_->Write(rocksdb::WriteOptions(), &batch);
      !written.ok()) {
    write_failure_ = FromRocksDb(written, "writing to the event log");
    for (const auto& member : group->members) {
      if (member->needs_write) member->result = write_failure_;
    }
    return;
  }
  last_position_ = state.last_position;
  last_hash_ = state.last_hash;
  last_record_time_ = state.record_time;
  for (auto& [stream, revision] : state.revisions) {
    revisions_[stream] = revision;
  }
  group->last_position = state.last_position;
  group->last_hash = state.last_hash;
  group->appends_staged = state.appends_staged;
  group->committed = std::move(state.committed);
}

absl::StatusOr<std::optional<uint64_t>> EventLog::Impl::CurrentRevision(
    absl::string_view stream, const GroupState& state) {
  if (auto staged = state.revisions.find(stream);
      staged != state.revisions.end()) {
    return staged->second;
  }
  if (auto known = revisions_.find(stream); known != revisions_.end()) {
    return known->second;
  }
  KOERS_ASSIGN_OR_RETURN(std::optional<uint64_t> stored,
                         WrittenStreamRevision(stream));
  revisions_.emplace(stream, stored);
  return stored;
}

absl::Status EventLog::Impl::FindDuplicates(PendingAppend* pending,
                                            const GroupState& state) {
  std::vector<ValidatedEvent>& events = pending->request.events;
  std::vector<v1::Event> originals;
  size_t first_new = events.size();
  for (size_t i = 0; i < events.size(); ++i) {
    const ValidatedEvent& proposed = events[i];
    std::optional<v1::Event> original;
    if (auto staged = state.ids.find(proposed.raw_id);
        staged != state.ids.end()) {
      original = *staged->second;
    } else if (proposed.client_id) {
      std::string value;
      const rocksdb::Status found =
          db_->Get(rocksdb::ReadOptions(), cf_.by_id, proposed.raw_id, &value);
      if (!found.IsNotFound()) {
        KOERS_RETURN_IF_ERROR(FromRocksDb(found, "reading the id index"));
        KOERS_ASSIGN_OR_RETURN(
            original,
            ReadAtWith(rocksdb::ReadOptions(), keys::DecodeBigEndian64(value)));
      }
    }
    if (!original.has_value()) {
      first_new = std::min(first_new, i);
      continue;
    }
    if (IdempotencyContent(*original) != IdempotencyContent(proposed.event)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "events[", i, "].event_id: ", proposed.event.event_id(),
          " is already stored at position ", original->position(),
          " with different content; a retry must resend the same event, and "
          "a new event needs a new id"));
    }
    originals.push_back(*std::move(original));
  }
  if (originals.empty()) return absl::OkStatus();
  if (originals.size() != events.size()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "events[", first_new,
        "] is new but other events of this append are "
        "already stored (for example ",
        originals.front().event_id(), " at position ",
        originals.front().position(),
        "); a retry must resend the original append exactly, with every "
        "event's id"));
  }
  AppendResult result;
  result.duplicate = true;
  result.record_time = FromProtoTimestamp(originals.front().record_time());
  for (const v1::Event& original : originals) {
    result.events.push_back(
        AppendedEvent{original.event_id(), original.stream(),
                      original.stream_revision(), original.position()});
    // A retry of an append not yet durable stands or falls with the sync
    // that makes it so (and is answered only after it).
    pending->needs_write = true;
  }
  pending->result = std::move(result);
  return absl::OkStatus();
}

absl::Status EventLog::Impl::StageAppend(PendingAppend* pending,
                                         GroupState* state,
                                         rocksdb::WriteBatch* batch) {
  KOERS_RETURN_IF_ERROR(FindDuplicates(pending, *state));
  if (pending->result.ok() && pending->result->duplicate) {
    return absl::OkStatus();
  }
  for (const StreamExpectation& expectation : pending->request.expectations) {
    KOERS_ASSIGN_OR_RETURN(const std::optional<uint64_t> current,
                           CurrentRevision(expectation.stream, *state));
    if (!expectation.expected.IsMetBy(current)) {
      return absl::AbortedError(
          absl::StrCat("stream ", expectation.stream, ": expected ",
                       expectation.expected.ToString(), ", actual ",
                       current.has_value() ? absl::StrCat("revision ", *current)
                                           : std::string("no stream")));
    }
  }
  // Look every revision up before staging anything, so a read error cannot
  // leave this append half staged.
  absl::flat_hash_map<std::string, std::optional<uint64_t>> revisions;
  for (const ValidatedEvent& proposed : pending->request.events) {
    const std::string& stream = proposed.event.stream();
    if (revisions.contains(stream)) continue;
    KOERS_ASSIGN_OR_RETURN(revisions[stream], CurrentRevision(stream, *state));
  }

  AppendResult result;
  result.record_time = state->record_time;
  const google::protobuf::Timestamp record_time =
      ToProtoTimestamp(state->record_time);
  for (ValidatedEvent& proposed : pending->request.events) {
    v1::Event& event = proposed.event;
    std::optional<uint64_t>& revision = revisions[event.stream()];
    revision = revision.has_value() ? *revision + 1 : 0;
    const uint64_t position = ++state->last_position;
    event.set_stream_revision(*revision);
    event.set_position(position);
    event.set_type(static_cast<v1::EventType>(event.payload_case()));
    *event.mutable_record_time() = record_time;
    event.set_prev_hash(state->last_hash);

    const std::string stored = event.SerializeAsString();
    std::string hash = ChainHash(state->last_hash, stored);
    const std::string position_key = keys::PositionKey(position);
    batch->Put(cf_.events, position_key, absl::StrCat(hash, stored));
    batch->Put(cf_.by_stream, keys::StreamKey(event.stream(), *revision),
               position_key);
    batch->Put(cf_.by_id, proposed.raw_id, position_key);
    batch->Put(cf_.by_valid_time,
               keys::ValidTimeKey(event.stream(), proposed.epoch_day, position),
               std::string(1, static_cast<char>(event.type())));

    event.set_hash(hash);
    StageProjection(event, batch);
    state->last_hash = std::move(hash);
    state->revisions[event.stream()] = *revision;
    state->ids[proposed.raw_id] = &event;
    state->committed.push_back(&event);
    result.events.push_back(
        AppendedEvent{event.event_id(), event.stream(), *revision, position});
  }
  pending->needs_write = true;
  pending->result = std::move(result);
  ++state->appends_staged;
  return absl::OkStatus();
}

}  // namespace koers::storage
