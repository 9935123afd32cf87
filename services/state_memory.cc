#include "services/state_memory.h"

#include <sys/mman.h>

#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace koers::services {
namespace {

// Under AddressSanitizer, memory not handed out (free blocks, the rest of a
// region, a red zone after each block) is poisoned, so that the sanitizer
// reports reads and writes of it as it does for the heap's.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kRedZone = 64;
void Poison(const void* block, size_t bytes) {
  ASAN_POISON_MEMORY_REGION(block, bytes);
}
void Unpoison(const void* block, size_t bytes) {
  ASAN_UNPOISON_MEMORY_REGION(block, bytes);
}
#else
constexpr size_t kRedZone = 0;
void Poison(const void* /*block*/, size_t /*bytes*/) {}
void Unpoison(const void* /*block*/, size_t /*bytes*/) {}
#endif

size_t RoundUp(size_t bytes, size_t unit) {
  return (bytes + unit - 1) / unit * unit;
}

// `bytes` (a multiple of kHugePage) mapped at a kHugePage boundary and
// advised for huge pages. The kernel aligns only to 4 KiB, so one extra
// huge page is mapped and the unaligned ends given back.
char* MapHugePages(size_t bytes) {
  constexpr size_t kHugePage = HugePageResource::kHugePage;
  void* mapped = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  auto* start = static_cast<char*>(mapped);
  const uintptr_t address = reinterpret_cast<uintptr_t>(start);
  char* aligned = start + (RoundUp(address, kHugePage) - address);
  if (aligned > start) munmap(start, static_cast<size_t>(aligned - start));
  char* end = start + bytes + kHugePage;
  if (end > aligned + bytes) {
    munmap(aligned + bytes, static_cast<size_t>(end - (aligned + bytes)));
  }
  // Advice only: without transparent huge pages the memory still works.
  madvise(aligned, bytes, MADV_HUGEPAGE);
  Poison(aligned, bytes);
  return aligned;
}

}  // namespace

size_t HugePageResource::SizeClass(size_t bytes) {
  constexpr size_t kSmall = 4096;
  if (bytes <= kSmall) return RoundUp(bytes == 0 ? 1 : bytes, kMaxAlignment);
  size_t power = kSmall;
  while (power <= bytes / 2) power *= 2;
  return RoundUp(bytes, power / 4);
}

size_t HugePageResource::mapped_bytes() const {
  absl::MutexLock lock(&mu_);
  return mapped_bytes_;
}

char* HugePageResource::Carve(size_t size) {
  size += kRedZone;
  if (size > kRegionBytes / 4) {
    const size_t mapped = RoundUp(size, kHugePage);
    mapped_bytes_ += mapped;
    return MapHugePages(mapped);
  }
  if (region_next_ == nullptr || size > size_t(region_end_ - region_next_)) {
    // What is left of the current region stays unused: less than a block,
    // at most a quarter of a region.
    region_next_ = MapHugePages(kRegionBytes);
    region_end_ = region_next_ + kRegionBytes;
    mapped_bytes_ += kRegionBytes;
  }
  char* block = region_next_;
  region_next_ += size;
  return block;
}

void* HugePageResource::do_allocate(size_t bytes, size_t alignment) {
  if (alignment > kMaxAlignment) throw std::bad_alloc();
  const size_t size = SizeClass(bytes);
  void* block = nullptr;
  {
    absl::MutexLock lock(&mu_);
    std::vector<void*>& free = free_[size];
    if (free.empty()) {
      block = Carve(size);
    } else {
      block = free.back();
      free.pop_back();
    }
  }
  Unpoison(block, bytes);
  return block;
}

void HugePageResource::do_deallocate(void* block, size_t bytes,
                                     size_t /*alignment*/) {
  const size_t size = SizeClass(bytes);
  Poison(block, size);
  absl::MutexLock lock(&mu_);
  free_[size].push_back(block);
}

std::pmr::memory_resource* StateMemory() {
  // Never destroyed: state may be freed during static destruction.
  static auto* const memory = new HugePageResource();
  return memory;
}

}  // namespace koers::services
