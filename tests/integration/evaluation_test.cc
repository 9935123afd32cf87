// EvaluationService and the bitemporal reads over gRPC against the real
// koersd with the sample plan (issue 4): the state at a point, snapshots
// (who may take them, what is refused, content byte-identical forever and
// matching its SHA-256 digest), diffs (snapshot to now, two points, the late
// corrections), completeness for a year or a period, progress, plan and
// history as of a date and known at a position or an instant. Then a server
// restarted on its stored projections, and the offline
// --check_projections / --rebuild_projections, answer exactly as before.
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/event_hash.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/progress_lookup.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace koers::integration {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::koers::testing::IsOk;
using ::koers::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kOutOfRange = absl::StatusCode::kOutOfRange;

// The interim evaluation's date in these tests: after kPastDate (Q1).
constexpr char kMidYear[] = "2026-06-30";

// A bitemporal point: as of `as_of_date` (empty: today), known now.
v1::TimePoint AsOf(absl::string_view as_of_date) {
  v1::TimePoint at;
  at.set_as_of_date(std::string(as_of_date));
  return at;
}

// As of `as_of_date`, known at log position `position`.
v1::TimePoint AtPosition(absl::string_view as_of_date, uint64_t position) {
  v1::TimePoint at = AsOf(as_of_date);
  at.mutable_known_at()->set_position(position);
  return at;
}

// As of `as_of_date`, known at the instant `time`.
v1::TimePoint AtTime(absl::string_view as_of_date,
                     const google::protobuf::Timestamp& time) {
  v1::TimePoint at = AsOf(as_of_date);
  *at.mutable_known_at()->mutable_time() = time;
  return at;
}

google::protobuf::Timestamp Instant(absl::Time time) {
  const int64_t nanos = absl::ToUnixNanos(time);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(nanos / 1000000000);
  timestamp.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return timestamp;
}

// Lowercase hex SHA-256, as SnapshotInfo.digest holds it.
std::string HexSha256(absl::string_view bytes) {
  return storage::HexEncode(storage::Sha256(bytes));
}

// The value (number) an indicator shows, or nullopt without one.
std::optional<double> ValueOf(const v1::GetProgressResponse& progress,
                              absl::string_view id) {
  const v1::IndicatorProgress* indicator = FindIndicator(progress, id);
  if (indicator == nullptr || !indicator->has_value()) return std::nullopt;
  return indicator->number();
}

// (date, number) of every point of an indicator's trend.
std::vector<std::pair<std::string, double>> TrendOf(
    const v1::EvaluationState& state, absl::string_view id) {
  std::vector<std::pair<std::string, double>> points;
  for (const v1::IndicatorTrend& trend : state.trends()) {
    if (trend.indicator_id() != id) continue;
    for (const v1::ValuePoint& point : trend.points()) {
      points.emplace_back(point.date(), point.number());
    }
  }
  return points;
}

const v1::IndicatorChange* FindChange(const v1::DiffResponse& diff,
                                      absl::string_view id) {
  for (const v1::IndicatorChange& change : diff.indicators()) {
    if (change.indicator_id() == id) return &change;
  }
  return nullptr;
}

std::vector<std::string> CorrectionIds(const v1::DiffResponse& diff) {
  std::vector<std::string> ids;
  for (const v1::LateCorrection& correction : diff.corrections()) {
    ids.push_back(correction.correction_event_id());
  }
  return ids;
}

std::vector<std::string> MissingFicheActions(const v1::Completeness& answer) {
  std::vector<std::string> ids;
  for (const v1::MissingFiche& fiche : answer.missing_fiches()) {
    ids.push_back(fiche.action_id());
  }
  return ids;
}

// "INDICATOR period_start..period_end" of every missing value.
std::vector<std::string> MissingValues(const v1::Completeness& answer) {
  std::vector<std::string> missing;
  for (const v1::MissingValue& value : answer.missing_values()) {
    missing.push_back(absl::StrCat(value.indicator_id(), " ",
                                   value.period_start(), "..",
                                   value.period_end()));
  }
  return missing;
}

std::vector<std::string> OverdueActions(const v1::Completeness& answer) {
  std::vector<std::string> ids;
  for (const v1::OverdueAction& action : answer.overdue()) {
    ids.push_back(action.action_id());
  }
  return ids;
}

// A side of a diff.
v1::DiffSide SnapshotSide(absl::string_view name) {
  v1::DiffSide side;
  side.set_snapshot(std::string(name));
  return side;
}
v1::DiffSide PointSide(const v1::TimePoint& at) {
  v1::DiffSide side;
  *side.mutable_at() = at;
  return side;
}
v1::DiffRequest DiffOf(const v1::DiffSide& from, const v1::DiffSide& to) {
  v1::DiffRequest request;
  *request.mutable_from() = from;
  *request.mutable_to() = to;
  return request;
}

// Writes `submission`, failing the test (and returning an empty result) when
// the server refuses it.
v1::WriteResult MustWrite(KoersClient& client,
                          const v1::Submission& submission) {
  absl::StatusOr<v1::WriteResult> written = client.Submit(submission);
  EXPECT_TRUE(written.ok()) << written.status() << "\n"
                            << submission.ShortDebugString();
  return written.value_or(v1::WriteResult());
}

// Record time has microseconds or finer; a pause makes the next event's
// record time strictly later than every earlier one's.
void PauseForRecordTime() { absl::SleepFor(absl::Milliseconds(5)); }

class EvaluationServiceTest : public SharedServerTest<EvaluationServiceTest> {
 public:
  static std::vector<std::string> Flags() { return {"--plan=sample"}; }
};

TEST_F(EvaluationServiceTest, GetStateAnswersAsOfADateAsKnownAtAPosition) {
  KoersClient client = Client();
  // SD1.A1.I3: days from signal to case discussion, 45 down to 21.
  const v1::WriteResult q1 = MustWrite(client, Measurement("SD1.A1.I3", 40));
  const v1::WriteResult q2 =
      MustWrite(client, Measurement("SD1.A1.I3", 35, kMidYear));
  const v1::WriteResult corrected =
      MustWrite(client, Correction(q1.event_id(), 38));
  const uint64_t head = HeadOf(client);

  // As of Q1's end, known now: the corrected value.
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState april,
                       client.GetState(AsOf("2026-04-30")));
  EXPECT_EQ(april.progress().as_of_date(), "2026-04-30");
  EXPECT_EQ(april.progress().position(), head);
  const v1::IndicatorProgress* indicator =
      FindIndicator(april.progress(), "SD1.A1.I3");
  ASSERT_NE(indicator, nullptr);
  EXPECT_TRUE(indicator->has_value());
  EXPECT_EQ(indicator->number(), 38);
  EXPECT_EQ(indicator->value_date(), kPastDate);
  EXPECT_EQ(indicator->value_event_id(), corrected.event_id());
  EXPECT_EQ(indicator->value_position(), corrected.position());
  // (38 - 45) / (21 - 45).
  ASSERT_TRUE(indicator->has_progress());
  EXPECT_NEAR(indicator->progress(), 7.0 / 24.0, 1e-9);
  EXPECT_THAT(TrendOf(april, "SD1.A1.I3"),
              ElementsAre(std::make_pair(std::string(kPastDate), 38.0)));
  EXPECT_EQ(april.completeness().position(), head);

  // Known before the correction: the value first recorded.
  ASSERT_OK_AND_ASSIGN(
      const v1::EvaluationState before,
      client.GetState(AtPosition("2026-04-30", q2.position())));
  EXPECT_EQ(before.progress().position(), q2.position());
  EXPECT_EQ(ValueOf(before.progress(), "SD1.A1.I3"), 40);
  EXPECT_EQ(FindIndicator(before.progress(), "SD1.A1.I3")->value_event_id(),
            q1.event_id());

  // As of mid-year: Q2's value is the latest; the trend has both.
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState mid,
                       client.GetState(AsOf(kMidYear)));
  EXPECT_EQ(ValueOf(mid.progress(), "SD1.A1.I3"), 35);
  EXPECT_THAT(TrendOf(mid, "SD1.A1.I3"),
              ElementsAre(std::make_pair(std::string(kPastDate), 38.0),
                          std::make_pair(std::string(kMidYear), 35.0)));
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState mid_before,
                       client.GetState(AtPosition(kMidYear, q2.position())));
  EXPECT_THAT(TrendOf(mid_before, "SD1.A1.I3"),
              ElementsAre(std::make_pair(std::string(kPastDate), 40.0),
                          std::make_pair(std::string(kMidYear), 35.0)));

  // Before any value's date; and known before the first value.
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState march,
                       client.GetState(AsOf("2026-03-30")));
  EXPECT_EQ(ValueOf(march.progress(), "SD1.A1.I3"), std::nullopt);
  EXPECT_THAT(TrendOf(march, "SD1.A1.I3"), IsEmpty());
  ASSERT_OK_AND_ASSIGN(
      const v1::EvaluationState unknown,
      client.GetState(AtPosition(kMidYear, q1.position() - 1)));
  EXPECT_EQ(ValueOf(unknown.progress(), "SD1.A1.I3"), std::nullopt);

  // Default: as of today, known now.
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState now,
                       client.GetState(v1::TimePoint()));
  EXPECT_EQ(now.progress().as_of_date(), DateFromToday(0));
  EXPECT_EQ(now.progress().position(), head);
  EXPECT_EQ(ValueOf(now.progress(), "SD1.A1.I3"), 35);
}

