// Projections: derived entries kept in the "projections" column family,
// written with their events and rebuildable from the log at any time.
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/event_log_impl.h"
#include "storage/log_keys.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"

namespace koers::storage {
namespace {

namespace keys = log_keys;

constexpr uint64_t kProgressEvery = 100000;
// Entries per unsynced batch while rebuilding.
constexpr int kRebuildBatchEntries = 20000;
constexpr size_t kMaxExamples = 10;

// Writes a projector's entries into a WriteBatch, in one column family.
class BatchSink final : public ProjectionSink {
 public:
  BatchSink(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* family)
      : batch_(batch), family_(family) {}

  void Put(absl::string_view key, absl::string_view value) override {
    batch_->Put(family_, rocksdb::Slice(key.data(), key.size()),
                rocksdb::Slice(value.data(), value.size()));
  }

 private:
  rocksdb::WriteBatch* const batch_;
  rocksdb::ColumnFamilyHandle* const family_;
};

std::string PositionValue(uint64_t position) {
  std::string value;
  keys::AppendBigEndian64(position, &value);
  return value;
}

}  // namespace

void EventLog::Impl::StageProjection(const v1::Event& event,
                                     rocksdb::WriteBatch* batch) const {
  if (!options_.projector) return;
  BatchSink sink(batch, cf_.projections);
  options_.projector(event, &sink);
}

void EventLog::Impl::StageProjectionPosition(uint64_t position,
                                             rocksdb::WriteBatch* batch) const {
  if (!options_.projector) return;
  batch->Put(std::string(keys::kProjectionPositionKey),
             PositionValue(position));
}

absl::StatusOr<uint64_t> EventLog::Impl::ProjectionPosition() const {
  std::string value;
  const rocksdb::Status read =
      db_->Get(rocksdb::ReadOptions(),
               std::string(keys::kProjectionPositionKey), &value);
  if (read.IsNotFound()) return 0;
  KOERS_RETURN_IF_ERROR(FromRocksDb(read, "reading the projections' position"));
  if (value.size() != 8) {
    return absl::DataLossError("the projections' position record is damaged");
  }
  return keys::DecodeBigEndian64(value);
}

absl::Status EventLog::Impl::ScanProjections(
    absl::string_view prefix,
    const std::function<bool(absl::string_view, absl::string_view)>& visit)
    const {
  rocksdb::ReadOptions options;
  options.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, cf_.projections));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid();
       it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, ToView(it->value()))) break;
  }
  return FromRocksDb(it->status(), "reading the projections");
}

absl::StatusOr<uint64_t> EventLog::Impl::ProjectEvents(
    const rocksdb::Snapshot* snapshot, uint64_t from, uint64_t to,
    rocksdb::ColumnFamilyHandle* target, const ProgressCallback& progress) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.fill_cache = false;
  read.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cf_.events));
  // The target is flushed before the position that vouches for it is
  // written, so the write-ahead log is not needed here.
  rocksdb::WriteOptions unlogged;
  unlogged.disableWAL = true;
  rocksdb::WriteBatch batch;
  BatchSink sink(&batch, target);
  uint64_t projected = 0;
  const uint64_t total = to >= from ? to - from + 1 : 0;
  for (it->Seek(keys::PositionKey(from)); it->Valid(); it->Next()) {
    const uint64_t position = keys::DecodeBigEndian64(ToView(it->key()));
    if (position > to) break;
    KOERS_ASSIGN_OR_RETURN(const v1::Event event,
                           DecodeStoredEvent(ToView(it->value()), position));
    options_.projector(event, &sink);
    if (batch.Count() >= kRebuildBatchEntries) {
      KOERS_RETURN_IF_ERROR(
          FromRocksDb(db_->Write(unlogged, &batch), "writing projections"));
      batch.Clear();
    }
    if (++projected % kProgressEvery == 0 && progress) {
      progress(projected, total);
    }
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the log"));
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(db_->Write(unlogged, &batch), "writing projections"));
  rocksdb::FlushOptions wait;
  wait.wait = true;
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(db_->Flush(wait, target), "flushing projections"));
  if (progress) progress(projected, total);
  return projected;
}

absl::Status EventLog::Impl::SetProjectionPosition(uint64_t position) {
  rocksdb::WriteOptions durable;
  durable.sync = true;
  return FromRocksDb(
      db_->Put(durable, std::string(keys::kProjectionPositionKey),
               PositionValue(position)),
      "writing the projections' position");
}

