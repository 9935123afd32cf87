// Sorted runs of projection entries: how a rebuild or a check gets a whole
// log's entries into key order without inserting them one by one into a
// memtable (a projector emits them in log order, scattered over the key
// space, and those inserts cost most of a walk). Internal to the storage
// library.
#ifndef KOERS_STORAGE_PROJECTION_RUNS_H_
#define KOERS_STORAGE_PROJECTION_RUNS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/options.h"
#include "storage/event_log.h"

namespace koers::storage {

// Collects a projector's entries in log order and sorts them into runs by
// key. A run keeps, of the entries with one key, only the last one it was
// given (as a memtable would). A run is closed once its entries fill
// `max_run_bytes`: it is sorted and written to an SST file, so memory stays
// bounded whatever the log's size. Not thread-safe: one builder per thread.
class SortedRunBuilder final : public ProjectionSink {
 public:
  // Run files are written with `options` (table format, compression) to
  // "<file_prefix><n>.sst", n counting from 0.
  SortedRunBuilder(const rocksdb::Options& options, std::string file_prefix,
                   size_t max_run_bytes);
  SortedRunBuilder(const SortedRunBuilder&) = delete;
  SortedRunBuilder& operator=(const SortedRunBuilder&) = delete;
  ~SortedRunBuilder() override;

  // After a failure to write a run, drops every entry (status() tells).
  void Put(absl::string_view key, absl::string_view value) override;
  // The first failure to write a run file.
  const absl::Status& status() const { return status_; }

  // Closes the last run: writes it to a file when `to_file`, else sorts it
  // and keeps it in memory (for MergedRuns). Call once, after the last Put.
  absl::Status Finish(bool to_file);

  // The run files written so far, in the order their entries came.
  const std::vector<std::string>& files() const { return files_; }

  // The key in the middle of the run kept in memory; empty when it holds
  // none. Where to split the merged runs for walking them in two halves.
  std::string MiddleKey() const;

 private:
  friend class MergedRuns;
  struct Run;

  // Sorts the open run and drops all but the last entry of each key.
  void SortRun();
  // Sorts the open run, writes it to the next file and empties it.
  absl::Status WriteRun();

  const rocksdb::Options options_;
  const std::string file_prefix_;
  const size_t max_run_bytes_;
  std::unique_ptr<Run> run_;
  std::vector<std::string> files_;
  absl::Status status_;
};

// The entries of several builders' runs merged in key order. Of the entries
// with one key only the one from the latest run is seen; runs count in the
// order of the builders given, each builder's files first, then its run in
// memory.
class MergedRuns {
 public:
  // `builders` must be finished, and outlive the result. Run files are read
  // with `options`.
  static absl::StatusOr<std::unique_ptr<MergedRuns>> Open(
      const std::vector<const SortedRunBuilder*>& builders,
      const rocksdb::Options& options);
  MergedRuns(const MergedRuns&) = delete;
  MergedRuns& operator=(const MergedRuns&) = delete;
  ~MergedRuns();

  // Moves to the first key at or after `target`.
  void Seek(absl::string_view target);
  bool Valid() const { return current_ != nullptr; }
  // REQUIRES: Valid(). The views last until the next call to Next().
  absl::string_view key() const;
  absl::string_view value() const;
  void Next();
  // The first failure to read a run file; Valid() is false after one.
  absl::Status status() const;

 private:
  class Cursor;
  class FileCursor;
  class MemoryCursor;

  MergedRuns();
  // Points current_ at the smallest key, the latest run's on a tie.
  void FindCurrent();

  // In run order.
  std::vector<std::unique_ptr<Cursor>> cursors_;
  Cursor* current_ = nullptr;
};

}  // namespace koers::storage

#endif  // KOERS_STORAGE_PROJECTION_RUNS_H_
