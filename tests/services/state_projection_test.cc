// The projector's entries, byte for byte: a rebuild must reproduce exactly
// what appends stored, whatever code wrote them, so the encoding is checked
// against one built from the format's own functions (storage/log_keys.h,
// storage::ParseEventId).
#include "services/state_projection.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/civil_date.h"
#include "storage/event_id.h"
#include "storage/log_keys.h"

namespace koers::services {
namespace {

namespace keys = storage::log_keys;
using ::testing::ElementsAre;
using ::testing::Pair;

using Entries = std::vector<std::pair<std::string, std::string>>;

class RecordingSink final : public storage::ProjectionSink {
 public:
  void Put(absl::string_view key, absl::string_view value) override {
    entries.emplace_back(key, value);
  }
  Entries entries;
};

Entries Project(const v1::Event& event) {
  RecordingSink sink;
  ProjectEvent(event, &sink);
  return sink.entries;
}

std::string BigEndian64(uint64_t value) {
  std::string bytes;
  keys::AppendBigEndian64(value, &bytes);
  return bytes;
}

// 16 zero bytes for an id that is not a UUID.
std::string RawId(const std::string& id) {
  auto raw = storage::ParseEventId(id, "id");
  return raw.ok() ? *raw : std::string(16, '\0');
}

// The day of a date that is not valid is 1970-01-01.
std::string ValueKey(const v1::Event& event) {
  auto day = storage::ParseIsoDate(event.valid_date(), "date");
  return "V" + keys::ValidTimeKey(event.stream(),
                                  day.ok() ? storage::DaysSinceEpoch(*day) : 0,
                                  event.position());
}

constexpr double kNumber = -1234.5;

std::string NumberBytes(double number) {
  uint64_t bits;
  std::memcpy(&bits, &number, sizeof bits);
  return BigEndian64(bits);
}

v1::Event Recorded(std::string id, std::string date, uint64_t position) {
  v1::Event event;
  event.set_event_id(std::move(id));
  event.set_stream("SD2.A14.I3");
  event.set_stream_revision(position + 7);
  event.set_position(position);
  event.set_valid_date(std::move(date));
  event.mutable_measurement_recorded()->set_number(kNumber);
  return event;
}

TEST(ProjectEventTest, ValuesAreEncodedAsTheLayoutSays) {
  // Dates repeat, come back and are malformed; ids in both cases, malformed
  // and of the wrong shape.
  const std::vector<v1::Event> events = {
      Recorded("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6", "2026-03-31", 1),
      Recorded("0190F5E2-6A1B-7C3D-8E4F-A1B2C3D4E5F7", "2026-03-31", 2),
      Recorded("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f8", "2024-02-29", 300),
      Recorded("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5g8", "2026-03-31", 4),
      Recorded("0190f5e2-6a1b-7c3d-8e4f_a1b2c3d4e5f8", "2026-02-30", 5),
      Recorded("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f", "", 6),
      Recorded("", "2026-3-31", 7),
      Recorded("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6", "", 1ull << 40),
  };
  for (const v1::Event& event : events) {
    SCOPED_TRACE(event.ShortDebugString());
    EXPECT_THAT(
        Project(event),
        ElementsAre(Pair(ValueKey(event), BigEndian64(event.stream_revision()) +
                                              '\x01' + RawId(event.event_id()) +
                                              NumberBytes(kNumber))));
  }
}

TEST(ProjectEventTest, ALevelAndACorrectionKeepTheirBytes) {
  v1::Event level =
      Recorded("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6", "2027-12-31", 42);
  level.mutable_measurement_recorded()->set_level(std::string("hoog\0!", 6));
  EXPECT_THAT(
      Project(level),
      ElementsAre(Pair(ValueKey(level), BigEndian64(level.stream_revision()) +
                                            '\x00' + RawId(level.event_id()) +
                                            std::string("hoog\0!", 6))));

  v1::Event correction =
      Recorded("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f9", "2027-12-30", 43);
  v1::MeasurementCorrected* corrected =
      correction.mutable_measurement_corrected();
  corrected->set_supersedes_event_id("0190F5E2-6A1B-7C3D-8E4F-A1B2C3D4E5F6");
  corrected->set_number(0.1);
  EXPECT_THAT(Project(correction),
              ElementsAre(Pair(ValueKey(correction),
                               BigEndian64(correction.stream_revision()) +
                                   '\x03' + RawId(correction.event_id()) +
                                   RawId(corrected->supersedes_event_id()) +
                                   NumberBytes(0.1))));

  corrected->set_supersedes_event_id("not an id");
  corrected->set_level("laag");
  EXPECT_THAT(Project(correction),
              ElementsAre(Pair(ValueKey(correction),
                               BigEndian64(correction.stream_revision()) +
                                   '\x02' + RawId(correction.event_id()) +
                                   std::string(16, '\0') + "laag")));
}

TEST(ProjectEventTest, OtherEventsAreStoredWhole) {
  v1::Event status;
  status.set_event_id("0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6");
  status.set_stream("SD1.A3");
  status.set_stream_revision(2);
  status.set_position(9);
  status.set_valid_date("2026-01-15");
  status.mutable_action_status_changed()->set_reason("started");
  EXPECT_THAT(Project(status),
              ElementsAre(Pair("E" + keys::StreamKey("SD1.A3", 2),
                               status.SerializeAsString())));
}

}  // namespace
}  // namespace koers::services
