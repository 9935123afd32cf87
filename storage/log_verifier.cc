// EventLog::Verify: walks the hash chain and the indexes that point into it.
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/event_hash.h"
#include "storage/event_id.h"
#include "storage/event_log_impl.h"
#include "storage/log_keys.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"

namespace koers::storage {
namespace {

namespace keys = log_keys;

constexpr uint64_t kProgressEvery = 100000;

// Checks one event against the link before it. Returns "" when sound,
// otherwise why the link is broken.
std::string CheckLink(uint64_t position, uint64_t expected_position,
                      absl::string_view value, const std::string& prev_hash,
                      v1::Event* event) {
  if (position != expected_position) {
    return absl::StrCat("expected position ", expected_position,
                        " next, found ", position, " (a gap)");
  }
  const absl::string_view stored = value.size() >= keys::kHashSize
                                       ? value.substr(keys::kHashSize)
                                       : absl::string_view();
  if (value.size() < keys::kHashSize ||
      !event->ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return "the stored bytes do not parse as an event";
  }
  if (event->position() != position) {
    return absl::StrCat("the event says position ", event->position());
  }
  if (event->prev_hash() != prev_hash) {
    return absl::StrCat("prev_hash ", HexEncode(event->prev_hash()),
                        " does not match the previous event's hash ",
                        HexEncode(prev_hash));
  }
  const std::string recomputed = ChainHash(prev_hash, stored);
  if (recomputed != value.substr(0, keys::kHashSize)) {
    return absl::StrCat("hash mismatch: stored ",
                        HexEncode(value.substr(0, keys::kHashSize)),
                        ", recomputed ", HexEncode(recomputed));
  }
  if (static_cast<int>(event->type()) != event->payload_case()) {
    return "the event's type does not match its payload";
  }
  return "";
}

}  // namespace

absl::StatusOr<VerifyReport> EventLog::Impl::Verify(
    const std::function<void(uint64_t)>& progress) const {
  // Everything is read from one snapshot: appends may go on meanwhile.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  options.readahead_size = 2 << 20;
  options.verify_checksums = true;

  // Returns "" when the by_stream and by_id entries of `event` point back to
  // it, otherwise what is wrong.
  auto check_indexes =
      [&](const v1::Event& event,
          const std::string& position_key) -> absl::StatusOr<std::string> {
    std::string value;
    rocksdb::Status status = db_->Get(
        options, cf_.by_stream,
        keys::StreamKey(event.stream(), event.stream_revision()), &value);
    if (!status.IsNotFound()) {
      KOERS_RETURN_IF_ERROR(FromRocksDb(status, "reading by_stream"));
    }
    if (!status.ok() || value != position_key) {
      return absl::StrCat("by_stream entry for ", event.stream(), "@",
                          event.stream_revision(), " does not point here");
    }
    KOERS_ASSIGN_OR_RETURN(const std::string raw,
                           ParseEventId(event.event_id(), "event_id"));
    status = db_->Get(options, cf_.by_id, raw, &value);
    if (!status.IsNotFound()) {
      KOERS_RETURN_IF_ERROR(FromRocksDb(status, "reading by_id"));
    }
    if (!status.ok() || value != position_key) {
      return absl::StrCat("by_id entry for ", event.event_id(),
                          " does not point here");
    }
    return std::string();
  };

  VerifyReport report;
  absl::Status failure;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, cf_.events));
    std::string prev_hash = GenesisHash();
    v1::Event event;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const uint64_t position = keys::DecodeBigEndian64(ToView(it->key()));
      std::string reason = CheckLink(position, report.events_checked + 1,
                                     ToView(it->value()), prev_hash, &event);
      if (reason.empty()) {
        absl::StatusOr<std::string> index_problem =
            check_indexes(event, it->key().ToString());
        if (!index_problem.ok()) {
          failure = index_problem.status();
          break;
        }
        reason = *std::move(index_problem);
      }
      if (!reason.empty()) {
        report.ok = false;
        report.broken_position = report.events_checked + 1;
        report.reason = std::move(reason);
        break;
      }
      prev_hash = std::string(ToView(it->value()).substr(0, keys::kHashSize));
      ++report.events_checked;
      if (progress && report.events_checked % kProgressEvery == 0) {
        progress(report.events_checked);
      }
    }
    if (failure.ok() && !it->status().ok()) {
      // A checksum failure inside RocksDB is tampering too.
      report.ok = false;
      report.broken_position = report.events_checked + 1;
      report.reason = it->status().ToString();
    }
  }
  db_->ReleaseSnapshot(snapshot);
  KOERS_RETURN_IF_ERROR(failure);
  return report;
}

}  // namespace koers::storage
