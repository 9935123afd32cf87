// Every validation rule of a write, over gRPC against the real koersd with
// the sample plan: the status code, a message that names the field, and
// nothing written (the log's head stays put). Each refused submission is sent
// alone through its unary RPC, as a one-item SubmitBatch and as a one-item
// StreamSubmit, which must all refuse it alike.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"

namespace koers::integration {
namespace {

using ::koers::testing::IsOk;
using ::koers::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// Small enough that a request over it is cheap to build, large enough for
// every other request.
constexpr int kMaxMessageBytes = 256 << 10;
// Long enough for the server to handle what it was sent.
constexpr absl::Duration kServerReadsPause = absl::Milliseconds(500);

class ValidationTest : public SharedServerTest<ValidationTest> {
 public:
  static std::vector<std::string> Flags() {
    return {"--plan=sample",
            absl::StrCat("--max_message_bytes=", kMaxMessageBytes)};
  }
};

struct RefusedCase {
  std::string what;
  v1::Submission submission;
  absl::StatusCode code;
  // A part of the message: the field at fault.
  std::string field;
};

void ExpectRefused(KoersClient& client, const RefusedCase& refused) {
  SCOPED_TRACE(refused.what);
  const uint64_t head = HeadOf(client);
  const absl::StatusOr<v1::WriteResult> alone =
      client.Submit(refused.submission);
  EXPECT_THAT(alone, StatusIs(refused.code, HasSubstr(refused.field)));
  EXPECT_THAT(client.SubmitBatch({refused.submission}),
              StatusIs(refused.code, HasSubstr(refused.field)));
  const absl::StatusOr<v1::StreamSubmitResponse> streamed =
      client.StreamSubmit({refused.submission});
  ASSERT_THAT(streamed, IsOk());
  ASSERT_THAT(streamed->items(), SizeIs(1));
  EXPECT_EQ(streamed->items(0).outcome(), v1::ItemResult::OUTCOME_REJECTED);
  EXPECT_EQ(streamed->items(0).code(), static_cast<int>(refused.code));
  EXPECT_EQ(streamed->items(0).message(), alone.status().message());
  EXPECT_EQ(streamed->rejected(), 1u);
  ExpectHeadIs(client, head);
}

TEST_F(ValidationTest, UnknownActionOrIndicatorIsNotFound) {
  KoersClient client = Client();
  const std::vector<RefusedCase> cases = {
      {"measurement of an unknown indicator", Measurement("SD1.A1.I9", 5),
       absl::StatusCode::kNotFound, "indicator_id"},
      {"measurement of an indicator of an unknown action",
       Measurement("SD7.A1.I1", 5), absl::StatusCode::kNotFound,
       "indicator_id"},
      {"status change of an unknown action",
       StatusChange("SD1.A9", v1::ACTION_STATUS_IN_PROGRESS),
       absl::StatusCode::kNotFound, "action_id"},
      {"fiche update of an unknown action", FicheUpdate("SD9.A1", 2026),
       absl::StatusCode::kNotFound, "action_id"},
  };
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);
}

TEST_F(ValidationTest, ValueOfTheWrongKindIsInvalid) {
  KoersClient client = Client();
  const std::vector<RefusedCase> cases = {
      {"a number for a qualitative indicator", Measurement("SD1.A3.I1", 2),
       absl::StatusCode::kInvalidArgument, "level"},
      {"a level for a quantitative indicator",
       LevelMeasurement("SD1.A1.I1", kLevelPartly),
       absl::StatusCode::kInvalidArgument, "number"},
      {"a level not on the indicator's scale",
       LevelMeasurement("SD1.A3.I1", "half done"),
       absl::StatusCode::kInvalidArgument, "level"},
      {"another scale's level", LevelMeasurement("SD1.A3.I1", "in uitvoering"),
       absl::StatusCode::kInvalidArgument, "level"},
  };
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);
}

