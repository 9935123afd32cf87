// Reading and atomically replacing small local files (plan documents,
// principals files, TLS certificates, import files).
#ifndef KOERS_STORAGE_FILE_UTIL_H_
#define KOERS_STORAGE_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace koers::storage {

// The whole content of the file at `path`. Errors name the path and the
// reason, with the code of the errno (NotFound, PermissionDenied, ...).
absl::StatusOr<std::string> ReadFileToString(absl::string_view path);

// Replaces the file at `path` with `content` so that readers see the old or
// the new file, never a mix: writes a temporary file beside it with `mode`
// permissions, syncs it, and renames it over `path`.
absl::Status WriteFileAtomically(absl::string_view path,
                                 absl::string_view content, int mode);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_FILE_UTIL_H_
