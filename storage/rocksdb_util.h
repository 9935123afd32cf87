// The seam between RocksDB's types and Koers's: statuses and slices.
#ifndef KOERS_STORAGE_ROCKSDB_UTIL_H_
#define KOERS_STORAGE_ROCKSDB_UTIL_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace koers::storage {

// Maps `status` to the closest absl code, prefixing the message with
// `context` (what Koers was doing). OK maps to OK.
absl::Status FromRocksDb(const rocksdb::Status& status,
                         absl::string_view context);

// The bytes of `slice`, valid while the slice is.
inline absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

}  // namespace koers::storage

#endif  // KOERS_STORAGE_ROCKSDB_UTIL_H_
