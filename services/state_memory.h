// StateMemory: where the in-memory plan state keeps its large arrays (the
// value records, the value timelines and the index of values by event id).
//
// Why: at a million events the state fills some 200 MB, and a whole-plan read
// hops across all of it: 300 timelines and 300 value records, each in pages
// of its own. In 4 KiB pages nearly every such hop also misses the TLB, whose
// reach is a few MB, and the page walk costs further cache misses; that was
// a large part of what a read costs more on a long log than on a short one.
// Here the arrays live in 2 MiB-aligned regions advised for transparent huge
// pages (madvise MADV_HUGEPAGE, honoured under the kernel's default
// "madvise" setting), so the same reads touch a few hundred pages instead
// of tens of thousands. Where the kernel gives no huge pages the regions
// are ordinary memory and nothing else changes.
//
// Ownership: memory handed out stays with the process. A freed block goes
// on a free list for its size class and is handed out again for that class;
// nothing is returned to the system, which suits a state that only grows.
// Under AddressSanitizer what is not handed out is poisoned (free blocks,
// unused region, a 64-byte red zone after each block), so the sanitizer
// checks the state's arrays as it checks the heap.
//
// Thread-safety: StateMemory() and the resource it returns are thread-safe.
#ifndef KOERS_SERVICES_STATE_MEMORY_H_
#define KOERS_SERVICES_STATE_MEMORY_H_

#include <cstddef>
#include <memory_resource>
#include <new>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace koers::services {

// Hands out memory carved from 2 MiB-aligned regions advised for huge
// pages. Requests are rounded up to a size class (a multiple of 64 bytes up
// to 4 KiB; above, a quarter of the power of two below, so at most a
// quarter more than asked), and a freed block is handed out again to the
// next request of its class. Alignment up to 64 bytes; above that, and when
// no memory can be mapped, allocate throws std::bad_alloc, as operator new
// does. Thread-safe.
class HugePageResource : public std::pmr::memory_resource {
 public:
  static constexpr size_t kHugePage = size_t{2} << 20;
  static constexpr size_t kRegionBytes = 8 * kHugePage;
  static constexpr size_t kMaxAlignment = 64;

  HugePageResource() = default;
  // Unmaps nothing: the regions stay with the process (StateMemory() never
  // destroys its resource).
  ~HugePageResource() override = default;

  // The size class of a request of `bytes`: what it really takes.
  static size_t SizeClass(size_t bytes);
  // Bytes mapped so far, for tests and diagnostics.
  size_t mapped_bytes() const;

 private:
  void* do_allocate(size_t bytes, size_t alignment) override;
  void do_deallocate(void* block, size_t bytes, size_t alignment) override;
  bool do_is_equal(
      const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }
  // A fresh block of `size` (a size class) from the current region, or from
  // a new one; followed by a red zone under AddressSanitizer.
  char* Carve(size_t size) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // Freed blocks by size class.
  absl::flat_hash_map<size_t, std::vector<void*>> free_ ABSL_GUARDED_BY(mu_);
  char* region_next_ ABSL_GUARDED_BY(mu_) = nullptr;
  char* region_end_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t mapped_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

// The resource the state's arrays come from: a HugePageResource that lives
// until the process exits.
std::pmr::memory_resource* StateMemory();

// A stateless allocator over StateMemory(), aligned to at least `kAlign`,
// for the state's containers (so that their types, moves and swaps stay as
// with std::allocator).
template <typename T, size_t kAlign = alignof(T)>
struct StateAllocator {
  using value_type = T;
  static constexpr size_t kAlignment = kAlign > alignof(T) ? kAlign
                                                           : alignof(T);
  template <typename U>
  struct rebind {
    using other = StateAllocator<U, kAlign>;
  };

  StateAllocator() = default;
  template <typename U>
  StateAllocator(const StateAllocator<U, kAlign>& /*other*/) {}  // NOLINT

  T* allocate(size_t count) {
    return static_cast<T*>(
        StateMemory()->allocate(count * sizeof(T), kAlignment));
  }
  void deallocate(T* data, size_t count) {
    StateMemory()->deallocate(data, count * sizeof(T), kAlignment);
  }
  template <typename U>
  bool operator==(const StateAllocator<U, kAlign>& /*other*/) const {
    return true;
  }
  template <typename U>
  bool operator!=(const StateAllocator<U, kAlign>& /*other*/) const {
    return false;
  }
};

}  // namespace koers::services

#endif  // KOERS_SERVICES_STATE_MEMORY_H_
