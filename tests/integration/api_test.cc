// The koers.v1 API over gRPC against the real koersd with the sample plan:
// every write and read RPC on its happy path, atomic batches, streamed pushes
// item by item, the raw log and its verification, health and reflection.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/progress_lookup.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"

namespace koers::integration {
namespace {

using ::koers::testing::IsOk;
using ::koers::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// IngestService.StreamSubmit takes at most this many items.
constexpr int kMaxStreamItems = 100000;

class ApiTest : public SharedServerTest<ApiTest> {
 public:
  static std::vector<std::string> Flags() { return {"--plan=sample"}; }
};

// The current year in the server's calendar.
int ThisYear() {
  int year = 0;
  EXPECT_TRUE(absl::SimpleAtoi(DateFromToday(0).substr(0, 4), &year));
  return year;
}

// Expects `result` to be a fresh write to `stream` at `position`, and the
// event stored there to be what `result` says.
void ExpectWrittenAt(KoersClient& client, const v1::WriteResult& result,
                     absl::string_view stream, uint64_t position) {
  EXPECT_EQ(result.stream(), stream);
  EXPECT_EQ(result.position(), position);
  EXPECT_FALSE(result.duplicate());
  EXPECT_TRUE(result.has_record_time());
  ASSERT_OK_AND_ASSIGN(const v1::Event event, client.EventAt(position));
  EXPECT_EQ(event.event_id(), result.event_id());
  EXPECT_EQ(event.stream(), stream);
  EXPECT_EQ(event.stream_revision(), result.stream_revision());
  EXPECT_EQ(event.principal(), "local");
}

TEST_F(ApiTest, RecordAndCorrectMeasurementShowInHistoryAndProgress) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  v1::Submission measurement = Measurement("SD1.A1.I1", 70);
  measurement.mutable_measurement()->set_comment("from the yearly survey");
  measurement.mutable_measurement()->set_period_start("2026-01-01");
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult recorded,
                       client.Submit(measurement));
  ExpectWrittenAt(client, recorded, "SD1.A1.I1", head + 1);
  ASSERT_OK_AND_ASSIGN(const v1::Event stored, client.EventAt(head + 1));
  EXPECT_EQ(stored.type(), v1::EVENT_TYPE_MEASUREMENT_RECORDED);
  EXPECT_EQ(stored.valid_date(), kPastDate);
  EXPECT_EQ(stored.measurement_recorded().number(), 70);
  EXPECT_EQ(stored.measurement_recorded().period_start(), "2026-01-01");
  EXPECT_EQ(stored.measurement_recorded().comment(), "from the yearly survey");

  ASSERT_OK_AND_ASSIGN(const v1::WriteResult corrected,
                       client.Submit(Correction(recorded.event_id(), 71)));
  ExpectWrittenAt(client, corrected, "SD1.A1.I1", head + 2);
  ASSERT_OK_AND_ASSIGN(const v1::Event correction, client.EventAt(head + 2));
  EXPECT_EQ(correction.measurement_corrected().supersedes_event_id(),
            recorded.event_id());
  EXPECT_EQ(correction.valid_date(), kPastDate);

  ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse history,
                       client.GetHistory("SD1.A1.I1"));
  ASSERT_THAT(history.entries(), SizeIs(3));
  EXPECT_EQ(history.entries(0).event().type(),
            v1::EVENT_TYPE_INDICATOR_DEFINED);
  EXPECT_EQ(history.entries(1).event().event_id(), recorded.event_id());
  EXPECT_EQ(history.entries(1).superseded_by(), corrected.event_id());
  EXPECT_EQ(history.entries(2).event().event_id(), corrected.event_id());
  EXPECT_THAT(history.entries(2).superseded_by(), IsEmpty());

  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse progress,
                       client.GetProgress());
  EXPECT_EQ(progress.as_of_date(), DateFromToday(0));
  EXPECT_EQ(progress.position(), head + 2);
  const v1::IndicatorProgress* indicator = FindIndicator(progress, "SD1.A1.I1");
  ASSERT_NE(indicator, nullptr);
  EXPECT_TRUE(indicator->has_value());
  EXPECT_EQ(indicator->number(), 71);
  EXPECT_EQ(indicator->value_date(), kPastDate);
  EXPECT_EQ(indicator->value_event_id(), corrected.event_id());
  // Baseline 62, target 80: 71 is half way.
  EXPECT_DOUBLE_EQ(indicator->progress(), 0.5);
}

