#include "storage/clock.h"

#include "absl/time/clock.h"

namespace koers::storage {

absl::Time SystemClock::Now() const { return absl::Now(); }

SystemClock* SystemClock::Get() {
  static SystemClock* const clock = new SystemClock();
  return clock;
}

}  // namespace koers::storage