TEST_F(EvaluationServiceTest, GetStateRefusesMalformedPoints) {
  KoersClient client = Client();
  const uint64_t head = HeadOf(client);
  EXPECT_THAT(client.GetState(AsOf("2026-02-30")),
              StatusIs(kInvalid, HasSubstr("as_of_date")));
  EXPECT_THAT(client.GetState(AsOf("30-06-2026")),
              StatusIs(kInvalid, HasSubstr("as_of_date")));
  EXPECT_THAT(client.GetState(AtPosition(kMidYear, head + 1)),
              StatusIs(kOutOfRange, AllOf(HasSubstr("known_at.position"),
                                          HasSubstr(absl::StrCat(head)))));
  // The head itself is a point.
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState at_head,
                       client.GetState(AtPosition(kMidYear, head)));
  EXPECT_EQ(at_head.progress().position(), head);
}

TEST_F(EvaluationServiceTest, ASnapshotFreezesTheStateAsKnownWhenTaken) {
  KoersClient client = Client();
  // SD2.A3.I1: share of cases with a plan, 40 % up to 85 %.
  const v1::WriteResult q1 = MustWrite(client, Measurement("SD2.A3.I1", 50));
  const uint64_t seen = HeadOf(client);
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse taken,
                       client.TakeSnapshot("frozen-2026", kMidYear));
  const v1::SnapshotInfo& info = taken.info();
  EXPECT_EQ(info.name(), "frozen-2026");
  EXPECT_EQ(info.as_of_date(), kMidYear);
  EXPECT_EQ(info.seen_position(), seen);
  EXPECT_EQ(info.event_position(), seen + 1);
  EXPECT_EQ(taken.result().position(), seen + 1);
  EXPECT_EQ(taken.result().event_id(), info.event_id());
  EXPECT_FALSE(taken.result().duplicate());
  EXPECT_EQ(info.taken_by(), "local");
  EXPECT_TRUE(info.has_taken_at());
  ASSERT_OK_AND_ASSIGN(const v1::Event head_event, client.EventAt(seen));
  EXPECT_EQ(info.head_hash(), storage::HexEncode(head_event.hash()));
  EXPECT_THAT(info.digest(), SizeIs(64));

  // The snapshot is an event of the log, holding the content and digest.
  ASSERT_OK_AND_ASSIGN(const v1::Event event,
                       client.EventAt(info.event_position()));
  EXPECT_EQ(event.event_id(), info.event_id());
  ASSERT_TRUE(event.has_evaluation_snapshot_taken());
  const v1::EvaluationSnapshotTaken& stored = event.evaluation_snapshot_taken();
  EXPECT_EQ(stored.name(), "frozen-2026");
  EXPECT_EQ(stored.seen_position(), seen);
  EXPECT_EQ(storage::HexEncode(stored.content_digest()), info.digest());
  EXPECT_EQ(HexSha256(stored.content()), info.digest());

  ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse first,
                       client.GetSnapshot("frozen-2026"));
  EXPECT_TRUE(MessageDifferencer::Equals(first.info(), info))
      << first.info().DebugString() << "\nvs taken\n"
      << info.DebugString();
  EXPECT_EQ(first.content(), stored.content());
  EXPECT_EQ(HexSha256(first.content()), info.digest());
  v1::EvaluationState parsed;
  ASSERT_TRUE(parsed.ParseFromString(first.content()));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, first.state()));
  EXPECT_EQ(first.state().progress().as_of_date(), kMidYear);
  EXPECT_EQ(first.state().progress().position(), seen);
  EXPECT_EQ(ValueOf(first.state().progress(), "SD2.A3.I1"), 50);

  // The same point asked later is answered with exactly the frozen content.
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState replayed,
                       client.GetState(AtPosition(kMidYear, seen)));
  EXPECT_TRUE(MessageDifferencer::Equals(replayed, first.state()))
      << "GetState as of the snapshot's date, known at its position, differs "
         "from the snapshot";

  // Later corrections, values, status changes and fiches change nothing in
  // it.
  PauseForRecordTime();
  MustWrite(client, Correction(q1.event_id(), 55, "recounted"));
  MustWrite(client, Measurement("SD2.A3.I1", 60, "2026-05-31"));
  MustWrite(client, StatusChange("SD2.A3", v1::ACTION_STATUS_IN_PROGRESS,
                                 "2026-02-01"));
  MustWrite(client, FicheUpdate("SD2.A3", 2026));
  for (int call = 0; call < 2; ++call) {
    ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse later,
                         client.GetSnapshot("frozen-2026"));
    EXPECT_EQ(later.content(), first.content()) << "call " << call;
    EXPECT_TRUE(MessageDifferencer::Equals(later.info(), first.info()));
    EXPECT_EQ(HexSha256(later.content()), info.digest());
    EXPECT_EQ(ValueOf(later.state().progress(), "SD2.A3.I1"), 50);
  }
  // Now, as of the same date, the latest value shows.
  ASSERT_OK_AND_ASSIGN(const v1::EvaluationState now,
                       client.GetState(AsOf(kMidYear)));
  EXPECT_EQ(ValueOf(now.progress(), "SD2.A3.I1"), 60);

  ASSERT_OK_AND_ASSIGN(const v1::ListSnapshotsResponse list,
                       client.ListSnapshots());
  bool listed = false;
  for (const v1::SnapshotInfo& listed_info : list.snapshots()) {
    if (listed_info.name() != "frozen-2026") continue;
    listed = true;
    EXPECT_TRUE(MessageDifferencer::Equals(listed_info, info));
  }
  EXPECT_TRUE(listed);
}