TEST_F(ApiTest, QualitativeMeasurementShowsItsLevelInProgress) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult recorded,
      client.Submit(LevelMeasurement("SD1.A3.I1", kLevelPartly)));
  ASSERT_OK_AND_ASSIGN(const v1::Event stored,
                       client.EventAt(recorded.position()));
  EXPECT_EQ(stored.measurement_recorded().level(), kLevelPartly);
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse progress,
                       client.GetProgress());
  const v1::IndicatorProgress* indicator = FindIndicator(progress, "SD1.A3.I1");
  ASSERT_NE(indicator, nullptr);
  EXPECT_FALSE(indicator->quantitative());
  EXPECT_EQ(indicator->level(), kLevelPartly);
  EXPECT_EQ(indicator->level_index(), 1);
  EXPECT_EQ(indicator->scale_size(), 4);
  EXPECT_FALSE(indicator->has_progress());
}

TEST_F(ApiTest, StatusChangeAndFicheUpdateShowInProgress) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult changed,
      client.Submit(
          StatusChange("SD2.A3", v1::ACTION_STATUS_IN_PROGRESS, "2026-01-15")));
  ExpectWrittenAt(client, changed, "SD2.A3", head + 1);
  ASSERT_OK_AND_ASSIGN(const v1::Event status, client.EventAt(head + 1));
  EXPECT_EQ(status.type(), v1::EVENT_TYPE_ACTION_STATUS_CHANGED);
  EXPECT_EQ(status.valid_date(), "2026-01-15");
  EXPECT_EQ(status.action_status_changed().from_status(),
            v1::ACTION_STATUS_PLANNED);
  EXPECT_EQ(status.action_status_changed().to_status(),
            v1::ACTION_STATUS_IN_PROGRESS);

  const int year = ThisYear();
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult fiche,
                       client.Submit(FicheUpdate("SD2.A3", year)));
  ExpectWrittenAt(client, fiche, "SD2.A3", head + 2);
  EXPECT_EQ(fiche.stream_revision(), changed.stream_revision() + 1);
  ASSERT_OK_AND_ASSIGN(const v1::Event update, client.EventAt(head + 2));
  EXPECT_EQ(update.fiche_updated().year(), year);
  EXPECT_EQ(update.fiche_updated().text(), "planning and state");

  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse progress,
                       client.GetProgress());
  const v1::ActionProgress* action = FindAction(progress, "SD2.A3");
  ASSERT_NE(action, nullptr);
  EXPECT_EQ(action->status(), v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(action->status_since(), "2026-01-15");
  EXPECT_EQ(action->latest_fiche_year(), year);
  EXPECT_TRUE(action->fiche_up_to_date());
  EXPECT_EQ(action->reporting_entity(), "Agentschap Justitie en Handhaving");
}

