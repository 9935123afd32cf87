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
// block summarised by its smallest position and largest superseded_at, so
// that a search skips whole blocks that cannot hold a visible entry. Adding
// a value in date order costs O(1); an out-of-order one O(n) moves; a query
// O(log n + blocks skipped + kBlock).
//
// Thread-safety: none; the owner guards it.
#ifndef KOERS_SERVICES_VALUE_TIMELINE_H_
#define KOERS_SERVICES_VALUE_TIMELINE_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/time/civil_time.h"

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

  // The handle of the value as of `day` known at `known_at`; -1 when none.
  ptrdiff_t ValueOn(absl::CivilDay day, uint64_t known_at) const;
  // Handles of the values visible at `known_at` dated in [first, last],
  // latest first, at most `limit`.
  std::vector<size_t> ValuesBetween(absl::CivilDay first, absl::CivilDay last,
                                    uint64_t known_at, size_t limit) const;

  size_t size() const { return entries_.size(); }

 private:
  static constexpr size_t kBlock = 32;

  struct Entry {
    absl::CivilDay date;
    uint64_t position;
    uint64_t superseded_at;
    size_t index;
  };
  struct BlockSummary {
    uint64_t min_position;
    uint64_t max_superseded_at;
  };

  static bool Visible(const Entry& entry, uint64_t known_at) {
    return entry.position <= known_at && known_at < entry.superseded_at;
  }
  // Recomputes the summaries of the blocks from the one holding `from` on.
  void Resummarise(size_t from);
  // Calls `visit` on the visible entries dated in [first, last], latest
  // first, until it returns false.
  template <typename Visit>
  void VisitBackward(absl::CivilDay first, absl::CivilDay last,
                     uint64_t known_at, Visit visit) const;

  std::vector<Entry> entries_;
  std::vector<BlockSummary> blocks_;
};

}  // namespace koers::services

#endif  // KOERS_SERVICES_VALUE_TIMELINE_H_
