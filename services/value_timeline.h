// ValueTimeline: one indicator's values ordered by valid time, answering
// bitemporal questions without scanning the indicator's whole history.
//
// Each entry is one value (a measurement or a correction) with its reference
// date, the log position that recorded it, and the position of the
// correction that replaced it (if any). At known-at position K an entry is
// visible when position <= K < superseded_at: recorded by then, not yet
// replaced by then. "The value as of day D known at K" is the visible entry
// with the latest (date, position) <= (D, +inf).
//
// Entries are kept sorted by (date, position) in blocks of kBlock, each
// block summarised by its smallest position and largest superseded_at, and
// the summaries themselves summarised kFanout at a time, level upon level,
// so that a search skips at once whole runs of entries that cannot hold a
// visible entry. Positions grow with dates except for backdated values, so
// with known-at in the past most of the entries after the answer are
// recorded later, and without the upper levels the search would walk back
// over them block by block: its cost would grow with the history. The
// search goes down from the top, right to left, passing over such a run at
// the highest level that covers it whole.
//
// Costs: adding a value after the others in (date, position) order O(levels)
// (as when loading, and for most new values); an out-of-order one O(n)
// moves; a supersession O(kBlock + kFanout * levels); a query
// O(log n + kFanout * levels + kBlock) when the summaries do not mislead
// (a run they do not hide holds a visible entry; corrections can make one
// that does not, and the search then also reads that run).
//
// Thread-safety: none; the owner guards it.
#ifndef KOERS_SERVICES_VALUE_TIMELINE_H_
#define KOERS_SERVICES_VALUE_TIMELINE_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/civil_time.h"
#include "services/state_memory.h"

namespace koers::services {

inline constexpr uint64_t kNeverSuperseded =
    std::numeric_limits<uint64_t>::max();
// A known-at position that sees every event. Below kNeverSuperseded, so
// that a value never replaced is visible at it (known_at < superseded_at).
inline constexpr uint64_t kKnownNow = kNeverSuperseded - 1;

class ValueTimeline {
 public:
  // Adds the value recorded at `position`, dated `date`; `index` is the
  // owner's handle for it, returned by the queries.
  void Add(absl::CivilDay date, uint64_t position, size_t index);
  // The value recorded at (`date`, `position`) was replaced by a
  // correction recorded at `by_position`. No-op when there is no such
  // entry.
  void Supersede(absl::CivilDay date, uint64_t position, uint64_t by_position);
  // Makes room for `count` entries in all, so that adding up to that many
  // does not reallocate.
  void Reserve(size_t count);

  // The handle of the value as of `day` known at `known_at`; -1 when none.
  ptrdiff_t ValueOn(absl::CivilDay day, uint64_t known_at) const;
  // ValueOn of each of `timelines` (none null) at one point: calls
  // `found(t, handle)` for each timeline t that has a value then, in no
  // particular order. The same answers as one ValueOn after the other,
  // found in stages across all the timelines, each stage prefetching what
  // the next one reads, so that the cache misses of different timelines
  // overlap instead of following one another: on a long log they are most
  // of a whole-plan read. `found` may prefetch what it will read of the
  // value, to the same end.
  static void ValuesOn(const std::vector<const ValueTimeline*>& timelines,
                       absl::CivilDay day, uint64_t known_at,
                       absl::FunctionRef<void(size_t, size_t)> found);
  // Handles of the values visible at `known_at` dated in [first, last],
  // latest first, at most `limit`.
  std::vector<size_t> ValuesBetween(absl::CivilDay first, absl::CivilDay last,
                                    uint64_t known_at, size_t limit) const;

  size_t size() const { return days_.size(); }

 private:
  static constexpr size_t kBlock = 16;
  static constexpr size_t kFanout = 8;
  // Blocks per segment: a segment's block days fill one cache line.
  static constexpr size_t kSegment = 16;

  // What decides an entry's visibility. The entries are kept as parallel
  // arrays (struct of arrays): a search touches the days, a walk back the
  // record positions, an answer the handle, and each stays dense in the
  // cache, which decides the cost on long timelines.
  struct Record {
    uint64_t position;
    uint64_t superseded_at;
  };
  // Of a run of entries: nothing in it is visible at known-at K when
  // K < min_position or max_superseded_at <= K.
  struct Summary {
    uint64_t min_position = kNeverSuperseded;
    uint64_t max_superseded_at = 0;

    bool HidesAll(uint64_t known_at) const {
      return known_at < min_position || max_superseded_at <= known_at;
    }
    void Merge(const Summary& other) {
      if (other.min_position < min_position) min_position = other.min_position;
      if (other.max_superseded_at > max_superseded_at) {
        max_superseded_at = other.max_superseded_at;
      }
    }
  };

