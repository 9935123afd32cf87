// The source of record time. Injected wherever "now" matters so tests can
// control it.
#ifndef KOERS_STORAGE_CLOCK_H_
#define KOERS_STORAGE_CLOCK_H_

#include "absl/time/time.h"

namespace koers::storage {

// Thread-safe implementations only: Now() is called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The machine's wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
  // A process-wide instance; never destroyed.
  static SystemClock* Get();
};

}  // namespace koers::storage

#endif  // KOERS_STORAGE_CLOCK_H_
