// The evaluation story of issue 4, end to end, as a coordinator lives it:
// the real koersd (sample plan, fresh log) and the real `koers` binary.
//
//   koers measure SD1.A1.I1 70 --date 2026-03-31       a value for Q1
//   koers snapshot take interim-2026 --as-of 2026-06-30 the interim snapshot
//   koers correct <the value's event id> 72 --reason …  a correction, later
//
// Then: the snapshot still shows 70, with the same digest (SHA-256 of its
// content); as of the same date known now shows 72; known at the snapshot's
// position (or the instant it was taken) shows 70 again; the diff from the
// snapshot to now lists the correction; the snapshot's HTML report renders
// in headless Chromium (file:// only, no network) to a page that is not
// blank and names the snapshot, its date, position and digest; the CSV
// report is RFC 4180; the completeness of 2026 lists what is missing.
//
// The story is told once per suite (SetUpTestSuite); each test checks one
// claim and writes nothing. Without the chromium binary the HTML test
// FAILS, as cli_report_render_test does.
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "koers/v1/evaluation_service.pb.h"
#include "koers/v1/ingest_service.pb.h"
#include "koers/v1/query_service.pb.h"
#include "storage/event_hash.h"
#include "tests/cli/child_process.h"
#include "tests/cli/png_probe.h"
#include "tests/testing/koersd_process.h"
#include "tests/testing/temp_dir.h"

