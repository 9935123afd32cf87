#include "storage/event_log.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/event_hash.h"
#include "storage/log_keys.h"
#include "storage/proto_time.h"
#include "tests/testing/events.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace koers::storage {
namespace {

using ::koers::testing::FakeClock;
using ::koers::testing::IsOk;
using ::koers::testing::IsOkAndHolds;
using ::koers::testing::Measurement;
using ::koers::testing::Request;
using ::koers::testing::StatusIs;
using ::koers::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kId1[] = "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f1";
constexpr char kId2[] = "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f2";
constexpr char kId3[] = "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f3";

class EventLogTest : public ::testing::Test {
 protected:
  EventLogTest() : clock_(absl::FromUnixSeconds(1800000000)) { Reopen(); }

  void Reopen() {
    log_.reset();
    EventLogOptions options;
    options.clock = &clock_;
    auto log = EventLog::Open(dir_.path(), options);
    ASSERT_THAT(log, IsOk());
    log_ = *std::move(log);
  }

  std::vector<v1::Event> All() {
    auto events = log_->ReadAll(0, 1000000);
    EXPECT_THAT(events, IsOk());
    return events.ok() ? *events : std::vector<v1::Event>();
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogTest, NewLogIsEmpty) {
  const LogHead head = log_->Head();
  EXPECT_EQ(head.position, 0u);
  EXPECT_EQ(head.hash, GenesisHash());
  EXPECT_THAT(All(), SizeIs(0));
}

TEST_F(EventLogTest, AppendAssignsPositionsRevisionsTimeAndHashChain) {
  ASSERT_OK_AND_ASSIGN(const AppendResult result,
                       log_->Append(Request({Measurement("SD1.A1.I1", 1),
                                             Measurement("SD1.A1.I2", 2),
                                             Measurement("SD1.A1.I1", 3)})));
  ASSERT_THAT(result.events, SizeIs(3));
  EXPECT_FALSE(result.duplicate);
  EXPECT_EQ(result.record_time, clock_.Now());
  EXPECT_EQ(result.events[0].position, 1u);
  EXPECT_EQ(result.events[1].position, 2u);
  EXPECT_EQ(result.events[2].position, 3u);
  EXPECT_EQ(result.events[0].stream_revision, 0u);
  EXPECT_EQ(result.events[1].stream_revision, 0u);
  EXPECT_EQ(result.events[2].stream_revision, 1u);

  const std::vector<v1::Event> events = All();
  ASSERT_THAT(events, SizeIs(3));
  std::string prev = GenesisHash();
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& event = events[i];
    EXPECT_EQ(event.position(), i + 1);
    EXPECT_EQ(event.event_id(), result.events[i].event_id);
    EXPECT_EQ(event.type(), v1::EVENT_TYPE_MEASUREMENT_RECORDED);
    EXPECT_EQ(FromProtoTimestamp(event.record_time()), clock_.Now());
    EXPECT_EQ(event.prev_hash(), prev);
    v1::Event stored = event;
    stored.clear_hash();
    EXPECT_EQ(event.hash(), ChainHash(prev, stored.SerializeAsString()));
    prev = event.hash();
  }
  EXPECT_EQ(log_->Head().position, 3u);
  EXPECT_EQ(log_->Head().hash, prev);
}

TEST_F(EventLogTest, RecordTimeNeverGoesBackEvenIfTheClockDoes) {
  ASSERT_OK(log_->Append(Request({Measurement("I", 1)})));
  const absl::Time first = clock_.Now();
  clock_.Advance(-absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(const AppendResult later,
                       log_->Append(Request({Measurement("I", 2)})));
  EXPECT_EQ(later.record_time, first);
}

TEST_F(EventLogTest, ExpectedRevisionsAreEnforced) {
  AppendRequest create = Request({Measurement("SD1.A1", 1)});
  create.expectations.push_back({"SD1.A1", ExpectedRevision::NoStream()});
  ASSERT_OK(log_->Append(create));

  AppendRequest again = Request({Measurement("SD1.A1", 2)});
  again.expectations.push_back({"SD1.A1", ExpectedRevision::NoStream()});
  EXPECT_THAT(log_->Append(again),
              StatusIs(absl::StatusCode::kAborted,
                       AllOf(HasSubstr("SD1.A1"), HasSubstr("no stream"),
                             HasSubstr("actual revision 0"))));

  AppendRequest exact = Request({Measurement("SD1.A1", 2)});
  exact.expectations.push_back({"SD1.A1", ExpectedRevision::Exactly(0)});
  ASSERT_OK_AND_ASSIGN(const AppendResult ok, log_->Append(exact));
  EXPECT_EQ(ok.events[0].stream_revision, 1u);

  AppendRequest stale = Request({Measurement("SD1.A1", 3)});
  stale.expectations.push_back({"SD1.A1", ExpectedRevision::Exactly(0)});
  EXPECT_THAT(log_->Append(stale),
              StatusIs(absl::StatusCode::kAborted,
                       AllOf(HasSubstr("expected revision 0"),
                             HasSubstr("actual revision 1"))));

  AppendRequest missing = Request({Measurement("SD9", 3)});
  missing.expectations.push_back({"SD9", ExpectedRevision::Exactly(4)});
  EXPECT_THAT(log_->Append(missing),
              StatusIs(absl::StatusCode::kAborted,
                       AllOf(HasSubstr("SD9"), HasSubstr("expected revision 4"),
                             HasSubstr("actual no stream"))));
  EXPECT_EQ(log_->Head().position, 2u);
}

TEST_F(EventLogTest, ConflictOnOneOfSeveralStreamsWritesNothing) {
  ASSERT_OK(log_->Append(Request({Measurement("B", 1), Measurement("B", 2)})));
  const LogHead before = log_->Head();

  AppendRequest request =
      Request({Measurement("A", 1), Measurement("B", 3), Measurement("C", 4)});
  request.expectations.push_back({"A", ExpectedRevision::NoStream()});
  request.expectations.push_back({"B", ExpectedRevision::Exactly(0)});
  request.expectations.push_back({"C", ExpectedRevision::Any()});
  EXPECT_THAT(
      log_->Append(request),
      StatusIs(absl::StatusCode::kAborted,
               AllOf(HasSubstr("stream B"), HasSubstr("expected revision 0"),
                     HasSubstr("actual revision 1"))));

  EXPECT_EQ(log_->Head().position, before.position);
  EXPECT_EQ(log_->Head().hash, before.hash);
  EXPECT_THAT(All(), SizeIs(2));
  EXPECT_THAT(log_->ReadStream("A", 0, ReadDirection::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(log_->ReadStream("C", 0, ReadDirection::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(const auto revision, log_->StreamRevision("B"));
  EXPECT_EQ(revision, 1u);
}

TEST_F(EventLogTest, ExpectationMayGuardAStreamTheAppendDoesNotTouch) {
  ASSERT_OK(log_->Append(Request({Measurement("SD1.A1", 1)})));
  AppendRequest guarded = Request({Measurement("SD1.A1.I1", 5)});
  guarded.expectations.push_back({"SD1.A1", ExpectedRevision::Exactly(0)});
  EXPECT_OK(log_->Append(guarded));
  ASSERT_OK(log_->Append(Request({Measurement("SD1.A1", 2)})));
  EXPECT_THAT(log_->Append(guarded), StatusIs(absl::StatusCode::kAborted));
}

TEST_F(EventLogTest, RetryWithSameIdsReturnsOriginalAndWritesNothing) {
  ASSERT_OK_AND_ASSIGN(
      const AppendResult original,
      log_->Append(Request({Measurement("I", 1, "2026-03-31", kId1),
                            Measurement("J", 2, "2026-03-31", kId2)})));
  const LogHead head = log_->Head();
  clock_.Advance(absl::Minutes(5));

  ASSERT_OK_AND_ASSIGN(
      const AppendResult retry,
      log_->Append(Request({Measurement("I", 1, "2026-03-31", kId1),
                            Measurement("J", 2, "2026-03-31", kId2)})));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.record_time, original.record_time);
  ASSERT_THAT(retry.events, SizeIs(2));
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(retry.events[i].position, original.events[i].position);
    EXPECT_EQ(retry.events[i].event_id, original.events[i].event_id);
    EXPECT_EQ(retry.events[i].stream_revision,
              original.events[i].stream_revision);
  }
  EXPECT_EQ(log_->Head().position, head.position);
}

TEST_F(EventLogTest, RetryIsRecognisedAfterReopenAndIgnoresStaleExpectation) {
  AppendRequest request = Request({Measurement("I", 1, "2026-03-31", kId1)});
  request.expectations.push_back({"I", ExpectedRevision::NoStream()});
  ASSERT_OK_AND_ASSIGN(const AppendResult original, log_->Append(request));
  Reopen();
  // The expectation no longer holds, but the retry is the same append: the
  // client must learn it succeeded, not that it conflicts.
  ASSERT_OK_AND_ASSIGN(const AppendResult retry, log_->Append(request));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.events[0].position, original.events[0].position);
  EXPECT_EQ(log_->Head().position, 1u);
}

TEST_F(EventLogTest, RetryInOtherCaseOfTheSameIdIsTheSameEvent) {
  ASSERT_OK(log_->Append(Request({Measurement("I", 1, "2026-03-31", kId1)})));
  std::string upper = kId1;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  ASSERT_OK_AND_ASSIGN(
      const AppendResult retry,
      log_->Append(Request({Measurement("I", 1, "2026-03-31", upper)})));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.events[0].event_id, kId1);
}

TEST_F(EventLogTest, SameIdWithOtherContentIsRefused) {
  ASSERT_OK(log_->Append(Request({Measurement("I", 1, "2026-03-31", kId1)})));
  EXPECT_THAT(log_->Append(Request({Measurement("I", 99, "2026-03-31", kId1)})),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr(kId1), HasSubstr("different content"),
                             HasSubstr("position 1"))));
  Reopen();
  EXPECT_THAT(log_->Append(Request({Measurement("I", 1, "2026-04-30", kId1)})),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(log_->Head().position, 1u);
}

TEST_F(EventLogTest, BatchMixingStoredAndNewIdsIsRefused) {
  ASSERT_OK(log_->Append(Request({Measurement("I", 1, "2026-03-31", kId1)})));
  EXPECT_THAT(log_->Append(Request({Measurement("I", 1, "2026-03-31", kId1),
                                    Measurement("I", 2, "2026-03-31", kId2)})),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr("events[1] is new"), HasSubstr(kId1))));
  EXPECT_EQ(log_->Head().position, 1u);
}

