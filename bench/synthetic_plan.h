// A synthetic plan document for load programs: larger than the bundled
// sample plan (about 33 indicators), shaped like it, and valid under the
// rules of services/plan_document.h.
#ifndef KOERS_BENCH_SYNTHETIC_PLAN_H_
#define KOERS_BENCH_SYNTHETIC_PLAN_H_

#include "koers/v1/plan.pb.h"

namespace koers::bench {

struct SyntheticPlanShape {
  int objectives = 4;
  int actions_per_objective = 15;
  int indicators_per_action = 5;
};

// Plan "BENCH-2025-2029", period 2025-01-01 to 2029-12-31, with
// objectives SD1.., actions SD<o>.A<a> and quantitative indicators
// SD<o>.A<a>.I<i> (60 actions and 300 indicators with the default shape).
// Indicators alternate between increasing and decreasing, level and
// cumulative, monthly and quarterly; every one has min_allowed 0 and a
// baseline dated 2025-01-01. Deterministic: the same shape gives the same
// document.
v1::Plan SyntheticPlan(const SyntheticPlanShape& shape = {});

}  // namespace koers::bench

#endif  // KOERS_BENCH_SYNTHETIC_PLAN_H_
