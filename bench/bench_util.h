// What the load programs in bench/ share: medians and ratios of repeated
// measurements, a list-of-counts flag, and a description of the machine.
#ifndef KOERS_BENCH_BENCH_UTIL_H_
#define KOERS_BENCH_BENCH_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace koers::bench {

// The median (mean of the middle two for an even count); 0 when empty.
double Median(std::vector<double> values);

// The median of `metric` over `samples`.
template <typename Sample, typename Metric>
double MedianOf(const std::vector<Sample>& samples, Metric metric) {
  std::vector<double> values;
  values.reserve(samples.size());
  for (const Sample& sample : samples) values.push_back(metric(sample));
  return Median(std::move(values));
}

// numerator / denominator, 0 when the denominator is not positive.
double Ratio(double numerator, double denominator);

// Parses a list flag of counts (threads, calls in flight), each 1 to 1024.
// InvalidArgument names `flag`.
absl::StatusOr<std::vector<int>> ParseCounts(
    const std::vector<std::string>& texts, absl::string_view flag);

// "1.23 0.98 0.75" (1, 5 and 15 minutes), or "unknown".
std::string LoadAverage();
// `uname -r`.
std::string KernelRelease();

}  // namespace koers::bench

#endif  // KOERS_BENCH_BENCH_UTIL_H_
