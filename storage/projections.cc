// Projections: derived entries kept in the "projections" column family,
// written with their events and rebuildable from the log at any time.
//
// A rebuild, a check and a catch-up walk a range of the log. Inserting a
// walk's entries into a memtable one by one would cost most of the walk
// (a projector emits them in log order, scattered over the key space), so
// a walk sorts them into runs instead (storage/projection_runs.h), on two
// threads each taking half of the range: a rebuild or catch-up ingests the
// runs as SST files, a check merges them against what is stored.
#include <stdlib.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/convenience.h"
#include "storage/event_log_impl.h"
#include "storage/log_keys.h"
#include "storage/projection_runs.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"

namespace koers::storage {
namespace {

namespace keys = log_keys;

constexpr uint64_t kProgressEvery = 100000;
// Events a walking thread projects between reports of its progress.
constexpr uint64_t kProgressBatch = 1000;
// The entries one walking thread holds before it writes them out as a run
// file: two threads hold at most about twice this.
constexpr size_t kMaxRunBytes = 128 << 20;
// Shorter walks are not worth a second thread.
constexpr uint64_t kParallelFrom = 20000;
constexpr int kWalkThreads = 2;
constexpr size_t kMaxExamples = 10;
// A walk's run files live in a fresh directory with this prefix inside the
// database's directory (so that ingesting them links rather than copies).
constexpr absl::string_view kRunDirectoryPrefix = "projection-runs.";

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

// A walk's directory for run files, removed with everything in it when
// this goes away (ingested files stay: ingestion linked them into the
// database).
class RunDirectory {
 public:
  static absl::StatusOr<std::unique_ptr<RunDirectory>> Create(
      const std::string& db_dir) {
    std::string path =
        (std::filesystem::path(db_dir) / absl::StrCat(kRunDirectoryPrefix))
            .string() +
        "XXXXXX";
    if (mkdtemp(path.data()) == nullptr) {
      return absl::ErrnoToStatus(
          errno,
          absl::StrCat("creating a directory for projection runs in ", db_dir));
    }
    return std::unique_ptr<RunDirectory>(new RunDirectory(std::move(path)));
  }

  // Removes what walks that stopped half-way (a crash) left in `db_dir`.
  static void RemoveStale(const std::string& db_dir) {
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(db_dir, error)) {
      if (absl::StartsWith(entry.path().filename().string(),
                           kRunDirectoryPrefix)) {
        std::filesystem::remove_all(entry.path(), error);
      }
    }
  }

  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;
  ~RunDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }

 private:
  explicit RunDirectory(std::string path) : path_(std::move(path)) {}
  const std::string path_;
};

// Adds up the events several threads projected and reports every
// kProgressEvery-th, in order, one call at a time.
class SharedProgress {
 public:
  SharedProgress(const ProgressCallback& progress, uint64_t total)
      : progress_(progress), total_(total) {}

  void Add(uint64_t events) {
    if (!progress_) return;
    absl::MutexLock lock(&mu_);
    uint64_t mark = (done_ / kProgressEvery + 1) * kProgressEvery;
    done_ += events;
    for (; mark <= done_; mark += kProgressEvery) progress_(mark, total_);
  }

 private:
  const ProgressCallback& progress_;
  const uint64_t total_;
  absl::Mutex mu_;
  uint64_t done_ ABSL_GUARDED_BY(mu_) = 0;
};

// The events a walk reads (at `snapshot`, may be null) and how it projects
// them.
struct WalkSource {
  rocksdb::DB* db;
  rocksdb::ColumnFamilyHandle* events;
  const rocksdb::Snapshot* snapshot;
  const Projector* projector;
};

// Where a walk's runs go.
struct RunSettings {
  // For the run files (table format, compression).
  rocksdb::Options file_options;
  const RunDirectory* directory;
  // Every run into a file (to be ingested); else each thread's last run
  // stays in memory.
  bool to_files;
};

struct ProjectedRuns {
  uint64_t events = 0;
  // One per thread, in log order.
  std::vector<std::unique_ptr<SortedRunBuilder>> builders;
};

