#include "storage/event_log.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "storage/append_validation.h"
#include "storage/civil_date.h"
#include "storage/event_hash.h"
#include "storage/event_id.h"
#include "storage/event_log_impl.h"
#include "storage/log_keys.h"
#include "storage/proto_time.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"
#include "storage/zero_filled_wal.h"

namespace koers::storage {
namespace {

namespace keys = log_keys;

// The stream part of a key ("stream 0x00", see log_keys.h), keys without a
// 0x00 byte being outside its domain. Each stream's keys arrive mostly in
// increasing order, so RocksDB inserting them into the memtable from where
// the stream's previous key went, instead of searching from the top, saves
// most of each insert's comparisons.
class StreamPartOfKey final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "koers.StreamPartOfKey"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), StreamPartSize(key));
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return StreamPartSize(key) != 0;
  }

 private:
  // Up to and including the first 0x00 byte; 0 when there is none.
  static size_t StreamPartSize(const rocksdb::Slice& key) {
    const void* end = std::memchr(key.data(), 0, key.size());
    return end == nullptr ? 0 : static_cast<const char*>(end) - key.data() + 1;
  }
};

// About as many as a memtable holds ids before max_total_wal_size makes
// RocksDB flush it; 2 MiB of bucket pointers.
constexpr size_t kIdMemtableBuckets = 1 << 18;

rocksdb::ColumnFamilyOptions FamilyOptions(
    const std::shared_ptr<rocksdb::Cache>& cache, bool point_lookups) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (point_lookups) {
    // Idempotency checks look up ids that are almost never there: a bloom
    // filter answers those misses without reading a block.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (point_lookups) {
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 0.05;
    // Ids are random and only ever looked up whole, so a hash table of
    // them (each key its own prefix) is the memtable: an insert into a
    // skiplist of random keys cost the writer about 5 us per event, most of
    // it cache misses; the sort moves to the background flush, which pays
    // about half that.
    options.prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(kRawEventIdSize));
    options.memtable_factory.reset(
        rocksdb::NewHashLinkListRepFactory(kIdMemtableBuckets));
  } else {
    options.memtable_insert_with_hint_prefix_extractor =
        std::make_shared<StreamPartOfKey>();
  }
  return options;
}

struct FamilySpec {
  absl::string_view name;
  bool point_lookups;
};

constexpr FamilySpec kFamilies[] = {
    {"default", false},
    {keys::kEventsFamily, false},
    {keys::kByStreamFamily, false},
    {keys::kByIdFamily, true},
    {keys::kByValidTimeFamily, false},
    {keys::kProjectionsFamily, false},
};

absl::Status CheckFormatVersion(rocksdb::DB* db, const std::string& dir,
                                bool log_is_empty) {
  std::string value;
  const rocksdb::Status read = db->Get(
      rocksdb::ReadOptions(), std::string(keys::kFormatVersionKey), &value);
  if (read.IsNotFound()) {
    if (!log_is_empty) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir,
          " holds events but no Koers format version record; it is "
          "not a Koers event log this build can read"));
    }
    // A new log, or one whose creation stopped before this record: write it.
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocksDb(db->Put(sync, std::string(keys::kFormatVersionKey),
                               std::to_string(keys::kFormatVersion)),
                       "writing the format version");
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(read, "reading the format version"));
  int version = 0;
  if (!absl::SimpleAtoi(value, &version) || version != keys::kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is a Koers event log of format version \"", value,
                     "\"; this build reads only version ", keys::kFormatVersion,
                     ". Use a koersd that supports it"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> FamilyIsEmpty(rocksdb::DB* db,
                                   rocksdb::ColumnFamilyHandle* family) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), family));
  it->SeekToFirst();
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the log"));
  return !it->Valid();
}

bool HasPrefix(const rocksdb::Slice& key, absl::string_view prefix) {
  return key.size() >= prefix.size() &&
         absl::string_view(key.data(), prefix.size()) == prefix;
}

}  // namespace

bool ExpectedRevision::IsMetBy(std::optional<uint64_t> current) const {
  switch (kind_) {
    case Kind::kAny:
      return true;
    case Kind::kNoStream:
      return !current.has_value();
    case Kind::kExact:
      return current.has_value() && *current == revision_;
  }
  return false;
}

std::string ExpectedRevision::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no stream";
    case Kind::kExact:
      return absl::StrCat("revision ", revision_);
  }
  return "";
}

