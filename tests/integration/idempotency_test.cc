// Idempotent retries over gRPC against the real koersd (sample plan): a write
// resent with its client event id after a lost answer returns the original
// result and writes nothing, also after a restart; the same id with other
// content is ALREADY_EXISTS.
#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"

namespace koers::integration {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::koers::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// The example id of the API documentation.
constexpr char kDocumentedId[] = "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6";

class IdempotencyTest : public SharedServerTest<IdempotencyTest> {
 public:
  static std::vector<std::string> Flags() { return {"--plan=sample"}; }
};

// Expects `retry` to report `original` again, as a duplicate.
void ExpectSameWrite(const v1::WriteResult& retry,
                     const v1::WriteResult& original) {
  EXPECT_TRUE(retry.duplicate());
  EXPECT_EQ(retry.event_id(), original.event_id());
  EXPECT_EQ(retry.stream(), original.stream());
  EXPECT_EQ(retry.stream_revision(), original.stream_revision());
  EXPECT_EQ(retry.position(), original.position());
  EXPECT_TRUE(
      MessageDifferencer::Equals(retry.record_time(), original.record_time()));
}

// Writes `submission`, then resends it as is and with its id in upper case:
// both retries return the original result and write nothing.
v1::WriteResult ExpectRetriesAreDuplicates(KoersClient& client,
                                           const v1::Submission& submission) {
  SCOPED_TRACE(submission.ShortDebugString());
  absl::StatusOr<v1::WriteResult> original = client.Submit(submission);
  EXPECT_TRUE(original.ok()) << original.status();
  if (!original.ok()) return v1::WriteResult();
  EXPECT_FALSE(original->duplicate());
  v1::Submission upper_case = submission;
  v1::WriteOptions* options = MutableOptions(&upper_case);
  EXPECT_EQ(original->event_id(), options->event_id());
  options->set_event_id(absl::AsciiStrToUpper(options->event_id()));
  const uint64_t head = HeadOf(client);
  for (const v1::Submission& retry : {submission, upper_case}) {
    absl::StatusOr<v1::WriteResult> again = client.Submit(retry);
    EXPECT_TRUE(again.ok()) << again.status();
    if (again.ok()) ExpectSameWrite(*again, *original);
  }
  ExpectHeadIs(client, head);
  return *original;
}

TEST_F(IdempotencyTest, RetryOfEveryKindOfWriteReturnsTheOriginalResult) {
  KoersClient client = Client();
  const v1::WriteResult measured = ExpectRetriesAreDuplicates(
      client, Measurement("SD4.A1.I1", 3, kPastDate, kDocumentedId));
  ExpectRetriesAreDuplicates(
      client,
      Correction(measured.event_id(), 4, "miscounted", ClientEventId(0x1d, 1)));
  // A retried status change is not refused as a change to the status the
  // action already has.
  ExpectRetriesAreDuplicates(
      client, StatusChange("SD4.A3", v1::ACTION_STATUS_IN_PROGRESS, kPastDate,
                           ClientEventId(0x1d, 2)));
  ExpectRetriesAreDuplicates(
      client,
      FicheUpdate("SD4.A3", 2026, "yearly update", ClientEventId(0x1d, 3)));
}

TEST_F(IdempotencyTest, SameIdWithOtherContentIsAlreadyExists) {
  KoersClient client = Client();
  const std::string id = ClientEventId(0x1e, 1);
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult original,
      client.Submit(Measurement("SD4.A1.I2", 80, kPastDate, id)));
  const uint64_t head = HeadOf(client);
  for (const v1::Submission& other :
       {Measurement("SD4.A1.I2", 81, kPastDate, id),
        Measurement("SD4.A1.I2", 80, "2026-03-30", id),
        Measurement("SD4.A3.I2", 80, kPastDate, id),
        FicheUpdate("SD4.A1", 2026, "text", id)}) {
    SCOPED_TRACE(other.ShortDebugString());
    EXPECT_THAT(client.Submit(other),
                StatusIs(absl::StatusCode::kAlreadyExists,
                         HasSubstr(absl::StrCat("event_id: ", id))));
    EXPECT_THAT(client.SubmitBatch({other}),
                StatusIs(absl::StatusCode::kAlreadyExists));
  }
  ExpectHeadIs(client, head);
  ASSERT_OK_AND_ASSIGN(const v1::Event stored,
                       client.EventAt(original.position()));
  EXPECT_EQ(stored.measurement_recorded().number(), 80);
}

TEST_F(IdempotencyTest, RetryOfABatchReturnsTheOriginalResults) {
  KoersClient client = Client();
  const std::vector<v1::Submission> batch = {
      Measurement("SD4.A3.I1", 40, kPastDate, ClientEventId(0x1f, 1)),
      Measurement("SD4.A3.I1", 41, "2026-06-30", ClientEventId(0x1f, 2)),
      FicheUpdate("SD4.A1", 2025, "text", ClientEventId(0x1f, 3))};
  ASSERT_OK_AND_ASSIGN(const v1::SubmitBatchResponse original,
                       client.SubmitBatch(batch));
  ASSERT_THAT(original.results(), SizeIs(3));
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(const v1::SubmitBatchResponse retry,
                       client.SubmitBatch(batch));
  ASSERT_THAT(retry.results(), SizeIs(3));
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(absl::StrCat("results[", i, "]"));
    ExpectSameWrite(retry.results(i), original.results(i));
  }
  // Stored ids with a new one: a retry must resend the batch exactly.
  std::vector<v1::Submission> extended = batch;
  extended.push_back(
      Measurement("SD4.A3.I1", 42, "2026-07-31", ClientEventId(0x1f, 4)));
  EXPECT_THAT(client.SubmitBatch(extended),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ExpectHeadIs(client, head);
}

TEST(IdempotencyAcrossRestartTest, RetryAfterARestartIsStillADuplicate) {
  TestServer server({"--plan=sample"});
  ASSERT_TRUE(server.status().ok()) << server.status();
  const v1::Submission submission =
      Measurement("SD1.A2.I2", 300, kPastDate, kDocumentedId);
  v1::WriteResult original;
  {
    KoersClient client = server.Client();
    ASSERT_OK_AND_ASSIGN(original, client.Submit(submission));
  }
  ASSERT_EQ(server.Stop(SIGTERM), 0) << server.process().Log();
  ASSERT_TRUE(server.Restart().ok());

  KoersClient client = server.Client();
  const uint64_t head = HeadOf(client);
  EXPECT_EQ(head, original.position());
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult retry, client.Submit(submission));
  ExpectSameWrite(retry, original);
  EXPECT_THAT(
      client.Submit(Measurement("SD1.A2.I2", 301, kPastDate, kDocumentedId)),
      StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("event_id")));
  ExpectHeadIs(client, head);
}

}  // namespace
}  // namespace koers::integration
