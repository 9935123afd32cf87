#include "storage/event_id.h"

#include "absl/container/flat_hash_set.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace koers::storage {
namespace {

using ::koers::testing::StatusIs;
using ::testing::HasSubstr;

TEST(EventIdTest, ParsesAndFormatsCanonically) {
  ASSERT_OK_AND_ASSIGN(
      const std::string raw,
      ParseEventId("0190F5E2-6A1B-7C3D-8E4F-A1B2C3D4E5F6", "event_id"));
  EXPECT_EQ(raw.size(), 16u);
  EXPECT_EQ(FormatEventId(raw), "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6");
}

TEST(EventIdTest, RefusesMalformedIdsNamingTheField) {
  for (const char* bad : {"", "not-a-uuid", "0190f5e26a1b7c3d8e4fa1b2c3d4e5f6",
                          "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5fg",
                          "0190f5e2-6a1b-7c3d-8e4fa-1b2c3d4e5f6",
                          "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6-"}) {
    EXPECT_THAT(ParseEventId(bad, "events[1].event_id"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("events[1].event_id")))
        << bad;
  }
}

// The allocation-free decoder behind ParseEventId, which a rebuild and
// the in-memory state call for every value: the same bytes, and no to
// every byte that is not a hex digit where one belongs.
TEST(EventIdTest, DecodesWithoutAllocatingExactlyWhatParseAccepts) {
  const std::string id = "0190F5E2-6A1B-7C3D-8E4F-a1b2c3d4e5f6";
  char raw[kRawEventIdSize];
  ASSERT_TRUE(DecodeEventId(id, raw));
  ASSERT_OK_AND_ASSIGN(const std::string parsed, ParseEventId(id, "id"));
  EXPECT_EQ(std::string(raw, sizeof raw), parsed);
  for (const char near : {'/', ':', '@', 'G', '`', 'g', '-', ' ', '\xff'}) {
    for (const size_t at : {0u, 7u, 9u, 35u}) {
      std::string bad = id;
      bad[at] = near;
      EXPECT_FALSE(DecodeEventId(bad, raw)) << bad;
      EXPECT_FALSE(ParseEventId(bad, "id").ok()) << bad;
    }
  }
  EXPECT_FALSE(DecodeEventId(id.substr(1), raw));
  EXPECT_FALSE(DecodeEventId("0190f5e2-6a1b-7c3d-8e4fa-1b2c3d4e5f6", raw));
}

TEST(EventIdTest, NewIdsAreVersion7UniqueAndParse) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_OK_AND_ASSIGN(const std::string id, NewEventId(absl::Now()));
    EXPECT_EQ(id[14], '7') << id;
    EXPECT_OK(ParseEventId(id, "id"));
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
}

TEST(EventIdTest, NewIdsSortByTime) {
  const absl::Time t = absl::FromUnixSeconds(1800000000);
  ASSERT_OK_AND_ASSIGN(const std::string earlier, NewEventId(t));
  ASSERT_OK_AND_ASSIGN(const std::string later,
                       NewEventId(t + absl::Milliseconds(1)));
  EXPECT_LT(earlier, later);
}

}  // namespace
}  // namespace koers::storage