absl::Status DecodeStoredEventInto(absl::string_view value, uint64_t position,
                                   v1::Event* event) {
  if (value.size() < keys::kHashSize ||
      !event->ParseFromArray(
          value.data() + keys::kHashSize,
          static_cast<int>(value.size() - keys::kHashSize))) {
    return absl::DataLossError(
        absl::StrCat("the event at position ", position, " is unreadable"));
  }
  event->set_hash(value.data(), keys::kHashSize);
  return absl::OkStatus();
}

absl::StatusOr<v1::Event> DecodeStoredEvent(absl::string_view value,
                                            uint64_t position) {
  v1::Event event;
  KOERS_RETURN_IF_ERROR(DecodeStoredEventInto(value, position, &event));
  return event;
}

EventLog::Impl::Impl(std::unique_ptr<rocksdb::DB> db,
                     std::vector<rocksdb::ColumnFamilyHandle*> handles,
                     Families families, EventLogOptions options)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      cf_(families),
      options_(std::move(options)),
      writer_([this] { RunWriter(); }),
      syncer_([this] { RunSyncer(); }) {}

EventLog::Impl::~Impl() {
  {
    absl::MutexLock lock(&queue_mu_);
    closing_ = true;
    queue_cv_.Signal();
  }
  writer_.join();
  syncer_.join();
  // After a clean close the next open has no WAL to replay. Best effort: a
  // failed flush loses nothing, the WAL still holds it.
  db_->Flush(rocksdb::FlushOptions(), handles_).PermitUncheckedError();
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle);
  }
  db_->Close().PermitUncheckedError();
}

absl::Status EventLog::Impl::LoadHead() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf_.events));
  it->SeekToLast();
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the log's head"));
  absl::MutexLock writer(&writer_role_);
  if (!it->Valid()) {
    last_hash_ = GenesisHash();
  } else {
    last_position_ = keys::DecodeBigEndian64(ToView(it->key()));
    KOERS_ASSIGN_OR_RETURN(
        const v1::Event last,
        DecodeStoredEvent(ToView(it->value()), last_position_));
    last_hash_ = last.hash();
    last_record_time_ = FromProtoTimestamp(last.record_time());
  }
  absl::MutexLock head(&head_mu_);
  head_ = LogHead{last_position_, last_hash_};
  return absl::OkStatus();
}

LogHead EventLog::Impl::Head() const {
  absl::MutexLock lock(&head_mu_);
  return head_;
}

EventLogStats EventLog::Impl::Stats() const {
  absl::MutexLock lock(&head_mu_);
  return stats_;
}

absl::StatusOr<v1::Event> EventLog::Impl::ReadAtWith(
    const rocksdb::ReadOptions& options, uint64_t position) const {
  std::string value;
  const rocksdb::Status status =
      db_->Get(options, cf_.events, keys::PositionKey(position), &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("no event at position ", position));
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(status, "reading an event"));
  return DecodeStoredEvent(value, position);
}

absl::StatusOr<v1::Event> EventLog::Impl::ReadAt(uint64_t position) const {
  if (position > Head().position) {
    return absl::NotFoundError(absl::StrCat("no event at position ", position));
  }
  return ReadAtWith(rocksdb::ReadOptions(), position);
}

namespace {

// The record-time index key of `time`; nullopt before 1970 or after 2262,
// which nanoseconds in 64 bits cannot hold.
std::optional<std::string> RecordTimeKeyOf(absl::Time time) {
  if (time < absl::UnixEpoch() ||
      time > absl::FromUnixNanos(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return keys::RecordTimeKey(absl::ToUnixNanos(time));
}

}  // namespace

void EventLog::Impl::StageRecordTime(absl::Time record_time,
                                     uint64_t last_position,
                                     rocksdb::WriteBatch* batch) {
  // A group outside the key range goes unindexed: record time never goes
  // back, so such groups precede (before 1970) or follow (after 2262) all
  // indexed ones, and the binary search covers them.
  if (std::optional<std::string> key = RecordTimeKeyOf(record_time)) {
    batch->Put(*key, keys::PositionKey(last_position));
  }
}

absl::StatusOr<uint64_t> EventLog::Impl::PositionAt(absl::Time time,
                                                    uint64_t at_most) const {
  const uint64_t limit = std::min(at_most, Head().position);
  if (std::optional<std::string> key = RecordTimeKeyOf(time)) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), db_->DefaultColumnFamily()));
    it->SeekForPrev(*key);
    if (it->Valid() &&
        absl::StartsWith(ToView(it->key()), keys::kRecordTimePrefix)) {
      // Every position up to the entry's was recorded by then; the next
      // group, if any, after. Entries of groups not yet durable are
      // written too, hence the limit.
      return std::min(keys::DecodeBigEndian64(ToView(it->value())), limit);
    }
    KOERS_RETURN_IF_ERROR(
        FromRocksDb(it->status(), "reading the record-time index"));
  }
  return SearchPositionAt(time, limit);
}

