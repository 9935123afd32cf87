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
  segment_days_.reserve((count + kBlock * kSegment - 1) / (kBlock * kSegment));
  records_.reserve(count);
  handles_.reserve(count);
}

size_t ValueTimeline::SegmentAfter(int32_t day) const {
  return static_cast<size_t>(
      std::upper_bound(segment_days_.begin(), segment_days_.end(), day) -
      segment_days_.begin());
}

template <typename Days>
size_t ValueTimeline::UpperBoundInGroup(const Days& days, size_t group,
                                        size_t width, int32_t day) {
  if (group == 0) return 0;
  const auto begin = days.begin() + (group - 1) * width;
  const auto end = days.begin() + std::min(days.size(), group * width);
  return static_cast<size_t>(std::upper_bound(begin, end, day) - days.begin());
}

size_t ValueTimeline::BlockAfter(size_t segment, int32_t day) const {
  // The first block starting after `day`: in the segment before `segment`,
  // or the first block of `segment`. The entry sought is that block's first
  // or one in the block before.
  return UpperBoundInGroup(block_days_, segment, kSegment, day);
}

size_t ValueTimeline::AfterInBlock(size_t block, int32_t day) const {
  return UpperBoundInGroup(days_, block, kBlock, day);
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
      if (level == 0) AppendBlockDay(days_.back());
    } else if (offset / span == levels_[level].size()) {
      levels_[level].push_back(summary);
      if (level == 0) AppendBlockDay(days_.back());
    } else {
      levels_[level][offset / span].Merge(summary);
    }
    if (levels_[level].size() == 1) return;
  }
}

void ValueTimeline::AppendBlockDay(int32_t day) {
  if (block_days_.size() % kSegment == 0) segment_days_.push_back(day);
  block_days_.push_back(day);
}

void ValueTimeline::ResegmentBlockDays(size_t first, size_t last) {
  segment_days_.resize((block_days_.size() + kSegment - 1) / kSegment);
  for (size_t s = first / kSegment; s <= last / kSegment; ++s) {
    segment_days_[s] = block_days_[s * kSegment];
  }
}

void ValueTimeline::Resummarise(size_t first, size_t last) {
  size_t count = (records_.size() + kBlock - 1) / kBlock;
  size_t low = first / kBlock;
  size_t high = last / kBlock;
  size_t level = 0;
  for (;; ++level) {
    if (level == levels_.size()) levels_.emplace_back();
    Lines<Summary>& summaries = levels_[level];
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
        const Lines<Summary>& below = levels_[level - 1];
        const size_t end = std::min(below.size(), (i + 1) * kFanout);
        for (size_t b = i * kFanout; b < end; ++b) summary.Merge(below[b]);
      }
      summaries[i] = summary;
    }
    if (level == 0) ResegmentBlockDays(low, high);
    if (count == 1) break;
    count = (count + kFanout - 1) / kFanout;
    low /= kFanout;
    high /= kFanout;
  }
  levels_.resize(level + 1);
}

ValueTimeline::WalkBack ValueTimeline::StartWalkBack(size_t end) const {
  WalkBack walk;
  if (end == 0) return walk;
  walk.level = levels_.size() - 1;
  walk.end = end;
  walk.done = false;
  return walk;
}

void ValueTimeline::PrefetchStep(const WalkBack& walk) const {
  if (walk.done) return;
  __builtin_prefetch(&levels_[walk.level][walk.node]);
  if (walk.level > 0) {
    // The summaries of its children, four to a cache line.
    const Lines<Summary>& below = levels_[walk.level - 1];
    const size_t first = walk.node * kFanout;
    const size_t end = std::min(first + kFanout, below.size());
    for (size_t i = first; i < end; i += 4) __builtin_prefetch(&below[i]);
    return;
  }
  // The scan of a block starts at its last entry before `end` and goes
  // back until an entry is visible: the records of a block fill four
  // lines, its handles one (see Lines).
  const size_t begin = walk.node * kBlock;
  const size_t last =
      std::min(walk.end, std::min(records_.size(), begin + kBlock)) - 1;
  for (size_t i = begin; i <= last; i += 4) __builtin_prefetch(&records_[i]);
  __builtin_prefetch(&handles_[begin]);
}