TEST_F(ValidationTest, NonFiniteOrOutOfRangeNumberIsInvalid) {
  KoersClient client = Client();
  const double infinity = std::numeric_limits<double>::infinity();
  const std::vector<RefusedCase> cases = {
      {"NaN", Measurement("SD1.A1.I1", std::nan("")),
       absl::StatusCode::kInvalidArgument, "number"},
      {"+infinity", Measurement("SD1.A2.I1", infinity),
       absl::StatusCode::kInvalidArgument, "number"},
      {"-infinity", Measurement("SD1.A2.I1", -infinity),
       absl::StatusCode::kInvalidArgument, "number"},
      {"above max_allowed 100", Measurement("SD1.A1.I1", 100.5),
       absl::StatusCode::kInvalidArgument, "number"},
      {"below min_allowed 0", Measurement("SD1.A2.I1", -1),
       absl::StatusCode::kInvalidArgument, "number"},
      {"above max_allowed 365", Measurement("SD1.A1.I3", 366),
       absl::StatusCode::kInvalidArgument, "number"},
  };
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);
}

TEST_F(ValidationTest, DateOutsideThePlanPeriodOrAfterTodayIsInvalid) {
  KoersClient client = Client();
  // Two days ahead: after the server's today even across midnight.
  const std::string future = DateFromToday(2);
  v1::Submission period_after_date = Measurement("SD1.A2.I1", 3, "2026-03-31");
  period_after_date.mutable_measurement()->set_period_start("2026-04-01");
  v1::Submission fiche_in_future = FicheUpdate("SD1.A2", 2026);
  fiche_in_future.mutable_fiche_update()->set_date(future);
  const std::vector<RefusedCase> cases = {
      {"measured before the period", Measurement("SD1.A2.I1", 3, "2024-12-31"),
       absl::StatusCode::kInvalidArgument, "date"},
      {"measured after the period", Measurement("SD1.A2.I1", 3, "2030-01-01"),
       absl::StatusCode::kInvalidArgument, "date"},
      {"measured after today", Measurement("SD1.A2.I1", 3, future),
       absl::StatusCode::kInvalidArgument, "after today"},
      {"no such day", Measurement("SD1.A2.I1", 3, "2026-02-30"),
       absl::StatusCode::kInvalidArgument, "date"},
      {"not ISO", Measurement("SD1.A2.I1", 3, "31/03/2026"),
       absl::StatusCode::kInvalidArgument, "date"},
      {"no date", Measurement("SD1.A2.I1", 3, ""),
       absl::StatusCode::kInvalidArgument, "date"},
      {"period start after the date", period_after_date,
       absl::StatusCode::kInvalidArgument, "period_start"},
      {"status change effective after today",
       StatusChange("SD1.A2", v1::ACTION_STATUS_IN_PROGRESS, future),
       absl::StatusCode::kInvalidArgument, "effective_date"},
      {"status change effective before the period",
       StatusChange("SD1.A2", v1::ACTION_STATUS_IN_PROGRESS, "2024-06-30"),
       absl::StatusCode::kInvalidArgument, "effective_date"},
      {"fiche update dated after today", fiche_in_future,
       absl::StatusCode::kInvalidArgument, "date"},
      {"fiche update for a year after the period", FicheUpdate("SD1.A2", 2030),
       absl::StatusCode::kInvalidArgument, "year"},
      {"fiche update for a year before the period", FicheUpdate("SD1.A2", 2024),
       absl::StatusCode::kInvalidArgument, "year"},
  };
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);
}