TEST_F(EventLogTest, MalformedRequestsAreRefusedNamingTheField) {
  struct Case {
    std::string name;
    AppendRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"empty", AppendRequest{}, "events"});
  {
    v1::Event event = Measurement("I", 1);
    event.set_position(7);
    cases.push_back({"assigned", Request({event}), "events[0].position"});
  }
  cases.push_back({"stream",
                   Request({Measurement("I", 1), Measurement("a b", 1)}),
                   "events[1].stream"});
  cases.push_back(
      {"empty stream", Request({Measurement("", 1)}), "events[0].stream"});
  cases.push_back({"date", Request({Measurement("I", 1, "2026-02-30")}),
                   "events[0].valid_date"});
  cases.push_back({"id", Request({Measurement("I", 1, "2026-03-31", "42")}),
                   "events[0].event_id"});
  cases.push_back({"repeated id",
                   Request({Measurement("I", 1, "2026-03-31", kId3),
                            Measurement("I", 2, "2026-03-31", kId3)}),
                   "events[1].event_id"});
  {
    v1::Event event = Measurement("I", 1);
    event.clear_principal();
    cases.push_back({"principal", Request({event}), "events[0].principal"});
  }
  {
    v1::Event event = Measurement("I", 1);
    event.clear_measurement_recorded();
    cases.push_back({"payload", Request({event}), "events[0]: no payload"});
  }
  {
    AppendRequest request = Request({Measurement("I", 1)});
    request.expectations.push_back({"I", ExpectedRevision::Any()});
    request.expectations.push_back({"I", ExpectedRevision::NoStream()});
    cases.push_back({"expectations", request, "expectations[1].stream"});
  }
  for (Case& c : cases) {
    EXPECT_THAT(
        log_->Append(std::move(c.request)),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)))
        << c.name;
  }
  EXPECT_EQ(log_->Head().position, 0u);
}

