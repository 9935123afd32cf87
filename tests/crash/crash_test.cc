// Crash test of the event log. A child process (crash_appender) appends from
// four threads and reports every acknowledged batch on a pipe; this test kills
// it with SIGKILL at a random moment, reopens the log and checks that
//   * every acknowledged event is stored at the acknowledged position, in its
//     stream at its revision;
//   * the head is at or past the last acknowledged position, and positions
//     run gap-free from 1 to the head;
//   * every batch found in the log is whole: a batch whose ack the kill cut
//     off may be stored (it can be durable before the ack is written), but
//     never in part; a batch refused as a conflict is absent;
//   * each stream's revisions run contiguous from 0;
//   * Verify() passes.
// It then closes the log and starts the next round on the same directory, so
// each round recovers what all earlier crashes left behind.
//
// SIGKILL ends the process, not the machine: the page cache survives, so this
// proves the atomicity and recovery of what the process wrote, not that
// fdatasync reaches the disk.
//
// The default run is short (5 rounds). For more:
//   KOERS_CRASH_ROUNDS=50 ctest --preset debug -R Crash
// Each run prints its seed; KOERS_CRASH_SEED=<seed> repeats the kill delays
// and the appender's random choices (thread timing still varies).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "koers/v1/events.pb.h"
#include "storage/event_log.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

#ifndef CRASH_APPENDER_PATH
#error "CRASH_APPENDER_PATH must name the crash_appender binary"
#endif

namespace koers::storage {
namespace {

using ::koers::testing::TempDir;

constexpr int kDefaultRounds = 5;
constexpr int kAppenderThreads = 4;
// As in crash_appender_main.cc.
constexpr int kMaxEventsPerBatch = 5;
// The appender is killed this long after its first ack.
constexpr int kMinKillDelayMs = 50;
constexpr int kMaxKillDelayMs = 400;
// Far beyond what starting the appender and recovering the log take under
// ASan; reached only when something hangs.
constexpr absl::Duration kFirstAckTimeout = absl::Seconds(60);
constexpr absl::Duration kDrainTimeout = absl::Seconds(30);
constexpr size_t kReadPage = 4096;
constexpr size_t kMaxProblemsShown = 20;

// A non-negative integer from the environment, or `fallback` when unset.
uint64_t FromEnv(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    ADD_FAILURE() << name << "=" << text << " is not a non-negative integer";
    return fallback;
  }
  return value;
}

// One acknowledged event, as the appender reported it.
struct AckedEvent {
  std::string batch;
  std::string stream;
  uint64_t stream_revision = 0;
  uint64_t position = 0;
};

// What the appender reported over all rounds so far.
struct Reports {
  // By event id.
  absl::flat_hash_map<std::string, AckedEvent> acked;
  absl::flat_hash_set<std::string> acked_batches;
  // Batches refused with Aborted.
  absl::flat_hash_set<std::string> conflicts;
  uint64_t max_position = 0;
};

// What the appender reported in the current round.
struct RoundReports {
  int acks = 0;
  int conflicts = 0;
  std::vector<std::string> acked_ids;
};

// Adds one complete report line (see crash_appender_main.cc for the format).
// InvalidArgument when it does not parse: the appender writes whole lines
// only, so a malformed one means a torn write or a format mismatch.
absl::Status AddReportLine(absl::string_view line, Reports& reports,
                           RoundReports& round) {
  const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
  const auto malformed = [line](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("report line \"", line, "\": ", why));
  };
  if (fields.size() == 2 && fields[0] == "conflict") {
    reports.conflicts.emplace(fields[1]);
    ++round.conflicts;
    return absl::OkStatus();
  }
  if (fields.size() != 7 || fields[0] != "ack") {
    return malformed("expected \"ack\" and 6 fields or \"conflict\" and 1");
  }
  size_t n = 0;
  if (!absl::SimpleAtoi(fields[2], &n) || n < 1 || n > kMaxEventsPerBatch) {
    return malformed("bad event count");
  }
  const std::vector<absl::string_view> positions =
      absl::StrSplit(fields[3], ',');
  const std::vector<absl::string_view> ids = absl::StrSplit(fields[4], ',');
  const std::vector<absl::string_view> streams = absl::StrSplit(fields[5], ',');
  const std::vector<absl::string_view> revisions =
      absl::StrSplit(fields[6], ',');
  if (positions.size() != n || ids.size() != n || streams.size() != n ||
      revisions.size() != n) {
    return malformed("a list does not have n entries");
  }
  for (size_t i = 0; i < n; ++i) {
    AckedEvent event;
    event.batch = std::string(fields[1]);
    event.stream = std::string(streams[i]);
    if (!absl::SimpleAtoi(positions[i], &event.position) ||
        !absl::SimpleAtoi(revisions[i], &event.stream_revision)) {
      return malformed("bad position or revision");
    }
    reports.max_position = std::max(reports.max_position, event.position);
    if (!reports.acked.emplace(ids[i], std::move(event)).second) {
      return malformed(absl::StrCat("event id ", ids[i], " acked twice"));
    }
    round.acked_ids.emplace_back(ids[i]);
  }
  reports.acked_batches.emplace(fields[1]);
  ++round.acks;
  return absl::OkStatus();
}

