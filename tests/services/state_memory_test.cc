#include "services/state_memory.h"

#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace koers::services {
namespace {

using ::testing::Ge;
using ::testing::Le;

bool Aligned(const void* block, size_t alignment) {
  return reinterpret_cast<uintptr_t>(block) % alignment == 0;
}

TEST(HugePageResourceTest, SizeClassesWasteAtMostAQuarter) {
  EXPECT_EQ(HugePageResource::SizeClass(0), 64u);
  EXPECT_EQ(HugePageResource::SizeClass(1), 64u);
  EXPECT_EQ(HugePageResource::SizeClass(65), 128u);
  EXPECT_EQ(HugePageResource::SizeClass(4096), 4096u);
  EXPECT_EQ(HugePageResource::SizeClass(4097), 5120u);
  EXPECT_EQ(HugePageResource::SizeClass(422400), 458752u);
  size_t previous = 0;
  for (size_t bytes = 1; bytes < (size_t{64} << 20);
       bytes = bytes * 9 / 8 + 1) {
    const size_t size = HugePageResource::SizeClass(bytes);
    EXPECT_THAT(size, Ge(bytes));
    EXPECT_EQ(size % 64, 0u) << bytes;
    if (bytes > 4096) {
      EXPECT_THAT(size, Le(bytes + bytes / 4)) << bytes;
    }
    EXPECT_THAT(size, Ge(previous)) << bytes;
    previous = size;
  }
}

TEST(HugePageResourceTest, BlocksAreAlignedWritableAndDisjoint) {
  HugePageResource memory;
  std::vector<std::pair<char*, size_t>> blocks;
  for (size_t bytes : {1u, 40u, 64u, 100u, 4096u, 5000u, 300000u, 1000u}) {
    auto* block = static_cast<char*>(memory.allocate(bytes, 64));
    ASSERT_TRUE(Aligned(block, 64)) << bytes;
    std::memset(block, static_cast<int>(bytes & 0xff), bytes);
    blocks.emplace_back(block, bytes);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    const auto [block, bytes] = blocks[i];
    for (size_t at = 0; at < bytes; ++at) {
      ASSERT_EQ(block[at], static_cast<char>(bytes & 0xff)) << i << " " << at;
    }
  }
  EXPECT_EQ(memory.mapped_bytes(), HugePageResource::kRegionBytes);
}

TEST(HugePageResourceTest, RegionsStartOnHugePages) {
  HugePageResource memory;
  void* block = memory.allocate(64, 64);
  EXPECT_TRUE(Aligned(block, HugePageResource::kHugePage));
  memory.deallocate(block, 64, 64);
}

TEST(HugePageResourceTest, AFreedBlockServesTheNextRequestOfItsClass) {
  HugePageResource memory;
  void* first = memory.allocate(5000, 64);
  void* other = memory.allocate(100, 64);
  memory.deallocate(first, 5000, 64);
  // 4100 bytes is in 5000's class (5120): the freed block comes back.
  EXPECT_EQ(memory.allocate(4100, 64), first);
  // A class with nothing freed gets a fresh block.
  void* fresh = memory.allocate(5000, 64);
  EXPECT_NE(fresh, first);
  EXPECT_NE(fresh, other);
  memory.deallocate(other, 100, 64);
  // 64 bytes is a class of its own; 128 is 100's.
  EXPECT_NE(memory.allocate(64, 8), other);
  EXPECT_EQ(memory.allocate(128, 8), other);
}

TEST(HugePageResourceTest, LargeBlocksGetRegionsOfTheirOwn) {
  HugePageResource memory;
  auto* small = static_cast<char*>(memory.allocate(1000, 64));
  const size_t before = memory.mapped_bytes();
  EXPECT_EQ(before, HugePageResource::kRegionBytes);
  const size_t large = HugePageResource::kRegionBytes / 2;
  void* block = memory.allocate(large, 64);
  EXPECT_TRUE(Aligned(block, HugePageResource::kHugePage));
  std::memset(block, 1, large);
  const size_t added = memory.mapped_bytes() - before;
  EXPECT_THAT(added, Ge(large));
  EXPECT_THAT(added, Le(large + HugePageResource::kHugePage));
  EXPECT_EQ(added % HugePageResource::kHugePage, 0u);
  // The current region still serves small requests.
  auto* next = static_cast<char*>(memory.allocate(1000, 64));
  EXPECT_GT(next, small);
  EXPECT_LT(next, small + HugePageResource::kRegionBytes);
}

TEST(HugePageResourceTest, RefusesAlignmentAboveALine) {
  HugePageResource memory;
  EXPECT_THROW(static_cast<void>(memory.allocate(64, 128)), std::bad_alloc);
}

#if defined(__SANITIZE_ADDRESS__)
// What is not handed out stays poisoned, so the sanitizer checks the
// state's arrays as it checks the heap.
TEST(HugePageResourceDeathTest, TheSanitizerSeesOverrunsAndFreedBlocks) {
  HugePageResource memory;
  auto* block = static_cast<volatile char*>(memory.allocate(100, 64));
  block[99] = 1;
  EXPECT_DEATH(block[100] = 1, "use-after-poison");
  memory.deallocate(const_cast<char*>(block), 100, 64);
  EXPECT_DEATH(block[0] = 1, "use-after-poison");
}
#endif

TEST(StateAllocatorTest, AVectorGrowsAndKeepsItsContents) {
  std::vector<uint64_t, StateAllocator<uint64_t, 64>> values;
  for (uint64_t i = 0; i < 100000; ++i) {
    values.push_back(i * 7);
    ASSERT_TRUE(Aligned(values.data(), 64));
  }
  for (uint64_t i = 0; i < values.size(); ++i) ASSERT_EQ(values[i], i * 7);
  auto moved = std::move(values);
  EXPECT_EQ(moved.size(), 100000u);
  EXPECT_EQ(moved.back(), 99999u * 7);
}

}  // namespace
}  // namespace koers::services