TEST_F(ApiTest, AWriteWithAnExpectedRevisionLandsOnlyOnThatRevision) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult first,
                       client.Submit(Measurement("SD1.A2.I1", 10)));

  v1::Submission next = Measurement("SD1.A2.I1", 11);
  MutableOptions(&next)->set_expected_revision(first.stream_revision());
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult second, client.Submit(next));
  EXPECT_EQ(second.stream_revision(), first.stream_revision() + 1);

  // The same expectation again is stale now: refused, nothing written.
  const uint64_t head = HeadOf(client);
  v1::Submission stale = Measurement("SD1.A2.I1", 12);
  MutableOptions(&stale)->set_expected_revision(first.stream_revision());
  EXPECT_THAT(
      client.Submit(stale),
      StatusIs(absl::StatusCode::kAborted,
               HasSubstr(absl::StrCat("expected revision ",
                                      first.stream_revision(), ", actual ",
                                      "revision ", second.stream_revision()))));
  v1::Submission change =
      StatusChange("SD1.A2", v1::ACTION_STATUS_IN_PROGRESS, "2026-01-15");
  MutableOptions(&change)->set_expected_revision(1000);
  EXPECT_THAT(client.Submit(change),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("SD1.A2")));
  ExpectHeadIs(client, head);
}

TEST_F(ApiTest, SubmitBatchWritesEverySubmissionInOrder) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(
      const v1::SubmitBatchResponse response,
      client.SubmitBatch({Measurement("SD1.A2.I1", 10, "2025-12-31"),
                          Measurement("SD1.A2.I1", 14, "2026-06-30"),
                          FicheUpdate("SD1.A2", 2025)}));
  ASSERT_THAT(response.results(), SizeIs(3));
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(absl::StrCat("results[", i, "]"));
    ExpectWrittenAt(client, response.results(i), i < 2 ? "SD1.A2.I1" : "SD1.A2",
                    head + 1 + i);
  }
  EXPECT_EQ(response.results(1).stream_revision(),
            response.results(0).stream_revision() + 1);
  ExpectHeadIs(client, head + 3);
}

TEST_F(ApiTest, SubmitBatchWithOneBadSubmissionWritesNothing) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  EXPECT_THAT(client.SubmitBatch({Measurement("SD1.A2.I2", 100),
                                  FicheUpdate("SD1.A2", 2026),
                                  Measurement("SD1.A2.I2", -5)}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("submissions[2].measurement.number")));
  EXPECT_THAT(client.SubmitBatch(
                  {Measurement("SD1.A2.I2", 100), Measurement("SD1.A2.I7", 5)}),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("submissions[1].measurement.indicator_id")));
  // One status change per action in a batch.
  EXPECT_THAT(
      client.SubmitBatch(
          {StatusChange("SD2.A2", v1::ACTION_STATUS_IN_PROGRESS, "2026-01-01"),
           StatusChange("SD2.A2", v1::ACTION_STATUS_DELAYED, "2026-02-01")}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("submissions[1]")));
  // A correction of a measurement of the same batch.
  const std::string measured = ClientEventId(0xba7c, 2);
  EXPECT_THAT(
      client.SubmitBatch({Measurement("SD1.A2.I2", 100, kPastDate, measured),
                          Correction(measured, 101, "tikfout")}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("submissions[1].correction.supersedes_event_id"),
                     HasSubstr("submissions[0]"))));
  // One new client event id twice.
  const std::string id = ClientEventId(0xba7c, 1);
  EXPECT_THAT(
      client.SubmitBatch({Measurement("SD1.A2.I2", 100, kPastDate, id),
                          Measurement("SD1.A2.I2", 101, "2026-04-30", id)}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("event_id")));
  EXPECT_THAT(
      client.SubmitBatch({}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("submissions")));
  EXPECT_THAT(
      client.SubmitBatch(
          std::vector<v1::Submission>(1001, Measurement("SD1.A2.I2", 100))),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("submissions")));
  ExpectHeadIs(client, head);
  ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse history,
                       client.GetHistory("SD1.A2.I2"));
  EXPECT_THAT(history.entries(), SizeIs(1)) << "only its definition";
}