// Gathers the appender's stdout into complete lines. An unterminated tail
// (a line the kill cut off) is kept apart and never parsed.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // Waits up to `timeout` for output and takes what is there. False at end
  // of file.
  absl::StatusOr<bool> Pump(absl::Duration timeout) {
    pollfd poll_fd = {fd_, POLLIN, 0};
    const int ready = poll(&poll_fd, 1,
                           static_cast<int>(std::max<int64_t>(
                               0, absl::ToInt64Milliseconds(timeout))));
    if (ready < 0 && errno != EINTR) {
      return absl::ErrnoToStatus(errno, "poll on the appender's stdout");
    }
    if (ready <= 0) return true;
    char buffer[1 << 16];
    const ssize_t n = read(fd_, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) return true;
      return absl::ErrnoToStatus(errno, "read of the appender's stdout");
    }
    if (n == 0) return false;
    tail_.append(buffer, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end; (end = tail_.find('\n', start)) != std::string::npos;
         start = end + 1) {
      lines_.push_back(tail_.substr(start, end - start));
      if (absl::StartsWith(lines_.back(), "ack ")) saw_ack_ = true;
    }
    tail_.erase(0, start);
    return true;
  }

  bool saw_ack() const { return saw_ack_; }
  std::vector<std::string>& lines() { return lines_; }
  size_t torn_bytes() const { return tail_.size(); }

 private:
  int fd_;
  std::vector<std::string> lines_;
  std::string tail_;
  bool saw_ack_ = false;
};

// Lets the appender run until its first ack, then `delay` more. An error
// when it ends by itself or never acks.
absl::Status LetRun(LineReader& reader, absl::Duration delay) {
  const absl::Time first_ack_deadline = absl::Now() + kFirstAckTimeout;
  while (!reader.saw_ack()) {
    const absl::Duration left = first_ack_deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("the appender acked nothing within ",
                       absl::FormatDuration(kFirstAckTimeout)));
    }
    absl::StatusOr<bool> open = reader.Pump(left);
    if (!open.ok()) return open.status();
    if (!*open) {
      return absl::InternalError("the appender ended before its first ack");
    }
  }
  const absl::Time kill_at = absl::Now() + delay;
  for (absl::Time now = absl::Now(); now < kill_at; now = absl::Now()) {
    absl::StatusOr<bool> open = reader.Pump(kill_at - now);
    if (!open.ok()) return open.status();
    if (!*open) {
      return absl::InternalError("the appender ended before it was killed");
    }
  }
  return absl::OkStatus();
}

// Reads the rest of the appender's output after its death.
absl::Status Drain(LineReader& reader) {
  const absl::Time deadline = absl::Now() + kDrainTimeout;
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          "the appender's stdout stayed open after its death");
    }
    absl::StatusOr<bool> open = reader.Pump(left);
    if (!open.ok()) return open.status();
    if (!*open) return absl::OkStatus();
  }
}

std::string DescribeEnd(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return absl::StrCat("exited with status ", WEXITSTATUS(wait_status));
  }
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("died of signal ", WTERMSIG(wait_status));
  }
  return absl::StrCat("ended with wait status ", wait_status);
}

