#include "bench/bench_util.h"

#include <sys/utsname.h>

#include <algorithm>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace koers::bench {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2;
}

double Ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0;
}

absl::StatusOr<std::vector<int>> ParseCounts(
    const std::vector<std::string>& texts, absl::string_view flag) {
  std::vector<int> counts;
  for (const std::string& text : texts) {
    int count = 0;
    if (!absl::SimpleAtoi(text, &count) || count < 1 || count > 1024) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag, ": \"", text, "\" is not a number from 1 to 1024"));
    }
    counts.push_back(count);
  }
  if (counts.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": give at least one count"));
  }
  return counts;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return absl::StrCat(one, " ", five, " ", fifteen);
}

std::string KernelRelease() {
  utsname name;
  return uname(&name) == 0 ? std::string(name.release) : "unknown";
}

}  // namespace koers::bench