TEST_F(EvaluationServiceTest, TakeSnapshotRefusesBadRequestsAndWritesNothing) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse taken,
                       client.TakeSnapshot("taken-once", kPastDate));
  const uint64_t head = HeadOf(client);

  EXPECT_THAT(client.TakeSnapshot("taken-once", kMidYear),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr("name"), HasSubstr("taken-once"))));
  EXPECT_THAT(client.TakeSnapshot("tomorrow", DateFromToday(1)),
              StatusIs(kInvalid, HasSubstr("as_of_date")));
  EXPECT_THAT(client.TakeSnapshot("no-date", ""),
              StatusIs(kInvalid, HasSubstr("as_of_date")));
  EXPECT_THAT(client.TakeSnapshot("bad-date", "2026-02-30"),
              StatusIs(kInvalid, HasSubstr("as_of_date")));
  for (const std::string& name :
       {std::string(), std::string("interim 2026"), std::string("tussen/tijds"),
        std::string("tussentijdse-evaluatie-\xc3\xa9"),
        std::string(101, 'x')}) {
    SCOPED_TRACE(absl::StrCat("name \"", name, "\""));
    EXPECT_THAT(client.TakeSnapshot(name, kPastDate),
                StatusIs(kInvalid, HasSubstr("name")));
  }
  ExpectHeadIs(client, head);

  // A name of 100 characters of the allowed set is taken.
  const std::string longest = absl::StrCat("A.z_0-", std::string(100 - 6, 'n'));
  EXPECT_THAT(client.TakeSnapshot(longest, kPastDate), IsOk());
  ExpectHeadIs(client, head + 1);
  EXPECT_THAT(taken.info().name(), "taken-once");
}

TEST_F(EvaluationServiceTest,
       TakeSnapshotRetriedWithItsEventIdIsNotTakenTwice) {
  KoersClient client = Client();
  v1::TakeSnapshotRequest request;
  request.set_name("retried");
  request.set_as_of_date(kPastDate);
  request.mutable_options()->set_event_id(ClientEventId(0xe4a1, 1));
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse first,
                       client.TakeSnapshot(request));
  EXPECT_EQ(first.info().event_id(), ClientEventId(0xe4a1, 1));
  const uint64_t head = HeadOf(client);

  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse again,
                       client.TakeSnapshot(request));
  EXPECT_TRUE(MessageDifferencer::Equals(again.info(), first.info()))
      << again.info().DebugString();
  ExpectHeadIs(client, head);

  // The same event id for another snapshot, or for the same name as of
  // another date, is refused.
  v1::TakeSnapshotRequest other_date = request;
  other_date.set_as_of_date(kMidYear);
  EXPECT_THAT(client.TakeSnapshot(other_date),
              StatusIs(absl::StatusCode::kAlreadyExists));
  v1::TakeSnapshotRequest other_name = request;
  other_name.set_name("retried-other");
  EXPECT_THAT(client.TakeSnapshot(other_name),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ExpectHeadIs(client, head);
}

TEST_F(EvaluationServiceTest, ARetriedTakeSnapshotSaysItIsADuplicate) {
  KoersClient client = Client();
  v1::TakeSnapshotRequest request;
  request.set_name("retried-twice");
  request.set_as_of_date(kPastDate);
  request.mutable_options()->set_event_id(ClientEventId(0xe4a1, 2));
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse first,
                       client.TakeSnapshot(request));
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse again,
                       client.TakeSnapshot(request));
  EXPECT_TRUE(again.result().duplicate()) << again.ShortDebugString();
  EXPECT_EQ(again.result().event_id(), first.result().event_id());
  EXPECT_EQ(again.result().position(), first.result().position());
  EXPECT_EQ(again.result().stream_revision(), first.result().stream_revision());
}

TEST_F(EvaluationServiceTest, GetSnapshotOfAnUnknownNameIsNotFound) {
  KoersClient client = Client();
  EXPECT_THAT(client.GetSnapshot("never-taken"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("never-taken")));
  EXPECT_THAT(client.GetSnapshot(""), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(EvaluationServiceTest, ListSnapshotsOldestFirst) {
  KoersClient client = Client();
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse z,
                       client.TakeSnapshot("z-listed-first", kPastDate));
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse a,
                       client.TakeSnapshot("a-listed-second", kMidYear));
  ASSERT_OK_AND_ASSIGN(const v1::ListSnapshotsResponse list,
                       client.ListSnapshots());
  std::vector<std::string> names;
  uint64_t previous = 0;
  for (const v1::SnapshotInfo& info : list.snapshots()) {
    names.push_back(info.name());
    EXPECT_GT(info.event_position(), previous) << info.name();
    previous = info.event_position();
    ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse got,
                         client.GetSnapshot(info.name()));
    EXPECT_TRUE(MessageDifferencer::Equals(got.info(), info)) << info.name();
  }
  ASSERT_THAT(names, SizeIs(Ge(2u)));
  EXPECT_EQ(names[names.size() - 2], "z-listed-first");
  EXPECT_EQ(names.back(), "a-listed-second");
  EXPECT_TRUE(MessageDifferencer::Equals(
      list.snapshots(list.snapshots_size() - 2), z.info()));
  EXPECT_TRUE(
      MessageDifferencer::Equals(list.snapshots().rbegin()[0], a.info()));
}