// What one appender run wrote before it was killed.
struct AppenderRun {
  std::vector<std::string> lines;
  size_t torn_bytes = 0;
};

// Starts the appender on `data_dir`, lets it run until its first ack and
// `delay` more, kills it with SIGKILL and returns its complete output lines.
// An error when it does not run until the kill.
absl::StatusOr<AppenderRun> RunAndKill(const std::string& data_dir,
                                       uint64_t seed, absl::Duration delay) {
  std::vector<std::string> args = {CRASH_APPENDER_PATH,
                                   absl::StrCat("--data_dir=", data_dir),
                                   absl::StrCat("--threads=", kAppenderThreads),
                                   absl::StrCat("--seed=", seed)};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(fds[0]);
    close(fds[1]);
    return absl::ErrnoToStatus(error, "fork");
  }
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec: other threads of
    // this process (RocksDB's background pool) may hold locks.
    if (dup2(fds[1], STDOUT_FILENO) < 0) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  absl::Cleanup close_read = [fd = fds[0]] { close(fd); };

  LineReader reader(fds[0]);
  const absl::Status ran = LetRun(reader, delay);
  // Also harmless when the appender already ended: it stays a zombie until
  // waited for, so the pid cannot have been reused.
  kill(pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return absl::ErrnoToStatus(errno, "waitpid");
  }
  const absl::Status drained = Drain(reader);
  const bool killed =
      WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL;
  if (!ran.ok() || !killed) {
    return absl::InternalError(absl::StrCat(
        ran.ok() ? "the appender did not die of the kill" : ran.message(),
        "; it ", DescribeEnd(wait_status), " (its stderr is above)"));
  }
  if (!drained.ok()) return drained;
  return AppenderRun{std::move(reader.lines()), reader.torn_bytes()};
}

// Collects check failures so that a broken log reports its first few
// problems and a count, not one line per event.
class Problems {
 public:
  void Add(std::string problem) {
    if (shown_.size() < kMaxProblemsShown) shown_.push_back(std::move(problem));
    ++count_;
  }
  size_t count() const { return count_; }
  std::string Summary() const {
    return absl::StrCat(count_, " problem(s), the first ", shown_.size(),
                        ":\n  ", absl::StrJoin(shown_, "\n  "));
  }

 private:
  std::vector<std::string> shown_;
  size_t count_ = 0;
};

// An event in a problem report: its place and its batch tag, without the
// hashes that would make the report unreadable.
std::string Describe(const v1::Event& event) {
  return absl::StrCat("position ", event.position(), ", ", event.stream(), "@",
                      event.stream_revision(), ", id ", event.event_id(),
                      ", principal \"", event.principal(), "\", comment \"",
                      event.measurement_recorded().comment(), "\"");
}

// The batch bookkeeping an event carries in its comment.
struct BatchTag {
  std::string batch;
  uint64_t n = 0;
  uint64_t index = 0;
};

std::optional<BatchTag> ParseBatchTag(absl::string_view comment) {
  const std::vector<absl::string_view> parts = absl::StrSplit(comment, ';');
  if (parts.size() != 3) return std::nullopt;
  absl::string_view batch = parts[0];
  absl::string_view n = parts[1];
  absl::string_view index = parts[2];
  BatchTag tag;
  if (!absl::ConsumePrefix(&batch, "batch=") ||
      !absl::ConsumePrefix(&n, "n=") || !absl::ConsumePrefix(&index, "i=") ||
      !absl::SimpleAtoi(n, &tag.n) || !absl::SimpleAtoi(index, &tag.index) ||
      tag.n < 1 || tag.n > kMaxEventsPerBatch || tag.index >= tag.n) {
    return std::nullopt;
  }
  tag.batch = std::string(batch);
  return tag;
}

// What the walk over the whole log found of one batch.
struct BatchFound {
  uint64_t n = 0;
  // Bit i set: the event with index i is stored.
  uint32_t indexes = 0;
  uint64_t first_position = 0;
};

// What CheckLog saw, for the round's summary line.
struct LogSummary {
  uint64_t head = 0;
  // Batches stored whole though their ack never arrived: the kill fell
  // between the durable write and the ack.
  size_t unacked_batches = 0;
};

