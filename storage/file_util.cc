#include "storage/file_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace koers::storage {

absl::StatusOr<std::string> ReadFileToString(absl::string_view path) {
  const std::string name(path);
  std::error_code ignored;
  if (std::filesystem::is_directory(name, ignored)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": it is a directory"));
  }
  errno = 0;
  std::ifstream in(name, std::ios::binary);
  if (!in) {
    const int error = errno != 0 ? errno : ENOENT;
    return absl::ErrnoToStatus(error, absl::StrCat("cannot open ", path));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("cannot read ", path));
  }
  return content.str();
}

absl::Status WriteFileAtomically(absl::string_view path,
                                 absl::string_view content, int mode) {
  const std::string target(path);
  const std::string temporary = absl::StrCat(target, ".tmp");
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("cannot create ", temporary));
  }
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n =
        write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return absl::ErrnoToStatus(error,
                                 absl::StrCat("cannot write ", temporary));
    }
    written += static_cast<size_t>(n);
  }
  const int sync_error = fsync(fd) == 0 ? 0 : errno;
  const int close_error = close(fd) == 0 ? 0 : errno;
  if (sync_error != 0 || close_error != 0) {
    return absl::ErrnoToStatus(sync_error != 0 ? sync_error : close_error,
                               absl::StrCat("cannot sync ", temporary));
  }
  if (std::rename(temporary.c_str(), target.c_str()) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot replace ", target));
  }
  return absl::OkStatus();
}

}  // namespace koers::storage