TEST_F(ApiTest, StreamSubmitAcceptsCorrectionsOfOneIndicatorInOrder) {
  KoersClient client = Client();
  // Five measurements of one indicator, a correction of each (every one
  // writing to the stream the one before it wrote to), then a measurement
  // of another indicator: all in the log in the order sent.
  constexpr int kCount = 5;
  std::vector<v1::Submission> items;
  std::vector<std::string> ids;
  for (int i = 0; i < kCount; ++i) {
    ids.push_back(ClientEventId(0xc0ec, i));
    items.push_back(Measurement("SD3.A2.I1", 10 + i, kPastDate, ids.back()));
  }
  for (int i = 0; i < kCount; ++i) {
    items.push_back(Correction(ids[i], 20 + i));
  }
  items.push_back(Measurement("SD3.A1.I1", 7));
  ASSERT_OK_AND_ASSIGN(const v1::StreamSubmitResponse response,
                       client.StreamSubmit(items));
  ASSERT_THAT(response.items(), SizeIs(items.size()));
  EXPECT_EQ(response.accepted(), items.size());
  for (int i = 0; i < response.items_size(); ++i) {
    SCOPED_TRACE(absl::StrCat("items[", i, "]"));
    EXPECT_EQ(response.items(i).outcome(), v1::ItemResult::OUTCOME_ACCEPTED)
        << response.items(i).message();
    if (i > 0) {
      EXPECT_EQ(response.items(i).result().position(),
                response.items(i - 1).result().position() + 1);
    }
  }
}

TEST_F(ApiTest, StreamSubmitJudgesEachItemAfterTheWritesBeforeIt) {
  KoersClient client = Client();
  const std::string measured = ClientEventId(0x5eed, 1);
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult stored,
      client.Submit(Measurement("SD3.A3.I1", 5, kPastDate, measured)));
  // A second correction of one value, even with the revision the first
  // leaves, finds it corrected; a new write under an id that an earlier
  // item of the stream took is a conflicting retry.
  const std::string reused = ClientEventId(0x5eed, 2);
  v1::Submission again = Correction(measured, 7);
  MutableOptions(&again)->set_expected_revision(stored.stream_revision() + 1);
  ASSERT_OK_AND_ASSIGN(
      const v1::StreamSubmitResponse response,
      client.StreamSubmit({Correction(measured, 6), again,
                           Measurement("SD3.A3.I1", 8, kPastDate, reused),
                           StatusChange("SD3.A3", v1::ACTION_STATUS_IN_PROGRESS,
                                        kPastDate, reused)}));
  ASSERT_THAT(response.items(), SizeIs(4));
  EXPECT_EQ(response.items(0).outcome(), v1::ItemResult::OUTCOME_ACCEPTED)
      << response.items(0).message();
  EXPECT_EQ(response.items(1).outcome(), v1::ItemResult::OUTCOME_REJECTED);
  EXPECT_EQ(response.items(1).code(),
            static_cast<int>(absl::StatusCode::kFailedPrecondition))
      << response.items(1).message();
  EXPECT_EQ(response.items(2).outcome(), v1::ItemResult::OUTCOME_ACCEPTED)
      << response.items(2).message();
  EXPECT_EQ(response.items(3).code(),
            static_cast<int>(absl::StatusCode::kAlreadyExists))
      << response.items(3).message();
  EXPECT_THAT(response.items(3).message(), HasSubstr("options.event_id"));
}

TEST_F(ApiTest, SubmitBatchDryRunValidatesAndWritesNothing) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(const v1::SubmitBatchResponse response,
                       client.SubmitBatch({Measurement("SD2.A4.I1", 30),
                                           FicheUpdate("SD2.A4", 2026)},
                                          /*dry_run=*/true));
  EXPECT_THAT(response.results(), IsEmpty());
  EXPECT_THAT(client.SubmitBatch(
                  {Measurement("SD2.A4.I1", 30), Measurement("SD2.A4.I1", -1)},
                  /*dry_run=*/true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("submissions[1].measurement.number")));
  ExpectHeadIs(client, head);
}