TEST_F(EvaluationServiceTest, DiffFromASnapshotToNowListsTheLateCorrection) {
  KoersClient client = Client();
  // SD3.A4.I1: municipalities with a local network, 20 up to 60.
  const v1::WriteResult q1 = MustWrite(client, Measurement("SD3.A4.I1", 30));
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse taken,
                       client.TakeSnapshot("diff-base", kMidYear));
  const uint64_t seen = taken.info().seen_position();

  // Compared with itself, the snapshot shows no difference at all.
  ASSERT_OK_AND_ASSIGN(
      const v1::DiffResponse same,
      client.Diff(DiffOf(SnapshotSide("diff-base"),
                         PointSide(AtPosition(kMidYear, seen)))));
  EXPECT_THAT(same.indicators(), IsEmpty()) << same.DebugString();
  EXPECT_THAT(same.statuses(), IsEmpty());
  EXPECT_THAT(same.plan(), IsEmpty());
  EXPECT_THAT(same.corrections(), IsEmpty());

  PauseForRecordTime();
  v1::Submission correction = Correction(q1.event_id(), 32, "recounted");
  const v1::WriteResult corrected = MustWrite(client, correction);
  MustWrite(client, StatusChange("SD3.A4", v1::ACTION_STATUS_IN_PROGRESS,
                                 "2026-07-15"));
  const uint64_t head = HeadOf(client);

  ASSERT_OK_AND_ASSIGN(
      const v1::DiffResponse diff,
      client.Diff(DiffOf(SnapshotSide("diff-base"), PointSide({}))));
  EXPECT_EQ(diff.from_as_of_date(), kMidYear);
  EXPECT_EQ(diff.from_position(), seen);
  EXPECT_EQ(diff.to_as_of_date(), DateFromToday(0));
  EXPECT_EQ(diff.to_position(), head);

  const v1::IndicatorChange* change = FindChange(diff, "SD3.A4.I1");
  ASSERT_NE(change, nullptr) << diff.DebugString();
  EXPECT_TRUE(change->had_value());
  EXPECT_TRUE(change->has_value());
  EXPECT_EQ(change->old_number(), 30);
  EXPECT_EQ(change->new_number(), 32);
  EXPECT_EQ(change->old_date(), kPastDate);
  EXPECT_EQ(change->new_date(), kPastDate);
  // (30 - 20) / 40 and (32 - 20) / 40.
  EXPECT_NEAR(change->old_progress(), 0.25, 1e-9);
  EXPECT_NEAR(change->new_progress(), 0.30, 1e-9);

  bool status_listed = false;
  for (const v1::StatusChange& status : diff.statuses()) {
    if (status.action_id() != "SD3.A4") continue;
    status_listed = true;
    EXPECT_EQ(status.old_status(), v1::ACTION_STATUS_PLANNED);
    EXPECT_EQ(status.new_status(), v1::ACTION_STATUS_IN_PROGRESS);
  }
  EXPECT_TRUE(status_listed) << diff.DebugString();

  const v1::LateCorrection* late = nullptr;
  for (const v1::LateCorrection& listed : diff.corrections()) {
    if (listed.correction_event_id() == corrected.event_id()) late = &listed;
  }
  ASSERT_NE(late, nullptr) << diff.DebugString();
  EXPECT_EQ(late->indicator_id(), "SD3.A4.I1");
  EXPECT_EQ(late->superseded_event_id(), q1.event_id());
  EXPECT_EQ(late->position(), corrected.position());
  EXPECT_EQ(late->value_date(), kPastDate);
  EXPECT_EQ(late->old_number(), 30);
  EXPECT_EQ(late->new_number(), 32);
  EXPECT_EQ(late->reason(), "recounted");
  EXPECT_EQ(late->principal(), "local");
  EXPECT_TRUE(
      MessageDifferencer::Equals(late->record_time(), corrected.record_time()));

  // Unknown snapshots and points beyond the head are named.
  EXPECT_THAT(
      client.Diff(DiffOf(SnapshotSide("no-such-snapshot"), PointSide({}))),
      StatusIs(absl::StatusCode::kNotFound,
               AllOf(HasSubstr("from"), HasSubstr("no-such-snapshot"))));
  EXPECT_THAT(client.Diff(DiffOf(SnapshotSide("diff-base"),
                                 SnapshotSide("no-such-snapshot"))),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("to")));
  EXPECT_THAT(client.Diff(DiffOf(SnapshotSide("diff-base"),
                                 PointSide(AtPosition(kMidYear, head + 100)))),
              StatusIs(kOutOfRange, HasSubstr("to.at.known_at.position")));
}

TEST_F(EvaluationServiceTest,
       DiffListsALateCorrectionOfAValueInTheSnapshotsTrend) {
  KoersClient client = Client();
  // SD3.A3.I2: young people who recognise extremist content, 45 % to 65 %.
  const v1::WriteResult q1 = MustWrite(client, Measurement("SD3.A3.I2", 50));
  MustWrite(client, Measurement("SD3.A3.I2", 55, "2026-05-31"));
  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse taken,
                       client.TakeSnapshot("trend-base", kMidYear));
  ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse snapshot,
                       client.GetSnapshot("trend-base"));
  // The snapshot shows Q1's value in the indicator's trend (and the report's
  // chart), though not as its latest value.
  EXPECT_THAT(TrendOf(snapshot.state(), "SD3.A3.I2"),
              Contains(std::make_pair(std::string(kPastDate), 50.0)));
  PauseForRecordTime();
  const v1::WriteResult corrected =
      MustWrite(client, Correction(q1.event_id(), 51, "recounted"));

  ASSERT_OK_AND_ASSIGN(
      const v1::DiffResponse diff,
      client.Diff(DiffOf(SnapshotSide("trend-base"), PointSide({}))));
  EXPECT_THAT(CorrectionIds(diff), Contains(corrected.event_id()))
      << "a correction of a value the snapshot's trend showed is not listed "
         "as a late correction:\n"
      << diff.DebugString();
}

TEST_F(EvaluationServiceTest, DiffBetweenTwoPoints) {
  KoersClient client = Client();
  // SD4.A3.I1: municipalities, 35 up to 50.
  const v1::WriteResult q1 = MustWrite(client, Measurement("SD4.A3.I1", 38));
  const uint64_t before_correction = HeadOf(client);
  PauseForRecordTime();
  const v1::WriteResult corrected =
      MustWrite(client, Correction(q1.event_id(), 41));

  // The same date, known before and after the correction.
  ASSERT_OK_AND_ASSIGN(
      const v1::DiffResponse known,
      client.Diff(DiffOf(PointSide(AtPosition(kMidYear, before_correction)),
                         PointSide(AsOf(kMidYear)))));
  EXPECT_EQ(known.from_position(), before_correction);
  EXPECT_EQ(known.from_as_of_date(), kMidYear);
  EXPECT_EQ(known.to_as_of_date(), kMidYear);
  const v1::IndicatorChange* change = FindChange(known, "SD4.A3.I1");
  ASSERT_NE(change, nullptr) << known.DebugString();
  EXPECT_EQ(change->old_number(), 38);
  EXPECT_EQ(change->new_number(), 41);
  EXPECT_THAT(CorrectionIds(known), Contains(corrected.event_id()));

  // Two dates, both known now: the value appears; no correction is late.
  ASSERT_OK_AND_ASSIGN(const v1::DiffResponse dates,
                       client.Diff(DiffOf(PointSide(AsOf("2026-03-30")),
                                          PointSide(AsOf(kPastDate)))));
  change = FindChange(dates, "SD4.A3.I1");
  ASSERT_NE(change, nullptr) << dates.DebugString();
  EXPECT_FALSE(change->had_value());
  EXPECT_TRUE(change->has_value());
  EXPECT_EQ(change->new_number(), 41);
  EXPECT_FALSE(change->has_old_progress());
  EXPECT_NEAR(change->new_progress(), 0.4, 1e-9);
  EXPECT_EQ(change->old_verdict(), v1::VERDICT_NOT_ASSESSED);
  EXPECT_THAT(dates.corrections(), IsEmpty());

  // Swapped: known after to known before; nothing was corrected later.
  ASSERT_OK_AND_ASSIGN(
      const v1::DiffResponse back,
      client.Diff(DiffOf(PointSide(AsOf(kMidYear)),
                         PointSide(AtPosition(kMidYear, before_correction)))));
  change = FindChange(back, "SD4.A3.I1");
  ASSERT_NE(change, nullptr) << back.DebugString();
  EXPECT_EQ(change->old_number(), 41);
  EXPECT_EQ(change->new_number(), 38);
  EXPECT_THAT(CorrectionIds(back), Not(Contains(corrected.event_id())));

  EXPECT_THAT(client.Diff(DiffOf(PointSide(AsOf("2026-13-01")), PointSide({}))),
              StatusIs(kInvalid, HasSubstr("from.at.as_of_date")));
}

