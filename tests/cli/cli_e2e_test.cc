// End-to-end tests of the `koers` command line: each test starts the real
// koersd (tests/testing/koersd_process.h) on a fresh log with the bundled
// sample plan, runs the real `koers` binary (KOERS_CLI_PATH) as a user would,
// and checks what it prints and its exit code. The server is stopped with
// SIGTERM afterwards and must exit 0.
#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "koers/v1/ingest_service.pb.h"
#include "koers/v1/plan_service.pb.h"
#include "koers/v1/query_service.pb.h"
#include "tests/cli/child_process.h"
#include "tests/testing/koersd_process.h"
#include "tests/testing/temp_dir.h"

namespace koers {
namespace {

using ::koers::cli_test::ReadAll;
using ::koers::cli_test::Spawn;
using ::koers::cli_test::WaitFor;
using ::koers::cli_test::WriteAll;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr absl::Duration kCommandTimeout = absl::Seconds(60);

// Client event ids ("8-4-4-4-12" lowercase hex) the tests choose.
constexpr char kMeasurementId[] = "11111111-1111-4111-8111-111111111111";
constexpr char kCorrectionId[] = "22222222-2222-4222-8222-222222222222";

// A token and its SHA-256, for the principals file of the auth tests.
constexpr char kToken[] = "koers-test-token";
constexpr char kTokenSha256[] =
    "7a51dbd90bbd20be2c31949c8015a72f8450be412c89fe72252f731cd9b52a22";

struct CliResult {
  int exit_code;  // -signal when killed
  std::string out;
  std::string err;
};

std::ostream& operator<<(std::ostream& os, const CliResult& result) {
  return os << "exit code " << result.exit_code << "\n--- stdout\n"
            << result.out << "--- stderr\n"
            << result.err;
}

// Polls `condition` every 20 ms until it holds or `timeout` passes.
template <typename Condition>
bool Eventually(absl::Duration timeout, Condition condition) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

template <typename Message>
Message ParseJsonOrFail(const std::string& json) {
  Message message;
  const auto status =
      google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return message;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The first line of `text` that holds every one of `parts`, or "".
std::string LineWith(const std::string& text,
                     const std::vector<std::string>& parts) {
  for (const std::string& line : Lines(text)) {
    bool all = true;
    for (const std::string& part : parts) {
      all = all && absl::StrContains(line, part);
    }
    if (all) return line;
  }
  return "";
}

class CliEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> flags = {"--plan=sample"};
    for (std::string& flag : ExtraServerFlags()) {
      flags.push_back(std::move(flag));
    }
    absl::StatusOr<std::unique_ptr<koers::testing::KoersdProcess>> server =
        koers::testing::KoersdProcess::Start(dir_.Sub("data"), flags);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_flag_ = absl::StrCat("--server=", server_->address());
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    EXPECT_EQ(server_->Stop(SIGTERM), 0) << "koersd's output:\n"
                                         << server_->Log();
  }

  virtual std::vector<std::string> ExtraServerFlags() { return {}; }

  // Runs `koers --server=<the test's server> args...`.
  CliResult Koers(const std::vector<std::string>& args,
                  const std::vector<std::string>& extra_env = {}) {
    std::vector<std::string> argv = {KOERS_CLI_PATH, server_flag_};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = dir_.Sub(absl::StrCat("koers", ++runs_, ".out"));
    const std::string err = dir_.Sub(absl::StrCat("koers", runs_, ".err"));
    const pid_t pid = Spawn(argv, out, err, extra_env);
    if (pid <= 0) return {-1000, "", ""};
    const int code = WaitFor(pid, kCommandTimeout);
    return {code, ReadAll(out), ReadAll(err)};
  }

  // Records a value of SD1.A1.I1 (quantitative, %) with a client id.
  void MeasureWithId(const std::string& id, const std::string& value) {
    const CliResult result =
        Koers({"measure", "SD1.A1.I1", value, "--date=2026-03-31", "--id", id});
    ASSERT_EQ(result.exit_code, 0) << result;
  }