TEST_F(EventLogTest, TooManyEventsInOneAppendIsRefused) {
  log_.reset();
  EventLogOptions options;
  options.clock = &clock_;
  options.max_events_per_append = 2;
  ASSERT_OK_AND_ASSIGN(log_, EventLog::Open(dir_.path(), options));
  EXPECT_THAT(
      log_->Append(Request(
          {Measurement("I", 1), Measurement("I", 2), Measurement("I", 3)})),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 2")));
}

TEST_F(EventLogTest, ReadsByStreamIdAndPosition) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(
        log_->Append(Request({Measurement("I", i), Measurement("J", 10 + i)})));
  }
  ASSERT_OK_AND_ASSIGN(auto forward,
                       log_->ReadStream("I", 1, ReadDirection::kForward, 3));
  ASSERT_THAT(forward, SizeIs(3));
  EXPECT_EQ(forward[0].stream_revision(), 1u);
  EXPECT_EQ(forward[2].stream_revision(), 3u);
  EXPECT_EQ(forward[0].measurement_recorded().number(), 1);

  ASSERT_OK_AND_ASSIGN(
      auto backward,
      log_->ReadStream("J", ~uint64_t{0}, ReadDirection::kBackward, 2));
  ASSERT_THAT(backward, SizeIs(2));
  EXPECT_EQ(backward[0].stream_revision(), 4u);
  EXPECT_EQ(backward[1].stream_revision(), 3u);

  ASSERT_OK_AND_ASSIGN(auto past_end,
                       log_->ReadStream("I", 9, ReadDirection::kForward, 3));
  EXPECT_THAT(past_end, SizeIs(0));
  EXPECT_THAT(log_->ReadStream("K", 0, ReadDirection::kForward, 3),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("K")));

  ASSERT_OK_AND_ASSIGN(auto from_seven, log_->ReadAll(7, 100));
  ASSERT_THAT(from_seven, SizeIs(4));
  EXPECT_EQ(from_seven.front().position(), 7u);

  ASSERT_OK_AND_ASSIGN(const v1::Event fourth, log_->ReadAt(4));
  ASSERT_OK_AND_ASSIGN(const v1::Event by_id,
                       log_->ReadEvent(fourth.event_id()));
  EXPECT_EQ(by_id.position(), 4u);
  EXPECT_EQ(by_id.hash(), fourth.hash());
  EXPECT_THAT(log_->ReadAt(11), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(log_->ReadEvent(kId3), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(log_->ReadEvent("nope"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(EventLogTest, ValidTimeIndexOrdersByValidDateNotArrival) {
  ASSERT_OK(log_->Append(Request({Measurement("I", 3, "2026-09-30")})));
  ASSERT_OK(log_->Append(Request({Measurement("I", 1, "2026-03-31")})));
  ASSERT_OK(log_->Append(Request({Measurement("I", 2, "2026-06-30")})));
  ASSERT_OK(log_->Append(Request({Measurement("I2", 9, "2026-06-30")})));
  ASSERT_OK_AND_ASSIGN(const auto entries, log_->ReadValidTimeRange(
                                               "I", absl::CivilDay(2026, 3, 31),
                                               absl::CivilDay(2026, 6, 30)));
  ASSERT_THAT(entries, SizeIs(2));
  EXPECT_EQ(entries[0].valid_date, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(entries[0].position, 2u);
  EXPECT_EQ(entries[1].valid_date, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(entries[1].position, 3u);
  EXPECT_EQ(entries[1].type, v1::EVENT_TYPE_MEASUREMENT_RECORDED);
}

TEST_F(EventLogTest, HeadAndRevisionsSurviveReopen) {
  ASSERT_OK(log_->Append(Request({Measurement("I", 1), Measurement("I", 2)})));
  const LogHead head = log_->Head();
  Reopen();
  EXPECT_EQ(log_->Head().position, head.position);
  EXPECT_EQ(log_->Head().hash, head.hash);
  ASSERT_OK_AND_ASSIGN(const AppendResult next,
                       log_->Append(Request({Measurement("I", 3)})));
  EXPECT_EQ(next.events[0].position, 3u);
  EXPECT_EQ(next.events[0].stream_revision, 2u);
  EXPECT_EQ(All().back().prev_hash(), head.hash);
}

TEST_F(EventLogTest, ConcurrentAppendersGetGapFreePositionsAndRevisions) {
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 60;
  std::vector<std::vector<AppendedEvent>> acked(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        // Two streams shared by all threads, one private to each.
        auto result =
            log_->Append(Request({Measurement(absl::StrCat("S", i % 2), i),
                                  Measurement(absl::StrCat("T", t), i)}));
        ASSERT_THAT(result, IsOk());
        for (const AppendedEvent& event : result->events) {
          acked[t].push_back(event);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  const std::vector<v1::Event> events = All();
  ASSERT_THAT(events, SizeIs(kThreads * kAppendsPerThread * 2));
  absl::flat_hash_map<std::string, uint64_t> next_revision;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].position(), i + 1);
    EXPECT_EQ(events[i].stream_revision(), next_revision[events[i].stream()]++)
        << events[i].stream();
  }
  for (const auto& per_thread : acked) {
    for (const AppendedEvent& ack : per_thread) {
      const v1::Event& stored = events[ack.position - 1];
      EXPECT_EQ(stored.event_id(), ack.event_id);
      EXPECT_EQ(stored.stream_revision(), ack.stream_revision);
    }
  }
  ASSERT_OK_AND_ASSIGN(const VerifyReport report, log_->Verify());
  EXPECT_TRUE(report.ok) << report.reason;

  const EventLogStats stats = log_->Stats();
  EXPECT_EQ(stats.appends_committed, kThreads * kAppendsPerThread);
  EXPECT_EQ(stats.events_committed, events.size());
  // Eight appenders waiting on fsync leave the leader a queue to fold.
  EXPECT_LT(stats.synced_writes, stats.appends_committed);
}

TEST_F(EventLogTest, ConcurrentRetriesOfOneIdWriteItOnce) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> written{0}, duplicates{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto result =
          log_->Append(Request({Measurement("I", 1, "2026-03-31", kId1)}));
      ASSERT_THAT(result, IsOk());
      EXPECT_EQ(result->events[0].position, 1u);
      (result->duplicate ? duplicates : written)++;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(written, 1);
  EXPECT_EQ(duplicates, kThreads - 1);
  EXPECT_EQ(log_->Head().position, 1u);
}

TEST_F(EventLogTest, ReadersNeverSeeAPartialBatch) {
  constexpr int kBatch = 4;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        AppendRequest request;
        for (int k = 0; k < kBatch; ++k) {
          v1::Event event = Measurement(absl::StrCat("W", t), k);
          event.mutable_measurement_recorded()->set_comment(
              absl::StrCat(t, "/", i));
          request.events.push_back(event);
        }
        ASSERT_OK(log_->Append(std::move(request)));
      }
    });
  }
  std::thread reader([&] {
    while (!stop) {
      auto events = log_->ReadAll(0, 1000000);
      ASSERT_THAT(events, IsOk());
      ASSERT_EQ(events->size() % kBatch, 0u);
      absl::flat_hash_map<std::string, int> per_batch;
      for (const v1::Event& event : *events) {
        ++per_batch[event.measurement_recorded().comment()];
      }
      for (const auto& [batch, count] : per_batch) {
        ASSERT_EQ(count, kBatch) << batch;
      }
      auto stream = log_->ReadStream("W0", 0, ReadDirection::kForward, 100000);
      if (stream.ok()) {
        ASSERT_EQ(stream->size() % kBatch, 0u);
      }
    }
  });
  for (std::thread& writer : writers) writer.join();
  stop = true;
  reader.join();
  EXPECT_EQ(log_->Head().position, 4u * 50 * kBatch);
}

TEST_F(EventLogTest, AppendEachGivesEachRequestItsOwnOutcomeInOneWrite) {
  std::vector<AppendRequest> requests;
  requests.push_back(Request({Measurement("A", 1)}));
  AppendRequest conflicting = Request({Measurement("B", 2)});
  conflicting.expectations.push_back({"B", ExpectedRevision::Exactly(3)});
  requests.push_back(std::move(conflicting));
  requests.push_back(Request({Measurement("A", 3), Measurement("C", 4)}));
  requests.push_back(AppendRequest{});

  const auto results = log_->AppendEach(std::move(requests));
  ASSERT_THAT(results, SizeIs(4));
  ASSERT_THAT(results[0], IsOk());
  EXPECT_EQ(results[0]->events[0].position, 1u);
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(results[2], IsOk());
  EXPECT_EQ(results[2]->events[0].position, 2u);
  EXPECT_EQ(results[2]->events[0].stream_revision, 1u);
  EXPECT_THAT(results[3], StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(log_->Stats().synced_writes, 1u);
  EXPECT_EQ(log_->Stats().appends_committed, 2u);
}

TEST_F(EventLogTest, AppendAsyncAnswersOnceDurableAndRefusesMalformedAtOnce) {
  absl::Notification answered;
  absl::StatusOr<AppendResult> result;
  log_->AppendAsync(Request({Measurement("A", 1)}),
                    [&](absl::StatusOr<AppendResult> outcome) {
                      result = std::move(outcome);
                      answered.Notify();
                    });
  answered.WaitForNotification();
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->events[0].position, 1u);
  EXPECT_EQ(log_->Head().position, 1u);

  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id answered_on;
  absl::Status malformed;
  log_->AppendAsync(AppendRequest{}, [&](absl::StatusOr<AppendResult> outcome) {
    answered_on = std::this_thread::get_id();
    malformed = outcome.status();
  });
  EXPECT_EQ(answered_on, caller);
  EXPECT_THAT(malformed, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(EventLogTest, ClosingTheLogAnswersEveryQueuedAppendFirst) {
  constexpr int kAppends = 200;
  std::atomic<int> stored{0};
  for (int i = 0; i < kAppends; ++i) {
    log_->AppendAsync(Request({Measurement("A", i)}),
                      [&stored](absl::StatusOr<AppendResult> outcome) {
                        if (outcome.ok()) ++stored;
                      });
  }
  log_.reset();
  EXPECT_EQ(stored.load(), kAppends);
  Reopen();
  EXPECT_EQ(log_->Head().position, static_cast<uint64_t>(kAppends));
}

TEST(EventLogCommitListenerTest,
     SeesEveryCommittedEventInOrderBeforeAppendReturns) {
  TempDir dir;
  std::vector<v1::Event> seen;
  EventLogOptions options;
  options.on_commit = [&seen](const std::vector<const v1::Event*>& events) {
    for (const v1::Event* event : events) seen.push_back(*event);
  };
  ASSERT_OK_AND_ASSIGN(auto log, EventLog::Open(dir.path(), options));
  ASSERT_OK(log->Append(Request({Measurement("I", 1), Measurement("J", 2)})));
  EXPECT_THAT(seen, SizeIs(2));
  AppendRequest failing = Request({Measurement("I", 3)});
  failing.expectations.push_back({"I", ExpectedRevision::NoStream()});
  EXPECT_THAT(log->Append(failing), StatusIs(absl::StatusCode::kAborted));
  ASSERT_OK(log->Append(Request({Measurement("I", 4)})));

  ASSERT_OK_AND_ASSIGN(const auto stored, log->ReadAll(0, 100));
  ASSERT_EQ(seen.size(), stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(seen[i].SerializeAsString(), stored[i].SerializeAsString());
  }
}

// Opens the log's RocksDB directly, as an attacker with disk access would.
class RawDb {
 public:
  explicit RawDb(const std::string& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& name :
         {std::string(rocksdb::kDefaultColumnFamilyName),
          std::string(log_keys::kEventsFamily),
          std::string(log_keys::kByStreamFamily),
          std::string(log_keys::kByIdFamily),
          std::string(log_keys::kByValidTimeFamily),
          std::string(log_keys::kProjectionsFamily)}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* db = nullptr;
    status_ =
        rocksdb::DB::Open(rocksdb::DBOptions(), dir, families, &handles_, &db);
    db_.reset(db);
  }
  ~RawDb() {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  }
  bool ok() const { return status_.ok(); }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(int index) { return handles_[index]; }

  std::string Get(int family_index, const std::string& key) {
    std::string value;
    EXPECT_TRUE(
        db_->Get(rocksdb::ReadOptions(), handles_[family_index], key, &value)
            .ok());
    return value;
  }
  void Delete(int family_index, const std::string& key) {
    EXPECT_TRUE(
        db_->Delete(rocksdb::WriteOptions(), handles_[family_index], key).ok());
  }
  void Put(int family_index, const std::string& key, const std::string& value) {
    EXPECT_TRUE(
        db_->Put(rocksdb::WriteOptions(), handles_[family_index], key, value)
            .ok());
  }

 private:
  rocksdb::Status status_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

constexpr int kEvents = 1;
constexpr int kById = 3;
constexpr int kDefault = 0;

// Three groups a minute apart: positions 1-2, 3, 4-6.
class PositionAtTest : public EventLogTest {
 protected:
  void SetUp() override {
    for (int size : {2, 1, 3}) {
      AppendRequest request;
      for (int i = 0; i < size; ++i) {
        request.events.push_back(Measurement("I", i));
      }
      group_times_.push_back(clock_.Now());
      ASSERT_OK(log_->Append(std::move(request)));
      clock_.Advance(absl::Minutes(1));
    }
  }

  // The answers that do not depend on how they are found.
  void ExpectAnswersAsRecorded() {
    const absl::Time first = group_times_[0];
    const uint64_t all = ~uint64_t{0};
    EXPECT_THAT(log_->PositionAt(first - absl::Nanoseconds(1), all),
                IsOkAndHolds(0u));
    EXPECT_THAT(log_->PositionAt(first, all), IsOkAndHolds(2u));
    EXPECT_THAT(log_->PositionAt(first + absl::Seconds(59), all),
                IsOkAndHolds(2u));
    EXPECT_THAT(log_->PositionAt(group_times_[1], all), IsOkAndHolds(3u));
    EXPECT_THAT(log_->PositionAt(group_times_[2] - absl::Nanoseconds(1), all),
                IsOkAndHolds(3u));
    EXPECT_THAT(log_->PositionAt(group_times_[2], all), IsOkAndHolds(6u));
    EXPECT_THAT(log_->PositionAt(absl::InfiniteFuture(), all),
                IsOkAndHolds(6u));
    EXPECT_THAT(log_->PositionAt(absl::UnixEpoch() - absl::Hours(1), all),
                IsOkAndHolds(0u));
    // Never beyond the limit asked for.
    EXPECT_THAT(log_->PositionAt(group_times_[2], 4), IsOkAndHolds(4u));
    EXPECT_THAT(log_->PositionAt(first, 1), IsOkAndHolds(1u));
  }

  std::vector<absl::Time> group_times_;
};

TEST_F(PositionAtTest, FindsTheLastPositionRecordedByAnInstant) {
  ExpectAnswersAsRecorded();
  Reopen();
  ExpectAnswersAsRecorded();
}

TEST_F(PositionAtTest, EachGroupHasOneRecordTimeIndexEntry) {
  log_.reset();
  RawDb raw(dir_.path());
  ASSERT_TRUE(raw.ok());
  for (size_t group = 0; group < group_times_.size(); ++group) {
    const uint64_t last[] = {2, 3, 6};
    EXPECT_EQ(raw.Get(kDefault, log_keys::RecordTimeKey(
                                    absl::ToUnixNanos(group_times_[group]))),
              log_keys::PositionKey(last[group]));
  }
}

TEST_F(PositionAtTest, SearchesTheLogWhereTheIndexHasNoEntries) {
  // As in a log written before the index existed: the earlier groups have
  // no entries (here the first two), or none has.
  log_.reset();
  {
    RawDb raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    for (int group = 0; group < 2; ++group) {
      raw.Delete(kDefault, log_keys::RecordTimeKey(
                               absl::ToUnixNanos(group_times_[group])));
    }
  }
  Reopen();
  ExpectAnswersAsRecorded();
  log_.reset();
  {
    RawDb raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    raw.Delete(kDefault,
               log_keys::RecordTimeKey(absl::ToUnixNanos(group_times_[2])));
  }
  Reopen();
  ExpectAnswersAsRecorded();
}

class VerifyTest : public EventLogTest {
 protected:
  void SetUp() override {
    for (int i = 0; i < 5; ++i) {
      ASSERT_OK(log_->Append(Request({Measurement("I", i)})));
    }
    ASSERT_OK_AND_ASSIGN(const VerifyReport sound, log_->Verify());
    ASSERT_TRUE(sound.ok) << sound.reason;
    EXPECT_EQ(sound.events_checked, 5u);
    log_.reset();
  }

  VerifyReport VerifyAfterReopen() {
    Reopen();
    auto report = log_->Verify();
    EXPECT_THAT(report, IsOk());
    return report.ok() ? *report : VerifyReport{};
  }
};

TEST_F(VerifyTest, FindsAByteChangedInAStoredEvent) {
  {
    RawDb raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    std::string value = raw.Get(kEvents, log_keys::PositionKey(3));
    // Flip one bit of the serialized measurement (the last byte is inside
    // the payload's double).
    value.back() = static_cast<char>(value.back() ^ 0x01);
    raw.Put(kEvents, log_keys::PositionKey(3), value);
  }
  const VerifyReport report = VerifyAfterReopen();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.broken_position, 3u);
  EXPECT_EQ(report.events_checked, 2u);
  EXPECT_THAT(report.reason, HasSubstr("hash mismatch"));
}

TEST_F(VerifyTest, FindsAnEventRewrittenWithAFreshHash) {
  {
    // A forger who recomputes the tampered event's own hash still breaks
    // the next event's prev_hash link.
    RawDb raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    const std::string value = raw.Get(kEvents, log_keys::PositionKey(2));
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(value.substr(32)));
    event.mutable_measurement_recorded()->set_number(1000);
    const std::string stored = event.SerializeAsString();
    raw.Put(kEvents, log_keys::PositionKey(2),
            ChainHash(event.prev_hash(), stored) + stored);
  }
  const VerifyReport report = VerifyAfterReopen();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.broken_position, 3u);
  EXPECT_THAT(report.reason, HasSubstr("prev_hash"));
}

TEST_F(VerifyTest, FindsADeletedEvent) {
  {
    RawDb raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw.db()
                    ->Delete(rocksdb::WriteOptions(), raw.family(kEvents),
                             log_keys::PositionKey(4))
                    .ok());
  }
  const VerifyReport report = VerifyAfterReopen();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.broken_position, 4u);
  EXPECT_THAT(report.reason, HasSubstr("gap"));
}