namespace koers {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::koers::cli_test::ReadAll;
using ::koers::cli_test::Spawn;
using ::koers::cli_test::WaitFor;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr absl::Duration kCommandTimeout = absl::Seconds(60);
// Chromium starts slowly on a loaded machine.
constexpr absl::Duration kChromiumTimeout = absl::Seconds(120);

// The story's facts.
constexpr char kIndicator[] = "SD1.A1.I1";  // % of municipalities, 62 → 80
constexpr char kValueDate[] = "2026-03-31";
constexpr char kSnapshot[] = "interim-2026";
constexpr char kSnapshotDate[] = "2026-06-30";
constexpr double kRecorded = 70;
constexpr double kCorrected = 72;
constexpr char kReason[] = "tikfout in het Q1-rapport";

// A4 at 150 dots per inch, and white.
constexpr uint32_t kPageWidth = 1240;
constexpr uint32_t kPageHeight = 1754;
constexpr uint32_t kWhite = 0xffffff;

struct CliResult {
  int exit_code = -1000;  // -signal when killed
  std::string out;
  std::string err;
};

std::ostream& operator<<(std::ostream& os, const CliResult& result) {
  return os << "exit code " << result.exit_code << "\n--- stdout\n"
            << result.out << "--- stderr\n"
            << result.err;
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

// The whitespace-separated words of a table row.
std::vector<std::string> Words(const std::string& line) {
  return absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
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

// The first line of `text` starting with `id` and a space (a table row of
// that id), or "".
std::string RowOf(const std::string& text, const std::string& id) {
  for (const std::string& line : Lines(text)) {
    if (absl::StartsWith(line, id + " ")) return line;
  }
  return "";
}

std::string HexSha256(absl::string_view bytes) {
  return storage::HexEncode(storage::Sha256(bytes));
}

bool IsHexDigest(absl::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

const v1::IndicatorProgress* FindIndicator(
    const v1::GetProgressResponse& progress, absl::string_view id) {
  for (const v1::IndicatorProgress& indicator : progress.indicators()) {
    if (indicator.indicator_id() == id) return &indicator;
  }
  ADD_FAILURE() << "no progress for indicator " << id;
  return nullptr;
}

// The number the story's indicator shows, or nullopt without a value.
std::optional<double> StoryValue(const v1::GetProgressResponse& progress) {
  const v1::IndicatorProgress* indicator = FindIndicator(progress, kIndicator);
  if (indicator == nullptr || !indicator->has_value()) return std::nullopt;
  return indicator->number();
}

// RFC 4180: records of fields separated by `separator`, each record ended by
// CRLF; a field holding the separator, a quote, CR or LF is quoted, with
// quotes doubled. Fails the test at the first violation.
std::vector<std::vector<std::string>> ParseRfc4180(const std::string& text,
                                                   char separator) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      // A quoted field: up to the closing quote, "" being a quote.
      ++i;
      for (;;) {
        if (i >= text.size()) {
          ADD_FAILURE() << "an unterminated quoted field";
          return records;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.size() && text[i] != separator && text[i] != '\r' &&
             text[i] != '\n') {
        if (text[i] == '"') {
          ADD_FAILURE() << "a quote inside an unquoted field at byte " << i;
          return records;
        }
        field += text[i++];
      }
    }
    if (i < text.size() && text[i] == separator) {
      record.push_back(std::move(field));
      field.clear();
      ++i;
      continue;
    }
    if (text.compare(i, 2, "\r\n") != 0) {
      ADD_FAILURE() << "a record not ended by CRLF at byte " << i << ": \""
                    << text.substr(i, 20) << "\"";
      return records;
    }
    record.push_back(std::move(field));
    field.clear();
    records.push_back(std::move(record));
    record.clear();
    i += 2;
  }
  EXPECT_TRUE(record.empty() && field.empty())
      << "the last record is not ended by CRLF";
  return records;
}

// Whether `text` is well-formed UTF-8 (no overlong forms or surrogates).
bool IsUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    int length = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (int k = 1; k < length; ++k) {
      const unsigned char next = text[i + k];
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

// The chromium binary on PATH, or "".
std::string FindChromium() {
  const char* path = std::getenv("PATH");
  for (const absl::string_view dir :
       absl::StrSplit(path == nullptr ? "/usr/bin" : path, ':')) {
    const std::string candidate = absl::StrCat(dir, "/chromium");
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// The `<table class="facts">` of an HTML report, or "".
std::string FactsTable(const std::string& html) {
  const size_t start = html.find("<table class=\"facts\">");
  if (start == std::string::npos) return "";
  const size_t end = html.find("</table>", start);
  return html.substr(start, end == std::string::npos ? end : end - start);
}

// The `<tr>` of the indicators table that starts with `id`'s cell, or "".
std::string HtmlRowOf(const std::string& html, const std::string& id) {
  const size_t start = html.find(absl::StrCat("<tr><td>", id, "</td>"));
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</tr>", start) - start);
}

class EvaluationStoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new koers::testing::TempDir();
    story_ = new Story();
    TellTheStory();
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      const int exit_code = server_->Stop(SIGTERM);
      EXPECT_EQ(exit_code, 0) << "koersd's output:\n" << server_->Log();
      delete server_;
      server_ = nullptr;
    }
    delete story_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_TRUE(story_->told) << "the story could not be told:\n"
                              << story_->failure;
  }

  // What the story left behind.
  struct Story {
    bool told = false;
    std::string failure;
    std::string measurement_id;
    std::string correction_id;
    uint64_t correction_position = 0;
    // From `koers snapshot take`.
    std::string digest;
    uint64_t seen_position = 0;
  };

  // Runs `koers --server=<the suite's server> args...`.
  static CliResult Koers(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        KOERS_CLI_PATH, absl::StrCat("--server=", server_->address())};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = dir_->Sub(absl::StrCat("koers", ++runs_, ".out"));
    const std::string err = dir_->Sub(absl::StrCat("koers", runs_, ".err"));
    const pid_t pid = Spawn(argv, out, err);
    if (pid <= 0) return {};
    const int code = WaitFor(pid, kCommandTimeout);
    return {code, ReadAll(out), ReadAll(err)};
  }

  // Runs `args` and records a failure of the story when it does not exit 0.
  static std::optional<CliResult> Step(const std::vector<std::string>& args) {
    CliResult result = Koers(args);
    if (result.exit_code == 0) return result;
    story_->failure = absl::StrCat("koers ", absl::StrJoin(args, " "), ": ",
                                   ::testing::PrintToString(result));
    return std::nullopt;
  }

  // The position and event id of a write's table ("position  event id
  // stream ..."), checking it went to `stream`.
  static bool ParseWritten(const CliResult& result, const std::string& stream,
                           uint64_t* position, std::string* event_id) {
    const std::vector<std::string> lines = Lines(result.out);
    if (lines.size() < 3 || !absl::StartsWith(lines[0], "position")) {
      return false;
    }
    const std::vector<std::string> row = Words(lines[2]);
    return row.size() >= 3 && row[2] == stream &&
           absl::SimpleAtoi(row[0], position) && !(*event_id = row[1]).empty();
  }

  static void TellTheStory() {
    absl::StatusOr<std::unique_ptr<koers::testing::KoersdProcess>> started =
        koers::testing::KoersdProcess::Start(dir_->Sub("data"),
                                             {"--plan=sample"});
    if (!started.ok()) {
      story_->failure = std::string(started.status().message());
      return;
    }
    server_ = started->release();

    // 1. The value for Q1.
    std::optional<CliResult> measured =
        Step({"measure", kIndicator, "70", "--date", kValueDate, "--comment",
              "Q1: bevraging lokale besturen"});
    uint64_t position = 0;
    if (!measured) return;
    if (!ParseWritten(*measured, kIndicator, &position,
                      &story_->measurement_id)) {
      story_->failure = absl::StrCat("koers measure printed\n", measured->out);
      return;
    }

    // 2. The interim snapshot; its digest and position as printed.
    std::optional<CliResult> taken =
        Step({"snapshot", "take", kSnapshot, "--as-of", kSnapshotDate});
    if (!taken) return;
    const std::vector<std::string> digest_row =
        Words(LineWith(taken->out, {"digest"}));
    const std::vector<std::string> seen_row =
        Words(LineWith(taken->out, {"seen", "position"}));
    if (digest_row.empty() || !IsHexDigest(digest_row.back()) ||
        seen_row.empty() ||
        !absl::SimpleAtoi(seen_row.back(), &story_->seen_position)) {
      story_->failure =
          absl::StrCat("koers snapshot take printed\n", taken->out);
      return;
    }
    story_->digest = digest_row.back();

    // 3. The correction, recorded after the snapshot.
    std::optional<CliResult> corrected =
        Step({"correct", story_->measurement_id, "72", "--reason", kReason});
    if (!corrected) return;
    if (!ParseWritten(*corrected, kIndicator, &story_->correction_position,
                      &story_->correction_id)) {
      story_->failure = absl::StrCat("koers correct printed\n", corrected->out);
      return;
    }
    story_->told = true;
  }

  static const Story& story() { return *story_; }
  static const koers::testing::TempDir& dir() { return *dir_; }

 private:
  inline static koers::testing::TempDir* dir_ = nullptr;
  inline static koers::testing::KoersdProcess* server_ = nullptr;
  inline static Story* story_ = nullptr;
  inline static int runs_ = 0;
};

TEST_F(EvaluationStoryTest, TheStoryIsWhatItSays) {
  EXPECT_LT(story().seen_position, story().correction_position);
  const CliResult history = Koers({"history", kIndicator, "--format=json"});
  ASSERT_EQ(history.exit_code, 0) << history;
  const auto response = ParseJsonOrFail<v1::GetHistoryResponse>(history.out);
  bool measured = false;
  bool corrected = false;
  for (const v1::HistoryEntry& entry : response.entries()) {
    const v1::Event& event = entry.event();
    if (event.event_id() == story().measurement_id) {
      measured = true;
      EXPECT_EQ(event.position(), story().seen_position)
          << "the snapshot saw the log up to the measurement";
      EXPECT_EQ(entry.superseded_by(), story().correction_id);
    }
    if (event.event_id() == story().correction_id) {
      corrected = true;
      EXPECT_EQ(event.measurement_corrected().reason(), kReason);
      EXPECT_EQ(event.measurement_corrected().number(), kCorrected);
    }
  }
  EXPECT_TRUE(measured && corrected) << history;
}

TEST_F(EvaluationStoryTest, TheSnapshotStillShowsTheOldValueAndTheSameDigest) {
  const CliResult json =
      Koers({"snapshot", "show", kSnapshot, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto snapshot = ParseJsonOrFail<v1::GetSnapshotResponse>(json.out);
  EXPECT_EQ(snapshot.info().name(), kSnapshot);
  EXPECT_EQ(snapshot.info().as_of_date(), kSnapshotDate);
  EXPECT_EQ(snapshot.info().seen_position(), story().seen_position);
  EXPECT_EQ(snapshot.info().digest(), story().digest);
  EXPECT_EQ(HexSha256(snapshot.content()), story().digest)
      << "the content is not what the digest says";
  v1::EvaluationState content;
  ASSERT_TRUE(content.ParseFromString(snapshot.content()));
  const v1::EvaluationState* const states[] = {&content, &snapshot.state()};
  for (const v1::EvaluationState* state : states) {
    EXPECT_EQ(state->progress().as_of_date(), kSnapshotDate);
    EXPECT_EQ(state->progress().position(), story().seen_position);
    EXPECT_EQ(StoryValue(state->progress()), kRecorded);
    const v1::IndicatorProgress* indicator =
        FindIndicator(state->progress(), kIndicator);
    ASSERT_NE(indicator, nullptr);
    EXPECT_EQ(indicator->value_event_id(), story().measurement_id);
    EXPECT_EQ(indicator->value_date(), kValueDate);
  }

  // As people read it: the digest checked, the old value.
  const CliResult table = Koers({"snapshot", "show", kSnapshot});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(LineWith(table.out, {"digest", story().digest}), Not(IsEmpty()))
      << table;
  EXPECT_THAT(LineWith(table.out, {"digest checked"}), Not(IsEmpty())) << table;
  const std::string row = RowOf(table.out, kIndicator);
  EXPECT_THAT(Words(row),
              AllOf(Contains("70"), Contains(kValueDate), Not(Contains("72"))))
      << table;

  const CliResult list = Koers({"snapshot", "list"});
  ASSERT_EQ(list.exit_code, 0) << list;
  EXPECT_THAT(Words(RowOf(list.out, kSnapshot)),
              AllOf(Contains(kSnapshotDate),
                    Contains(absl::StrCat(story().seen_position)),
                    Contains(story().digest)))
      << list;
}

TEST_F(EvaluationStoryTest, AsOfTheSameDateKnownNowShowsTheCorrectedValue) {
  const CliResult json =
      Koers({"progress", "--as-of", kSnapshotDate, "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto progress = ParseJsonOrFail<v1::GetProgressResponse>(json.out);
  EXPECT_EQ(progress.as_of_date(), kSnapshotDate);
  EXPECT_EQ(progress.position(), story().correction_position);
  EXPECT_EQ(StoryValue(progress), kCorrected);
  const v1::IndicatorProgress* indicator = FindIndicator(progress, kIndicator);
  ASSERT_NE(indicator, nullptr);
  EXPECT_EQ(indicator->value_event_id(), story().correction_id);
  EXPECT_EQ(indicator->value_date(), kValueDate);
  // (72 - 62) / (80 - 62).
  EXPECT_NEAR(indicator->progress(), 10.0 / 18.0, 1e-9);

  const CliResult table = Koers({"progress", "--as-of", kSnapshotDate});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(Lines(table.out)[0],
              AllOf(HasSubstr(kSnapshotDate),
                    HasSubstr(absl::StrCat(story().correction_position))));
  EXPECT_THAT(Words(RowOf(table.out, kIndicator)),
              AllOf(Contains("72"), Contains(kValueDate), Contains("55.6%")))
      << table;
}

TEST_F(EvaluationStoryTest, KnownAtTheSnapshotsPositionShowsTheOldValue) {
  const std::string seen = absl::StrCat(story().seen_position);
  const CliResult json = Koers({"progress", "--as-of", kSnapshotDate,
                                "--known-at", seen, "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto progress = ParseJsonOrFail<v1::GetProgressResponse>(json.out);
  EXPECT_EQ(progress.position(), story().seen_position);
  EXPECT_EQ(StoryValue(progress), kRecorded);

  // Exactly what the snapshot froze.
  const CliResult shown =
      Koers({"snapshot", "show", kSnapshot, "--format", "json"});
  ASSERT_EQ(shown.exit_code, 0) << shown;
  const auto snapshot = ParseJsonOrFail<v1::GetSnapshotResponse>(shown.out);
  EXPECT_TRUE(MessageDifferencer::Equals(progress, snapshot.state().progress()))
      << "progress as of the snapshot's date, known at its position, is not "
         "what the snapshot froze";

  const CliResult table =
      Koers({"progress", "--as-of", kSnapshotDate, "--known-at", seen});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(Lines(table.out)[0],
              AllOf(HasSubstr(kSnapshotDate), HasSubstr(seen)));
  EXPECT_THAT(Words(RowOf(table.out, kIndicator)),
              AllOf(Contains("70"), Not(Contains("72"))))
      << table;

  // Known at the instant the snapshot was taken, written in Brussels'
  // winter offset: the correction came later.
  const absl::Time taken_at =
      absl::FromUnixSeconds(snapshot.info().taken_at().seconds()) +
      absl::Nanoseconds(snapshot.info().taken_at().nanos());
  const std::string instant = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E*S%Ez", taken_at, absl::FixedTimeZone(3600));
  const CliResult at_instant = Koers({"progress", "--as-of", kSnapshotDate,
                                      "--known-at", instant, "--format=json"});
  ASSERT_EQ(at_instant.exit_code, 0) << at_instant;
  const auto then = ParseJsonOrFail<v1::GetProgressResponse>(at_instant.out);
  EXPECT_EQ(then.position(), snapshot.info().event_position()) << instant;
  EXPECT_EQ(StoryValue(then), kRecorded) << instant;

  // The history as known then: the value, not yet superseded.
  const CliResult history =
      Koers({"history", kIndicator, "--known-at", seen, "--format=json"});
  ASSERT_EQ(history.exit_code, 0) << history;
  const auto entries = ParseJsonOrFail<v1::GetHistoryResponse>(history.out);
  ASSERT_THAT(entries.entries(), Not(IsEmpty()));
  EXPECT_EQ(entries.entries().rbegin()->event().event_id(),
            story().measurement_id);
  EXPECT_THAT(entries.entries().rbegin()->superseded_by(), IsEmpty());

  // A position beyond the head is refused by the server.
  const CliResult beyond =
      Koers({"progress", "--known-at", "999999", "--as-of", kSnapshotDate});
  EXPECT_EQ(beyond.exit_code, 1) << beyond;
  EXPECT_THAT(beyond.err, StartsWith("error: OUT_OF_RANGE: "));
}

TEST_F(EvaluationStoryTest, TheDiffFromTheSnapshotToNowListsTheCorrection) {
  const CliResult json =
      Koers({"snapshot", "diff", kSnapshot, "now", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto diff = ParseJsonOrFail<v1::DiffResponse>(json.out);
  EXPECT_EQ(diff.from_as_of_date(), kSnapshotDate);
  EXPECT_EQ(diff.from_position(), story().seen_position);
  EXPECT_EQ(diff.to_position(), story().correction_position);
  ASSERT_THAT(diff.corrections(), SizeIs(1)) << json;
  const v1::LateCorrection& late = diff.corrections(0);
  EXPECT_EQ(late.indicator_id(), kIndicator);
  EXPECT_EQ(late.correction_event_id(), story().correction_id);
  EXPECT_EQ(late.superseded_event_id(), story().measurement_id);
  EXPECT_EQ(late.position(), story().correction_position);
  EXPECT_EQ(late.value_date(), kValueDate);
  EXPECT_EQ(late.old_number(), kRecorded);
  EXPECT_EQ(late.new_number(), kCorrected);
  EXPECT_EQ(late.reason(), kReason);
  EXPECT_EQ(late.principal(), "local");
  bool indicator_listed = false;
  for (const v1::IndicatorChange& change : diff.indicators()) {
    if (change.indicator_id() != kIndicator) continue;
    indicator_listed = true;
    EXPECT_EQ(change.old_number(), kRecorded);
    EXPECT_EQ(change.new_number(), kCorrected);
  }
  EXPECT_TRUE(indicator_listed) << json;

  // As people read it: the correction, its value before and after, why.
  const CliResult table = Koers({"snapshot", "diff", kSnapshot, "now"});
  ASSERT_EQ(table.exit_code, 0) << table;
  const std::string line =
      LineWith(table.out, {kIndicator, story().correction_id});
  EXPECT_THAT(Words(line),
              AllOf(Contains("70"), Contains("72"), Contains(kValueDate),
                    Contains(story().measurement_id),
                    Contains(absl::StrCat(story().correction_position))))
      << table;
  EXPECT_THAT(line, HasSubstr(kReason)) << table;
}

TEST_F(EvaluationStoryTest, TheSnapshotsHtmlReportRendersAndNamesTheSnapshot) {
  const std::string chromium = FindChromium();
  ASSERT_FALSE(chromium.empty())
      << "chromium is not installed, so the HTML report cannot be rendered: "
         "run deploy/install-deps.sh or apt-get install chromium";
  const std::string html_path = dir().Sub("interim-2026.html");
  const CliResult written = Koers({"report", "--snapshot", kSnapshot,
                                   "--format", "html", "--out", html_path});
  ASSERT_EQ(written.exit_code, 0) << written;
  EXPECT_THAT(written.out, HasSubstr(html_path));
  const std::string html = ReadAll(html_path);
  ASSERT_THAT(html, StartsWith("<!DOCTYPE html>"));

  // The snapshot's name, date, position and digest, in its facts table.
  const std::string facts = FactsTable(html);
  EXPECT_THAT(facts,
              AllOf(HasSubstr(absl::StrCat(">", kSnapshot, "<")),
                    HasSubstr(absl::StrCat(">", kSnapshotDate, "<")),
                    HasSubstr(absl::StrCat(">", story().seen_position, "<")),
                    HasSubstr(absl::StrCat(">", story().digest, "<"))))
      << facts;
  // The frozen value, not the corrected one.
  EXPECT_THAT(HtmlRowOf(html, kIndicator),
              AllOf(HasSubstr(">70 %<"), Not(HasSubstr(">72 %<"))));
  // Self-contained: nothing to fetch, nothing to run.
  EXPECT_THAT(html,
              AllOf(Not(HasSubstr("<script")), Not(HasSubstr("src=\"")),
                    Not(HasSubstr("href=\"http")), Not(HasSubstr("url(http"))));

  // Rendered by headless Chromium from a file:// URL, with no network, to
  // an A4-sized screenshot that shows a page, not a blank.
  const std::string png_path = dir().Sub("interim-2026.png");
  std::vector<std::string> argv = {
      chromium,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--no-first-run",
      "--no-proxy-server",
      "--host-resolver-rules=MAP * ~NOTFOUND",
      absl::StrCat("--user-data-dir=", dir().Sub("chromium-profile")),
      absl::StrCat("--screenshot=", png_path),
      absl::StrCat("--window-size=", kPageWidth, ",", kPageHeight),
      absl::StrCat("file://", html_path),
  };
  const std::string err = dir().Sub("chromium.err");
  const int code =
      WaitFor(Spawn(argv, dir().Sub("chromium.out"), err), kChromiumTimeout);
  ASSERT_EQ(code, 0) << "chromium failed:\n" << ReadAll(err);
  absl::StatusOr<cli_test::PngImage> image =
      cli_test::DecodePng(ReadAll(png_path));
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, kPageWidth);
  EXPECT_EQ(image->height, kPageHeight);
  const std::set<uint32_t> colours(image->pixels.begin(), image->pixels.end());
  EXPECT_GT(colours.size(), 50u) << "text and charts render in many shades";
  size_t inked = 0;
  for (const uint32_t pixel : image->pixels) inked += pixel != kWhite;
  EXPECT_GT(inked, image->pixels.size() / 50)
      << "less than 2% of the page is not white";
}

TEST_F(EvaluationStoryTest, TheCsvReportIsRfc4180WithASemicolon) {
  const CliResult csv = Koers(
      {"report", "--snapshot", kSnapshot, "--format", "csv", "--csv-sep", ";"});
  ASSERT_EQ(csv.exit_code, 0) << csv;
  EXPECT_TRUE(IsUtf8(csv.out));
  const std::vector<std::vector<std::string>> records =
      ParseRfc4180(csv.out, ';');
  ASSERT_GT(records.size(), 1u) << csv.out;
  const std::vector<std::string>& header = records[0];
  EXPECT_EQ(header[0], "indicator");
  EXPECT_THAT(records, Each(SizeIs(header.size())))
      << "every record has the header's " << header.size() << " fields";

  // One record per indicator of the sample plan, the story's with its
  // frozen value, a decimal point and its two lead ministers in one field.
  EXPECT_EQ(records.size(), 1u + 33u);
  const auto column = [&header](const std::string& name) {
    const auto found = std::find(header.begin(), header.end(), name);
    EXPECT_NE(found, header.end()) << "no column " << name;
    return static_cast<size_t>(found - header.begin());
  };
  const std::vector<std::string>* story_row = nullptr;
  for (const std::vector<std::string>& record : records) {
    if (!record.empty() && record[0] == kIndicator) story_row = &record;
  }
  ASSERT_NE(story_row, nullptr) << csv.out;
  EXPECT_EQ((*story_row)[column("waarde")], "70");
  EXPECT_EQ((*story_row)[column("datum")], kValueDate);
  EXPECT_EQ((*story_row)[column("voortgang (%)")], "44.4");
  EXPECT_EQ((*story_row)[column("trekkende ministers")],
            "Minister van Binnenlands Bestuur en Stedenbeleid; Minister van "
            "Justitie en Handhaving");
  // The field that holds the separator was quoted (else it would have split).
  EXPECT_THAT(csv.out, HasSubstr("\"Minister van Binnenlands Bestuur en "
                                 "Stedenbeleid; Minister van Justitie en "
                                 "Handhaving\""));

  // The default separator, English labels: the same records.
  const CliResult comma = Koers(
      {"report", "--snapshot", kSnapshot, "--format", "csv", "--lang", "en"});
  ASSERT_EQ(comma.exit_code, 0) << comma;
  const std::vector<std::vector<std::string>> english =
      ParseRfc4180(comma.out, ',');
  ASSERT_EQ(english.size(), records.size());
  EXPECT_EQ(english[0][0], "indicator");
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(english[i][0], records[i][0]);
  }
}

TEST_F(EvaluationStoryTest, TheJsonReportOfTheSnapshotIsItsFrozenState) {
  const CliResult json =
      Koers({"report", "--snapshot", kSnapshot, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  // {"snapshot": SnapshotInfo, "state": EvaluationState}.
  const size_t state_at = json.out.find("\"state\"");
  ASSERT_NE(state_at, std::string::npos) << json;
  EXPECT_THAT(json.out,
              HasSubstr(absl::StrCat("\"digest\": \"", story().digest, "\"")));
  const CliResult point =
      Koers({"report", "--as-of", kSnapshotDate, "--known-at",
             absl::StrCat(story().seen_position), "--format", "json"});
  ASSERT_EQ(point.exit_code, 0) << point;
  EXPECT_THAT(point.out, Not(HasSubstr("\"snapshot\"")));
}

TEST_F(EvaluationStoryTest, CompletenessOf2026ListsWhatIsMissing) {
  const CliResult json =
      Koers({"completeness", "--year", "2026", "--format=json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const auto completeness = ParseJsonOrFail<v1::Completeness>(json.out);
  EXPECT_EQ(completeness.from_date(), "2026-01-01");
  EXPECT_EQ(completeness.position(), story().correction_position);
  // No action has a fiche for 2026 in this story; SD1.A4's deadline
  // (2025-12-31) passed while it is still planned.
  EXPECT_THAT(completeness.missing_fiches(), SizeIs(16));
  bool overdue = false;
  for (const v1::OverdueAction& action : completeness.overdue()) {
    overdue |= action.action_id() == "SD1.A4";
  }
  EXPECT_TRUE(overdue) << json;
  // The story's indicator is semiannual: its first half of 2026 has the
  // value; its second half has not ended yet, or is missing.
  bool other_missing = false;
  for (const v1::MissingValue& missing : completeness.missing_values()) {
    if (missing.indicator_id() == kIndicator) {
      EXPECT_NE(missing.period_start(), "2026-01-01") << json;
    } else {
      other_missing = true;
    }
  }
  EXPECT_TRUE(other_missing) << json;

  const CliResult table = Koers({"completeness", "--year", "2026"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(Lines(table.out)[0], StartsWith("Completeness from 2026-01-01"));
  EXPECT_THAT(Words(RowOf(table.out, "SD1.A4")), Contains("2026")) << table;
  EXPECT_THAT(LineWith(table.out, {"SD1.A1.I2", "quarterly", "2026-01-01"}),
              Not(IsEmpty()))
      << table;

  const CliResult both =
      Koers({"completeness", "--year", "2026", "--from", "2026-01-01"});
  EXPECT_EQ(both.exit_code, 2) << both;
}

}  // namespace
}  // namespace koers