absl::StatusOr<uint64_t> EventLog::Impl::SearchPositionAt(
    absl::Time time, uint64_t limit) const {
  uint64_t low = 0;           // known to be at or before `time`
  uint64_t high = limit + 1;  // known to be after `time`
  while (high - low > 1) {
    const uint64_t middle = low + (high - low) / 2;
    KOERS_ASSIGN_OR_RETURN(const v1::Event event,
                           ReadAtWith(rocksdb::ReadOptions(), middle));
    if (FromProtoTimestamp(event.record_time()) <= time) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low;
}

absl::StatusOr<std::vector<v1::Event>> EventLog::Impl::ReadAll(
    uint64_t from_position, size_t limit) const {
  std::vector<v1::Event> events;
  const uint64_t head = Head().position;
  // One iterator is one consistent view: a batch is there whole or not at all.
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf_.events));
  for (it->Seek(keys::PositionKey(std::max<uint64_t>(from_position, 1)));
       it->Valid() && events.size() < limit; it->Next()) {
    const uint64_t position = keys::DecodeBigEndian64(ToView(it->key()));
    if (position > head) break;
    KOERS_ASSIGN_OR_RETURN(v1::Event event,
                           DecodeStoredEvent(ToView(it->value()), position));
    events.push_back(std::move(event));
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the log"));
  return events;
}

absl::StatusOr<std::vector<v1::Event>> EventLog::Impl::ReadStream(
    absl::string_view stream, uint64_t from_revision, ReadDirection direction,
    size_t limit) const {
  if (!IsValidStreamName(stream)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stream: \"", stream.substr(0, 40), "\" is not a stream name"));
  }
  // The index and the events are read from one snapshot, so a batch
  // committed meanwhile is seen whole or not at all; nothing beyond the
  // durable head is seen.
  const uint64_t head = Head().position;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  const std::string prefix = keys::StreamPrefix(stream);
  std::vector<uint64_t> positions;
  bool stream_exists = false;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, cf_.by_stream));
    if (direction == ReadDirection::kForward) {
      it->Seek(prefix);
      stream_exists = it->Valid() && HasPrefix(it->key(), prefix) &&
                      keys::DecodeBigEndian64(ToView(it->value())) <= head;
      it->Seek(keys::StreamKey(stream, from_revision));
    } else {
      it->SeekForPrev(keys::StreamKey(stream, from_revision));
    }
    for (; it->Valid() && HasPrefix(it->key(), prefix) &&
           positions.size() < limit;
         direction == ReadDirection::kForward ? it->Next() : it->Prev()) {
      const uint64_t position = keys::DecodeBigEndian64(ToView(it->value()));
      if (position > head) continue;
      stream_exists = true;
      positions.push_back(position);
    }
    if (!it->status().ok()) {
      db_->ReleaseSnapshot(snapshot);
      return FromRocksDb(it->status(), "reading a stream");
    }
  }
  std::vector<v1::Event> events;
  events.reserve(positions.size());
  absl::Status status;
  for (uint64_t position : positions) {
    absl::StatusOr<v1::Event> event = ReadAtWith(options, position);
    if (!event.ok()) {
      status = event.status();
      break;
    }
    events.push_back(*std::move(event));
  }
  db_->ReleaseSnapshot(snapshot);
  KOERS_RETURN_IF_ERROR(status);
  if (!stream_exists && limit > 0) {
    return absl::NotFoundError(
        absl::StrCat("stream ", stream, " has no events"));
  }
  return events;
}

absl::StatusOr<v1::Event> EventLog::Impl::ReadEvent(
    absl::string_view event_id) const {
  KOERS_ASSIGN_OR_RETURN(const std::string raw,
                         ParseEventId(event_id, "event_id"));
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), cf_.by_id, raw, &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("no event with id ", event_id));
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(status, "reading the id index"));
  return ReadAt(keys::DecodeBigEndian64(value));
}