// Projects the events in [from, to] into `runs` and finishes it. Stops
// early, without error, once `stop` is set.
absl::Status ProjectRange(const WalkSource& source, uint64_t from, uint64_t to,
                          bool to_files, SortedRunBuilder* runs,
                          SharedProgress* progress,
                          const std::atomic<bool>* stop, uint64_t* projected) {
  rocksdb::ReadOptions read;
  read.snapshot = source.snapshot;
  read.fill_cache = false;
  read.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(
      source.db->NewIterator(read, source.events));
  uint64_t unreported = 0;
  v1::Event event;
  for (it->Seek(keys::PositionKey(from)); it->Valid(); it->Next()) {
    const uint64_t position = keys::DecodeBigEndian64(ToView(it->key()));
    if (position > to) break;
    KOERS_RETURN_IF_ERROR(
        DecodeStoredEventInto(ToView(it->value()), position, &event));
    (*source.projector)(event, runs);
    ++*projected;
    if (++unreported == kProgressBatch) {
      progress->Add(unreported);
      unreported = 0;
      KOERS_RETURN_IF_ERROR(runs->status());
      if (stop->load(std::memory_order_relaxed)) return absl::OkStatus();
    }
  }
  progress->Add(unreported);
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the log"));
  return runs->Finish(to_files);
}

// Projects the events in [from, to] into sorted runs, splitting the range
// between kWalkThreads threads (this one among them) when it is long.
// `progress` is called every kProgressEvery events (from any of them, one
// call at a time) and once at the end.
absl::StatusOr<ProjectedRuns> ProjectRuns(const WalkSource& source,
                                          uint64_t from, uint64_t to,
                                          const RunSettings& settings,
                                          const ProgressCallback& progress) {
  const uint64_t total = to >= from ? to - from + 1 : 0;
  const int threads = total >= kParallelFrom ? kWalkThreads : 1;
  ProjectedRuns result;
  for (int i = 0; i < threads; ++i) {
    result.builders.push_back(std::make_unique<SortedRunBuilder>(
        settings.file_options,
        absl::StrCat(settings.directory->path(), "/", i, "-"), kMaxRunBytes));
  }
  SharedProgress shared(progress, total);
  std::atomic<bool> failed{false};
  std::vector<absl::Status> statuses(threads);
  std::vector<uint64_t> projected(threads, 0);
  auto walk = [&](int i) {
    // Part i of the range: positions are gap-free.
    const uint64_t first = from + total * i / threads;
    const uint64_t end = from + total * (i + 1) / threads;
    statuses[i] =
        ProjectRange(source, first, end - 1, settings.to_files,
                     result.builders[i].get(), &shared, &failed, &projected[i]);
    if (!statuses[i].ok()) failed.store(true, std::memory_order_relaxed);
  };
  std::vector<std::thread> helpers;
  for (int i = 1; i < threads; ++i) helpers.emplace_back(walk, i);
  walk(0);
  for (std::thread& helper : helpers) helper.join();
  for (int i = 0; i < threads; ++i) {
    KOERS_RETURN_IF_ERROR(statuses[i]);
    result.events += projected[i];
  }
  if (progress) progress(result.events, total);
  return result;
}

// Ingests every run file of `runs` into `family`.
absl::Status IngestRuns(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                        const ProjectedRuns& runs) {
  rocksdb::IngestExternalFileOptions ingest;
  // The files are in the database's directory: link them, do not copy.
  ingest.move_files = true;
  // Spares rewriting a sequence number into each file, which only RocksDB
  // releases older than 5.16 would need.
  ingest.write_global_seqno = false;
  for (const std::unique_ptr<SortedRunBuilder>& builder : runs.builders) {
    for (const std::string& file : builder->files()) {
      // One file at a time, in log order: runs overlap, and of two entries
      // with one key the later run's must win, which successive ingestions
      // guarantee (each gets a newer sequence number).
      KOERS_RETURN_IF_ERROR(
          FromRocksDb(db->IngestExternalFile(family, {file}, ingest),
                      "ingesting rebuilt projections"));
    }
  }
  return absl::OkStatus();
}

