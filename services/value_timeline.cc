#include "services/value_timeline.h"

#include <algorithm>
#include <utility>

namespace koers::services {

void ValueTimeline::Add(absl::CivilDay date, uint64_t position, size_t index) {
  const Entry entry{date, position, kNeverSuperseded, index};
  auto at = std::upper_bound(
      entries_.begin(), entries_.end(), entry,
      [](const Entry& a, const Entry& b) {
        return a.date != b.date ? a.date < b.date : a.position < b.position;
      });
  const size_t offset = static_cast<size_t>(at - entries_.begin());
  entries_.insert(at, entry);
  Resummarise(offset);
}

void ValueTimeline::Supersede(absl::CivilDay date, uint64_t position,
                              uint64_t by_position) {
  auto at = std::lower_bound(
      entries_.begin(), entries_.end(), std::make_pair(date, position),
      [](const Entry& a, const std::pair<absl::CivilDay, uint64_t>& key) {
        return a.date != key.first ? a.date < key.first
                                   : a.position < key.second;
      });
  if (at == entries_.end() || at->date != date || at->position != position) {
    return;
  }
  at->superseded_at = std::min(at->superseded_at, by_position);
  Resummarise(static_cast<size_t>(at - entries_.begin()));
}

void ValueTimeline::Resummarise(size_t from) {
  blocks_.resize((entries_.size() + kBlock - 1) / kBlock);
  for (size_t block = from / kBlock; block < blocks_.size(); ++block) {
    BlockSummary summary{kNeverSuperseded, 0};
    const size_t end = std::min(entries_.size(), (block + 1) * kBlock);
    for (size_t i = block * kBlock; i < end; ++i) {
      summary.min_position =
          std::min(summary.min_position, entries_[i].position);
      summary.max_superseded_at =
          std::max(summary.max_superseded_at, entries_[i].superseded_at);
    }
    blocks_[block] = summary;
  }
}

template <typename Visit>
void ValueTimeline::VisitBackward(absl::CivilDay first, absl::CivilDay last,
                                  uint64_t known_at, Visit visit) const {
  auto end = std::upper_bound(
      entries_.begin(), entries_.end(), last,
      [](absl::CivilDay day, const Entry& e) { return day < e.date; });
  size_t i = static_cast<size_t>(end - entries_.begin());
  while (i > 0) {
    const size_t block = (i - 1) / kBlock;
    const BlockSummary& summary = blocks_[block];
    if (summary.min_position > known_at ||
        summary.max_superseded_at <= known_at) {
      i = block * kBlock;  // nothing visible in this block: skip it whole
      continue;
    }
    --i;
    if (entries_[i].date < first) return;
    if (Visible(entries_[i], known_at) && !visit(entries_[i])) return;
  }
}

ptrdiff_t ValueTimeline::ValueOn(absl::CivilDay day, uint64_t known_at) const {
  ptrdiff_t found = -1;
  // Valid dates have four-digit years.
  const absl::CivilDay earliest(0, 1, 1);
  VisitBackward(earliest, day, known_at, [&found](const Entry& entry) {
    found = static_cast<ptrdiff_t>(entry.index);
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
  VisitBackward(first, last, known_at, [&](const Entry& entry) {
    found.push_back(entry.index);
    return found.size() < limit;
  });
  return found;
}

}  // namespace koers::services
