// crash_appender: the victim process of the event log's crash test
// (tests/crash/crash_test.cc). It appends to the log from several threads
// until it is killed, and reports on stdout, one line per outcome:
//
//   ack <batch> <n> <pos>,... <event id>,... <stream>,... <revision>,...
//       after Append returned OK: the batch's n events are durable, in
//       request order.
//   conflict <batch>
//       after Append returned Aborted: nothing of the batch may be stored.
//
// Every event of a batch carries "batch=<batch>;n=<n>;i=<index>" in its
// comment, so that the parent can group what it finds in the log by batch,
// including batches whose ack line the kill cut off.
//
// Each line goes out in one write(2) of less than PIPE_BUF bytes, so a reader
// of the pipe sees whole lines only; the parent still ignores an unterminated
// tail. Any other error makes the process exit with status 1, which the
// parent reports, since only SIGKILL is an expected end.
//
// Usage: crash_appender --data_dir=DIR --threads=N --seed=S
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "koers/v1/events.pb.h"
#include "storage/event_id.h"
#include "storage/event_log.h"

namespace koers::storage {
namespace {

// Few streams for four threads, so that expected revisions often go stale and
// the conflict path is exercised as well as the success path.
constexpr const char* kStreams[] = {
    "SD1.A1.I1", "SD1.A1.I2", "SD1.A1.I3", "SD1.A2.I1", "SD1.A2.I2",
    "SD2.A1.I1", "SD2.A1.I2", "SD2.A2.I1", "SD2.A2.I2", "SD3.A1.I1",
};
constexpr int kMaxEventsPerBatch = 5;

struct Flags {
  std::string data_dir;
  int threads = 0;
  uint64_t seed = 0;
};

// Exits with status 1 after saying why on stderr.
[[noreturn]] void Die(absl::string_view what, const absl::Status& status) {
  const std::string message =
      absl::StrCat("crash_appender: ", what, ": ", status.ToString(), "\n");
  std::fputs(message.c_str(), stderr);
  std::_Exit(1);
}

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--data_dir=")) {
      flags.data_dir = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--threads=")) {
      if (!absl::SimpleAtoi(arg, &flags.threads) || flags.threads < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("--threads: expected a positive count, got ", arg));
      }
    } else if (absl::ConsumePrefix(&arg, "--seed=")) {
      if (!absl::SimpleAtoi(arg, &flags.seed)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--seed: expected an unsigned integer, got ", arg));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown argument ", arg,
                       "; usage: crash_appender --data_dir=DIR --threads=N "
                       "--seed=S"));
    }
  }
  if (flags.data_dir.empty() || flags.threads == 0) {
    return absl::InvalidArgumentError("--data_dir and --threads are required");
  }
  return flags;
}

// Serialises report lines: one write(2) per line, under a mutex, so lines of
// different threads never interleave.
class Reporter {
 public:
  void Line(const std::string& line) {
    absl::MutexLock lock(&mu_);
    size_t written = 0;
    while (written < line.size()) {
      const ssize_t n =
          write(STDOUT_FILENO, line.data() + written, line.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Die("write to stdout", absl::ErrnoToStatus(errno, "write"));
      }
      written += static_cast<size_t>(n);
    }
  }

 private:
  absl::Mutex mu_;
};

std::string NewId() {
  absl::StatusOr<std::string> id = NewEventId(absl::Now());
  if (!id.ok()) Die("NewEventId", id.status());
  return *std::move(id);
}

// Builds one batch of 1 to kMaxEventsPerBatch events over random streams,
// sometimes with an expectation on one of them.
AppendRequest RandomRequest(const EventLog& log, const std::string& batch,
                            std::mt19937_64& rng) {
  std::uniform_int_distribution<int> count_dist(1, kMaxEventsPerBatch);
  std::uniform_int_distribution<size_t> stream_dist(0, std::size(kStreams) - 1);
  const int n = count_dist(rng);
  AppendRequest request;
  for (int i = 0; i < n; ++i) {
    const std::string stream = kStreams[stream_dist(rng)];
    v1::Event& event = request.events.emplace_back();
    event.set_event_id(NewId());
    event.set_stream(stream);
    event.set_valid_date("2026-03-31");
    event.set_principal("crash");
    v1::MeasurementRecorded* measurement = event.mutable_measurement_recorded();
    measurement->set_indicator_id(stream);
    measurement->set_number(i);
    measurement->set_comment(absl::StrCat("batch=", batch, ";n=", n, ";i=", i));
  }
  // One batch in five carries an expectation: half of those "any", which
  // always holds, half the stream's current revision, which another thread
  // may invalidate before the append (the conflict case).
  switch (std::uniform_int_distribution<int>(0, 9)(rng)) {
    case 0:
      request.expectations.push_back(
          {request.events.front().stream(), ExpectedRevision::Any()});
      break;
    case 1: {
      const std::string& stream = request.events.back().stream();
      absl::StatusOr<std::optional<uint64_t>> revision =
          log.StreamRevision(stream);
      if (!revision.ok()) Die("StreamRevision", revision.status());
      request.expectations.push_back(
          {stream, revision->has_value() ? ExpectedRevision::Exactly(**revision)
                                         : ExpectedRevision::NoStream()});
      break;
    }
    default:
      break;
  }
  return request;
}

[[noreturn]] void AppendForever(EventLog& log, Reporter& reporter,
                                uint64_t seed) {
  std::mt19937_64 rng(seed);
  while (true) {
    const std::string batch = NewId();
    AppendRequest request = RandomRequest(log, batch, rng);
    const size_t n = request.events.size();
    absl::StatusOr<AppendResult> result = log.Append(std::move(request));
    if (absl::IsAborted(result.status())) {
      reporter.Line(absl::StrCat("conflict ", batch, "\n"));
      continue;
    }
    if (!result.ok()) Die("Append", result.status());
    if (result->duplicate || result->events.size() != n) {
      Die("Append", absl::InternalError(absl::StrCat(
                        "unexpected result for a new batch: duplicate=",
                        result->duplicate, ", ", result->events.size(),
                        " events for ", n)));
    }
    std::string positions, ids, streams, revisions;
    for (const AppendedEvent& event : result->events) {
      const absl::string_view comma = positions.empty() ? "" : ",";
      absl::StrAppend(&positions, comma, event.position);
      absl::StrAppend(&ids, comma, event.event_id);
      absl::StrAppend(&streams, comma, event.stream);
      absl::StrAppend(&revisions, comma, event.stream_revision);
    }
    reporter.Line(absl::StrCat("ack ", batch, " ", n, " ", positions, " ", ids,
                               " ", streams, " ", revisions, "\n"));
  }
}

[[noreturn]] void Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) Die("flags", flags.status());
  absl::StatusOr<std::unique_ptr<EventLog>> log =
      EventLog::Open(flags->data_dir);
  if (!log.ok()) Die(absl::StrCat("Open ", flags->data_dir), log.status());
  Reporter reporter;
  std::vector<std::thread> threads;
  for (int i = 1; i < flags->threads; ++i) {
    threads.emplace_back(AppendForever, std::ref(**log), std::ref(reporter),
                         flags->seed + static_cast<uint64_t>(i));
  }
  // The main thread is the first appender. None returns: the process ends by
  // SIGKILL.
  AppendForever(**log, reporter, flags->seed);
}

}  // namespace
}  // namespace koers::storage

int main(int argc, char** argv) { koers::storage::Main(argc, argv); }