// Compares the stored entries with keys in [begin, end) (an empty `end`:
// no end) with the rebuilt ones, adding what it finds to `report`, with
// up to kMaxExamples examples.
absl::Status CompareRange(rocksdb::Iterator* stored, MergedRuns* rebuilt,
                          absl::string_view begin, absl::string_view end,
                          ProjectionCheckReport* report) {
  auto before_end = [end](absl::string_view key) {
    return end.empty() || key < end;
  };
  auto note = [report](uint64_t* counter, absl::string_view key) {
    ++*counter;
    if (report->examples.size() < kMaxExamples) {
      report->examples.emplace_back(key);
    }
  };
  stored->Seek(rocksdb::Slice(begin.data(), begin.size()));
  rebuilt->Seek(begin);
  while (true) {
    const bool has_stored =
        stored->Valid() && before_end(ToView(stored->key()));
    const bool has_rebuilt = rebuilt->Valid() && before_end(rebuilt->key());
    if (!has_stored && !has_rebuilt) break;
    ++report->entries_compared;
    const int order = !has_stored ? 1
                      : !has_rebuilt
                          ? -1
                          : ToView(stored->key()).compare(rebuilt->key());
    if (order < 0) {
      note(&report->unexpected, ToView(stored->key()));
      stored->Next();
    } else if (order > 0) {
      note(&report->missing, rebuilt->key());
      rebuilt->Next();
    } else {
      if (ToView(stored->value()) != rebuilt->value()) {
        note(&report->different, ToView(stored->key()));
      }
      stored->Next();
      rebuilt->Next();
    }
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(stored->status(), "reading projections"));
  return rebuilt->status();
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

absl::Status EventLog::Impl::SetProjectionPosition(uint64_t position) {
  rocksdb::WriteOptions durable;
  durable.sync = true;
  return FromRocksDb(
      db_->Put(durable, std::string(keys::kProjectionPositionKey),
               PositionValue(position)),
      "writing the projections' position");
}

absl::Status EventLog::Impl::CatchUpProjections() {
  // Open calls this before any walk can start.
  RunDirectory::RemoveStale(db_->GetName());
  if (!options_.projector) return absl::OkStatus();
  KOERS_ASSIGN_OR_RETURN(const uint64_t stored, ProjectionPosition());
  const uint64_t head = Head().position;
  if (stored >= head) return absl::OkStatus();
  // From position 0 the family holds nothing worth keeping: nothing at all
  // (a log written without a projector), or whatever a rebuild that
  // stopped half-way left.
  KOERS_RETURN_IF_ERROR(ProjectIntoFamily(stored + 1, head,
                                          /*clear=*/stored == 0,
                                          /*progress=*/{}));
  return SetProjectionPosition(head);
}

absl::Status EventLog::Impl::RebuildProjections(
    const ProgressCallback& progress) {
  if (!options_.projector) {
    return absl::FailedPreconditionError("this log has no projector");
  }
  const uint64_t head = Head().position;
  KOERS_RETURN_IF_ERROR(ProjectIntoFamily(1, head, /*clear=*/true, progress));
  return SetProjectionPosition(head);
}

absl::Status EventLog::Impl::ProjectIntoFamily(
    uint64_t from, uint64_t to, bool clear, const ProgressCallback& progress) {
  KOERS_ASSIGN_OR_RETURN(const std::unique_ptr<RunDirectory> directory,
                         RunDirectory::Create(db_->GetName()));
  // The files become part of the family: written as it would write them.
  const RunSettings settings{db_->GetOptions(cf_.projections), directory.get(),
                             /*to_files=*/true};
  KOERS_ASSIGN_OR_RETURN(
      const ProjectedRuns runs,
      ProjectRuns({db_.get(), cf_.events, nullptr, &options_.projector}, from,
                  to, settings, progress));
  if (clear) {
    // Vouch for nothing while the family is rewritten: a crash meanwhile
    // makes the next Open project the whole log again.
    KOERS_RETURN_IF_ERROR(SetProjectionPosition(0));
    KOERS_RETURN_IF_ERROR(ClearProjections());
  }
  return IngestRuns(db_.get(), cf_.projections, runs);
}

absl::Status EventLog::Impl::ClearProjections() {
  const std::string begin;
  const std::string limit(keys::kProjectionKeyLimit);
  const rocksdb::Slice begin_slice(begin);
  const rocksdb::Slice limit_slice(limit);
  // Dropping whole files costs nothing, compacting them away would cost a
  // pass over them. What the files held is gone for every snapshot, but not
  // for iterators already open (those keep their files alive). The end is
  // included: a file holding only the range deletion below ends exactly at
  // `limit`, which no entry reaches. Were it kept, it would overlap every
  // rebuilt file, so they would all be ingested into level 0, which no drop
  // reaches: the next clear would have to compact the whole family away.
  auto drop_files = [&] {
    return FromRocksDb(
        rocksdb::DeleteFilesInRange(db_.get(), cf_.projections, &begin_slice,
                                    &limit_slice, /*include_end=*/true),
        "dropping the projections' files");
  };
  // Spares the files on level 0 and those being compacted.
  KOERS_RETURN_IF_ERROR(drop_files());
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(db_->DeleteRange(rocksdb::WriteOptions(), cf_.projections,
                                   begin_slice, limit_slice),
                  "clearing projections"));
  // Compacts the memtable and the spared files, with the range deletion,
  // below level 0, into nothing or a file holding the range deletion...
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(db_->CompactRange(rocksdb::CompactRangeOptions(),
                                    cf_.projections, nullptr, nullptr),
                  "compacting the cleared projections"));
  // ... which goes too: the family ends up without files, so that the
  // rebuilt ones land on the bottom level, above nothing.
  return drop_files();
}