absl::StatusOr<std::optional<uint64_t>> EventLog::Impl::WrittenStreamRevision(
    absl::string_view stream) const {
  const std::string prefix = keys::StreamPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf_.by_stream));
  it->SeekForPrev(
      keys::StreamKey(stream, std::numeric_limits<uint64_t>::max()));
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading a stream"));
  if (!it->Valid() || !HasPrefix(it->key(), prefix)) return std::nullopt;
  return keys::DecodeBigEndian64(ToView(it->key()).substr(prefix.size()));
}

absl::StatusOr<std::optional<uint64_t>> EventLog::Impl::DurableStreamRevision(
    absl::string_view stream) const {
  const uint64_t head = Head().position;
  const std::string prefix = keys::StreamPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf_.by_stream));
  for (it->SeekForPrev(
           keys::StreamKey(stream, std::numeric_limits<uint64_t>::max()));
       it->Valid() && HasPrefix(it->key(), prefix); it->Prev()) {
    if (keys::DecodeBigEndian64(ToView(it->value())) <= head) {
      return keys::DecodeBigEndian64(ToView(it->key()).substr(prefix.size()));
    }
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading a stream"));
  return std::nullopt;
}

absl::StatusOr<std::vector<ValidTimeEntry>> EventLog::Impl::ReadValidTimeRange(
    absl::string_view stream, absl::CivilDay first, absl::CivilDay last) const {
  const std::string prefix = keys::StreamPrefix(stream);
  const std::string end = keys::ValidTimeKey(
      stream, DaysSinceEpoch(last), std::numeric_limits<uint64_t>::max());
  std::vector<ValidTimeEntry> entries;
  const uint64_t head = Head().position;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf_.by_valid_time));
  for (it->Seek(keys::ValidTimeKey(stream, DaysSinceEpoch(first), 0));
       it->Valid() && HasPrefix(it->key(), prefix) &&
       it->key().compare(end) <= 0;
       it->Next()) {
    ValidTimeEntry entry;
    int32_t day = 0;
    keys::DecodeValidTimeKey(ToView(it->key()), stream.size(), &day,
                             &entry.position);
    if (entry.position > head) continue;
    entry.valid_date = DayFromEpochDays(day);
    if (!it->value().empty()) {
      entry.type = static_cast<v1::EventType>(
          static_cast<unsigned char>(it->value()[0]));
    }
    entries.push_back(entry);
  }
  KOERS_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the time index"));
  return entries;
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const std::string& dir, const EventLogOptions& options) {
  if (options.clock == nullptr) {
    return absl::InvalidArgumentError("EventLogOptions.clock must be set");
  }
  const bool exists =
      std::filesystem::exists(std::filesystem::path(dir) / "CURRENT");

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = !exists;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.paranoid_checks = true;
  // The id family's hash memtable takes no concurrent inserts, and this
  // option is for the whole database: every family's inserts run on the
  // leader of each RocksDB write group. The event log has one writer thread
  // (group_commit.cc), so nothing waited on that before either.
  db_options.allow_concurrent_memtable_write = false;
  // A family with rare small writes (the projections' position in
  // "default") never fills its memtable, so without a bound it would keep
  // every WAL file alive and a restart would replay the whole history. Past
  // this size RocksDB flushes the families that pin old WAL files.
  db_options.max_total_wal_size = 64 << 20;
  // Every acknowledged write waits for a WAL sync; see zero_filled_wal.h.
  db_options.env = ZeroFilledWalEnv();

  std::vector<std::string> names;
  if (exists) {
    KOERS_RETURN_IF_ERROR(
        FromRocksDb(rocksdb::DB::ListColumnFamilies(db_options, dir, &names),
                    absl::StrCat("listing the column families of ", dir)));
    for (const FamilySpec& spec : kFamilies) {
      if (std::find(names.begin(), names.end(), spec.name) != names.end()) {
        continue;
      }
      // Logs from before projections existed lack only that family; it
      // is created empty and filled from the log below.
      if (spec.name != keys::kProjectionsFamily) {
        return absl::FailedPreconditionError(absl::StrCat(
            dir, " holds a RocksDB database without the column family \"",
            spec.name, "\"; it is not a Koers event log"));
      }
      names.emplace_back(spec.name);
    }

  } else {
    for (const FamilySpec& spec : kFamilies) names.emplace_back(spec.name);
  }

  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(64 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    bool point_lookups = false;
    for (const FamilySpec& spec : kFamilies) {
      if (spec.name == name) point_lookups = spec.point_lookups;
    }
    descriptors.emplace_back(name, FamilyOptions(cache, point_lookups));
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  KOERS_RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw_db),
      absl::StrCat("opening the event log in ", dir)));
  std::unique_ptr<rocksdb::DB> db(raw_db);

  // A check that stopped half-way leaves its scratch family behind.
  for (auto it = handles.begin(); it != handles.end(); ++it) {
    if ((*it)->GetName() != keys::kProjectionCheckFamily) continue;
    KOERS_RETURN_IF_ERROR(FromRocksDb(db->DropColumnFamily(*it),
                                      "dropping a stale check family"));
    db->DestroyColumnFamilyHandle(*it).PermitUncheckedError();
    handles.erase(it);
    break;
  }
  Impl::Families families;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    const std::string& name = handle->GetName();
    if (name == keys::kEventsFamily) families.events = handle;
    if (name == keys::kByStreamFamily) families.by_stream = handle;
    if (name == keys::kByIdFamily) families.by_id = handle;
    if (name == keys::kByValidTimeFamily) families.by_valid_time = handle;
    if (name == keys::kProjectionsFamily) families.projections = handle;
  }
  auto impl = std::make_unique<Impl>(std::move(db), std::move(handles),
                                     families, options);
  rocksdb::DB* db_view = impl->db();
  KOERS_ASSIGN_OR_RETURN(const bool empty,
                         FamilyIsEmpty(db_view, families.events));
  KOERS_RETURN_IF_ERROR(CheckFormatVersion(db_view, dir, empty));
  KOERS_RETURN_IF_ERROR(impl->LoadHead());
  KOERS_RETURN_IF_ERROR(impl->CatchUpProjections());
  return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
}

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLog::~EventLog() = default;

