// The on-disk layout of the event log: column families and key encodings.
// This header is the documentation of the format; change it only together
// with kFormatVersion and a migration.
//
// Integers in keys are big-endian so that byte order equals numeric order.
// Stream names never contain a 0x00 byte (EventLog validates them), so
// "stream 0x00" is an unambiguous prefix.
//
// Column family "default"  (format metadata)
//   key "koers.format_version"       value: decimal text, "1"
//
// Column family "events"  (the log itself)
//   key   BE64(position)             position >= 1, gap-free
//   value hash[32] || stored bytes   stored bytes: koers.v1.Event serialized
//                                    with `hash` empty; hash = SHA-256(
//                                    prev_hash || stored bytes)
//
// Column family "by_stream"  (stream reads, expected-revision checks)
//   key   stream || 0x00 || BE64(stream_revision)
//   value BE64(position)
//
// Column family "by_id"  (idempotency, reads by event id)
//   key   event id, 16 raw bytes
//   value BE64(position)
//   Read only with whole-key Gets: its memtable is a hash table keyed by
//   the 16-byte prefix (event_log.cc), which has no cheap ordered iterator
//   and must never see a shorter key.
//
// Column family "by_valid_time"  (point-in-time queries)
//   key   stream || 0x00 || BE32(days since 1970-01-01 + 2^31) ||
//         BE64(position)
//   value one byte: the koers.v1.EventType number
//
// Column family "projections"  (derived, rebuildable from "events")
//   keys and values are the projector's own (EventLogOptions::projector),
//   each key starting with a byte below 0xff; written in the same batch as
//   their events.
// In "default":
//   key "koers.projections.position"  value: BE64(position reflected)
//   key "koers.record_time/" || BE64(nanoseconds since 1970-01-01 UTC)
//       value: BE64(the last position of a group recorded then)
//     The record-time index, written in each group's batch: record time
//     never goes back along the log, so the entry at or before an instant
//     holds the last position recorded by then. Logs written before it was
//     added (still format 1) have no entries for their earlier groups.
#ifndef KOERS_STORAGE_LOG_KEYS_H_
#define KOERS_STORAGE_LOG_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace koers::storage::log_keys {

inline constexpr int kFormatVersion = 1;
inline constexpr absl::string_view kFormatVersionKey = "koers.format_version";

inline constexpr absl::string_view kEventsFamily = "events";
inline constexpr absl::string_view kByStreamFamily = "by_stream";
inline constexpr absl::string_view kByIdFamily = "by_id";
inline constexpr absl::string_view kByValidTimeFamily = "by_valid_time";
inline constexpr absl::string_view kProjectionsFamily = "projections";
// Scratch family of CheckProjections before it compared sorted runs; a log
// that still has one (a check that stopped half-way) has it dropped at Open.
inline constexpr absl::string_view kProjectionCheckFamily = "projections_check";
inline constexpr absl::string_view kProjectionPositionKey =
    "koers.projections.position";
// Every projection key sorts below this (projectors' keys start with a byte
// below 0xff).
inline constexpr absl::string_view kProjectionKeyLimit = "\xff";

inline constexpr size_t kHashSize = 32;

void AppendBigEndian64(uint64_t value, std::string* out);
uint64_t DecodeBigEndian64(absl::string_view bytes);

std::string PositionKey(uint64_t position);

inline constexpr absl::string_view kRecordTimePrefix = "koers.record_time/";
// The record-time index key of an instant `unix_nanos` >= 0 nanoseconds
// after 1970-01-01 UTC.
std::string RecordTimeKey(int64_t unix_nanos);

std::string StreamKey(absl::string_view stream, uint64_t revision);
// The prefix shared by every key of `stream` in by_stream and by_valid_time.
std::string StreamPrefix(absl::string_view stream);

std::string ValidTimeKey(absl::string_view stream, int32_t epoch_day,
                         uint64_t position);
// The same key appended to `out`, for callers that build keys in a reused
// buffer.
void AppendValidTimeKey(absl::string_view stream, int32_t epoch_day,
                        uint64_t position, std::string* out);
// Decodes the day and position of a by_valid_time key whose stream part has
// length `stream_size`.
void DecodeValidTimeKey(absl::string_view key, size_t stream_size,
                        int32_t* epoch_day, uint64_t* position);

}  // namespace koers::storage::log_keys

#endif  // KOERS_STORAGE_LOG_KEYS_H_