TEST_F(EvaluationServiceTest, CompletenessOfAYearAndOfAPeriod) {
  KoersClient client = Client();
  v1::CompletenessRequest year;
  year.set_year(2026);
  ASSERT_OK_AND_ASSIGN(const v1::Completeness before,
                       client.GetCompleteness(year));
  const uint64_t seen = before.position();
  EXPECT_EQ(seen, HeadOf(client));
  EXPECT_EQ(before.from_date(), "2026-01-01");
  // The year is checked up to today.
  EXPECT_EQ(before.to_date(),
            std::min(std::string("2026-12-31"), DateFromToday(0)));
  // SD4.A4 has no fiche for 2026; SD1.A4 (deadline 2025-12-31) is overdue.
  EXPECT_THAT(MissingFicheActions(before), Contains("SD4.A4"));
  EXPECT_THAT(OverdueActions(before), Contains("SD1.A4"));
  for (const v1::MissingFiche& fiche : before.missing_fiches()) {
    EXPECT_EQ(fiche.year(), 2026) << fiche.action_id();
    if (fiche.action_id() == "SD4.A4") {
      EXPECT_EQ(fiche.reporting_entity(), "Agentschap Justitie en Handhaving");
      EXPECT_THAT(fiche.lead_ministers(),
                  ElementsAre("Minister van Justitie en Handhaving"));
    }
  }
  // SD1.A1.I2 is quarterly and nobody has reported it yet: Q1 to Q3.
  EXPECT_THAT(MissingValues(before),
              AllOf(Contains("SD1.A1.I2 2026-01-01..2026-03-31"),
                    Contains("SD1.A1.I2 2026-04-01..2026-06-30"),
                    Contains("SD1.A1.I2 2026-07-01..2026-09-30")));
  // Groups are sorted by key, and count what is listed.
  ASSERT_THAT(before.by_entity(), Not(IsEmpty()));
  uint32_t fiches = 0;
  uint32_t values = 0;
  uint32_t overdue = 0;
  for (int i = 0; i < before.by_entity_size(); ++i) {
    if (i > 0) {
      EXPECT_LT(before.by_entity(i - 1).key(), before.by_entity(i).key());
    }
    fiches += before.by_entity(i).missing_fiches();
    values += before.by_entity(i).missing_values();
    overdue += before.by_entity(i).overdue();
  }
  EXPECT_EQ(fiches, static_cast<uint32_t>(before.missing_fiches_size()));
  EXPECT_EQ(values, static_cast<uint32_t>(before.missing_values_size()));
  EXPECT_EQ(overdue, static_cast<uint32_t>(before.overdue_size()));
  for (int i = 1; i < before.by_minister_size(); ++i) {
    EXPECT_LT(before.by_minister(i - 1).key(), before.by_minister(i).key());
  }

  // The fiche and the Q2 value arrive.
  MustWrite(client, FicheUpdate("SD4.A4", 2026));
  MustWrite(client, Measurement("SD1.A1.I2", 140, "2026-05-15"));
  ASSERT_OK_AND_ASSIGN(const v1::Completeness after,
                       client.GetCompleteness(year));
  EXPECT_THAT(MissingFicheActions(after), Not(Contains("SD4.A4")));
  EXPECT_THAT(MissingValues(after),
              AllOf(Contains("SD1.A1.I2 2026-01-01..2026-03-31"),
                    Not(Contains("SD1.A1.I2 2026-04-01..2026-06-30"))));
  EXPECT_EQ(after.missing_fiches_size() + 1, before.missing_fiches_size());

  // Known at the earlier position: the earlier answer.
  year.mutable_known_at()->set_position(seen);
  ASSERT_OK_AND_ASSIGN(const v1::Completeness then,
                       client.GetCompleteness(year));
  EXPECT_TRUE(MessageDifferencer::Equals(then, before))
      << then.DebugString() << "\nvs\n"
      << before.DebugString();

  // A period: fiches due for the year it ends in; Q1 2026 only.
  v1::CompletenessRequest period;
  period.set_from_date("2026-01-01");
  period.set_to_date("2026-03-31");
  ASSERT_OK_AND_ASSIGN(const v1::Completeness q1,
                       client.GetCompleteness(period));
  EXPECT_EQ(q1.from_date(), "2026-01-01");
  EXPECT_EQ(q1.to_date(), "2026-03-31");
  EXPECT_THAT(MissingValues(q1),
              AllOf(Contains("SD1.A1.I2 2026-01-01..2026-03-31"),
                    Not(Contains("SD1.A1.I2 2026-07-01..2026-09-30"))));
  for (const v1::MissingValue& value : q1.missing_values()) {
    EXPECT_GE(value.period_end(), "2026-01-01") << value.indicator_id();
    EXPECT_LE(value.period_end(), "2026-03-31") << value.indicator_id();
  }
  EXPECT_THAT(MissingFicheActions(q1), Not(Contains("SD4.A4")));
}

TEST_F(EvaluationServiceTest, CompletenessRefusesAYearAndAPeriodTogether) {
  KoersClient client = Client();
  v1::CompletenessRequest both;
  both.set_year(2026);
  both.set_from_date("2026-01-01");
  both.set_to_date("2026-03-31");
  EXPECT_THAT(client.GetCompleteness(both),
              StatusIs(kInvalid, HasSubstr("year")));
  v1::CompletenessRequest neither;
  EXPECT_THAT(client.GetCompleteness(neither), StatusIs(kInvalid));
  v1::CompletenessRequest only_from;
  only_from.set_from_date("2026-01-01");
  EXPECT_THAT(client.GetCompleteness(only_from),
              StatusIs(kInvalid, HasSubstr("to_date")));
  v1::CompletenessRequest old_year;
  old_year.set_year(1999);
  EXPECT_THAT(client.GetCompleteness(old_year),
              StatusIs(kInvalid, HasSubstr("year")));
  v1::CompletenessRequest backwards;
  backwards.set_from_date("2026-06-30");
  backwards.set_to_date("2026-01-01");
  EXPECT_THAT(client.GetCompleteness(backwards), StatusIs(kInvalid));
  v1::CompletenessRequest beyond;
  beyond.set_year(2026);
  beyond.mutable_known_at()->set_position(HeadOf(client) + 1);
  EXPECT_THAT(client.GetCompleteness(beyond),
              StatusIs(kOutOfRange, HasSubstr("known_at.position")));
}