TEST_F(ApiTest, StreamSubmitReportsEveryItemAndWritesOnlyTheGoodOnes) {
  KoersClient client = Client();
  const std::string stored_id = ClientEventId(0x57e4, 1);
  const std::string streamed_id = ClientEventId(0x57e4, 2);
  ASSERT_OK_AND_ASSIGN(
      const v1::WriteResult earlier,
      client.Submit(Measurement("SD3.A3.I1", 100, kPastDate, stored_id)));
  const uint64_t head = HeadOf(client);

  const std::vector<v1::Submission> items = {
      Measurement("SD3.A3.I1", 150, "2026-04-30", streamed_id),  // accepted
      Measurement("SD3.A3.I9", 1),                               // rejected
      Measurement("SD3.A3.I1", 150, "2026-04-30", streamed_id),  // duplicate
      Measurement("SD3.A3.I1", 100, kPastDate, stored_id),       // duplicate
      Measurement("SD3.A3.I2", 150),                             // rejected
      Measurement("SD3.A3.I1", 999, kPastDate, stored_id),       // rejected
      StatusChange("SD3.A4", v1::ACTION_STATUS_IN_PROGRESS),     // accepted
      FicheUpdate("SD3.A4", 2026),                               // accepted
  };
  ASSERT_OK_AND_ASSIGN(const v1::StreamSubmitResponse response,
                       client.StreamSubmit(items));
  using Outcome = v1::ItemResult;
  const std::vector<Outcome::Outcome> expected = {
      Outcome::OUTCOME_ACCEPTED,  Outcome::OUTCOME_REJECTED,
      Outcome::OUTCOME_DUPLICATE, Outcome::OUTCOME_DUPLICATE,
      Outcome::OUTCOME_REJECTED,  Outcome::OUTCOME_REJECTED,
      Outcome::OUTCOME_ACCEPTED,  Outcome::OUTCOME_ACCEPTED};
  ASSERT_THAT(response.items(), SizeIs(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("item ", i));
    EXPECT_EQ(response.items(i).index(), i);
    EXPECT_EQ(response.items(i).outcome(), expected[i]);
  }
  EXPECT_EQ(response.accepted(), 3u);
  EXPECT_EQ(response.duplicates(), 2u);
  EXPECT_EQ(response.rejected(), 3u);

  auto item = [&](int i) -> const v1::ItemResult& { return response.items(i); };
  EXPECT_EQ(item(1).code(), static_cast<int>(absl::StatusCode::kNotFound));
  EXPECT_THAT(item(1).message(), HasSubstr("indicator_id"));
  EXPECT_EQ(item(4).code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(item(4).message(), HasSubstr("number"));
  EXPECT_EQ(item(5).code(), static_cast<int>(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(item(5).message(), HasSubstr("event_id"));
  EXPECT_EQ(item(2).result().position(), item(0).result().position());
  EXPECT_EQ(item(2).result().event_id(), streamed_id);
  EXPECT_TRUE(item(2).result().duplicate());
  EXPECT_EQ(item(3).result().position(), earlier.position());
  EXPECT_EQ(item(3).result().event_id(), stored_id);

  // Only the accepted items were written, in stream order.
  ExpectHeadIs(client, head + 3);
  ASSERT_OK_AND_ASSIGN(const v1::ReadEventsResponse written,
                       client.ReadEvents(head + 1));
  std::vector<std::string> ids;
  for (const v1::Event& event : written.events())
    ids.push_back(event.event_id());
  EXPECT_THAT(ids, ElementsAre(streamed_id, item(6).result().event_id(),
                               item(7).result().event_id()));
}

TEST_F(ApiTest, StreamSubmitDryRunValidatesAndWritesNothing) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(const v1::StreamSubmitResponse response,
                       client.StreamSubmit({Measurement("SD3.A1.I1", 12),
                                            Measurement("SD3.A1.I2", 101),
                                            FicheUpdate("SD3.A1", 2026)},
                                           /*dry_run=*/true));
  ASSERT_THAT(response.items(), SizeIs(3));
  EXPECT_EQ(response.items(0).outcome(), v1::ItemResult::OUTCOME_VALID);
  EXPECT_EQ(response.items(1).outcome(), v1::ItemResult::OUTCOME_REJECTED);
  EXPECT_EQ(response.items(1).code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(response.items(2).outcome(), v1::ItemResult::OUTCOME_VALID);
  EXPECT_EQ(response.rejected(), 1u);
  EXPECT_EQ(response.duplicates(), 0u);
  ExpectHeadIs(client, head);
}

// The limit's error says that none of the stream was written; so it must be.
TEST_F(ApiTest, StreamOverTheItemLimitWritesNothingAsItsErrorSays) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  std::unique_ptr<SubmissionStream> stream = client.OpenStream();
  ASSERT_TRUE(stream->Write(Measurement("SD2.A1.I2", 10)));
  // Then empty submissions (each refused, none written) up to one past the
  // limit.
  for (int i = 0; i < kMaxStreamItems; ++i) {
    if (!stream->Write(v1::Submission(), false, /*buffered=*/true)) break;
  }
  EXPECT_THAT(stream->Finish(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("nothing of this stream was written")));
  ExpectHeadIs(client, head);
}

TEST_F(ApiTest, ReadEventsPagesThroughAHashChainedLog) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  ASSERT_GT(head, 5u);
  ASSERT_OK_AND_ASSIGN(const v1::ReadEventsResponse first,
                       client.ReadEvents(0, 5));
  ASSERT_THAT(first.events(), SizeIs(5));
  EXPECT_EQ(first.head_position(), head);
  EXPECT_EQ(first.events(0).type(), v1::EVENT_TYPE_PLAN_ADOPTED);
  EXPECT_EQ(first.events(0).stream(), kPlanId);
  EXPECT_EQ(first.events(0).principal(), "koersd");
  EXPECT_EQ(first.events(0).valid_date(), "2025-01-01");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(first.events(i).position(), static_cast<uint64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ(first.events(i).prev_hash(), first.events(i - 1).hash());
    }
  }
  ASSERT_OK_AND_ASSIGN(const v1::ReadEventsResponse next,
                       client.ReadEvents(6, 5));
  ASSERT_THAT(next.events(), SizeIs(5));
  EXPECT_EQ(next.events(0).prev_hash(), first.events(4).hash());
  ASSERT_OK_AND_ASSIGN(const v1::ReadEventsResponse past,
                       client.ReadEvents(head + 1));
  EXPECT_THAT(past.events(), IsEmpty());
  EXPECT_THAT(client.ReadEvents(1, 1001),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limit")));
}

TEST_F(ApiTest, VerifyReportsASoundChainUpToTheHead) {
  KoersClient client = Client();
  ASSERT_THAT(client.Submit(Measurement("SD4.A3.I2", 75)), IsOk());
  const uint64_t head = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(const v1::VerifyResponse verified, client.Verify());
  EXPECT_TRUE(verified.ok()) << verified.reason();
  EXPECT_EQ(verified.events_checked(), head);
  EXPECT_EQ(verified.head_position(), head);
  ASSERT_OK_AND_ASSIGN(const v1::Event last, client.EventAt(head));
  std::string hex;
  for (unsigned char c : last.hash())
    absl::StrAppend(&hex, absl::Hex(c, absl::kZeroPad2));
  EXPECT_EQ(verified.head_hash(), hex);
}

TEST_F(ApiTest, GetHistoryPagesThroughAStream) {
  KoersClient client = Client();
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(client.Submit(Measurement("SD1.A4.I2", 10 + i)).status());
  }
  ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse whole,
                       client.GetHistory("SD1.A4.I2"));
  EXPECT_EQ(whole.next_from_revision(), 0u);
  EXPECT_EQ(whole.known_at_position(), HeadOf(client));
  ASSERT_GE(whole.entries_size(), 6);

  std::vector<std::string> paged;
  uint64_t from = 0;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse page,
                         client.GetHistoryPage("SD1.A4.I2", from, 2));
    EXPECT_LE(page.entries_size(), 2);
    for (const v1::HistoryEntry& entry : page.entries()) {
      paged.push_back(entry.event().event_id());
    }
    from = page.next_from_revision();
    ASSERT_LT(++pages, 100);
  } while (from != 0);
  std::vector<std::string> expected;
  for (const v1::HistoryEntry& entry : whole.entries()) {
    expected.push_back(entry.event().event_id());
  }
  EXPECT_EQ(paged, expected);

  EXPECT_THAT(client.GetHistoryPage("SD1.A4.I2", 0, 1001),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("limit: 1001 is more than the maximum")));
}