TEST_F(ValidationTest, IllegalStatusTransitionFailsPrecondition) {
  KoersClient client = Client();
  ASSERT_THAT(client.Submit(StatusChange("SD1.A4", v1::ACTION_STATUS_STOPPED,
                                         "2026-02-01")),
              IsOk());
  ASSERT_THAT(client.Submit(StatusChange(
                  "SD4.A1", v1::ACTION_STATUS_IN_PROGRESS, "2026-02-01")),
              IsOk());
  v1::Submission unspecified =
      StatusChange("SD2.A1", v1::ACTION_STATUS_UNSPECIFIED);
  const std::vector<RefusedCase> cases = {
      {"planned to completed",
       StatusChange("SD2.A1", v1::ACTION_STATUS_COMPLETED),
       absl::StatusCode::kFailedPrecondition, "status"},
      {"planned to planned", StatusChange("SD2.A1", v1::ACTION_STATUS_PLANNED),
       absl::StatusCode::kFailedPrecondition, "status"},
      {"stopped is final",
       StatusChange("SD1.A4", v1::ACTION_STATUS_IN_PROGRESS, "2026-03-01"),
       absl::StatusCode::kFailedPrecondition, "status"},
      {"in progress to in progress",
       StatusChange("SD4.A1", v1::ACTION_STATUS_IN_PROGRESS, "2026-03-01"),
       absl::StatusCode::kFailedPrecondition, "status"},
      {"effective before the previous change",
       StatusChange("SD4.A1", v1::ACTION_STATUS_DELAYED, "2026-01-31"),
       absl::StatusCode::kInvalidArgument, "effective_date"},
      {"no status", unspecified, absl::StatusCode::kInvalidArgument, "status"},
  };
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);
}

TEST_F(ValidationTest, CorrectingAnUnknownEventIsNotFound) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult status_change,
      client.Submit(StatusChange("SD3.A2", v1::ACTION_STATUS_IN_PROGRESS)));
  const std::vector<RefusedCase> cases = {
      {"an id never stored", Correction(ClientEventId(0xc0, 404), 5),
       absl::StatusCode::kNotFound, "supersedes_event_id"},
      {"an event that is not a measurement",
       Correction(status_change.event_id(), 5),
       absl::StatusCode::kFailedPrecondition, "supersedes_event_id"},
  };
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);
}

TEST_F(ValidationTest, MalformedEventIdsAreInvalid) {
  KoersClient client = Client();
  std::vector<RefusedCase> cases;
  for (const std::string malformed :
       {"not-a-uuid", "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f",
        "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5fg",
        "0190f5e26a1b7c3d8e4fa1b2c3d4e5f6",
        "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6x"}) {
    cases.push_back({"options.event_id " + malformed,
                     Measurement("SD1.A2.I1", 4, kPastDate, malformed),
                     absl::StatusCode::kInvalidArgument, "options.event_id"});
    cases.push_back(
        {"supersedes_event_id " + malformed, Correction(malformed, 4),
         absl::StatusCode::kInvalidArgument, "supersedes_event_id"});
  }
  cases.push_back(
      {"status change with a malformed id",
       StatusChange("SD1.A2", v1::ACTION_STATUS_IN_PROGRESS, kPastDate, "xyz"),
       absl::StatusCode::kInvalidArgument, "options.event_id"});
  cases.push_back({"fiche update with a malformed id",
                   FicheUpdate("SD1.A2", 2026, "text", "12345678"),
                   absl::StatusCode::kInvalidArgument, "options.event_id"});
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);
}