TEST_F(EvaluationServiceTest, ProgressPlanAndHistoryAtAPositionOrAnInstant) {
  KoersClient client = Client();
  // SD4.A1.I2: satisfaction with the platform, 70 % up to 100 %.
  const v1::WriteResult measured =
      MustWrite(client, Measurement("SD4.A1.I2", 75));
  ASSERT_OK_AND_ASSIGN(const v1::Event measured_event,
                       client.EventAt(measured.position()));
  PauseForRecordTime();
  const v1::WriteResult corrected =
      MustWrite(client, Correction(measured.event_id(), 76));
  const uint64_t head = HeadOf(client);

  // Progress: known now, at the measurement's position, at its instant.
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse now,
                       client.GetProgress(AsOf(kMidYear)));
  EXPECT_EQ(now.as_of_date(), kMidYear);
  EXPECT_EQ(now.position(), head);
  EXPECT_EQ(ValueOf(now, "SD4.A1.I2"), 76);
  ASSERT_OK_AND_ASSIGN(
      const v1::GetProgressResponse at_position,
      client.GetProgress(AtPosition(kMidYear, measured.position())));
  EXPECT_EQ(at_position.position(), measured.position());
  EXPECT_EQ(ValueOf(at_position, "SD4.A1.I2"), 75);
  ASSERT_OK_AND_ASSIGN(
      const v1::GetProgressResponse at_instant,
      client.GetProgress(AtTime(kMidYear, measured_event.record_time())));
  EXPECT_EQ(at_instant.position(), measured.position());
  EXPECT_EQ(ValueOf(at_instant, "SD4.A1.I2"), 75);
  EXPECT_TRUE(MessageDifferencer::Equals(at_instant, at_position));
  // The correction's instant and any later one see it.
  ASSERT_OK_AND_ASSIGN(
      const v1::GetProgressResponse later,
      client.GetProgress(AtTime(kMidYear, Instant(absl::Now()))));
  EXPECT_EQ(later.position(), head);
  EXPECT_EQ(ValueOf(later, "SD4.A1.I2"), 76);
  // Before the log began: nothing known, not even the plan.
  const google::protobuf::Timestamp before_the_log = Instant(
      absl::FromCivil(absl::CivilSecond(2020, 1, 1), absl::UTCTimeZone()));
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse before_log,
                       client.GetProgress(AtTime(kMidYear, before_the_log)));
  EXPECT_EQ(before_log.position(), 0u);
  EXPECT_THAT(before_log.indicators(), IsEmpty());
  // An as-of date before the value's date.
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse early,
                       client.GetProgress(AsOf("2026-03-01")));
  EXPECT_EQ(ValueOf(early, "SD4.A1.I2"), std::nullopt);

  // History: as of a date and known at a point.
  ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse all,
                       client.GetHistory("SD4.A1.I2"));
  ASSERT_THAT(all.entries(), SizeIs(Ge(3)));
  const v1::HistoryEntry& last = all.entries(all.entries_size() - 1);
  const v1::HistoryEntry& previous = all.entries(all.entries_size() - 2);
  EXPECT_EQ(last.event().event_id(), corrected.event_id());
  EXPECT_EQ(previous.event().event_id(), measured.event_id());
  EXPECT_EQ(previous.superseded_by(), corrected.event_id());
  ASSERT_OK_AND_ASSIGN(
      const v1::GetHistoryResponse known_then,
      client.GetHistory("SD4.A1.I2",
                        AtPosition(kMidYear, measured.position())));
  ASSERT_THAT(known_then.entries(), Not(IsEmpty()));
  EXPECT_EQ(known_then.entries().rbegin()->event().event_id(),
            measured.event_id());
  EXPECT_THAT(known_then.entries().rbegin()->superseded_by(), IsEmpty())
      << "as known then, the value was not yet corrected";
  for (const v1::HistoryEntry& entry : known_then.entries()) {
    EXPECT_LE(entry.event().position(), measured.position());
  }
  ASSERT_OK_AND_ASSIGN(
      const v1::GetHistoryResponse at_instant_history,
      client.GetHistory("SD4.A1.I2",
                        AtTime(kMidYear, measured_event.record_time())));
  EXPECT_TRUE(MessageDifferencer::Equals(at_instant_history, known_then));
  ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse early_history,
                       client.GetHistory("SD4.A1.I2", AsOf("2026-03-01")));
  for (const v1::HistoryEntry& entry : early_history.entries()) {
    EXPECT_NE(entry.event().event_id(), measured.event_id());
    EXPECT_NE(entry.event().event_id(), corrected.event_id());
  }

  // The plan at a point: the answer says which.
  ASSERT_OK_AND_ASSIGN(const v1::GetPlanResponse plan,
                       client.GetPlanAt(AtPosition(kMidYear, head)));
  EXPECT_EQ(plan.as_of_date(), kMidYear);
  EXPECT_EQ(plan.position(), head);
  EXPECT_EQ(plan.plan().id(), kPlanId);
  ASSERT_OK_AND_ASSIGN(const v1::GetPlanResponse no_plan,
                       client.GetPlanAt(AtTime(kMidYear, before_the_log)));
  EXPECT_EQ(no_plan.position(), 0u);
  EXPECT_THAT(no_plan.plan().id(), IsEmpty());

  // A position beyond the head is out of range, in every read.
  const v1::TimePoint beyond = AtPosition(kMidYear, head + 1);
  const auto names_the_field =
      StatusIs(kOutOfRange, HasSubstr("known_at.position"));
  EXPECT_THAT(client.GetProgress(beyond), names_the_field);
  EXPECT_THAT(client.GetHistory("SD4.A1.I2", beyond), names_the_field);
  EXPECT_THAT(client.GetPlanAt(beyond), names_the_field);
  EXPECT_THAT(client.GetState(beyond), names_the_field);
}

// Access control of the EvaluationService: only coordinators take
// snapshots; every principal reads them.
class EvaluationAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    tokens_ = new std::map<std::string, std::string>();
    setup_status_ = new absl::Status();
    const std::string auth_file = dir_->Sub("principals.json");
    for (const auto& [name, role, entities] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"coordinator.bz", "coordinator", ""},
             {"binnenlands-bestuur", "reporter",
              "Agentschap Binnenlands Bestuur"},
             {"evaluator@vlaanderen", "evaluator", ""}}) {
      absl::StatusOr<std::string> token =
          AddPrincipal(auth_file, name, role, entities);
      if (!token.ok()) {
        *setup_status_ = token.status();
        return;
      }
      (*tokens_)[name] = *token;
    }
    server_ = new TestServer({"--plan=sample", "--auth_file=" + auth_file});
    *setup_status_ = server_->status();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete tokens_;
    delete setup_status_;
    delete dir_;
    server_ = nullptr;
  }

  void SetUp() override { ASSERT_TRUE(setup_status_->ok()) << *setup_status_; }

  static KoersClient As(const std::string& name) {
    return server_->Client(tokens_->at(name));
  }
  static KoersClient Anonymous() { return server_->Client(); }

 private:
  inline static testing::TempDir* dir_ = nullptr;
  inline static TestServer* server_ = nullptr;
  inline static std::map<std::string, std::string>* tokens_ = nullptr;
  inline static absl::Status* setup_status_ = nullptr;
};

TEST_F(EvaluationAuthTest, OnlyCoordinatorsTakeSnapshotsAndEveryoneReads) {
  KoersClient coordinator = As("coordinator.bz");
  const uint64_t head = HeadOf(coordinator);
  for (const char* name : {"binnenlands-bestuur", "evaluator@vlaanderen"}) {
    SCOPED_TRACE(name);
    KoersClient client = As(name);
    EXPECT_THAT(client.TakeSnapshot("interim-2026", kMidYear),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         HasSubstr("coordinator")));
  }
  ExpectHeadIs(coordinator, head);
  ASSERT_OK_AND_ASSIGN(const v1::ListSnapshotsResponse none,
                       coordinator.ListSnapshots());
  EXPECT_THAT(none.snapshots(), IsEmpty());

  ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse taken,
                       coordinator.TakeSnapshot("interim-2026", kMidYear));
  EXPECT_EQ(taken.info().taken_by(), "coordinator.bz");
  ASSERT_OK_AND_ASSIGN(const v1::Event event,
                       coordinator.EventAt(taken.info().event_position()));
  EXPECT_EQ(event.principal(), "coordinator.bz");

  for (const char* name : {"binnenlands-bestuur", "evaluator@vlaanderen"}) {
    SCOPED_TRACE(name);
    KoersClient client = As(name);
    ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse got,
                         client.GetSnapshot("interim-2026"));
    EXPECT_EQ(HexSha256(got.content()), taken.info().digest());
    ASSERT_OK_AND_ASSIGN(const v1::ListSnapshotsResponse list,
                         client.ListSnapshots());
    EXPECT_THAT(list.snapshots(), SizeIs(1));
    EXPECT_THAT(client.GetState(AsOf(kMidYear)), IsOk());
    EXPECT_THAT(
        client.Diff(DiffOf(SnapshotSide("interim-2026"), PointSide({}))),
        IsOk());
    v1::CompletenessRequest year;
    year.set_year(2026);
    EXPECT_THAT(client.GetCompleteness(year), IsOk());
  }
}

