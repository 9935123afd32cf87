// ValueTimeline: one indicator's values by valid time, asked as of a day and
// known at a position. Checked on hand-made cases and against a brute-force
// scan on random timelines long enough for many blocks.
#include "services/value_timeline.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace koers::services {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::CivilDay kMarch(2026, 3, 31);
const absl::CivilDay kJune(2026, 6, 30);
const absl::CivilDay kSeptember(2026, 9, 30);

TEST(ValueTimelineTest, EmptyHasNoValue) {
  const ValueTimeline timeline;
  EXPECT_EQ(timeline.ValueOn(kJune, kKnownNow), -1);
  EXPECT_THAT(timeline.ValuesBetween(kMarch, kJune, kKnownNow, 10), IsEmpty());
  EXPECT_EQ(timeline.size(), 0u);
}

TEST(ValueTimelineTest, LatestReferenceDateWinsWhateverTheRecordingOrder) {
  ValueTimeline timeline;
  timeline.Add(kJune, 5, 0);
  timeline.Add(kMarch, 6, 1);  // recorded later, about an earlier date
  EXPECT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline.ValueOn(kMarch - 1, kKnownNow), -1);
  EXPECT_EQ(timeline.ValueOn(kMarch, kKnownNow), 1);
  EXPECT_EQ(timeline.ValueOn(kJune - 1, kKnownNow), 1);
  EXPECT_EQ(timeline.ValueOn(kJune, kKnownNow), 0);
  EXPECT_EQ(timeline.ValueOn(kSeptember, kKnownNow), 0);
  // Known at 5, the March value was not recorded yet.
  EXPECT_EQ(timeline.ValueOn(kMarch, 5), -1);
  EXPECT_EQ(timeline.ValueOn(kSeptember, 5), 0);
  EXPECT_EQ(timeline.ValueOn(kSeptember, 4), -1);
  EXPECT_EQ(timeline.ValueOn(kSeptember, 0), -1);
}

TEST(ValueTimelineTest, OfValuesForOneDateTheLaterPositionWins) {
  ValueTimeline timeline;
  timeline.Add(kJune, 9, 0);
  timeline.Add(kJune, 7, 1);  // out of order in position too
  timeline.Add(kJune, 8, 2);
  EXPECT_EQ(timeline.ValueOn(kJune, kKnownNow), 0);
  EXPECT_EQ(timeline.ValueOn(kJune, 8), 2);
  EXPECT_EQ(timeline.ValueOn(kJune, 7), 1);
  EXPECT_EQ(timeline.ValueOn(kJune, 6), -1);
}

TEST(ValueTimelineTest, ASupersededValueDisappearsFromTheCorrectionsPosition) {
  ValueTimeline timeline;
  timeline.Add(kMarch, 3, 0);
  timeline.Add(kJune, 5, 1);
  timeline.Add(kJune, 10, 2);  // the correction of position 5, same date
  timeline.Supersede(kJune, 5, 10);
  EXPECT_EQ(timeline.ValueOn(kJune, 9), 1);   // before the correction
  EXPECT_EQ(timeline.ValueOn(kJune, 10), 2);  // at it
  EXPECT_EQ(timeline.ValueOn(kJune, kKnownNow), 2);

  // A correction that moved the value to an earlier date: the superseded
  // value is gone and the earlier-dated value is not the latest.
  timeline.Add(kMarch, 12, 3);
  timeline.Supersede(kJune, 10, 12);
  EXPECT_EQ(timeline.ValueOn(kJune, 11), 2);
  EXPECT_EQ(timeline.ValueOn(kJune, 12), 3);
  EXPECT_EQ(timeline.ValueOn(kMarch, 12), 3);
  EXPECT_EQ(timeline.ValueOn(kMarch, 11), 0);
  EXPECT_THAT(timeline.ValuesBetween(kMarch, kSeptember, kKnownNow, 10),
              ElementsAre(3, 0));
  EXPECT_THAT(timeline.ValuesBetween(kMarch, kSeptember, 9, 10),
              ElementsAre(1, 0));
}

TEST(ValueTimelineTest, SupersedingAnUnknownEntryChangesNothing) {
  ValueTimeline timeline;
  timeline.Add(kJune, 5, 0);
  timeline.Supersede(kJune, 6, 7);   // no value at position 6
  timeline.Supersede(kMarch, 5, 7);  // none on that date
  EXPECT_EQ(timeline.ValueOn(kJune, kKnownNow), 0);
  // The earliest supersession holds.
  timeline.Supersede(kJune, 5, 9);
  timeline.Supersede(kJune, 5, 20);
  EXPECT_EQ(timeline.ValueOn(kJune, 8), 0);
  EXPECT_EQ(timeline.ValueOn(kJune, 9), -1);
  EXPECT_EQ(timeline.ValueOn(kJune, 19), -1);
}