  koers::testing::TempDir dir_;
  std::unique_ptr<koers::testing::KoersdProcess> server_;
  // "--server=127.0.0.1:PORT".
  std::string server_flag_;
  int runs_ = 0;
};

TEST_F(CliEndToEndTest, PlanShowListsObjectivesActionsAndIndicators) {
  const CliResult result = Koers({"plan", "show"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.err, IsEmpty());
  for (const char* id : {"SD1", "SD2", "SD3", "SD4"}) {
    EXPECT_THAT(LineWith(result.out, {id}), Not(IsEmpty())) << id;
  }
  EXPECT_THAT(result.out, HasSubstr("VAP-2025-2029"));
  EXPECT_THAT(LineWith(result.out, {"SD1.A1 ", "Uitrol en versterking",
                                    "Agentschap Binnenlands Bestuur",
                                    "2025-01-01", "2028-12-31"}),
              Not(IsEmpty()))
      << result;
  EXPECT_THAT(LineWith(result.out, {"SD1.A1.I1", "quantitative", "%", "62 → 80",
                                    "increase"}),
              Not(IsEmpty()))
      << result;
  EXPECT_THAT(LineWith(result.out, {"SD2.A1.I2", "within [8, 12]"}),
              Not(IsEmpty()))
      << result;
  EXPECT_THAT(LineWith(result.out, {"SD1.A3.I1", "qualitative",
                                    "niet gestart → volledig gerealiseerd"}),
              Not(IsEmpty()))
      << result;
  EXPECT_THAT(result.out, HasSubstr("Coördinatie en samenwerking"));
}

TEST_F(CliEndToEndTest, PlanShowAsJsonIsTheResponse) {
  const CliResult result = Koers({"--format", "json", "plan", "show"});
  ASSERT_EQ(result.exit_code, 0) << result;
  const auto response = ParseJsonOrFail<v1::GetPlanResponse>(result.out);
  EXPECT_EQ(response.plan().id(), "VAP-2025-2029");
  ASSERT_EQ(response.plan().objectives_size(), 4);
  EXPECT_EQ(response.plan().objectives(3).id(), "SD4");
  EXPECT_GT(response.position(), 0u);
}

TEST_F(CliEndToEndTest, PlanShowAsCsvQuotesWhatHoldsTheSeparator) {
  const CliResult result =
      Koers({"plan", "show", "--format=csv", "--csv-sep", ";"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, StartsWith("id;title;period;legal basis\r\n"));
  // The sample plan's title holds a ';'.
  EXPECT_THAT(result.out, HasSubstr("\r\nVAP-2025-2029;\"Vlaams actieplan"));
  EXPECT_THAT(result.out, HasSubstr("\r\nid;title;actions\r\n"));
  EXPECT_THAT(result.out, HasSubstr("\r\nSD1.A1;Uitrol en versterking"));
  for (size_t i = result.out.find('\n'); i != std::string::npos;
       i = result.out.find('\n', i + 1)) {
    ASSERT_GT(i, 0u);
    EXPECT_EQ(result.out[i - 1], '\r') << "bare LF at byte " << i;
  }
}

TEST_F(CliEndToEndTest, MeasurePrintsWhereItLanded) {
  const CliResult result = Koers({"measure", "SD1.A1.I1", "70", "--date",
                                  "2026-03-31", "--comment", "eerste meting"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(Lines(result.out)[0], StartsWith("position "));
  EXPECT_THAT(LineWith(result.out, {"SD1.A1.I1", "no"}), Not(IsEmpty()))
      << result;

  const CliResult json = Koers({"measure", "SD1.A1.I2", "12", "--format=json",
                                "--date=2026-03-31", "--id", kMeasurementId});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto written = ParseJsonOrFail<v1::WriteResult>(json.out);
  EXPECT_EQ(written.event_id(), kMeasurementId);
  EXPECT_EQ(written.stream(), "SD1.A1.I2");
  EXPECT_GT(written.position(), 0u);
  EXPECT_FALSE(written.duplicate());

  // The same write again is recognised.
  const CliResult again = Koers({"measure", "SD1.A1.I2", "12", "--format=json",
                                 "--date=2026-03-31", "--id", kMeasurementId});
  ASSERT_EQ(again.exit_code, 0) << again;
  const auto duplicate = ParseJsonOrFail<v1::WriteResult>(again.out);
  EXPECT_TRUE(duplicate.duplicate());
  EXPECT_EQ(duplicate.position(), written.position());
}

TEST_F(CliEndToEndTest, MeasureALevelOfAQualitativeIndicator) {
  const CliResult result =
      Koers({"measure", "SD1.A3.I1", "gedeeltelijk gerealiseerd",
             "--date=2026-03-31", "--comment=ontwerp klaar"});
  EXPECT_EQ(result.exit_code, 0) << result;
}

TEST_F(CliEndToEndTest, ServerRefusalsExitOneWithTheCodeAndMessage) {
  const CliResult bad_date =
      Koers({"measure", "SD1.A1.I1", "70", "--date=2026-02-30"});
  EXPECT_EQ(bad_date.exit_code, 1) << bad_date;
  EXPECT_THAT(bad_date.err, StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(bad_date.out, IsEmpty());

  const CliResult unknown =
      Koers({"measure", "SD9.A1.I1", "1", "--date=2026-03-31"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
  EXPECT_THAT(unknown.err,
              AllOf(StartsWith("error: NOT_FOUND: "), HasSubstr("SD9.A1.I1")));

  // "nan" is sent as a number, so the server refuses it itself.
  const CliResult nan =
      Koers({"measure", "SD1.A1.I1", "nan", "--date=2026-03-31"});
  EXPECT_EQ(nan.exit_code, 1) << nan;
  EXPECT_THAT(nan.err, StartsWith("error: INVALID_ARGUMENT: "));
}

TEST_F(CliEndToEndTest, StatusByDutchNameAndUnknownNameIsAUsageError) {
  const CliResult unknown = Koers(
      {"status", "SD1.A2", "klaar", "--date=2026-01-15", "--reason=gestart"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("lopend"));
  EXPECT_THAT(unknown.err, HasSubstr("usage: koers"));

  const CliResult dutch = Koers(
      {"status", "SD1.A2", "Lopend", "--date=2026-01-15", "--reason=gestart"});
  ASSERT_EQ(dutch.exit_code, 0) << dutch;
  const CliResult progress = Koers({"progress"});
  ASSERT_EQ(progress.exit_code, 0) << progress;
  EXPECT_THAT(LineWith(progress.out, {"SD1.A2 ", "in progress", "2026-01-15"}),
              Not(IsEmpty()))
      << progress;
}

TEST_F(CliEndToEndTest, FicheUpdate) {
  const CliResult result =
      Koers({"fiche", "SD1.A1", "--year=2026", "--text",
             "Planning 2026: tien nieuwe cellen.", "--date=2026-02-01"});
  ASSERT_EQ(result.exit_code, 0) << result;
  const CliResult history = Koers({"history", "SD1.A1"});
  ASSERT_EQ(history.exit_code, 0) << history;
  EXPECT_THAT(
      LineWith(history.out, {"fiche updated", "fiche 2026: Planning 2026"}),
      Not(IsEmpty()))
      << history;
}

TEST_F(CliEndToEndTest, ProgressTablesAndJson) {
  MeasureWithId(kMeasurementId, "71");
  const CliResult table = Koers({"progress"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(
      LineWith(table.out, {"id", "title", "actions", "planned", "in progress",
                           "delayed", "completed", "stopped", "overdue"}),
      Not(IsEmpty()))
      << table;
  // 71 % from a baseline of 62 towards 80: 50 %.
  EXPECT_THAT(LineWith(table.out, {"SD1.A1.I1", "71 %", "2026-03-31", "50.0%"}),
              Not(IsEmpty()))
      << table;

  const CliResult json = Koers({"progress", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto response = ParseJsonOrFail<v1::GetProgressResponse>(json.out);
  EXPECT_EQ(response.objectives_size(), 4);
  EXPECT_GT(response.actions_size(), 0);
}

TEST_F(CliEndToEndTest, HistoryShowsWhatACorrectionSuperseded) {
  MeasureWithId(kMeasurementId, "70");
  const CliResult correct = Koers({"correct", kMeasurementId, "72", "--reason",
                                   "tikfout", "--id", kCorrectionId});
  ASSERT_EQ(correct.exit_code, 0) << correct;

  const CliResult history = Koers({"history", "SD1.A1.I1"});
  ASSERT_EQ(history.exit_code, 0) << history;
  EXPECT_THAT(LineWith(history.out, {"superseded by"}), Not(IsEmpty()));
  EXPECT_THAT(LineWith(history.out, {"measurement recorded", "70"}),
              EndsWith(kCorrectionId))
      << history;
  EXPECT_THAT(
      LineWith(history.out, {"measurement corrected",
                             absl::StrCat("corrects ", kMeasurementId, ": 72"),
                             "reason: tikfout"}),
      Not(IsEmpty()))
      << history;

  const CliResult json = Koers({"history", "SD1.A1.I1", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto response = ParseJsonOrFail<v1::GetHistoryResponse>(json.out);
  bool found = false;
  for (const v1::HistoryEntry& entry : response.entries()) {
    if (entry.event().event_id() == kMeasurementId) {
      found = true;
      EXPECT_EQ(entry.superseded_by(), kCorrectionId);
    }
  }
  EXPECT_TRUE(found) << json;
}

TEST_F(CliEndToEndTest, HistoryListsAStreamLongerThanOnePage) {
  // 1,001 measurements: the server answers in pages of at most 1,000.
  std::string lines;
  for (int i = 0; i < 1001; ++i) {
    absl::StrAppend(&lines,
                    R"({"measurement":{"indicatorId":"SD1.A2.I2","number":)", i,
                    R"(,"date":"2026-03-31"}})", "\n");
  }
  const std::string file = dir_.Sub("many.jsonl");
  WriteAll(file, lines);
  const CliResult import = Koers({"import", file});
  ASSERT_EQ(import.exit_code, 0) << import;

  const CliResult json = Koers({"history", "SD1.A2.I2", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto response = ParseJsonOrFail<v1::GetHistoryResponse>(json.out);
  // Its definition, then every measurement in order.
  ASSERT_EQ(response.entries_size(), 1002);
  EXPECT_EQ(response.entries(1001).event().measurement_recorded().number(),
            1000);
}

TEST_F(CliEndToEndTest, HistoryAsCsvQuotesQuotesAndSeparators) {
  const CliResult measure =
      Koers({"measure", "SD1.A1.I1", "70", "--date=2026-03-31", "--comment",
             "zei \"ok\", klaar"});
  ASSERT_EQ(measure.exit_code, 0) << measure;
  const CliResult csv = Koers({"history", "SD1.A1.I1", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv;
  EXPECT_THAT(csv.out,
              StartsWith("position,recorded,valid date,stream,type,principal,"
                         "summary,superseded by\r\n"));
  EXPECT_THAT(csv.out, HasSubstr(",measurement recorded,"));
  EXPECT_THAT(csv.out, HasSubstr(",\"70; comment: zei \"\"ok\"\", klaar\","));
}

TEST_F(CliEndToEndTest, ImportReportsEveryRejectedLine) {
  MeasureWithId(kMeasurementId, "5");
  const std::string file = dir_.Sub("q1.jsonl");
  WriteAll(
      file,
      absl::StrCat(
          "# measurements for Q1\n",
          // 2: the measurement above again: a duplicate.
          R"({"measurement":{"indicatorId":"SD1.A1.I1","number":5,"date":"2026-03-31","options":{"eventId":")",
          kMeasurementId, R"("}}})", "\n", "\n",
          // 4: accepted.
          R"({"measurement":{"indicatorId":"SD1.A2.I1","number":12,"date":"2026-03-31"}})"
          "\r\n",
          // 5: not JSON: rejected here.
          R"({"measurement": {"indicatorId": "SD1.A1.I1", "number": 70,)"
          "\n",
          // 6: unknown indicator: rejected by the server.
          R"({"measurement":{"indicatorId":"SD9.A1.I1","number":1,"date":"2026-03-31"}})"
          "\n",
          // 7: accepted.
          R"({"statusChange":{"actionId":"SD1.A2","status":"ACTION_STATUS_IN_PROGRESS","effectiveDate":"2026-01-15","reason":"gestart"}})"
          "\n",
          "   # an indented comment\n",
          // 9: an unknown field: rejected here.
          R"({"measurement":{"indicatorId":"SD1.A1.I1","numbr":70,"date":"2026-03-31"}})"
          "\n",
          // 10: an illegal transition, its reason longer than a table cell.
          R"({"statusChange":{"actionId":"SD1.A3","status":"ACTION_STATUS_COMPLETED","effectiveDate":"2026-01-15","reason":"klaar"}})"
          "\n"));

  const CliResult result = Koers({"import", file});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(LineWith(result.out,
                       {"lines sent", "accepted", "duplicates", "rejected"}),
              Not(IsEmpty()))
      << result;
  const std::vector<std::string> lines = Lines(result.out);
  const auto summary =
      std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return absl::StartsWith(line, "lines sent");
      });
  ASSERT_NE(summary, lines.end());
  ASSERT_LT(summary + 2, lines.end());
  const std::vector<std::string> counts =
      absl::StrSplit(*(summary + 2), ' ', absl::SkipEmpty());
  EXPECT_THAT(counts, ElementsAre("5", "2", "1", "4")) << result;
  EXPECT_THAT(LineWith(result.out, {"5 ", "INVALID_ARGUMENT"}),
              StartsWith("5 "))
      << result;
  EXPECT_THAT(LineWith(result.out, {"6 ", "NOT_FOUND", "SD9.A1.I1"}),
              StartsWith("6 "))
      << result;
  EXPECT_THAT(LineWith(result.out, {"9 ", "INVALID_ARGUMENT", "numbr"}),
              StartsWith("9 "))
      << result;
  // The whole reason, with what is allowed.
  EXPECT_THAT(
      LineWith(result.out, {"10 ", "FAILED_PRECONDITION",
                            "it can move to in progress (lopend), delayed "
                            "(vertraagd), stopped (stopgezet), not to "
                            "completed (gerealiseerd)"}),
      StartsWith("10 "))
      << result;
  EXPECT_THAT(result.err,
              HasSubstr(absl::StrCat("error: 4 of 7 submissions in ", file,
                                     " were rejected")));
}

TEST_F(CliEndToEndTest, ImportJudgesEachLineAfterTheLinesBeforeIt) {
  const std::string file = dir_.Sub("sequence.jsonl");
  WriteAll(
      file,
      absl::StrCat(
          // 1, 2: planned -> in progress -> completed, which is legal only
          // once line 1 is written.
          R"({"statusChange":{"actionId":"SD2.A1","status":"ACTION_STATUS_IN_PROGRESS","effectiveDate":"2026-01-15","reason":"gestart"}})"
          "\n",
          R"({"statusChange":{"actionId":"SD2.A1","status":"ACTION_STATUS_COMPLETED","effectiveDate":"2026-03-01","reason":"afgerond"}})"
          "\n",
          // 3, 4: a measurement and its correction.
          R"({"measurement":{"indicatorId":"SD2.A1.I1","number":10,"date":"2026-03-31","options":{"eventId":")",
          kMeasurementId, R"("}}})", "\n",
          R"({"correction":{"supersedesEventId":")", kMeasurementId,
          R"(","number":12,"reason":"tikfout"}})", "\n",
          // 5: completed is final, as line 2 made it.
          R"({"statusChange":{"actionId":"SD2.A1","status":"ACTION_STATUS_IN_PROGRESS","effectiveDate":"2026-03-15","reason":"heropend"}})"
          "\n"));

  const CliResult result = Koers({"import", file, "--format=json"});
  EXPECT_EQ(result.exit_code, 1) << result;
  const auto response = ParseJsonOrFail<v1::StreamSubmitResponse>(result.out);
  ASSERT_EQ(response.items_size(), 5) << result;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(response.items(i).outcome(), v1::ItemResult::OUTCOME_ACCEPTED)
        << "line " << i + 1 << ": " << response.items(i).message();
  }
  EXPECT_EQ(response.items(4).outcome(), v1::ItemResult::OUTCOME_REJECTED);
  EXPECT_EQ(response.items(4).code(),
            static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(response.items(4).message(), HasSubstr("completed"));
  // In the log in the order of the lines.
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(response.items(i).result().position(),
              response.items(i - 1).result().position() + 1);
  }
}

TEST_F(CliEndToEndTest, ImportDryRunWritesNothing) {
  const std::string file = dir_.Sub("good.jsonl");
  WriteAll(
      file,
      R"({"measurement":{"indicatorId":"SD1.A2.I1","number":12,"date":"2026-03-31"}})"
      "\n"
      R"({"measurement":{"indicatorId":"SD1.A3.I1","level":"gedeeltelijk gerealiseerd","date":"2026-03-31"}})"
      "\n");
  const CliResult head_before = Koers({"events", "--limit=1", "--format=json"});
  ASSERT_EQ(head_before.exit_code, 0) << head_before;

  const CliResult result =
      Koers({"import", "--dry-run", file, "--format=json"});
  ASSERT_EQ(result.exit_code, 0) << result;
  const auto response = ParseJsonOrFail<v1::StreamSubmitResponse>(result.out);
  ASSERT_EQ(response.items_size(), 2) << result;
  for (const v1::ItemResult& item : response.items()) {
    EXPECT_EQ(item.outcome(), v1::ItemResult::OUTCOME_VALID) << result;
  }
  EXPECT_EQ(response.rejected(), 0u);

  const CliResult head_after = Koers({"events", "--limit=1", "--format=json"});
  ASSERT_EQ(head_after.exit_code, 0) << head_after;
  EXPECT_EQ(
      ParseJsonOrFail<v1::ReadEventsResponse>(head_after.out).head_position(),
      ParseJsonOrFail<v1::ReadEventsResponse>(head_before.out).head_position());
}

TEST_F(CliEndToEndTest, EventsFromAPosition) {
  const CliResult table = Koers({"events", "--limit", "2"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(LineWith(table.out, {"plan adopted", "VAP-2025-2029"}),
              Not(IsEmpty()))
      << table;

  const CliResult json =
      Koers({"events", "--from=3", "--limit=2", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto response = ParseJsonOrFail<v1::ReadEventsResponse>(json.out);
  ASSERT_EQ(response.events_size(), 2);
  EXPECT_EQ(response.events(0).position(), 3u);
  EXPECT_EQ(response.events(1).position(), 4u);
}

TEST_F(CliEndToEndTest, TailFollowsTheLogLive) {
  const std::string out = dir_.Sub("tail.out");
  const pid_t tail = Spawn({KOERS_CLI_PATH, server_flag_, "tail", "--from=1"},
                           out, dir_.Sub("tail.err"));
  ASSERT_GT(tail, 0);
  const bool caught_up = Eventually(absl::Seconds(30), [&] {
    return absl::StrContains(ReadAll(out), "caught up at position");
  });
  EXPECT_TRUE(caught_up) << ReadAll(out) << ReadAll(dir_.Sub("tail.err"));
  MeasureWithId(kMeasurementId, "73");
  const bool live = Eventually(absl::Seconds(30), [&] {
    return !LineWith(ReadAll(out), {"SD1.A1.I1", "measurement recorded", "73"})
                .empty();
  });
  EXPECT_TRUE(live) << ReadAll(out);
  EXPECT_THAT(Lines(ReadAll(out))[0], StartsWith("position  "));
  kill(tail, SIGTERM);
  EXPECT_EQ(WaitFor(tail, absl::Seconds(30)), -SIGTERM);
}

TEST_F(CliEndToEndTest, HealthAndVerify) {
  const CliResult health = Koers({"health"});
  EXPECT_EQ(health.exit_code, 0) << health;
  EXPECT_THAT(health.out, HasSubstr("SERVING"));

  MeasureWithId(kMeasurementId, "70");
  const CliResult verify = Koers({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify;
  EXPECT_THAT(Lines(verify.out), Contains(StartsWith("OK ")));

  const CliResult json = Koers({"verify", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  EXPECT_TRUE(ParseJsonOrFail<v1::VerifyResponse>(json.out).ok());
}

TEST_F(CliEndToEndTest, PlanLoadDryRunAndNoChanges) {
  const std::string plan = dir_.Sub("plan.json");
  WriteAll(plan, ReadAll(KOERS_SAMPLE_PLAN_PATH));
  const CliResult same = Koers({"plan", "load", plan});
  ASSERT_EQ(same.exit_code, 0) << same;
  EXPECT_THAT(same.out, HasSubstr("no changes"));

  std::string changed = ReadAll(KOERS_SAMPLE_PLAN_PATH);
  const std::string deadline = R"("deadline": "2028-12-31")";
  const size_t at = changed.find(deadline);
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, deadline.size(), R"("deadline": "2029-06-30")");
  WriteAll(plan, changed);
  const CliResult dry_run =
      Koers({"plan", "load", plan, "--dry-run", "--reason=herziening"});
  ASSERT_EQ(dry_run.exit_code, 0) << dry_run;
  EXPECT_THAT(dry_run.out, HasSubstr("dry run"));
  EXPECT_THAT(LineWith(dry_run.out, {"action revised", "SD1.A1 ", "deadline"}),
              Not(IsEmpty()))
      << dry_run;

  const CliResult load = Koers({"plan", "load", plan, "--format=json"});
  ASSERT_EQ(load.exit_code, 0) << load;
  const auto response = ParseJsonOrFail<v1::LoadPlanResponse>(load.out);
  ASSERT_EQ(response.changes_size(), 1) << load;
  ASSERT_EQ(response.results_size(), 1) << load;
  EXPECT_GT(response.results(0).position(), 0u);
}

TEST_F(CliEndToEndTest, PlanShowAsOfADateShowsTheDefinitionsThen) {
  // SD1.A1's deadline moves from 2028-12-31 to 2029-06-30 on 2026-02-01.
  std::string changed = ReadAll(KOERS_SAMPLE_PLAN_PATH);
  const std::string deadline = R"("deadline": "2028-12-31")";
  const size_t at = changed.find(deadline);
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, deadline.size(), R"("deadline": "2029-06-30")");
  const std::string plan = dir_.Sub("revised.json");
  WriteAll(plan, changed);
  const CliResult load = Koers({"plan", "load", plan, "--reason=herziening",
                                "--effective-date=2026-02-01"});
  ASSERT_EQ(load.exit_code, 0) << load;

  const CliResult before = Koers({"plan", "show", "--as-of", "2026-01-31"});
  ASSERT_EQ(before.exit_code, 0) << before;
  EXPECT_THAT(before.out, StartsWith("Plan as of 2026-01-31"));
  EXPECT_THAT(LineWith(before.out, {"SD1.A1 ", "2028-12-31"}), Not(IsEmpty()))
      << before;
  const CliResult after = Koers({"plan", "show", "--as-of=2026-02-01"});
  ASSERT_EQ(after.exit_code, 0) << after;
  EXPECT_THAT(LineWith(after.out, {"SD1.A1 ", "2029-06-30"}), Not(IsEmpty()))
      << after;

  const CliResult early = Koers({"plan", "show", "--as-of", "2024-06-30"});
  ASSERT_EQ(early.exit_code, 0) << early;
  EXPECT_THAT(early.out, HasSubstr("no plan loaded by then"));

  const CliResult bad = Koers({"plan", "show", "--as-of", "2026-13-01"});
  EXPECT_EQ(bad.exit_code, 1) << bad;
  EXPECT_THAT(bad.err, StartsWith("error: INVALID_ARGUMENT: as_of_date: "));
}

TEST_F(CliEndToEndTest, UnknownCommandIsAUsageError) {
  const CliResult result = Koers({"frobnicate"});
  EXPECT_EQ(result.exit_code, 2) << result;
  EXPECT_THAT(result.err, StartsWith("error: unknown command \"frobnicate\""));
  EXPECT_THAT(result.err, HasSubstr("usage: koers"));
  EXPECT_THAT(result.out, IsEmpty());
}

// A server that checks bearer tokens (--auth_file).
class CliAuthEndToEndTest : public CliEndToEndTest {
 protected:
  std::vector<std::string> ExtraServerFlags() override {
    const std::string principals = dir_.Sub("principals.json");
    WriteAll(principals,
             absl::StrCat(R"({"principals": [{"name": "coordinator", )",
                          R"("role": "ROLE_COORDINATOR", "tokenSha256": ")",
                          kTokenSha256, R"("}]})"));
    return {absl::StrCat("--auth_file=", principals)};
  }
};

TEST_F(CliAuthEndToEndTest, SendsTheTokenFromTheFlagOrTheEnvironment) {
  const CliResult without = Koers({"progress"});
  EXPECT_EQ(without.exit_code, 1) << without;
  EXPECT_THAT(without.err, StartsWith("error: UNAUTHENTICATED: "));

  const CliResult wrong = Koers({"progress", "--token=wrong"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong;
  EXPECT_THAT(wrong.err, StartsWith("error: UNAUTHENTICATED: "));

  const CliResult flag = Koers({"progress", "--token", kToken});
  EXPECT_EQ(flag.exit_code, 0) << flag;

  const CliResult env =
      Koers({"progress"}, {absl::StrCat("KOERS_TOKEN=", kToken)});
  EXPECT_EQ(env.exit_code, 0) << env;
}

// A server started with --plan=FILE (after the fixture's --plan=sample: the
// last flag wins): the sample plan under another title.
class CliPlanFileEndToEndTest : public CliEndToEndTest {
 protected:
  static constexpr char kTitle[] = "Actieplan uit een bestand";

  std::vector<std::string> ExtraServerFlags() override {
    std::string plan = ReadAll(KOERS_SAMPLE_PLAN_PATH);
    const std::string title = R"("title": "Vlaams actieplan)";
    const size_t at = plan.find(title);
    if (at == std::string::npos) return {"--plan=the sample plan changed"};
    plan.replace(at, title.size(), absl::StrCat(R"("title": ")", kTitle));
    const std::string file = dir_.Sub("plan-file.json");
    WriteAll(file, plan);
    return {absl::StrCat("--plan=", file)};
  }
};

TEST_F(CliPlanFileEndToEndTest, KoersdLoadsThePlanFileIntoAnEmptyLog) {
  const CliResult json = Koers({"plan", "show", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto response = ParseJsonOrFail<v1::GetPlanResponse>(json.out);
  EXPECT_EQ(response.plan().id(), "VAP-2025-2029");
  EXPECT_THAT(response.plan().title(), StartsWith(kTitle));
  EXPECT_EQ(response.plan().objectives_size(), 4);
}

// A server with TLS that asks for client certificates (--tls_client_ca).
// The certificates in testdata/ are for tests only (see its README.md).
class CliTlsEndToEndTest : public CliEndToEndTest {
 protected:
  static std::string TestData(const std::string& name) {
    return absl::StrCat(KOERS_CLI_TESTDATA, "/", name);
  }

  std::vector<std::string> ExtraServerFlags() override {
    return {absl::StrCat("--tls_cert=", TestData("server.pem")),
            absl::StrCat("--tls_key=", TestData("server.key")),
            absl::StrCat("--tls_client_ca=", TestData("ca.pem"))};
  }
};

TEST_F(CliTlsEndToEndTest, ConnectsWithTheRootCaAndAClientCertificate) {
  const std::vector<std::string> tls = {"--tls_ca",   TestData("ca.pem"),
                                        "--tls_cert", TestData("client.pem"),
                                        "--tls_key",  TestData("client.key")};
  std::vector<std::string> health = {"health"};
  health.insert(health.end(), tls.begin(), tls.end());
  const CliResult serving = Koers(health);
  EXPECT_EQ(serving.exit_code, 0) << serving;
  EXPECT_THAT(serving.out, HasSubstr("SERVING"));

  std::vector<std::string> progress = {"progress", "--format=json"};
  progress.insert(progress.end(), tls.begin(), tls.end());
  const CliResult json = Koers(progress);
  ASSERT_EQ(json.exit_code, 0) << json;
  EXPECT_EQ(
      ParseJsonOrFail<v1::GetProgressResponse>(json.out).objectives_size(), 4);

  const CliResult plaintext = Koers({"health"});
  EXPECT_EQ(plaintext.exit_code, 1) << plaintext;
  EXPECT_THAT(plaintext.err, StartsWith("error: UNAVAILABLE: "));

  const CliResult no_client_certificate =
      Koers({"health", "--tls_ca", TestData("ca.pem")});
  EXPECT_EQ(no_client_certificate.exit_code, 1) << no_client_certificate;
  EXPECT_THAT(no_client_certificate.err, StartsWith("error: UNAVAILABLE: "));
}

// Mutual TLS with a principals file: the client certificate's subject
// (testdata/client.pem is "CN=coordinator") names the principal, so the
// client needs no token.
class CliCertificatePrincipalEndToEndTest : public CliTlsEndToEndTest {
 protected:
  std::vector<std::string> ExtraServerFlags() override {
    const std::string principals = dir_.Sub("principals.json");
    WriteAll(
        principals,
        R"({"principals": [{"name": "cert-coordinator", )"
        R"("role": "ROLE_COORDINATOR", "tlsSubject": "CN=coordinator"}]})");
    std::vector<std::string> flags = CliTlsEndToEndTest::ExtraServerFlags();
    flags.push_back(absl::StrCat("--auth_file=", principals));
    return flags;
  }
};

TEST_F(CliCertificatePrincipalEndToEndTest, TheSubjectIdentifiesThePrincipal) {
  const std::vector<std::string> tls = {"--tls_ca",   TestData("ca.pem"),
                                        "--tls_cert", TestData("client.pem"),
                                        "--tls_key",  TestData("client.key")};
  std::vector<std::string> measure = {"measure", "SD1.A1.I1", "70",
                                      "--date=2026-03-31"};
  measure.insert(measure.end(), tls.begin(), tls.end());
  const CliResult written = Koers(measure);
  ASSERT_EQ(written.exit_code, 0) << written;

  std::vector<std::string> history = {"history", "SD1.A1.I1", "--format=json"};
  history.insert(history.end(), tls.begin(), tls.end());
  const CliResult json = Koers(history);
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto response = ParseJsonOrFail<v1::GetHistoryResponse>(json.out);
  ASSERT_GT(response.entries_size(), 0) << json;
  const v1::Event& last = response.entries(response.entries_size() - 1).event();
  EXPECT_EQ(last.principal(), "cert-coordinator") << json;
}

}  // namespace
}  // namespace koers
