// QueryService.Subscribe over gRPC against the real koersd (sample plan,
// --subscriber_max_lag=20): catch-up in log order, CaughtUp, live delivery,
// and a subscriber that stops reading while the log grows being ended with
// RESOURCE_EXHAUSTED and the position to resume from.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"

namespace koers::integration {
namespace {

using ::koers::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr uint64_t kMaxLag = 20;

class SubscribeTest : public SharedServerTest<SubscribeTest> {
 public:
  static std::vector<std::string> Flags() {
    return {"--plan=sample", absl::StrCat("--subscriber_max_lag=", kMaxLag)};
  }
};

// Reads the events up to CaughtUp, expecting them at positions `from`,
// `from` + 1, ... ; the CaughtUp position.
uint64_t ReadUntilCaughtUp(Subscription& subscription, uint64_t from) {
  uint64_t expected = from;
  v1::SubscribeResponse message;
  while (subscription.Read(&message)) {
    if (message.has_caught_up()) return message.caught_up().position();
    EXPECT_EQ(message.event().position(), expected);
    ++expected;
  }
  ADD_FAILURE() << "the subscription ended before CaughtUp: "
                << subscription.Finish();
  return 0;
}

// The number after "from_position=" in `message`, or 0.
uint64_t ResumePosition(absl::string_view message) {
  const size_t at = message.find("from_position=");
  if (at == absl::string_view::npos) return 0;
  absl::string_view digits = message.substr(at + 14);
  size_t end = 0;
  while (end < digits.size() && absl::ascii_isdigit(digits[end])) ++end;
  uint64_t position = 0;
  return absl::SimpleAtoi(digits.substr(0, end), &position) ? position : 0;
}

TEST_F(SubscribeTest, CatchesUpInLogOrderThenDeliversLiveWrites) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_GT(head, 0u);
  std::unique_ptr<Subscription> subscription = client.Subscribe(1);
  EXPECT_EQ(ReadUntilCaughtUp(*subscription, 1), head);

  KoersClient writer = Client();
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult written,
                       writer.Submit(Measurement("SD1.A1.I2", 25)));
  v1::SubscribeResponse live;
  ASSERT_TRUE(subscription->Read(&live));
  ASSERT_TRUE(live.has_event());
  EXPECT_EQ(live.event().position(), written.position());
  EXPECT_EQ(live.event().event_id(), written.event_id());
  EXPECT_EQ(live.event().measurement_recorded().number(), 25);
}

TEST_F(SubscribeTest, StartsAtTheRequestedPosition) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_GT(head, 5u);
  std::unique_ptr<Subscription> subscription = client.Subscribe(5);
  EXPECT_EQ(ReadUntilCaughtUp(*subscription, 5), head);
  std::unique_ptr<Subscription> from_zero = client.Subscribe(0);
  EXPECT_EQ(ReadUntilCaughtUp(*from_zero, 1), head);
}

// Writes `count` measurements in one atomic batch; the last position.
uint64_t WriteBatch(KoersClient& writer, int count) {
  std::vector<v1::Submission> submissions;
  for (int i = 0; i < count; ++i) {
    submissions.push_back(Measurement("SD4.A4.I1", i));
  }
  absl::StatusOr<v1::SubmitBatchResponse> written =
      writer.SubmitBatch(submissions);
  EXPECT_TRUE(written.ok()) << written.status();
  if (!written.ok() || written->results().empty()) return 0;
  return written->results(count - 1).position();
}

TEST_F(SubscribeTest, LiveSubscriberIsKeptUpToTheLagLimit) {
  KoersClient client = Client();
  std::unique_ptr<Subscription> subscription = client.Subscribe(1);
  const uint64_t caught_up = ReadUntilCaughtUp(*subscription, 1);
  KoersClient writer(SeparateChannel(server().process().address()));

  // A batch of exactly the limit lands at once: the subscriber is that far
  // behind, not further, and gets every event.
  const uint64_t last = WriteBatch(writer, kMaxLag);
  ASSERT_EQ(last, caught_up + kMaxLag);
  v1::SubscribeResponse message;
  for (uint64_t position = caught_up + 1; position <= last; ++position) {
    ASSERT_TRUE(subscription->Read(&message)) << subscription->Finish();
    EXPECT_EQ(message.event().position(), position);
  }
  // One more than the limit at once: ended, to resume after `last`.
  WriteBatch(writer, kMaxLag + 1);
  EXPECT_FALSE(subscription->Read(&message));
  const absl::Status ended = subscription->Finish();
  EXPECT_THAT(ended, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(ResumePosition(ended.message()), last + 1) << ended;
}

TEST_F(SubscribeTest, SlowSubscriberIsEndedWithThePositionToResumeFrom) {
  KoersClient client = Client();
  std::unique_ptr<Subscription> subscription = client.Subscribe(1);
  const uint64_t caught_up = ReadUntilCaughtUp(*subscription, 1);
  ASSERT_GT(caught_up, 0u);

  // The subscriber reads nothing while another connection writes 200 events.
  KoersClient writer(SeparateChannel(server().process().address()));
  for (int batch = 0; batch < 4; ++batch) {
    std::vector<v1::Submission> submissions;
    for (int i = 0; i < 50; ++i) {
      submissions.push_back(Measurement("SD4.A4.I1", batch * 50 + i));
    }
    ASSERT_OK_AND_ASSIGN(const v1::SubmitBatchResponse written,
                         writer.SubmitBatch(submissions));
    ASSERT_THAT(written.results(), SizeIs(50));
  }
  const uint64_t head = HeadOf(writer);
  ASSERT_EQ(head, caught_up + 200);

  // What the server had sent before it gave up, then the end.
  uint64_t next = caught_up + 1;
  v1::SubscribeResponse message;
  while (subscription->Read(&message)) {
    ASSERT_TRUE(message.has_event());
    EXPECT_EQ(message.event().position(), next);
    ++next;
  }
  const absl::Status ended = subscription->Finish();
  ASSERT_THAT(ended, StatusIs(absl::StatusCode::kResourceExhausted,
                              HasSubstr("from_position=")));
  const uint64_t resume = ResumePosition(ended.message());
  EXPECT_EQ(resume, next) << "every event before it was delivered: "
                          << ended.message();
  ASSERT_GT(resume, caught_up);
  ASSERT_LE(resume, head);

  std::unique_ptr<Subscription> resumed = client.Subscribe(resume);
  EXPECT_EQ(ReadUntilCaughtUp(*resumed, resume), head);
}

}  // namespace
}  // namespace koers::integration