TEST(ValueTimelineTest, ValuesBetweenIsInclusiveLatestFirstAndLimited) {
  ValueTimeline timeline;
  for (int i = 0; i < 10; ++i) {
    timeline.Add(kMarch + i, static_cast<uint64_t>(i + 1),
                 static_cast<size_t>(i));
  }
  EXPECT_THAT(timeline.ValuesBetween(kMarch + 2, kMarch + 5, kKnownNow, 100),
              ElementsAre(5, 4, 3, 2));
  EXPECT_THAT(timeline.ValuesBetween(kMarch + 2, kMarch + 5, kKnownNow, 2),
              ElementsAre(5, 4));
  EXPECT_THAT(timeline.ValuesBetween(kMarch + 2, kMarch + 5, kKnownNow, 1),
              ElementsAre(5));
  EXPECT_THAT(timeline.ValuesBetween(kMarch + 2, kMarch + 5, kKnownNow, 0),
              IsEmpty());
  // Known at position 4: only the first four values exist.
  EXPECT_THAT(timeline.ValuesBetween(kMarch + 2, kMarch + 5, 4, 100),
              ElementsAre(3, 2));
  EXPECT_THAT(timeline.ValuesBetween(kMarch - 5, kMarch - 1, kKnownNow, 100),
              IsEmpty());
  EXPECT_THAT(timeline.ValuesBetween(kMarch + 5, kMarch + 2, kKnownNow, 100),
              IsEmpty());
}

// Values recorded in date order (position i + 1 on day i): known at K, the
// value as of any later day is the one recorded at K. The search has to go
// back over whole blocks whose values were all recorded after K.
TEST(ValueTimelineTest, SkipsBlocksRecordedAfterTheKnownAtPoint) {
  constexpr int kCount = 300;
  ValueTimeline timeline;
  for (int i = 0; i < kCount; ++i) {
    timeline.Add(kMarch + i, static_cast<uint64_t>(i + 1),
                 static_cast<size_t>(i));
  }
  const absl::CivilDay last = kMarch + kCount;
  EXPECT_EQ(timeline.ValueOn(last, 0), -1);
  for (int k = 1; k <= kCount; ++k) {
    ASSERT_EQ(timeline.ValueOn(last, static_cast<uint64_t>(k)), k - 1)
        << "known at " << k;
  }
  // Every value but one superseded: the search skips to it.
  for (int i = 0; i < kCount; ++i) {
    if (i != 40)
      timeline.Supersede(kMarch + i, static_cast<uint64_t>(i + 1), 1000);
  }
  EXPECT_EQ(timeline.ValueOn(last, kKnownNow), 40);
  EXPECT_EQ(timeline.ValueOn(last, 999), kCount - 1);
  EXPECT_EQ(timeline.ValueOn(kMarch + 39, kKnownNow), -1);
  EXPECT_THAT(timeline.ValuesBetween(kMarch, last, kKnownNow, 5),
              ElementsAre(40));
}

// Values recorded in reverse date order (the latest day first): known at K
// only the latest-dated values exist.
TEST(ValueTimelineTest, OutOfOrderAddsAcrossManyBlocks) {
  constexpr int kCount = 200;
  ValueTimeline timeline;
  for (int i = 0; i < kCount; ++i) {
    timeline.Add(kMarch + (kCount - 1 - i), static_cast<uint64_t>(i + 1),
                 static_cast<size_t>(i));
  }
  EXPECT_EQ(timeline.size(), static_cast<size_t>(kCount));
  for (int k = 1; k <= kCount; ++k) {
    // Known at k, the values on days kCount-k .. kCount-1 exist; as of
    // day kCount - k the one on that day (recorded at k) is in force,
    // and before it none.
    const absl::CivilDay day = kMarch + (kCount - k);
    ASSERT_EQ(timeline.ValueOn(day, static_cast<uint64_t>(k)), k - 1) << k;
    ASSERT_EQ(timeline.ValueOn(day - 1, static_cast<uint64_t>(k)), -1) << k;
  }
}

struct BruteEntry {
  absl::CivilDay date;
  uint64_t position;
  std::optional<uint64_t> superseded_at;  // none: never replaced
  size_t index;
};

// Recorded by `known_at`, and not replaced by then.
bool Visible(const BruteEntry& entry, uint64_t known_at) {
  return entry.position <= known_at &&
         (!entry.superseded_at.has_value() || known_at < *entry.superseded_at);
}

