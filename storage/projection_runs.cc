#include "storage/projection_runs.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/env.h"
#include "rocksdb/iterator.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"

namespace koers::storage {
namespace {

// Entries are copied into blocks of this size, so that a run grows without
// moving what it holds.
constexpr size_t kBlockSize = 1 << 20;
// A sorted run's entries lie scattered over its blocks (they were copied
// in log order), so a pass over them in key order waits for memory at
// nearly every entry; passes ask for the entry this far ahead meanwhile.
constexpr size_t kPrefetchAhead = 8;

rocksdb::Slice ToSlice(absl::string_view view) {
  return rocksdb::Slice(view.data(), view.size());
}

// The part of `key` up to and including its first 0x00 byte (the stream
// part, by the projectors' convention), or the whole key when it has none.
// Such a part never is a proper prefix of another one unless it is a whole
// key, so keys of different groups compare as their groups do: sorting the
// groups, then each group, sorts them all.
absl::string_view GroupOf(absl::string_view key) {
  const size_t zero = key.find('\0');
  return zero == absl::string_view::npos ? key : key.substr(0, zero + 1);
}

}  // namespace

struct SortedRunBuilder::Run {
  struct Entry {
    const char* data;
    uint32_t key_size;
    uint32_t value_size;

    absl::string_view key() const { return {data, key_size}; }
    absl::string_view value() const { return {data + key_size, value_size}; }
  };

  void Add(absl::string_view key, absl::string_view value) {
    const size_t size = key.size() + value.size();
    if (size > free_size) {
      const size_t block = std::max(kBlockSize, size);
      blocks.emplace_back(new char[block]);
      free = blocks.back().get();
      free_size = block;
    }
    std::memcpy(free, key.data(), key.size());
    std::memcpy(free + key.size(), value.data(), value.size());
    entries.push_back(Entry{free, static_cast<uint32_t>(key.size()),
                            static_cast<uint32_t>(value.size())});
    free += size;
    free_size -= size;
    bytes += size + sizeof(Entry);
  }

  static void SortGroup(size_t shared, std::vector<Entry>* group,
                        std::vector<Entry>* behind);

  void Clear() {
    blocks.clear();
    entries.clear();
    free = nullptr;
    free_size = 0;
    bytes = 0;
  }