TEST_F(ValidationTest, EmptyOrOversizedTextIsInvalid) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult measured,
                       client.Submit(Measurement("SD2.A1.I2", 11)));
  const std::string too_long(2001, 'x');
  v1::Submission long_comment = Measurement("SD2.A1.I2", 11, "2026-04-30");
  long_comment.mutable_measurement()->set_comment(too_long);
  v1::Submission long_correction_comment = Correction(measured.event_id(), 12);
  long_correction_comment.mutable_correction()->set_comment(too_long);
  v1::Submission status_without_reason =
      StatusChange("SD2.A1", v1::ACTION_STATUS_IN_PROGRESS);
  status_without_reason.mutable_status_change()->clear_reason();
  v1::Submission status_long_reason =
      StatusChange("SD2.A1", v1::ACTION_STATUS_IN_PROGRESS);
  status_long_reason.mutable_status_change()->set_reason(too_long);
  const std::vector<RefusedCase> cases = {
      {"comment over 2,000 bytes", long_comment,
       absl::StatusCode::kInvalidArgument, "comment"},
      {"correction without a reason", Correction(measured.event_id(), 12, ""),
       absl::StatusCode::kInvalidArgument, "reason"},
      {"correction reason over 2,000 bytes",
       Correction(measured.event_id(), 12, too_long),
       absl::StatusCode::kInvalidArgument, "reason"},
      {"correction comment over 2,000 bytes", long_correction_comment,
       absl::StatusCode::kInvalidArgument, "comment"},
      {"status change without a reason", status_without_reason,
       absl::StatusCode::kInvalidArgument, "reason"},
      {"status change reason over 2,000 bytes", status_long_reason,
       absl::StatusCode::kInvalidArgument, "reason"},
      {"fiche update without text", FicheUpdate("SD2.A1", 2026, ""),
       absl::StatusCode::kInvalidArgument, "text"},
      {"fiche text over 20,000 bytes",
       FicheUpdate("SD2.A1", 2026, std::string(20001, 'y')),
       absl::StatusCode::kInvalidArgument, "text"},
  };
  for (const RefusedCase& refused : cases) ExpectRefused(client, refused);

  // The limits themselves are allowed.
  v1::Submission longest_comment = Measurement("SD2.A1.I2", 12, "2026-05-31");
  longest_comment.mutable_measurement()->set_comment(std::string(2000, 'x'));
  EXPECT_THAT(client.Submit(longest_comment), IsOk());
  EXPECT_THAT(
      client.Submit(FicheUpdate("SD2.A1", 2026, std::string(20000, 'y'))),
      IsOk());
}

TEST_F(ValidationTest, MessageOverMaxMessageBytesIsResourceExhausted) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  const v1::Submission huge =
      FicheUpdate("SD2.A2", 2026, std::string(kMaxMessageBytes + 1, 'z'));
  EXPECT_THAT(client.Submit(huge),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(client.SubmitBatch({huge}),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(client.StreamSubmit({huge}),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // Many items, each small, that together pass the limit.
  std::vector<v1::Submission> batch;
  v1::Submission item = Measurement("SD2.A2.I2", 40);
  item.mutable_measurement()->set_comment(std::string(1900, 'c'));
  batch.assign(kMaxMessageBytes / 1900 + 1, item);
  EXPECT_THAT(client.SubmitBatch(batch),
              StatusIs(absl::StatusCode::kResourceExhausted));
  ExpectHeadIs(client, head);
}

// A stream that fails has no per-item answer, so its client cannot tell
// what of it was written: nothing may be.
TEST_F(ValidationTest, StreamEndedByAnOversizedMessageWritesNothing) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  std::unique_ptr<SubmissionStream> stream = client.OpenStream();
  ASSERT_TRUE(stream->Write(FicheUpdate("SD2.A2", 2026)));
  // Time for the server to take the first item before the stream fails.
  absl::SleepFor(kServerReadsPause);
  stream->Write(
      FicheUpdate("SD2.A2", 2026, std::string(kMaxMessageBytes + 1, 'z')));
  EXPECT_THAT(stream->Finish(), StatusIs(absl::StatusCode::kResourceExhausted));
  // The server may still be handling the failed call.
  absl::SleepFor(kServerReadsPause);
  ExpectHeadIs(client, head);
}

TEST_F(ValidationTest, StreamClosedWithoutCommitWritesNothing) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  std::unique_ptr<SubmissionStream> stream = client.OpenStream();
  ASSERT_TRUE(stream->Write(FicheUpdate("SD2.A2", 2026)));
  EXPECT_THAT(stream->Finish(/*commit=*/false),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("without a message with commit set")));
  ExpectHeadIs(client, head);
}

}  // namespace
}  // namespace koers::integration