// Latest first, by (date, position).
std::vector<size_t> BruteBetween(const std::vector<BruteEntry>& entries,
                                 absl::CivilDay first, absl::CivilDay last,
                                 uint64_t known_at, size_t limit) {
  std::vector<const BruteEntry*> in_range;
  for (const BruteEntry& entry : entries) {
    if (entry.date >= first && entry.date <= last && Visible(entry, known_at)) {
      in_range.push_back(&entry);
    }
  }
  std::sort(in_range.begin(), in_range.end(),
            [](const BruteEntry* a, const BruteEntry* b) {
              return a->date != b->date ? a->date > b->date
                                        : a->position > b->position;
            });
  std::vector<size_t> indices;
  for (const BruteEntry* entry : in_range) {
    if (indices.size() == limit) break;
    indices.push_back(entry->index);
  }
  return indices;
}

// Random timelines of up to 600 values (many blocks), values added out of
// order with several per date, about a third superseded, checked against
// a brute-force scan for random (day, known-at) pairs.
TEST(ValueTimelineTest, AgreesWithABruteForceScan) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    auto uniform = [&rng](int low, int high) {
      return std::uniform_int_distribution<int>(low, high)(rng);
    };
    const int count = uniform(1, 600);
    const int days = uniform(1, 400);  // few days: many values per date
    ValueTimeline timeline;
    std::vector<BruteEntry> entries;
    uint64_t position = 0;
    for (int i = 0; i < count; ++i) {
      position += static_cast<uint64_t>(uniform(1, 3));
      const BruteEntry entry{kMarch + uniform(0, days), position, std::nullopt,
                             entries.size()};
      timeline.Add(entry.date, entry.position, entry.index);
      entries.push_back(entry);
      // A correction, recorded now, of an earlier value.
      if (uniform(0, 2) == 0) {
        BruteEntry& replaced = entries[static_cast<size_t>(uniform(0, i))];
        const uint64_t by = position + 1;
        timeline.Supersede(replaced.date, replaced.position, by);
        replaced.superseded_at =
            std::min(replaced.superseded_at.value_or(by), by);
      }
    }
    ASSERT_EQ(timeline.size(), entries.size());
    for (int q = 0; q < 200; ++q) {
      const absl::CivilDay day = kMarch + uniform(-5, days + 5);
      const uint64_t known_at = uniform(0, 9) == 0
                                    ? kKnownNow
                                    : static_cast<uint64_t>(uniform(
                                          0, static_cast<int>(position) + 2));
      const std::vector<size_t> latest =
          BruteBetween(entries, absl::CivilDay(0, 1, 1), day, known_at, 1);
      const ptrdiff_t want =
          latest.empty() ? -1 : static_cast<ptrdiff_t>(latest.front());
      ASSERT_EQ(timeline.ValueOn(day, known_at), want)
          << "as of " << day << " known at " << known_at;
      const absl::CivilDay first = day - uniform(0, 60);
      const size_t limit = static_cast<size_t>(uniform(0, 80));
      ASSERT_EQ(timeline.ValuesBetween(first, day, known_at, limit),
                BruteBetween(entries, first, day, known_at, limit))
          << "between " << first << " and " << day << " known at " << known_at
          << " limit " << limit;
    }
  }
}

// Timelines like an indicator's in a long log: values recorded mostly in
// date order, some backdated by up to 120 days, a few corrected soon
// after, and long enough for several levels of summaries. Checked against
// a brute-force scan while they grow, so that the summaries kept up to date
// value by value are checked too.
TEST(ValueTimelineTest, AgreesWithABruteForceScanOnLongLogLikeTimelines) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    auto uniform = [&rng](int low, int high) {
      return std::uniform_int_distribution<int>(low, high)(rng);
    };
    const int count = uniform(3000, 12000);
    const int days = 700;
    ValueTimeline timeline;
    std::vector<BruteEntry> entries;
    uint64_t position = 0;
    for (int i = 0; i < count; ++i) {
      position += static_cast<uint64_t>(uniform(1, 400));
      int day = i * days / count;
      if (uniform(0, 19) == 0) day -= uniform(0, 120);
      const BruteEntry entry{kMarch + day, position, std::nullopt,
                             entries.size()};
      timeline.Add(entry.date, entry.position, entry.index);
      entries.push_back(entry);
      if (uniform(0, 49) == 0) {
        BruteEntry& replaced =
            entries[static_cast<size_t>(uniform(std::max(0, i - 20), i))];
        const uint64_t by = position + 1;
        timeline.Supersede(replaced.date, replaced.position, by);
        replaced.superseded_at =
            std::min(replaced.superseded_at.value_or(by), by);
      }
      if ((i + 1) % (count / 4) != 0 && i + 1 != count) continue;
      for (int q = 0; q < 50; ++q) {
        const absl::CivilDay as_of = kMarch + uniform(-5, 2 * days);
        const uint64_t known_at =
            uniform(0, 9) == 0
                ? kKnownNow
                : static_cast<uint64_t>(uniform(0, static_cast<int>(position)));
        const std::vector<size_t> latest =
            BruteBetween(entries, absl::CivilDay(0, 1, 1), as_of, known_at, 1);
        const ptrdiff_t want =
            latest.empty() ? -1 : static_cast<ptrdiff_t>(latest.front());
        ASSERT_EQ(timeline.ValueOn(as_of, known_at), want)
            << "as of " << as_of << " known at " << known_at << " after "
            << i + 1;
        ptrdiff_t together = -1;
        ValueTimeline::ValuesOn({&timeline}, as_of, known_at,
                                [&together](size_t, size_t handle) {
                                  together = static_cast<ptrdiff_t>(handle);
                                });
        ASSERT_EQ(together, want)
            << "ValuesOn as of " << as_of << " known at " << known_at;
        const absl::CivilDay first = as_of - uniform(0, 400);
        ASSERT_EQ(timeline.ValuesBetween(first, as_of, known_at, 40),
                  BruteBetween(entries, first, as_of, known_at, 40))
            << "between " << first << " and " << as_of << " known at "
            << known_at << " after " << i + 1;
      }
    }
  }
}