TEST_F(EvaluationAuthTest, EvaluationCallsWithoutATokenAreUnauthenticated) {
  KoersClient anonymous = Anonymous();
  constexpr absl::StatusCode kUnauthenticated =
      absl::StatusCode::kUnauthenticated;
  EXPECT_THAT(anonymous.GetState(AsOf(kMidYear)), StatusIs(kUnauthenticated));
  EXPECT_THAT(anonymous.TakeSnapshot("anonymous", kMidYear),
              StatusIs(kUnauthenticated));
  EXPECT_THAT(anonymous.GetSnapshot("interim-2026"),
              StatusIs(kUnauthenticated));
  EXPECT_THAT(anonymous.ListSnapshots(), StatusIs(kUnauthenticated));
  EXPECT_THAT(anonymous.Diff(DiffOf(PointSide({}), PointSide({}))),
              StatusIs(kUnauthenticated));
  v1::CompletenessRequest year;
  year.set_year(2026);
  EXPECT_THAT(anonymous.GetCompleteness(year), StatusIs(kUnauthenticated));
}

// Restarts and the offline projection commands: each test has a server of
// its own, on a log with values, corrections, status changes, fiches, a plan
// revision and snapshots.
class ProjectionRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<TestServer>(std::vector<std::string>{"--plan=sample"});
    ASSERT_TRUE(server_->status().ok()) << server_->status();
    ASSERT_NO_FATAL_FAILURE(WriteHistory());
  }

  // An evaluation's worth of history, with a pause between events so that
  // every record time is distinct.
  void WriteHistory() {
    KoersClient client = server_->Client();
    const v1::WriteResult q1 = MustWrite(client, Measurement("SD1.A1.I1", 70));
    PauseForRecordTime();
    const v1::WriteResult q2 =
        MustWrite(client, Measurement("SD1.A1.I1", 73, kMidYear));
    MustWrite(client, LevelMeasurement("SD1.A3.I1", kLevelPartly));
    MustWrite(client, StatusChange("SD1.A1", v1::ACTION_STATUS_IN_PROGRESS,
                                   "2025-02-01"));
    MustWrite(client, FicheUpdate("SD1.A1", 2026));
    MustWrite(client, Measurement("SD2.A1.I2", 13));
    ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse interim,
                         client.TakeSnapshot("interim-2026", kMidYear));
    interim_seen_ = interim.info().seen_position();
    PauseForRecordTime();
    // Both values corrected: Q2's is the one the interim snapshot shows.
    const v1::WriteResult corrected =
        MustWrite(client, Correction(q1.event_id(), 72, "typing error"));
    ASSERT_OK_AND_ASSIGN(const v1::Event corrected_event,
                         client.EventAt(corrected.position()));
    correction_time_ = corrected_event.record_time();
    q2_correction_ =
        MustWrite(client, Correction(q2.event_id(), 74, "late survey returns"))
            .event_id();
    PauseForRecordTime();
    // A revision from September: SD1.A1.I1 retargeted, SD4.A4 withdrawn.
    ASSERT_OK_AND_ASSIGN(v1::Plan plan, client.GetPlan("2029-12-31"));
    for (v1::StrategicObjective& objective : *plan.mutable_objectives()) {
      auto& actions = *objective.mutable_actions();
      for (auto action = actions.begin(); action != actions.end();) {
        if (action->id() == "SD4.A4") {
          action = actions.erase(action);
          continue;
        }
        for (v1::Indicator& indicator : *action->mutable_indicators()) {
          if (indicator.id() == "SD1.A1.I1") {
            indicator.mutable_quantitative()->set_target_value(85);
          }
        }
        ++action;
      }
    }
    v1::LoadPlanRequest load;
    *load.mutable_plan() = plan;
    load.set_reason("interim evaluation");
    load.set_effective_date("2026-09-01");
    ASSERT_OK_AND_ASSIGN(const v1::LoadPlanResponse loaded,
                         client.LoadPlan(load));
    ASSERT_THAT(loaded.results(), Not(IsEmpty()));
    revision_position_ = loaded.results(0).position();
    MustWrite(client,
              StatusChange("SD1.A1", v1::ACTION_STATUS_DELAYED, "2026-10-01"));
    ASSERT_OK_AND_ASSIGN(const v1::TakeSnapshotResponse autumn,
                         client.TakeSnapshot("autumn-2026", "2026-10-31"));
    head_ = HeadOf(client);
    for (auto [name, content] :
         {std::make_pair("interim-2026", &interim_content_),
          std::make_pair("autumn-2026", &autumn_content_)}) {
      ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse got,
                           client.GetSnapshot(name));
      *content = got.content();
    }
  }

  // Every answer a restart must keep, by what was asked. Dates are explicit
  // so that the answers do not depend on today.
  std::map<std::string, std::string> Answers() {
    KoersClient client = server_->Client();
    std::map<std::string, std::string> answers;
    const auto keep = [&answers](const std::string& what,
                                 const auto& response) {
      if (!response.ok()) {
        ADD_FAILURE() << what << ": " << response.status();
        return;
      }
      answers[what] = response->DebugString();
    };
    const std::vector<std::pair<std::string, v1::TimePoint>> points = {
        {"mid-year now", AsOf(kMidYear)},
        {"mid-year at the interim", AtPosition(kMidYear, interim_seen_)},
        {"mid-year at the correction", AtTime(kMidYear, correction_time_)},
        {"autumn now", AsOf("2026-10-31")},
        {"autumn before the revision",
         AtPosition("2026-10-31", revision_position_ - 1)},
        {"end of 2025", AsOf("2025-12-31")},
    };
    for (const auto& [name, at] : points) {
      keep("state " + name, client.GetState(at));
      keep("progress " + name, client.GetProgress(at));
      keep("plan " + name, client.GetPlanAt(at));
      keep("history SD1.A1.I1 " + name, client.GetHistory("SD1.A1.I1", at));
      keep("history SD1.A1 " + name, client.GetHistory("SD1.A1", at));
    }
    keep("history SD1.A1.I1", client.GetHistory("SD1.A1.I1"));
    for (const char* name : {"interim-2026", "autumn-2026"}) {
      keep(absl::StrCat("snapshot ", name), client.GetSnapshot(name));
    }
    keep("snapshots", client.ListSnapshots());
    keep("diff interim to autumn",
         client.Diff(DiffOf(SnapshotSide("interim-2026"),
                            SnapshotSide("autumn-2026"))));
    keep("diff interim to autumn now",
         client.Diff(DiffOf(SnapshotSide("interim-2026"),
                            PointSide(AsOf("2026-10-31")))));
    v1::CompletenessRequest year;
    year.set_year(2026);
    year.mutable_known_at()->set_position(head_);
    keep("completeness 2026", client.GetCompleteness(year));
    v1::CompletenessRequest period;
    period.set_from_date("2025-01-01");
    period.set_to_date("2025-12-31");
    keep("completeness 2025", client.GetCompleteness(period));
    return answers;
  }

  static void ExpectSameAnswers(
      const std::map<std::string, std::string>& now,
      const std::map<std::string, std::string>& then) {
    ASSERT_EQ(now.size(), then.size());
    for (const auto& [what, answer] : then) {
      const auto found = now.find(what);
      ASSERT_NE(found, now.end()) << what;
      EXPECT_EQ(found->second, answer) << what;
    }
  }

  // Stops the server with SIGTERM; expects a clean exit.
  void StopCleanly() {
    EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->process().Log();
  }

  // `koersd <flag> --data_dir=<the server's>`, run to its end.
  CommandResult Offline(const std::string& flag) {
    return RunKoersd({flag, "--data_dir=" + server_->data_dir()},
                     server_->dir().Sub(flag.substr(2)));
  }

  std::unique_ptr<TestServer> server_;
  uint64_t interim_seen_ = 0;
  uint64_t revision_position_ = 0;
  uint64_t head_ = 0;
  google::protobuf::Timestamp correction_time_;
  std::string q2_correction_;
  // The snapshots' content as first served.
  std::string interim_content_;
  std::string autumn_content_;
};

