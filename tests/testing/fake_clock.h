// A Clock that tests set and advance by hand. Thread-safe.
#ifndef KOERS_TESTS_TESTING_FAKE_CLOCK_H_
#define KOERS_TESTS_TESTING_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/clock.h"

namespace koers::testing {

class FakeClock final : public storage::Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time now) {
    absl::MutexLock lock(&mu_);
    now_ = now;
  }
  void Advance(absl::Duration by) {
    absl::MutexLock lock(&mu_);
    now_ += by;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace koers::testing

#endif  // KOERS_TESTS_TESTING_FAKE_CLOCK_H_