// Checks the reopened log against everything the appender reported (the
// file comment lists what). Every acked event is found by the walk over the
// log; those of the last round, whose writes the crash interrupted, are also
// read through the id index (Verify covers the index for the rest).
void CheckLog(const EventLog& log, const Reports& reports,
              const RoundReports& round, LogSummary& summary) {
  Problems problems;
  const LogHead log_head = log.Head();
  summary.head = log_head.position;
  if (log_head.position < reports.max_position) {
    problems.Add(absl::StrCat("head ", log_head.position,
                              " is before the last acked position ",
                              reports.max_position));
  }

  // Every acked event where its ack said.
  const auto check_acked = [&problems](const AckedEvent& acked,
                                       const v1::Event& event) {
    const std::optional<BatchTag> tag =
        ParseBatchTag(event.measurement_recorded().comment());
    if (event.position() != acked.position || event.stream() != acked.stream ||
        event.stream_revision() != acked.stream_revision || !tag.has_value() ||
        tag->batch != acked.batch) {
      problems.Add(absl::StrCat(
          "event ", event.event_id(), " was acked at position ", acked.position,
          ", ", acked.stream, "@", acked.stream_revision, ", batch ",
          acked.batch, "; stored: ", Describe(event)));
    }
  };

  // Walk the log: gap-free positions, whole batches, events per stream, the
  // acked events.
  absl::flat_hash_map<std::string, BatchFound> batches;
  absl::flat_hash_map<std::string, uint64_t> stream_events;
  size_t acked_found = 0;
  uint64_t next = 1;
  while (true) {
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Event> page,
                         log.ReadAll(next, kReadPage));
    if (page.empty()) break;
    for (const v1::Event& event : page) {
      ASSERT_GE(event.position(), next) << "ReadAll went backwards";
      if (event.position() != next) {
        problems.Add(absl::StrCat("ReadAll skips positions ", next, " to ",
                                  event.position() - 1));
      }
      next = event.position() + 1;
      ++stream_events[event.stream()];
      if (const auto it = reports.acked.find(event.event_id());
          it != reports.acked.end()) {
        check_acked(it->second, event);
        ++acked_found;
      }
      const std::optional<BatchTag> tag =
          ParseBatchTag(event.measurement_recorded().comment());
      if (event.principal() != "crash" || !tag.has_value()) {
        problems.Add(
            absl::StrCat("position ", event.position(),
                         " is not an appender event: ", Describe(event)));
        continue;
      }
      BatchFound& found = batches[tag->batch];
      if (found.n == 0) {
        found.n = tag->n;
        found.first_position = event.position();
      }
      const uint32_t bit = uint32_t{1} << tag->index;
      if (found.n != tag->n || (found.indexes & bit) != 0) {
        problems.Add(absl::StrCat("batch ", tag->batch, ": position ",
                                  event.position(), " repeats or contradicts",
                                  " its events"));
      }
      found.indexes |= bit;
    }
  }
  if (next - 1 != log_head.position) {
    problems.Add(absl::StrCat("ReadAll ends at position ", next - 1,
                              " but the head is at ", log_head.position));
  }
  for (const auto& [batch, found] : batches) {
    if (found.indexes != (uint32_t{1} << found.n) - 1) {
      problems.Add(absl::StrCat("batch ", batch, " from position ",
                                found.first_position,
                                " is partly stored: index mask ", found.indexes,
                                " of ", found.n, " events"));
    }
    if (!reports.acked_batches.contains(batch)) ++summary.unacked_batches;
    if (reports.conflicts.contains(batch)) {
      problems.Add(absl::StrCat("batch ", batch, " was refused (Aborted)",
                                " but is stored from position ",
                                found.first_position));
    }
  }

  if (acked_found != reports.acked.size()) {
    problems.Add(absl::StrCat(reports.acked.size() - acked_found, " of ",
                              reports.acked.size(),
                              " acked events are missing from ReadAll"));
  }
  for (const std::string& id : round.acked_ids) {
    const absl::StatusOr<v1::Event> event = log.ReadEvent(id);
    const AckedEvent& acked = reports.acked.at(id);
    if (!event.ok()) {
      problems.Add(absl::StrCat("acked event ", id, " (position ",
                                acked.position, ", batch ", acked.batch,
                                "): ", event.status().ToString()));
      continue;
    }
    check_acked(acked, *event);
  }

  // Each stream's revisions contiguous from 0 and covering all its events.
  for (const auto& [stream, count] : stream_events) {
    uint64_t revision = 0;
    uint64_t last_position = 0;
    while (true) {
      ASSERT_OK_AND_ASSIGN(
          std::vector<v1::Event> page,
          log.ReadStream(stream, revision, ReadDirection::kForward, kReadPage));
      if (page.empty()) break;
      for (const v1::Event& event : page) {
        ASSERT_GE(event.stream_revision(), revision)
            << "ReadStream of " << stream << " went backwards";
        if (event.stream() != stream || event.stream_revision() != revision ||
            event.position() <= last_position) {
          problems.Add(absl::StrCat("stream ", stream, " at revision ",
                                    revision, " after position ", last_position,
                                    " holds ", Describe(event)));
        }
        revision = event.stream_revision() + 1;
        last_position = event.position();
      }
    }
    if (revision != count) {
      problems.Add(absl::StrCat("stream ", stream, " reads ", revision,
                                " revisions but the log holds ", count,
                                " of its events"));
    }
    ASSERT_OK_AND_ASSIGN(const std::optional<uint64_t> last,
                         log.StreamRevision(stream));
    if (last != std::optional<uint64_t>(count - 1)) {
      problems.Add(absl::StrCat("stream ", stream, ": StreamRevision is ",
                                last.has_value() ? absl::StrCat(*last) : "none",
                                ", expected ", count - 1));
    }
  }

  ASSERT_OK_AND_ASSIGN(const VerifyReport report, log.Verify());
  if (!report.ok) {
    problems.Add(absl::StrCat("Verify: broken at position ",
                              report.broken_position, ": ", report.reason));
  }
  if (report.events_checked != log_head.position) {
    problems.Add(absl::StrCat("Verify checked ", report.events_checked,
                              " events; the head is at ", log_head.position));
  }

  EXPECT_EQ(problems.count(), 0u) << problems.Summary();
}

