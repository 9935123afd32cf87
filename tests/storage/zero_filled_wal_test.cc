#include "storage/zero_filled_wal.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/file_system.h"
#include "tests/testing/temp_dir.h"

namespace koers::storage {
namespace {

constexpr uint64_t kChunk = 64 << 10;

class ZeroFilledWalTest : public ::testing::Test {
 protected:
  std::unique_ptr<rocksdb::FSWritableFile> Create(const std::string& name) {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    EXPECT_TRUE(fs_->NewWritableFile(dir_.Sub(name), rocksdb::FileOptions(),
                                     &file, nullptr)
                    .ok());
    return file;
  }

  uintmax_t SizeOnDisk(const std::string& name) const {
    return std::filesystem::file_size(dir_.Sub(name));
  }

  testing::TempDir dir_;
  std::shared_ptr<rocksdb::FileSystem> fs_ =
      NewZeroFilledWalFileSystem(rocksdb::FileSystem::Default(), kChunk);
  rocksdb::IOOptions io_;
};

TEST_F(ZeroFilledWalTest, WalFilesAreZeroFilledAheadAndTrimmedOnClose) {
  std::unique_ptr<rocksdb::FSWritableFile> wal = Create("000007.log");
  ASSERT_TRUE(wal->Append("record", io_, nullptr).ok());
  ASSERT_TRUE(wal->Flush(io_, nullptr).ok());
  EXPECT_EQ(wal->GetFileSize(io_, nullptr), 6u);
  EXPECT_EQ(SizeOnDisk("000007.log"), kChunk);

  // An append that crosses the zeroed stretch extends it first.
  const std::string big(kChunk, 'x');
  ASSERT_TRUE(wal->Append(big, io_, nullptr).ok());
  ASSERT_TRUE(wal->Flush(io_, nullptr).ok());
  EXPECT_EQ(SizeOnDisk("000007.log"), 2 * kChunk);

  ASSERT_TRUE(wal->Close(io_, nullptr).ok());
  EXPECT_EQ(SizeOnDisk("000007.log"), kChunk + 6);
}

TEST_F(ZeroFilledWalTest, OtherFilesPassThrough) {
  std::unique_ptr<rocksdb::FSWritableFile> file = Create("MANIFEST-000005");
  ASSERT_TRUE(file->Append("record", io_, nullptr).ok());
  ASSERT_TRUE(file->Flush(io_, nullptr).ok());
  EXPECT_EQ(SizeOnDisk("MANIFEST-000005"), 6u);
  ASSERT_TRUE(file->Close(io_, nullptr).ok());
}

// A copy of an open database's files is what a crash leaves on disk: the
// live WAL with its zero tail. Every synced write must come back from it.
TEST_F(ZeroFilledWalTest, ADatabaseRecoversFromAWalWithAZeroTail) {
  const std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.env = env.get();
  options.paranoid_checks = true;
  rocksdb::WriteOptions synced;
  synced.sync = true;

  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir_.Sub("live"), &raw).ok());
  std::unique_ptr<rocksdb::DB> live(raw);
  // Enough to fill the zeroed stretch more than once.
  const std::string value(1000, 'v');
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(live->Put(synced, "key" + std::to_string(i), value).ok());
  }
  std::filesystem::copy(dir_.Sub("live"), dir_.Sub("crashed"));
  bool saw_zero_tail = false;
  for (const auto& entry :
       std::filesystem::directory_iterator(dir_.Sub("crashed"))) {
    if (entry.path().extension() == ".log" && entry.file_size() > 0) {
      saw_zero_tail = entry.file_size() % kChunk == 0;
    }
  }
  EXPECT_TRUE(saw_zero_tail);

  options.create_if_missing = false;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir_.Sub("crashed"), &raw).ok());
  std::unique_ptr<rocksdb::DB> recovered(raw);
  for (int i = 0; i < 200; ++i) {
    std::string read;
    ASSERT_TRUE(
        recovered->Get(rocksdb::ReadOptions(), "key" + std::to_string(i), &read)
            .ok())
        << i;
    EXPECT_EQ(read, value);
  }
  // And it goes on taking writes after the recovery.
  ASSERT_TRUE(recovered->Put(synced, "after", "crash").ok());
}

}  // namespace
}  // namespace koers::storage