  std::vector<std::unique_ptr<char[]>> blocks;
  char* free = nullptr;
  size_t free_size = 0;
  // In the order given until sorted.
  std::vector<Entry> entries;
  size_t bytes = 0;
};

SortedRunBuilder::SortedRunBuilder(const rocksdb::Options& options,
                                   std::string file_prefix,
                                   size_t max_run_bytes)
    : options_(options),
      file_prefix_(std::move(file_prefix)),
      max_run_bytes_(max_run_bytes),
      run_(std::make_unique<Run>()) {}

SortedRunBuilder::~SortedRunBuilder() = default;

void SortedRunBuilder::Put(absl::string_view key, absl::string_view value) {
  if (!status_.ok()) return;
  run_->Add(key, value);
  if (run_->bytes >= max_run_bytes_) status_ = WriteRun();
}

absl::Status SortedRunBuilder::Finish(bool to_file) {
  KOERS_RETURN_IF_ERROR(status_);
  if (to_file) return WriteRun();
  SortRun();
  return absl::OkStatus();
}

std::string SortedRunBuilder::MiddleKey() const {
  const std::vector<Run::Entry>& entries = run_->entries;
  if (entries.empty()) return std::string();
  return std::string(entries[entries.size() / 2].key());
}

// Sorts `group`, entries whose keys share their first `shared` bytes, by
// key, stably. A group's entries mostly come in key order already (a
// stream's entries are projected in log order, and most keys grow with
// it): those that extend the ascending sequence stay in place, the few
// that fall behind it are sorted apart and merged back in. An ordered group
// so costs one comparison per entry instead of a full sort's dozen.
// `behind` is scratch space.
void SortedRunBuilder::Run::SortGroup(size_t shared, std::vector<Entry>* group,
                                      std::vector<Entry>* behind) {
  auto less = [shared](const Entry& a, const Entry& b) {
    return absl::string_view(a.data + shared, a.key_size - shared) <
           absl::string_view(b.data + shared, b.key_size - shared);
  };
  behind->clear();
  size_t ascending = 0;
  for (const Entry& entry : *group) {
    if (ascending > 0 && less(entry, (*group)[ascending - 1])) {
      behind->push_back(entry);
    } else {
      (*group)[ascending++] = entry;
    }
  }
  if (behind->empty()) return;
  std::stable_sort(behind->begin(), behind->end(), less);
  std::copy(behind->begin(), behind->end(), group->begin() + ascending);
  // Of equal keys in both parts, the ascending one came first: nothing
  // given after an entry fell behind can join the ascending part with that
  // entry's key. The merge keeps the first part's first on ties.
  std::inplace_merge(group->begin(), group->begin() + ascending, group->end(),
                     less);
}

void SortedRunBuilder::SortRun() {
  std::vector<Run::Entry>& entries = run_->entries;
  // Entries come in log order, interleaving hundreds of streams whose own
  // keys mostly come in order. Sorted as one, nearly every comparison
  // reads two keys far apart in memory; sorted per stream, a group's keys
  // stay in the cache.
  absl::flat_hash_map<absl::string_view, std::vector<Run::Entry>> groups;
  for (const Run::Entry& entry : entries) {
    groups[GroupOf(entry.key())].push_back(entry);
  }
  std::vector<absl::string_view> names;
  names.reserve(groups.size());
  for (const auto& group : groups) names.push_back(group.first);
  std::sort(names.begin(), names.end());
  size_t kept = 0;
  std::vector<Run::Entry> behind;
  for (absl::string_view name : names) {
    std::vector<Run::Entry>& group = groups[name];
    // Every key of the group starts with its name.
    Run::SortGroup(name.size(), &group, &behind);
    // Of equal keys the last one given is last: it stays.
    for (size_t i = 0; i < group.size(); ++i) {
      if (i + kPrefetchAhead < group.size()) {
        __builtin_prefetch(group[i + kPrefetchAhead].data);
      }
      const Run::Entry& entry = group[i];
      if (kept > 0 && entries[kept - 1].key() == entry.key()) {
        entries[kept - 1] = entry;
      } else {
        entries[kept++] = entry;
      }
    }
  }
  entries.resize(kept);
}

absl::Status SortedRunBuilder::WriteRun() {
  if (run_->entries.empty()) return absl::OkStatus();
  SortRun();
  std::string path = absl::StrCat(file_prefix_, files_.size(), ".sst");
  // The file is read again soon (ingested or merged): keep it in the page
  // cache.
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options_,
                                /*column_family=*/nullptr,
                                /*invalidate_page_cache=*/false);
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(writer.Open(path), absl::StrCat("creating ", path)));
  const std::vector<Run::Entry>& entries = run_->entries;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + kPrefetchAhead < entries.size()) {
      __builtin_prefetch(entries[i + kPrefetchAhead].data);
    }
    const Run::Entry& entry = entries[i];
    const rocksdb::Status put =
        writer.Put(ToSlice(entry.key()), ToSlice(entry.value()));
    // The message only on failure: this runs for every entry.
    if (!put.ok()) return FromRocksDb(put, absl::StrCat("writing ", path));
  }
  KOERS_RETURN_IF_ERROR(
      FromRocksDb(writer.Finish(), absl::StrCat("finishing ", path)));
  files_.push_back(std::move(path));
  run_->Clear();
  return absl::OkStatus();
}

class MergedRuns::Cursor {
 public:
  virtual ~Cursor() = default;
  virtual bool Valid() const = 0;
  virtual absl::string_view key() const = 0;
  virtual absl::string_view value() const = 0;
  virtual void Seek(absl::string_view target) = 0;
  virtual void Next() = 0;
  // Cheap, for every step; status() says why.
  virtual bool ok() const = 0;
  virtual absl::Status status() const = 0;
};