absl::Status EventLog::Impl::CatchUpProjections() {
  if (!options_.projector) return absl::OkStatus();
  KOERS_ASSIGN_OR_RETURN(const uint64_t stored, ProjectionPosition());
  const uint64_t head = Head().position;
  if (stored >= head) return absl::OkStatus();
  KOERS_RETURN_IF_ERROR(
      ProjectEvents(nullptr, stored + 1, head, cf_.projections, {}).status());
  return SetProjectionPosition(head);
}

absl::Status EventLog::Impl::RebuildProjections(
    const ProgressCallback& progress) {
  if (!options_.projector) {
    return absl::FailedPreconditionError("this log has no projector");
  }
  const uint64_t head = Head().position;
  // Vouch for nothing while the family is rewritten: a crash meanwhile
  // makes the next Open project the whole log again.
  KOERS_RETURN_IF_ERROR(SetProjectionPosition(0));
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(db_->DeleteRange(rocksdb::WriteOptions(), cf_.projections, "",
                                   std::string(keys::kProjectionKeyLimit)),
                  "clearing projections"));
  KOERS_RETURN_IF_ERROR(
      ProjectEvents(nullptr, 1, head, cf_.projections, progress).status());
  return SetProjectionPosition(head);
}

absl::StatusOr<ProjectionCheckReport> EventLog::Impl::CheckProjections(
    const ProgressCallback& progress) {
  if (!options_.projector) {
    return absl::FailedPreconditionError("this log has no projector");
  }
  rocksdb::ColumnFamilyHandle* scratch = nullptr;
  KOERS_RETURN_IF_ERROR(FromRocksDb(
      db_->CreateColumnFamily(rocksdb::ColumnFamilyOptions(),
                              std::string(keys::kProjectionCheckFamily),
                              &scratch),
      "creating the scratch family for the check"));
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  absl::StatusOr<ProjectionCheckReport> report =
      CompareWithRebuild(snapshot, scratch, progress);
  db_->ReleaseSnapshot(snapshot);
  const rocksdb::Status dropped = db_->DropColumnFamily(scratch);
  db_->DestroyColumnFamilyHandle(scratch).PermitUncheckedError();
  KOERS_RETURN_IF_ERROR(report.status());
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(dropped, "dropping the scratch family of the check"));
  return report;
}

absl::StatusOr<ProjectionCheckReport> EventLog::Impl::CompareWithRebuild(
    const rocksdb::Snapshot* snapshot, rocksdb::ColumnFamilyHandle* scratch,
    const ProgressCallback& progress) {
  ProjectionCheckReport report;
  // The stored projections at the snapshot reflect exactly the events at
  // the snapshot: they were written in the same batches.
  rocksdb::ReadOptions at_snapshot;
  at_snapshot.snapshot = snapshot;
  std::string stored_position;
  const rocksdb::Status read = db_->Get(
      at_snapshot, std::string(keys::kProjectionPositionKey), &stored_position);
  KOERS_RETURN_IF_ERROR(FromRocksDb(read, "reading the projections' position"));
  const uint64_t upto = keys::DecodeBigEndian64(stored_position);
  KOERS_ASSIGN_OR_RETURN(report.events_projected,
                         ProjectEvents(snapshot, 1, upto, scratch, progress));

  std::unique_ptr<rocksdb::Iterator> stored(
      db_->NewIterator(at_snapshot, cf_.projections));
  std::unique_ptr<rocksdb::Iterator> rebuilt(
      db_->NewIterator(rocksdb::ReadOptions(), scratch));
  stored->SeekToFirst();
  rebuilt->SeekToFirst();
  auto note = [&report](uint64_t* counter, absl::string_view key) {
    ++*counter;
    if (report.examples.size() < kMaxExamples) {
      report.examples.emplace_back(key);
    }
  };
  while (stored->Valid() || rebuilt->Valid()) {
    ++report.entries_compared;
    const int order = !stored->Valid() ? 1
                      : !rebuilt->Valid()
                          ? -1
                          : stored->key().compare(rebuilt->key());
    if (order < 0) {
      note(&report.unexpected, ToView(stored->key()));
      stored->Next();
    } else if (order > 0) {
      note(&report.missing, ToView(rebuilt->key()));
      rebuilt->Next();
    } else {
      if (stored->value() != rebuilt->value()) {
        note(&report.different, ToView(stored->key()));
      }
      stored->Next();
      rebuilt->Next();
    }
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(stored->status(), "reading projections"));
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(rebuilt->status(), "reading the rebuilt projections"));
  return report;
}

}  // namespace koers::storage
