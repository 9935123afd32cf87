#include "services/value_timeline.h"

#include <algorithm>
#include <utility>

namespace koers::services {

int32_t ValueTimeline::DayNumber(absl::CivilDay date) {
  return static_cast<int32_t>(date - absl::CivilDay(1970, 1, 1));
}

size_t ValueTimeline::Span(size_t level) {
  size_t span = kBlock;
  for (size_t i = 0; i < level; ++i) span *= kFanout;
  return span;
}

void ValueTimeline::Reserve(size_t count) {
  days_.reserve(count);
  block_days_.reserve((count + kBlock - 1) / kBlock);
  records_.reserve(count);
  handles_.reserve(count);
}

size_t ValueTimeline::After(int32_t day) const {
  // The first block starting after `day`; the entry sought is its first or
  // one in the block before.
  const size_t block = static_cast<size_t>(
      std::upper_bound(block_days_.begin(), block_days_.end(), day) -
      block_days_.begin());
  if (block == 0) return 0;
  const auto begin = days_.begin() + (block - 1) * kBlock;
  const auto end = days_.begin() + std::min(days_.size(), block * kBlock);
  return static_cast<size_t>(std::upper_bound(begin, end, day) - days_.begin());
}

size_t ValueTimeline::Find(int32_t day, uint64_t position, bool after) const {
  const auto first = std::lower_bound(days_.begin(), days_.end(), day);
  const auto last = std::upper_bound(first, days_.end(), day);
  const auto begin = records_.begin() + (first - days_.begin());
  const auto end = records_.begin() + (last - days_.begin());
  const auto at =
      after ? std::upper_bound(
                  begin, end, position,
                  [](uint64_t p, const Record& r) { return p < r.position; })
            : std::lower_bound(
                  begin, end, position,
                  [](const Record& r, uint64_t p) { return r.position < p; });
  return static_cast<size_t>(at - records_.begin());
}

void ValueTimeline::Add(absl::CivilDay date, uint64_t position, size_t index) {
  const int32_t day = DayNumber(date);
  const Record record{position, kNeverSuperseded};
  const auto handle = static_cast<uint32_t>(index);
  if (days_.empty() || day > days_.back() ||
      (day == days_.back() && position >= records_.back().position)) {
    days_.push_back(day);
    records_.push_back(record);
    handles_.push_back(handle);
    SummariseAppended();
    return;
  }
  const size_t offset = Find(day, position, /*after=*/true);
  days_.insert(days_.begin() + offset, day);
  records_.insert(records_.begin() + offset, record);
  handles_.insert(handles_.begin() + offset, handle);
  Resummarise(offset, days_.size() - 1);
}

void ValueTimeline::Supersede(absl::CivilDay date, uint64_t position,
                              uint64_t by_position) {
  const int32_t day = DayNumber(date);
  const size_t offset = Find(day, position, /*after=*/false);
  if (offset == days_.size() || days_[offset] != day ||
      records_[offset].position != position) {
    return;
  }
  records_[offset].superseded_at =
      std::min(records_[offset].superseded_at, by_position);
  Resummarise(offset, offset);
}

void ValueTimeline::SummariseAppended() {
  const Summary summary{records_.back().position,
                        records_.back().superseded_at};
  const size_t offset = records_.size() - 1;
  size_t span = kBlock;
  for (size_t level = 0;; ++level, span *= kFanout) {
    if (level == levels_.size()) {
      // A new top level, over the level below that has just outgrown a
      // single summary (or the first entry's block).
      Summary top = summary;
      if (level > 0) {
        for (const Summary& below : levels_[level - 1]) top.Merge(below);
      }
      levels_.push_back({top});
      if (level == 0) block_days_.push_back(days_.back());
    } else if (offset / span == levels_[level].size()) {
      levels_[level].push_back(summary);
      if (level == 0) block_days_.push_back(days_.back());
    } else {
      levels_[level][offset / span].Merge(summary);
    }
    if (levels_[level].size() == 1) return;
  }
}

void ValueTimeline::Resummarise(size_t first, size_t last) {
  size_t count = (records_.size() + kBlock - 1) / kBlock;
  size_t low = first / kBlock;
  size_t high = last / kBlock;
  size_t level = 0;
  for (;; ++level) {
    if (level == levels_.size()) levels_.emplace_back();
    std::vector<Summary>& summaries = levels_[level];
    summaries.resize(count);
    if (level == 0) block_days_.resize(count);
    for (size_t i = low; i <= high; ++i) {
      Summary summary;
      if (level == 0) {
        block_days_[i] = days_[i * kBlock];
        const size_t end = std::min(records_.size(), (i + 1) * kBlock);
        for (size_t e = i * kBlock; e < end; ++e) {
          summary.Merge({records_[e].position, records_[e].superseded_at});
        }
      } else {
        const std::vector<Summary>& below = levels_[level - 1];
        const size_t end = std::min(below.size(), (i + 1) * kFanout);
        for (size_t b = i * kFanout; b < end; ++b) summary.Merge(below[b]);
      }
      summaries[i] = summary;
    }
    if (count == 1) break;
    count = (count + kFanout - 1) / kFanout;
    low /= kFanout;
    high /= kFanout;
  }
  levels_.resize(level + 1);
}

template <typename Visit>
void ValueTimeline::VisitBackward(int32_t first, int32_t last,
                                  uint64_t known_at, Visit visit) const {
  size_t i = After(last);
  // Whether entry i - 1 is the last one of its block still to look at, the
  // point where whole runs may be skipped.
  bool at_block_end = true;
  while (i > 0) {
    if (at_block_end) {
      // The largest run holding entry i - 1 with nothing visible: the
      // summaries of one level cover those of the level below.
      size_t to = i;
      size_t span = kBlock;
      for (size_t level = 0; level < levels_.size(); ++level, span *= kFanout) {
        const size_t run = (i - 1) / span;
        if (!levels_[level][run].HidesAll(known_at)) break;
        to = run * span;
      }
      if (to != i) {
        i = to;
        continue;
      }
      at_block_end = false;
    }
    --i;
    if (days_[i] < first) return;
    if (Visible(records_[i], known_at) && !visit(handles_[i])) return;
    at_block_end = i % kBlock == 0;
  }
}

ptrdiff_t ValueTimeline::ValueOn(absl::CivilDay day, uint64_t known_at) const {
  ptrdiff_t found = -1;
  VisitBackward(std::numeric_limits<int32_t>::min(), DayNumber(day), known_at,
                [&found](uint32_t handle) {
                  found = static_cast<ptrdiff_t>(handle);
                  return false;
                });
  return found;
}

std::vector<size_t> ValueTimeline::ValuesBetween(absl::CivilDay first,
                                                 absl::CivilDay last,
                                                 uint64_t known_at,
                                                 size_t limit) const {
  std::vector<size_t> found;
  if (limit == 0) return found;
  VisitBackward(DayNumber(first), DayNumber(last), known_at,
                [&](uint32_t handle) {
                  found.push_back(handle);
                  return found.size() < limit;
                });
  return found;
}

}  // namespace koers::services
