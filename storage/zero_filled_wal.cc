#include "storage/zero_filled_wal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

#include "absl/strings/match.h"

namespace koers::storage {
namespace {

using rocksdb::FileOptions;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

constexpr uint64_t kDefaultChunkBytes = 4 << 20;
// Zeros are written from this buffer, a piece at a time.
constexpr size_t kZeroPieceBytes = 256 << 10;
const char kZeros[kZeroPieceBytes] = {};

// Writes [from, to) of `fd` with zeros; false if the kernel refused.
bool WriteZeros(int fd, uint64_t from, uint64_t to) {
  while (from < to) {
    const size_t piece =
        static_cast<size_t>(std::min<uint64_t>(kZeroPieceBytes, to - from));
    const ssize_t written = pwrite(fd, kZeros, piece, static_cast<off_t>(from));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    from += static_cast<uint64_t>(written);
  }
  return true;
}

class ZeroFilledWalFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  // `fd` is a second descriptor of the same file, owned from here on.
  ZeroFilledWalFile(std::unique_ptr<FSWritableFile> target, int fd,
                    uint64_t chunk_bytes)
      : FSWritableFileOwnerWrapper(std::move(target)),
        fd_(fd),
        chunk_bytes_(chunk_bytes) {}

  ~ZeroFilledWalFile() override { CloseDescriptor(); }

  IOStatus Append(const Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    ZeroAhead(data.size(), options, dbg);
    return target()->Append(data, options, dbg);
  }

  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& verification_info,
                  IODebugContext* dbg) override {
    ZeroAhead(data.size(), options, dbg);
    return target()->Append(data, options, verification_info, dbg);
  }

  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    const uint64_t written = target()->GetFileSize(options, dbg);
    IOStatus closed = target()->Close(options, dbg);
    // Trims the zero tail. Best effort: a tail left behind is what a crash
    // leaves too, and recovery skips it, so a failed trim is no failed close.
    if (closed.ok() && fd_ >= 0 && zeroed_ > written) {
      [[maybe_unused]] const int trimmed =
          ftruncate(fd_, static_cast<off_t>(written));
    }
    CloseDescriptor();
    return closed;
  }

 private:
  // Zero-filling is only ever a speed-up: if the kernel refuses it (a full
  // disk, say), this file is left to plain appends.
  void ZeroAhead(size_t bytes, const IOOptions& options, IODebugContext* dbg) {
    if (fd_ < 0) return;
    const uint64_t end = target()->GetFileSize(options, dbg) + bytes;
    if (end <= zeroed_) return;
    const uint64_t to = (end / chunk_bytes_ + 1) * chunk_bytes_;
    if (!WriteZeros(fd_, zeroed_, to)) {
      CloseDescriptor();
      return;
    }
    zeroed_ = to;
  }

  void CloseDescriptor() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  int fd_;
  const uint64_t chunk_bytes_;
  uint64_t zeroed_ = 0;
};

class ZeroFilledWalFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  ZeroFilledWalFileSystem(const std::shared_ptr<rocksdb::FileSystem>& base,
                          uint64_t chunk_bytes)
      : FileSystemWrapper(base), chunk_bytes_(chunk_bytes) {}

  const char* Name() const override { return "KoersZeroFilledWal"; }

  IOStatus NewWritableFile(const std::string& name, const FileOptions& options,
                           std::unique_ptr<FSWritableFile>* result,
                           IODebugContext* dbg) override {
    IOStatus opened = target()->NewWritableFile(name, options, result, dbg);
    if (!opened.ok() || !absl::EndsWith(name, ".log")) return opened;
    const int fd = open(name.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      *result = std::make_unique<ZeroFilledWalFile>(std::move(*result), fd,
                                                    chunk_bytes_);
    }
    return opened;
  }

 private:
  const uint64_t chunk_bytes_;
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> NewZeroFilledWalFileSystem(
    const std::shared_ptr<rocksdb::FileSystem>& base, uint64_t chunk_bytes) {
  return std::make_shared<ZeroFilledWalFileSystem>(base, chunk_bytes);
}

rocksdb::Env* ZeroFilledWalEnv() {
  static rocksdb::Env* const env =
      rocksdb::NewCompositeEnv(
          NewZeroFilledWalFileSystem(rocksdb::FileSystem::Default(),
                                     kDefaultChunkBytes))
          .release();
  return env;
}

}  // namespace koers::storage
