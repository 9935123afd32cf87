#include "storage/log_keys.h"

#include "gtest/gtest.h"

namespace koers::storage::log_keys {
namespace {

TEST(LogKeysTest, PositionKeysSortNumerically) {
  EXPECT_LT(PositionKey(255), PositionKey(256));
  EXPECT_LT(PositionKey(1), PositionKey(1ull << 40));
  EXPECT_EQ(DecodeBigEndian64(PositionKey(0x0102030405060708ull)),
            0x0102030405060708ull);
}

TEST(LogKeysTest, StreamKeysDoNotMixStreamsSharingAPrefix) {
  // Every key of "SD1" sorts before any key of "SD1.A1", so a prefix scan of
  // SD1 never reads SD1.A1's events.
  EXPECT_LT(StreamKey("SD1", ~0ull), StreamKey("SD1.A1", 0));
  EXPECT_EQ(StreamKey("SD1", 7).substr(0, 4), StreamPrefix("SD1"));
}

TEST(LogKeysTest, ValidTimeKeysOrderByDayThenPositionIncludingBeforeEpoch) {
  EXPECT_LT(ValidTimeKey("I", -1, 99), ValidTimeKey("I", 0, 1));
  EXPECT_LT(ValidTimeKey("I", 20000, 5), ValidTimeKey("I", 20000, 6));
  EXPECT_LT(ValidTimeKey("I", 20000, 99), ValidTimeKey("I", 20001, 1));
  int32_t day = 0;
  uint64_t position = 0;
  DecodeValidTimeKey(ValidTimeKey("SD2.A1.I3", -365, 42), 9, &day, &position);
  EXPECT_EQ(day, -365);
  EXPECT_EQ(position, 42u);
}

}  // namespace
}  // namespace koers::storage::log_keys