  static int32_t DayNumber(absl::CivilDay date);
  static bool Visible(const Record& record, uint64_t known_at) {
    return record.position <= known_at && known_at < record.superseded_at;
  }
  // The offset of the first entry dated after `day`, in three steps: the
  // first segment starting after `day` (a search of n / 256 days, one line
  // up to 4,096 entries), then the first block (one line), then the offset
  // (one line).
  size_t SegmentAfter(int32_t day) const;
  size_t BlockAfter(size_t segment, int32_t day) const;
  size_t AfterInBlock(size_t block, int32_t day) const;
  size_t After(int32_t day) const {
    return AfterInBlock(BlockAfter(SegmentAfter(day), day), day);
  }
  // The handle of the latest visible entry at an offset below `end`; -1
  // when none.
  ptrdiff_t ValueBefore(size_t end, uint64_t known_at) const;
  // The first offset in group `group - 1` of `days` (groups of `width`
  // from offset 0) whose day is after `day`, or the group's end; 0 when
  // `group` is 0.
  template <typename Days>
  static size_t UpperBoundInGroup(const Days& days, size_t group, size_t width,
                                  int32_t day);
  // The offset of the entry (`day`, `position`), or of the first later one;
  // with `after`, of the first later one.
  size_t Find(int32_t day, uint64_t position, bool after) const;
  // The number of entries a summary of `level` covers.
  static size_t Span(size_t level);
  // Recomputes the summaries, at every level, that cover entries
  // [first, last] (the others are unchanged).
  void Resummarise(size_t first, size_t last);
  // Folds the last entry, just appended, into the summaries.
  void SummariseAppended();
  // Appends the day of a new block's first entry.
  void AppendBlockDay(int32_t day);
  // Brings segment_days_ up to date with block_days_[first, last] and its
  // size.
  void ResegmentBlockDays(size_t first, size_t last);
  // A walk back over the entries before offset `end`: depth first and
  // right to left over the summaries from the top, so that a run with
  // nothing visible is passed over whole at the highest level that covers
  // it, reading a few summaries per level.
  struct WalkBack {
    // The summary to look at next.
    size_t level = 0;
    size_t node = 0;
    // Entries at `end` and after are not visited.
    size_t end = 0;
    // Nothing left to visit, or `visit` asked to stop.
    bool done = true;
  };
  // A walk over the entries before `end`; done at once when `end` is 0.
  WalkBack StartWalkBack(size_t end) const;
  // One step of `walk` (not done): one summary, or one block's entries,
  // each visible one dated on or after `first` passed to `visit` (latest
  // first) until it returns false. `first` = INT32_MIN means no lower
  // bound, and saves the check of each run passed over. Prefetches what the
  // next step reads, so that steps of different walks taken in turn
  // overlap their cache misses.
  template <typename Visit>
  void StepBack(int32_t first, uint64_t known_at, WalkBack* walk,
                Visit visit) const;
  // Prefetches what the next StepBack of `walk` reads first.
  void PrefetchStep(const WalkBack& walk) const;
  // Calls `visit` with the handle of each visible entry before offset `end`
  // dated on or after `first`, latest first, until it returns false.
  template <typename Visit>
  void VisitBackward(int32_t first, size_t end, uint64_t known_at,
                     Visit visit) const;

  // Storage starting on a cache line, so that a run of 16 days or of 4
  // records, or a node's 8 summaries, spans as few lines as it can, and in
  // huge pages (see state_memory.h): on a long log the lines and pages a
  // lookup touches are its cost.
  template <typename T>
  using Lines = std::vector<T, StateAllocator<T, 64>>;

  // Entry i: dated days_[i] (days since 1970-01-01), recorded and replaced
  // at records_[i], handle handles_[i]. Sorted by (day, position).
  Lines<int32_t> days_;
  Lines<Record> records_;
  Lines<uint32_t> handles_;
  // The day of each block's first entry: a search looks here after
  // segment_days_, then in one block, touching a few cache lines instead of
  // a dozen.
  Lines<int32_t> block_days_;
  // block_days_[s * kSegment] for each segment s: the first step of a
  // search, n / 256 days, small enough to stay in the cache.
  Lines<int32_t> segment_days_;
  // levels_[0] summarises kBlock entries each; levels_[l + 1] kFanout
  // summaries of levels_[l] each. The top level has a single summary.
  std::vector<Lines<Summary>> levels_;
};

}  // namespace koers::services

#endif  // KOERS_SERVICES_VALUE_TIMELINE_H_