TEST_F(ProjectionRestartTest, TheHistoryMeansWhatTheTestsSayItDoes) {
  KoersClient client = server_->Client();
  ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse interim,
                       client.GetSnapshot("interim-2026"));
  EXPECT_EQ(ValueOf(interim.state().progress(), "SD1.A1.I1"), 73);
  ASSERT_OK_AND_ASSIGN(
      const v1::GetProgressResponse march,
      client.GetProgress(AtPosition(kPastDate, interim_seen_)));
  EXPECT_EQ(ValueOf(march, "SD1.A1.I1"), 70);
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse march_now,
                       client.GetProgress(AsOf(kPastDate)));
  EXPECT_EQ(ValueOf(march_now, "SD1.A1.I1"), 72);
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse mid_now,
                       client.GetProgress(AsOf(kMidYear)));
  EXPECT_EQ(ValueOf(mid_now, "SD1.A1.I1"), 74);

  // The revision: retargeted from September, SD4.A4 withdrawn.
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse august,
                       client.GetProgress(AsOf("2026-08-31")));
  EXPECT_EQ(FindIndicator(august, "SD1.A1.I1")->target_value(), 80);
  ASSERT_OK_AND_ASSIGN(const v1::GetProgressResponse autumn,
                       client.GetProgress(AsOf("2026-10-31")));
  EXPECT_EQ(FindIndicator(autumn, "SD1.A1.I1")->target_value(), 85);
  for (const v1::ActionProgress& action : autumn.actions()) {
    EXPECT_NE(action.action_id(), "SD4.A4");
  }
  EXPECT_EQ(FindAction(autumn, "SD1.A1")->status(), v1::ACTION_STATUS_DELAYED);
  ASSERT_OK_AND_ASSIGN(
      const v1::GetProgressResponse autumn_before,
      client.GetProgress(AtPosition("2026-10-31", revision_position_ - 1)));
  EXPECT_EQ(FindIndicator(autumn_before, "SD1.A1.I1")->target_value(), 80);
  EXPECT_EQ(FindAction(autumn_before, "SD1.A1")->status(),
            v1::ACTION_STATUS_IN_PROGRESS);

  // The plan itself, as of a date and known at a point.
  const auto target_and_actions = [&client](const v1::TimePoint& at) {
    absl::StatusOr<v1::GetPlanResponse> plan = client.GetPlanAt(at);
    EXPECT_TRUE(plan.ok()) << plan.status();
    double target = 0;
    std::vector<std::string> actions;
    if (!plan.ok()) return std::make_pair(target, actions);
    for (const v1::StrategicObjective& objective : plan->plan().objectives()) {
      for (const v1::Action& action : objective.actions()) {
        actions.push_back(action.id());
        for (const v1::Indicator& indicator : action.indicators()) {
          if (indicator.id() == "SD1.A1.I1") {
            target = indicator.quantitative().target_value();
          }
        }
      }
    }
    return std::make_pair(target, actions);
  };
  const auto plan_august = target_and_actions(AsOf("2026-08-31"));
  EXPECT_EQ(plan_august.first, 80);
  EXPECT_THAT(plan_august.second, Contains("SD4.A4"));
  const auto plan_autumn = target_and_actions(AsOf("2026-10-31"));
  EXPECT_EQ(plan_autumn.first, 85);
  EXPECT_THAT(plan_autumn.second, Not(Contains("SD4.A4")));
  EXPECT_THAT(plan_autumn.second, SizeIs(15));
  const auto plan_autumn_before =
      target_and_actions(AtPosition("2026-10-31", revision_position_ - 1));
  EXPECT_EQ(plan_autumn_before.first, 80);
  EXPECT_THAT(plan_autumn_before.second, Contains("SD4.A4"));

  ASSERT_OK_AND_ASSIGN(const v1::DiffResponse diff,
                       client.Diff(DiffOf(SnapshotSide("interim-2026"),
                                          SnapshotSide("autumn-2026"))));
  bool withdrawn = false;
  bool retargeted = false;
  for (const v1::PlanDifference& difference : diff.plan()) {
    withdrawn |= difference.id() == "SD4.A4" &&
                 difference.kind() == v1::PlanDifference::KIND_WITHDRAWN;
    retargeted |= difference.id() == "SD1.A1.I1" &&
                  difference.kind() == v1::PlanDifference::KIND_RETARGETED;
  }
  EXPECT_TRUE(withdrawn) << diff.DebugString();
  EXPECT_TRUE(retargeted) << diff.DebugString();
  EXPECT_THAT(CorrectionIds(diff), Contains(q2_correction_));
}

TEST_F(ProjectionRestartTest, ARestartedServerAnswersExactlyAsBefore) {
  const std::map<std::string, std::string> before = Answers();
  StopCleanly();
  ASSERT_THAT(server_->Restart(), IsOk());
  EXPECT_THAT(server_->process().Log(),
              HasSubstr(absl::StrCat("log head at position ", head_)));
  ExpectSameAnswers(Answers(), before);

  // Spelled out for the snapshots: the same bytes, matching the digest.
  KoersClient client = server_->Client();
  for (const auto& [name, content] :
       {std::make_pair("interim-2026", interim_content_),
        std::make_pair("autumn-2026", autumn_content_)}) {
    ASSERT_OK_AND_ASSIGN(const v1::GetSnapshotResponse got,
                         client.GetSnapshot(name));
    EXPECT_EQ(got.content(), content) << name;
    EXPECT_EQ(HexSha256(got.content()), got.info().digest()) << name;
  }
}

TEST_F(ProjectionRestartTest, CheckAndRebuildProjectionsOffline) {
  const std::map<std::string, std::string> before = Answers();
  // Not while the server holds the log.
  const CommandResult locked = Offline("--check_projections");
  EXPECT_EQ(locked.exit_code, 2) << locked.out << locked.err;

  StopCleanly();
  const CommandResult checked = Offline("--check_projections");
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("check: OK"));

  const CommandResult rebuilt = Offline("--rebuild_projections");
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_THAT(rebuilt.out,
              HasSubstr(absl::StrCat("rebuild: OK, ", head_, " events")));
  const CommandResult rechecked = Offline("--check_projections");
  EXPECT_EQ(rechecked.exit_code, 0) << rechecked.out << rechecked.err;
  const CommandResult verified = Offline("--verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  ASSERT_THAT(server_->Restart(), IsOk());
  ExpectSameAnswers(Answers(), before);
}

}  // namespace
}  // namespace koers::integration
