// Event ids: RFC 4122 UUIDs in canonical text form, lowercase
// ("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6"), stored as 16 raw bytes.
#ifndef KOERS_STORAGE_EVENT_ID_H_
#define KOERS_STORAGE_EVENT_ID_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace koers::storage {

inline constexpr size_t kRawEventIdSize = 16;

// Decodes the canonical 36-character form (either case) into the 16 raw
// bytes at `raw16`, without allocating (a rebuild decodes every value's
// id). False when `text` is not that form; `raw16` is then unspecified.
bool DecodeEventId(absl::string_view text, char* raw16);

// Parses the canonical 36-character form (either case). Returns the 16 raw
// bytes. InvalidArgument names `field`.
absl::StatusOr<std::string> ParseEventId(absl::string_view text,
                                         absl::string_view field);

// Formats 16 raw bytes as the canonical lowercase form.
std::string FormatEventId(absl::string_view raw16);

// A new UUIDv7: 48 bits of Unix milliseconds from `now`, then random bits
// from the operating system's CSPRNG, so ids sort roughly by creation and
// keep the id index's writes local. Thread-safe. Internal when the CSPRNG
// fails (ids must never collide, so no weaker fallback is used).
absl::StatusOr<std::string> NewEventId(absl::Time now);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_EVENT_ID_H_