absl::StatusOr<ProjectionCheckReport> EventLog::Impl::CheckProjections(
    const ProgressCallback& progress) {
  if (!options_.projector) {
    return absl::FailedPreconditionError("this log has no projector");
  }
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  absl::StatusOr<ProjectionCheckReport> report =
      CompareWithRebuild(snapshot, progress);
  db_->ReleaseSnapshot(snapshot);
  return report;
}

absl::StatusOr<ProjectionCheckReport> EventLog::Impl::CompareWithRebuild(
    const rocksdb::Snapshot* snapshot, const ProgressCallback& progress) {
  ProjectionCheckReport report;
  // The stored projections at the snapshot reflect exactly the events at
  // the snapshot: they were written in the same batches.
  rocksdb::ReadOptions at_snapshot;
  at_snapshot.snapshot = snapshot;
  at_snapshot.fill_cache = false;
  at_snapshot.readahead_size = 4 << 20;
  // Opened first: they keep the files they read alive through a rebuild's
  // DeleteFilesInRange. One for each half of the comparison.
  std::unique_ptr<rocksdb::Iterator> stored(
      db_->NewIterator(at_snapshot, cf_.projections));
  std::unique_ptr<rocksdb::Iterator> upper_stored(
      db_->NewIterator(at_snapshot, cf_.projections));
  std::string stored_position;
  const rocksdb::Status read = db_->Get(
      at_snapshot, std::string(keys::kProjectionPositionKey), &stored_position);
  KOERS_RETURN_IF_ERROR(FromRocksDb(read, "reading the projections' position"));
  const uint64_t upto = keys::DecodeBigEndian64(stored_position);

  KOERS_ASSIGN_OR_RETURN(const std::unique_ptr<RunDirectory> directory,
                         RunDirectory::Create(db_->GetName()));
  // Run files only live through the check: not worth compressing.
  rocksdb::Options file_options = db_->GetOptions(cf_.projections);
  file_options.compression = rocksdb::kNoCompression;
  const RunSettings settings{file_options, directory.get(),
                             /*to_files=*/false};
  KOERS_ASSIGN_OR_RETURN(
      const ProjectedRuns runs,
      ProjectRuns({db_.get(), cf_.events, snapshot, &options_.projector}, 1,
                  upto, settings, progress));
  report.events_projected = runs.events;
  std::vector<const SortedRunBuilder*> builders;
  for (const std::unique_ptr<SortedRunBuilder>& builder : runs.builders) {
    builders.push_back(builder.get());
  }
  KOERS_ASSIGN_OR_RETURN(const std::unique_ptr<MergedRuns> rebuilt,
                         MergedRuns::Open(builders, file_options));

  // Two halves of the key space at once, split in the middle of the first
  // thread's entries (without entries there, one whole).
  const std::string split = runs.builders.front()->MiddleKey();
  ProjectionCheckReport upper;
  absl::Status upper_compared;
  std::thread helper;
  std::unique_ptr<MergedRuns> upper_rebuilt;
  if (!split.empty()) {
    KOERS_ASSIGN_OR_RETURN(upper_rebuilt,
                           MergedRuns::Open(builders, file_options));
    helper = std::thread([&] {
      upper_compared = CompareRange(upper_stored.get(), upper_rebuilt.get(),
                                    split, /*end=*/"", &upper);
    });
  }
  const absl::Status lower_compared =
      CompareRange(stored.get(), rebuilt.get(), /*begin=*/"", split, &report);
  if (helper.joinable()) helper.join();
  KOERS_RETURN_IF_ERROR(lower_compared);
  KOERS_RETURN_IF_ERROR(upper_compared);
  report.entries_compared += upper.entries_compared;
  report.missing += upper.missing;
  report.unexpected += upper.unexpected;
  report.different += upper.different;
  for (std::string& example : upper.examples) {
    if (report.examples.size() == kMaxExamples) break;
    report.examples.push_back(std::move(example));
  }
  return report;
}

}  // namespace koers::storage