TEST_F(ApiTest, GetHistoryOfAnUnknownOrMalformedIdFails) {
  KoersClient client = Client();
  EXPECT_THAT(client.GetHistory("SD9.A9"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("SD9.A9")));
  EXPECT_THAT(client.GetHistory("not an id!"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("id")));
  ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse plan,
                       client.GetHistory(kPlanId));
  ASSERT_THAT(plan.entries(), SizeIs(1));
  EXPECT_EQ(plan.entries(0).event().type(), v1::EVENT_TYPE_PLAN_ADOPTED);
}

TEST_F(ApiTest, HealthCheckReportsServing) {
  const auto channel = server().process().Channel();
  // grpc.health.v1.HealthCheckRequest{} gets HealthCheckResponse{SERVING}.
  ASSERT_OK_AND_ASSIGN(
      const std::string serving,
      RawUnaryCall(channel, "/grpc.health.v1.Health/Check", ""));
  EXPECT_EQ(serving, std::string("\x08\x01", 2));
  // HealthCheckRequest{service: "nope"}.
  EXPECT_THAT(RawUnaryCall(channel, "/grpc.health.v1.Health/Check",
                           std::string("\x0a\x04nope", 6)),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ApiTest, HealthKnowsEveryKoersServiceByName) {
  auto health = grpc::health::v1::Health::NewStub(server().process().Channel());
  for (const char* service :
       {"koers.v1.IngestService", "koers.v1.PlanService",
        "koers.v1.QueryService", "koers.v1.EvaluationService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING)
        << service;
  }
}

TEST_F(ApiTest, HealthWatchAnswersWithTheStatusNow) {
  auto health = grpc::health::v1::Health::NewStub(server().process().Channel());
  grpc::health::v1::HealthCheckResponse response;
  {
    grpc::ClientContext context;
    auto watch =
        health->Watch(&context, grpc::health::v1::HealthCheckRequest());
    ASSERT_TRUE(watch->Read(&response));
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
    context.TryCancel();
  }
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest unknown;
  unknown.set_service("nope");
  auto watch = health->Watch(&context, unknown);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(),
            grpc::health::v1::HealthCheckResponse::SERVICE_UNKNOWN);
  EXPECT_FALSE(watch->Read(&response));
  EXPECT_TRUE(watch->Finish().ok());
}

TEST_F(ApiTest, ServerReflectionListsTheKoersServices) {
  // ServerReflectionRequest{list_services: "*"}.
  ASSERT_OK_AND_ASSIGN(
      const std::string listed,
      RawBidiFirstResponse(
          server().process().Channel(),
          "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
          std::string("\x3a\x01*", 3)));
  EXPECT_THAT(listed, HasSubstr("koers.v1.IngestService"));
  EXPECT_THAT(listed, HasSubstr("koers.v1.PlanService"));
  EXPECT_THAT(listed, HasSubstr("koers.v1.QueryService"));
  EXPECT_THAT(listed, HasSubstr("grpc.health.v1.Health"));
}

}  // namespace
}  // namespace koers::integration