template <typename Visit>
void ValueTimeline::StepBack(int32_t first, uint64_t known_at, WalkBack* walk,
                             Visit visit) const {
  size_t& level = walk->level;
  size_t& node = walk->node;
  if (!levels_[level][node].HidesAll(known_at)) {
    if (level > 0) {
      // Into the last child holding entries before `end` that the
      // summaries do not hide; siblings share a cache line or two.
      const Lines<Summary>& below = levels_[level - 1];
      const size_t lowest = node * kFanout;
      size_t child =
          std::min(lowest + kFanout - 1, (walk->end - 1) / Span(level - 1));
      while (child > lowest && below[child].HidesAll(known_at)) --child;
      if (!below[child].HidesAll(known_at)) {
        node = child;
        --level;
        PrefetchStep(*walk);
        return;
      }
    } else {
      const size_t begin = node * kBlock;
      for (size_t i = std::min(walk->end, begin + kBlock); i > begin;) {
        --i;
        if (days_[i] < first ||
            (Visible(records_[i], known_at) && !visit(handles_[i]))) {
          walk->done = true;
          return;
        }
      }
    }
  }
  // On to the run just before this one, as high up as it is whole.
  if (node == 0) {
    walk->done = true;
    return;
  }
  --node;
  while (level + 1 < levels_.size() && node % kFanout == kFanout - 1) {
    ++level;
    node /= kFanout;
  }
  if (first != std::numeric_limits<int32_t>::min() &&
      days_[(node + 1) * Span(level) - 1] < first) {
    walk->done = true;
    return;
  }
  PrefetchStep(*walk);
}

template <typename Visit>
void ValueTimeline::VisitBackward(int32_t first, size_t end, uint64_t known_at,
                                  Visit visit) const {
  WalkBack walk = StartWalkBack(end);
  while (!walk.done) StepBack(first, known_at, &walk, visit);
}

ptrdiff_t ValueTimeline::ValueBefore(size_t end, uint64_t known_at) const {
  ptrdiff_t found = -1;
  VisitBackward(std::numeric_limits<int32_t>::min(), end, known_at,
                [&found](uint32_t handle) {
                  found = static_cast<ptrdiff_t>(handle);
                  return false;
                });
  return found;
}

ptrdiff_t ValueTimeline::ValueOn(absl::CivilDay day, uint64_t known_at) const {
  return ValueBefore(After(DayNumber(day)), known_at);
}

void ValueTimeline::ValuesOn(const std::vector<const ValueTimeline*>& timelines,
                             absl::CivilDay day, uint64_t known_at,
                             absl::FunctionRef<void(size_t, size_t)> found) {
  const int32_t day_number = DayNumber(day);
  const size_t count = timelines.size();
  // Each stage does one step for every timeline and prefetches what the
  // next step reads: the timelines, their segments, blocks, offsets, then
  // the walks back. The 16 days a step searches, from a multiple of 16 on,
  // fill one line (see Lines).
  const auto prefetch_line = [](const Lines<int32_t>& days, size_t at) {
    __builtin_prefetch(&days[at]);
  };
  for (const ValueTimeline* timeline : timelines) {
    __builtin_prefetch(timeline);
    __builtin_prefetch(&timeline->block_days_);
    __builtin_prefetch(&timeline->levels_);
  }
  for (const ValueTimeline* timeline : timelines) {
    if (timeline->segment_days_.empty()) continue;
    prefetch_line(timeline->segment_days_, 0);
    __builtin_prefetch(&timeline->levels_.front());
    __builtin_prefetch(&timeline->levels_.back());
  }
  std::vector<size_t> steps(count);
  for (size_t t = 0; t < count; ++t) {
    const ValueTimeline& timeline = *timelines[t];
    steps[t] = timeline.SegmentAfter(day_number);
    if (steps[t] > 0) {
      prefetch_line(timeline.block_days_, (steps[t] - 1) * kSegment);
    }
  }
  for (size_t t = 0; t < count; ++t) {
    const ValueTimeline& timeline = *timelines[t];
    steps[t] = timeline.BlockAfter(steps[t], day_number);
    if (steps[t] > 0) prefetch_line(timeline.days_, (steps[t] - 1) * kBlock);
  }
  std::vector<WalkBack> walks(count);
  std::vector<size_t> pending;
  pending.reserve(count);
  for (size_t t = 0; t < count; ++t) {
    walks[t] = timelines[t]->StartWalkBack(
        timelines[t]->AfterInBlock(steps[t], day_number));
    if (walks[t].done) continue;
    timelines[t]->PrefetchStep(walks[t]);
    pending.push_back(t);
  }
  while (!pending.empty()) {
    size_t kept = 0;
    for (const size_t t : pending) {
      timelines[t]->StepBack(std::numeric_limits<int32_t>::min(), known_at,
                             &walks[t], [&](uint32_t handle) {
                               found(t, handle);
                               return false;
                             });
      if (!walks[t].done) pending[kept++] = t;
    }
    pending.resize(kept);
  }
}

std::vector<size_t> ValueTimeline::ValuesBetween(absl::CivilDay first,
                                                 absl::CivilDay last,
                                                 uint64_t known_at,
                                                 size_t limit) const {
  std::vector<size_t> found;
  if (limit == 0) return found;
  VisitBackward(DayNumber(first), After(DayNumber(last)), known_at,
                [&](uint32_t handle) {
                  found.push_back(handle);
                  return found.size() < limit;
                });
  return found;
}

}  // namespace koers::services