// 16 blocks of 16 values make a segment of the search index. Values added
// in front of 257 others (two segments) shift every block's and segment's
// first day; each value must still be found from its own day on.
TEST(ValueTimelineTest, OutOfOrderAddsKeepTheSearchIndexRight) {
  ValueTimeline timeline;
  constexpr int kCount = 257;
  for (int i = 0; i < kCount; ++i) {
    timeline.Add(kMarch + 10 + 2 * i, static_cast<uint64_t>(100 + i),
                 static_cast<size_t>(i));
  }
  for (int i = 0; i < 5; ++i) {
    timeline.Add(kMarch + i, static_cast<uint64_t>(1000 + i),
                 static_cast<size_t>(kCount + i));
  }
  EXPECT_EQ(timeline.ValueOn(kMarch - 1, kKnownNow), -1);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(timeline.ValueOn(kMarch + i, kKnownNow), kCount + i) << i;
  }
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(timeline.ValueOn(kMarch + 10 + 2 * i, kKnownNow), i) << i;
    ASSERT_EQ(timeline.ValueOn(kMarch + 11 + 2 * i, kKnownNow), i) << i;
  }
  EXPECT_EQ(timeline.ValueOn(kMarch + 600, 99), -1);
  EXPECT_EQ(timeline.ValueOn(kMarch + 600, 150), 50);
  EXPECT_EQ(timeline.ValueOn(kMarch + 4, 999), -1);
}

// A whole-plan read looks all the timelines up together; the answers must
// be those of one lookup after the other, empty timelines included.
TEST(ValueTimelineTest, LookingUpManyAtOnceAnswersAsOneByOne) {
  std::mt19937 rng(7);
  auto uniform = [&rng](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(rng);
  };
  std::vector<ValueTimeline> timelines(12);
  uint64_t position = 0;
  for (size_t t = 1; t < timelines.size(); ++t) {
    const int count = t == 1 ? 1 : uniform(2, 3000);
    for (int i = 0; i < count; ++i) {
      position += static_cast<uint64_t>(uniform(1, 50));
      const int day = i * 700 / count - (uniform(0, 19) == 0 ? 90 : 0);
      timelines[t].Add(kMarch + day, position, static_cast<size_t>(i));
      if (uniform(0, 49) == 0) {
        timelines[t].Supersede(kMarch + day, position, position + 7);
      }
    }
  }
  std::vector<const ValueTimeline*> all;
  for (const ValueTimeline& timeline : timelines) all.push_back(&timeline);
  std::vector<ptrdiff_t> handles;
  for (int q = 0; q < 300; ++q) {
    const absl::CivilDay as_of = kMarch + uniform(-100, 900);
    const uint64_t known_at =
        uniform(0, 9) == 0
            ? kKnownNow
            : static_cast<uint64_t>(uniform(0, static_cast<int>(position)));
    handles.assign(timelines.size(), -1);
    ValueTimeline::ValuesOn(all, as_of, known_at, [&](size_t t, size_t handle) {
      ASSERT_EQ(handles[t], -1) << "found twice";
      handles[t] = static_cast<ptrdiff_t>(handle);
    });
    for (size_t t = 0; t < timelines.size(); ++t) {
      ASSERT_EQ(handles[t], timelines[t].ValueOn(as_of, known_at))
          << "timeline " << t << " as of " << as_of << " known at " << known_at;
    }
  }
}

}  // namespace
}  // namespace koers::services