TEST(EventLogCrashTest, AckedAppendsSurviveSigkillAndBatchesStayWhole) {
  const uint64_t seed =
      FromEnv("KOERS_CRASH_SEED", (uint64_t{std::random_device{}()} << 32) |
                                      std::random_device{}());
  const int rounds =
      static_cast<int>(FromEnv("KOERS_CRASH_ROUNDS", kDefaultRounds));
  std::cout << "crash test: " << rounds << " rounds, KOERS_CRASH_SEED=" << seed
            << std::endl;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_ms(kMinKillDelayMs, kMaxKillDelayMs);

  TempDir temp_dir;
  const std::string data_dir = temp_dir.Sub("log");
  Reports reports;
  uint64_t previous_head = 0;
  for (int round = 1; round <= rounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round, " of ", rounds,
                              ", KOERS_CRASH_SEED=", seed));
    const absl::Duration delay = absl::Milliseconds(delay_ms(rng));
    ASSERT_OK_AND_ASSIGN(AppenderRun run, RunAndKill(data_dir, rng(), delay));
    RoundReports round_reports;
    for (const std::string& line : run.lines) {
      ASSERT_OK(AddReportLine(line, reports, round_reports));
    }
    // Without acks the checks below would pass vacuously.
    ASSERT_GT(round_reports.acks, 0);

    ASSERT_OK_AND_ASSIGN(std::unique_ptr<EventLog> log,
                         EventLog::Open(data_dir));
    LogSummary summary;
    ASSERT_NO_FATAL_FAILURE(CheckLog(*log, reports, round_reports, summary));
    EXPECT_GE(summary.head, previous_head) << "the log shrank across a crash";
    previous_head = summary.head;
    std::cout << "round " << round << ": killed " << absl::FormatDuration(delay)
              << " after the first ack; " << round_reports.acks << " acks, "
              << round_reports.conflicts << " conflicts, " << run.torn_bytes
              << " bytes of a torn line; head " << summary.head << ", "
              << summary.unacked_batches
              << " batches stored whole without an ack so far" << std::endl;
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace koers::storage