absl::StatusOr<AppendResult> EventLog::Append(AppendRequest request) {
  std::vector<AppendRequest> one;
  one.push_back(std::move(request));
  return std::move(impl_->AppendEach(std::move(one)).front());
}
absl::StatusOr<uint64_t> EventLog::ProjectionPosition() const {
  return impl_->ProjectionPosition();
}
absl::Status EventLog::ScanProjections(
    absl::string_view prefix,
    const std::function<bool(absl::string_view, absl::string_view)>& visit)
    const {
  return impl_->ScanProjections(prefix, visit);
}
absl::Status EventLog::RebuildProjections(const ProgressCallback& progress) {
  return impl_->RebuildProjections(progress);
}
absl::StatusOr<ProjectionCheckReport> EventLog::CheckProjections(
    const ProgressCallback& progress) {
  return impl_->CheckProjections(progress);
}
void EventLog::AppendAsync(AppendRequest request, AppendCallback done) {
  impl_->AppendAsync(std::move(request), std::move(done));
}
std::vector<absl::StatusOr<AppendResult>> EventLog::AppendEach(
    std::vector<AppendRequest> requests) {
  return impl_->AppendEach(std::move(requests));
}
LogHead EventLog::Head() const { return impl_->Head(); }
EventLogStats EventLog::Stats() const { return impl_->Stats(); }
absl::StatusOr<std::vector<v1::Event>> EventLog::ReadAll(uint64_t from_position,
                                                         size_t limit) const {
  return impl_->ReadAll(from_position, limit);
}
absl::StatusOr<std::vector<v1::Event>> EventLog::ReadStream(
    absl::string_view stream, uint64_t from_revision, ReadDirection direction,
    size_t limit) const {
  return impl_->ReadStream(stream, from_revision, direction, limit);
}
absl::StatusOr<v1::Event> EventLog::ReadEvent(
    absl::string_view event_id) const {
  return impl_->ReadEvent(event_id);
}
absl::StatusOr<v1::Event> EventLog::ReadAt(uint64_t position) const {
  return impl_->ReadAt(position);
}
absl::StatusOr<uint64_t> EventLog::PositionAt(absl::Time time,
                                              uint64_t at_most) const {
  return impl_->PositionAt(time, at_most);
}
absl::StatusOr<std::optional<uint64_t>> EventLog::StreamRevision(
    absl::string_view stream) const {
  return impl_->DurableStreamRevision(stream);
}
absl::StatusOr<std::vector<ValidTimeEntry>> EventLog::ReadValidTimeRange(
    absl::string_view stream, absl::CivilDay first, absl::CivilDay last) const {
  return impl_->ReadValidTimeRange(stream, first, last);
}
absl::StatusOr<VerifyReport> EventLog::Verify(
    const std::function<void(uint64_t)>& progress) const {
  return impl_->Verify(progress);
}

}  // namespace koers::storage