class MergedRuns::FileCursor final : public Cursor {
 public:
  FileCursor(std::unique_ptr<rocksdb::SstFileReader> reader,
             std::unique_ptr<rocksdb::Iterator> it, std::string path)
      : reader_(std::move(reader)), it_(std::move(it)), path_(std::move(path)) {
    it_->SeekToFirst();
  }
  bool Valid() const override { return it_->Valid(); }
  absl::string_view key() const override { return ToView(it_->key()); }
  absl::string_view value() const override { return ToView(it_->value()); }
  void Seek(absl::string_view target) override { it_->Seek(ToSlice(target)); }
  void Next() override { it_->Next(); }
  bool ok() const override { return it_->status().ok(); }
  absl::Status status() const override {
    return FromRocksDb(it_->status(), absl::StrCat("reading ", path_));
  }

 private:
  // The iterator reads through the reader: destroyed first.
  const std::unique_ptr<rocksdb::SstFileReader> reader_;
  const std::unique_ptr<rocksdb::Iterator> it_;
  const std::string path_;
};

class MergedRuns::MemoryCursor final : public Cursor {
 public:
  explicit MemoryCursor(const std::vector<SortedRunBuilder::Run::Entry>* run)
      : run_(run) {}
  bool Valid() const override { return next_ < run_->size(); }
  absl::string_view key() const override { return (*run_)[next_].key(); }
  absl::string_view value() const override { return (*run_)[next_].value(); }
  void Seek(absl::string_view target) override {
    next_ = static_cast<size_t>(
        std::lower_bound(
            run_->begin(), run_->end(), target,
            [](const SortedRunBuilder::Run::Entry& entry,
               absl::string_view key) { return entry.key() < key; }) -
        run_->begin());
  }
  void Next() override { ++next_; }
  bool ok() const override { return true; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  const std::vector<SortedRunBuilder::Run::Entry>* const run_;
  size_t next_ = 0;
};

MergedRuns::MergedRuns() = default;
MergedRuns::~MergedRuns() = default;

absl::StatusOr<std::unique_ptr<MergedRuns>> MergedRuns::Open(
    const std::vector<const SortedRunBuilder*>& builders,
    const rocksdb::Options& options) {
  std::unique_ptr<MergedRuns> merged(new MergedRuns());
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  read.readahead_size = 2 << 20;
  for (const SortedRunBuilder* builder : builders) {
    for (const std::string& path : builder->files()) {
      auto reader = std::make_unique<rocksdb::SstFileReader>(options);
      KOERS_RETURN_IF_ERROR(
          FromRocksDb(reader->Open(path), absl::StrCat("opening ", path)));
      std::unique_ptr<rocksdb::Iterator> it(reader->NewIterator(read));
      merged->cursors_.push_back(
          std::make_unique<FileCursor>(std::move(reader), std::move(it), path));
    }
    if (!builder->run_->entries.empty()) {
      merged->cursors_.push_back(
          std::make_unique<MemoryCursor>(&builder->run_->entries));
    }
  }
  merged->FindCurrent();
  return merged;
}

void MergedRuns::Seek(absl::string_view target) {
  for (const std::unique_ptr<Cursor>& cursor : cursors_) cursor->Seek(target);
  FindCurrent();
}

absl::string_view MergedRuns::key() const { return current_->key(); }
absl::string_view MergedRuns::value() const { return current_->value(); }

void MergedRuns::Next() {
  const absl::string_view key = current_->key();
  for (const std::unique_ptr<Cursor>& cursor : cursors_) {
    // A run holds each key once: one step passes it.
    if (cursor.get() != current_ && cursor->Valid() && cursor->key() == key) {
      cursor->Next();
    }
  }
  current_->Next();
  FindCurrent();
}

absl::Status MergedRuns::status() const {
  for (const std::unique_ptr<Cursor>& cursor : cursors_) {
    KOERS_RETURN_IF_ERROR(cursor->status());
  }
  return absl::OkStatus();
}

void MergedRuns::FindCurrent() {
  current_ = nullptr;
  for (const std::unique_ptr<Cursor>& cursor : cursors_) {
    if (!cursor->Valid()) {
      // A failed run would hide its keys: stop rather than merge the rest.
      if (!cursor->ok()) {
        current_ = nullptr;
        return;
      }
      continue;
    }
    if (current_ == nullptr || cursor->key() <= current_->key()) {
      current_ = cursor.get();
    }
  }
}

}  // namespace koers::storage
