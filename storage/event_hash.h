// The hash chain that makes the log tamper-evident.
#ifndef KOERS_STORAGE_EVENT_HASH_H_
#define KOERS_STORAGE_EVENT_HASH_H_

#include <string>

#include "absl/strings/string_view.h"

namespace koers::storage {

// 32 zero bytes: the prev_hash of the log's first event.
const std::string& GenesisHash();

// SHA-256(prev_hash || stored_bytes), 32 raw bytes. Thread-safe.
std::string ChainHash(absl::string_view prev_hash,
                      absl::string_view stored_bytes);

// SHA-256 of `bytes`, 32 raw bytes. Thread-safe.
std::string Sha256(absl::string_view bytes);

// Lowercase hex of raw bytes, for messages and reports.
std::string HexEncode(absl::string_view raw);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_EVENT_HASH_H_