TEST_F(VerifyTest, FindsAnIndexEntryPointingElsewhere) {
  {
    RawDb raw(dir_.path());
    ASSERT_TRUE(raw.ok());
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(
        raw.Get(kEvents, log_keys::PositionKey(2)).substr(32)));
    std::string raw_id;
    for (size_t i = 0; i < event.event_id().size(); i += 2) {
      if (event.event_id()[i] == '-') ++i;
      raw_id.push_back(static_cast<char>(
          std::stoi(event.event_id().substr(i, 2), nullptr, 16)));
    }
    raw.Put(kById, raw_id, log_keys::PositionKey(5));
  }
  const VerifyReport report = VerifyAfterReopen();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.broken_position, 2u);
  EXPECT_THAT(report.reason, HasSubstr("by_id"));
}

TEST(EventLogOpenTest, RefusesAnUnknownFormatVersion) {
  TempDir dir;
  ASSERT_OK(EventLog::Open(dir.path()));
  {
    RawDb raw(dir.path());
    ASSERT_TRUE(raw.ok());
    raw.Put(0, std::string(log_keys::kFormatVersionKey), "7");
  }
  EXPECT_THAT(EventLog::Open(dir.path()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("format version \"7\""),
                             HasSubstr("only version 1"))));
}

TEST(EventLogOpenTest, RefusesADatabaseThatIsNotAKoersLog) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), &db).ok());
    delete db;
  }
  EXPECT_THAT(EventLog::Open(dir.path()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not a Koers event log")));
}

TEST(EventLogOpenTest, SecondOpenWhileOpenIsUnavailable) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto first, EventLog::Open(dir.path()));
  EXPECT_THAT(EventLog::Open(dir.path()),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace koers::storage
