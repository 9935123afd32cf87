// Durable appends per second (issue 2): Koers's EventLog against a plain
// RocksDB loop that writes the same bytes with sync=true, at the same
// concurrency and in the same run, so that the ratio between the two is not
// skewed by whatever else the machine is doing.
//
// For each concurrency N and each repetition it runs, back to back and in
// alternating order, (a) N threads appending single-event requests to a fresh
// EventLog and (b) N threads putting one event's stored bytes into a fresh
// RocksDB with sync=true. It prints a table of medians over the repetitions
// and one machine-readable RESULT line per row.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "koers/v1/events.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/iostats_context.h"
#include "rocksdb/options.h"
#include "rocksdb/statistics.h"
#include "storage/event_hash.h"
#include "storage/event_id.h"
#include "storage/event_log.h"
#include "storage/proto_time.h"
#include "storage/rocksdb_util.h"
#include "storage/status_macros.h"

ABSL_FLAG(std::vector<std::string>, threads,
          std::vector<std::string>({"1", "4", "16"}),
          "Comma-separated numbers of concurrent appenders to measure.");
ABSL_FLAG(int32_t, seconds, 10, "Duration of each measurement, in seconds.");
ABSL_FLAG(int32_t, repetitions, 3,
          "Measurements per concurrency and system; the table shows medians.");
ABSL_FLAG(std::string, dir, "",
          "Directory for the databases (each measurement gets a fresh, "
          "removed subdirectory). Default: a new directory under /tmp, "
          "removed at the end.");

namespace koers::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A realistic measurement, as a reporting client sends it.
constexpr char kValidDate[] = "2026-03-31";
constexpr char kPeriodStart[] = "2026-01-01";
constexpr char kPrincipal[] = "bench-reporter";
constexpr char kComment[] =
    "Q1 figure from the departmental dashboard, checked by the unit";

// Stand-ins for a stored event's assigned fields when building the raw
// RocksDB value: large enough that their varints are as long as in a log
// that has been in use for a while.
constexpr uint64_t kSamplePosition = 1'000'000;
constexpr uint64_t kSampleRevision = 3'000;

// What one durable write cost its caller.
struct OpOutcome {
  std::chrono::nanoseconds latency;
  // True when this call's own thread wrote the WAL, i.e. it led the group of
  // writes that was synced together.
  bool led_write = false;
};

// One durable write by appender `thread`, its `seq`-th.
using TimedOp =
    std::function<absl::StatusOr<OpOutcome>(int thread, uint64_t seq)>;

// What one appender thread did.
struct ThreadResult {
  std::vector<int64_t> latencies_ns;
  uint64_t led_writes = 0;
  absl::Status status;
};

// What one measurement of one system at one concurrency found.
struct Sample {
  uint64_t ops = 0;
  double seconds = 0;
  // Synced writes inferred from the number of calls that led a group.
  uint64_t led_writes = 0;
  // WAL syncs counted by RocksDB's statistics (raw RocksDB only).
  uint64_t wal_syncs = 0;
  // Sorted ascending.
  std::vector<int64_t> latencies_ns;
};

// The medians over the repetitions at one concurrency.
struct Row {
  int threads = 0;
  double koers_ops = 0;
  double raw_ops = 0;
  double koers_p50_us = 0;
  double koers_p99_us = 0;
  double raw_p50_us = 0;
  double raw_p99_us = 0;
  double koers_events_per_sync = 0;
  double raw_writes_per_sync = 0;
  double raw_writes_per_sync_inferred = 0;
};

double OpsPerSecond(const Sample& sample) {
  return sample.seconds > 0 ? static_cast<double>(sample.ops) / sample.seconds
                            : 0;
}

// Nearest-rank percentile, `q` in (0, 1].
double PercentileMicros(const Sample& sample, double q) {
  if (sample.latencies_ns.empty()) return 0;
  const size_t n = sample.latencies_ns.size();
  const size_t rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  return static_cast<double>(
             sample.latencies_ns[std::clamp<size_t>(rank, 1, n) - 1]) /
         1000.0;
}

double PerWrite(uint64_t ops, uint64_t writes) {
  return writes > 0 ? static_cast<double>(ops) / static_cast<double>(writes)
                    : 0;
}

// Runs `write`, a durable write on this thread, and times it. RocksDB adds
// WAL bytes to the IOStatsContext of the thread that writes them, and only a
// write group's leader writes the WAL, so a rise in this thread's
// bytes_written means this call led one synced write. (Koers writes on its
// own threads; its syncs are counted by EventLog::Stats instead.)
absl::StatusOr<OpOutcome> TimeDurableWrite(
    const std::function<absl::Status()>& write) {
  const rocksdb::IOStatsContext* io = rocksdb::get_iostats_context();
  const uint64_t bytes_before = io->bytes_written;
  const SteadyClock::time_point begin = SteadyClock::now();
  KOERS_RETURN_IF_ERROR(write());
  return OpOutcome{SteadyClock::now() - begin,
                   io->bytes_written > bytes_before};
}

ThreadResult WriteUntilStopped(int thread, const TimedOp& op, std::latch& start,
                               std::atomic<bool>& stop) {
  ThreadResult result;
  result.latencies_ns.reserve(1 << 16);
  start.arrive_and_wait();
  for (uint64_t seq = 0; !stop.load(std::memory_order_relaxed); ++seq) {
    absl::StatusOr<OpOutcome> outcome = op(thread, seq);
    if (!outcome.ok()) {
      result.status = outcome.status();
      // One failure invalidates the measurement: stop everyone.
      stop.store(true);
      break;
    }
    result.latencies_ns.push_back(outcome->latency.count());
    if (outcome->led_write) ++result.led_writes;
  }
  return result;
}

absl::StatusOr<Sample> Merge(std::vector<ThreadResult> results,
                             SteadyClock::duration elapsed) {
  Sample sample;
  sample.seconds = std::chrono::duration<double>(elapsed).count();
  for (ThreadResult& result : results) {
    KOERS_RETURN_IF_ERROR(result.status);
    sample.led_writes += result.led_writes;
    sample.latencies_ns.insert(sample.latencies_ns.end(),
                               result.latencies_ns.begin(),
                               result.latencies_ns.end());
  }
  sample.ops = sample.latencies_ns.size();
  std::sort(sample.latencies_ns.begin(), sample.latencies_ns.end());
  return sample;
}

// Runs `op` in a loop on `threads` threads for `duration`, all starting
// together; throughput is counted over the wall time until the last one
// stopped.
absl::StatusOr<Sample> RunLoad(int threads, std::chrono::seconds duration,
                               const TimedOp& op) {
  std::latch start(threads + 1);
  std::atomic<bool> stop{false};
  std::vector<ThreadResult> results(threads);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(
        [&, t] { results[t] = WriteUntilStopped(t, op, start, stop); });
  }
  start.arrive_and_wait();
  const SteadyClock::time_point begin = SteadyClock::now();
  std::this_thread::sleep_for(duration);
  stop.store(true);
  for (std::thread& worker : workers) worker.join();
  return Merge(std::move(results), SteadyClock::now() - begin);
}

// 300 indicator streams ("SD1.A3.I2"): 5 goals, 12 actions each, 5
// indicators per action.
std::vector<std::string> IndicatorStreams() {
  std::vector<std::string> streams;
  for (int goal = 1; goal <= 5; ++goal) {
    for (int action = 1; action <= 12; ++action) {
      for (int indicator = 1; indicator <= 5; ++indicator) {
        streams.push_back(
            absl::StrCat("SD", goal, ".A", action, ".I", indicator));
      }
    }
  }
  return streams;
}

// The client fields of one measurement, as a client sends them.
v1::Event MeasurementEvent(std::string event_id, const std::string& stream,
                           uint64_t seq) {
  v1::Event event;
  event.set_event_id(std::move(event_id));
  event.set_stream(stream);
  event.set_valid_date(kValidDate);
  event.set_principal(kPrincipal);
  v1::MeasurementRecorded* measurement = event.mutable_measurement_recorded();
  measurement->set_indicator_id(stream);
  measurement->set_number(40.0 + static_cast<double>(seq % 600) / 10);
  measurement->set_period_start(kPeriodStart);
  measurement->set_comment(kComment);
  return event;
}

// The bytes Koers keeps in its events family for one such measurement (the
// chain hash, then the event with every assigned field set): what the raw
// RocksDB loop writes per put.
absl::StatusOr<std::string> StoredEventBytes(const std::string& stream) {
  KOERS_ASSIGN_OR_RETURN(std::string id, storage::NewEventId(absl::Now()));
  v1::Event event = MeasurementEvent(std::move(id), stream, 0);
  event.set_stream_revision(kSampleRevision);
  event.set_position(kSamplePosition);
  event.set_type(v1::EVENT_TYPE_MEASUREMENT_RECORDED);
  *event.mutable_record_time() = storage::ToProtoTimestamp(absl::Now());
  event.set_prev_hash(storage::Sha256("previous event"));
  const std::string stored = event.SerializeAsString();
  return absl::StrCat(storage::ChainHash(event.prev_hash(), stored), stored);
}

absl::StatusOr<Sample> MeasureKoers(const std::string& dir, int threads,
                                    std::chrono::seconds duration,
                                    const std::vector<std::string>& streams) {
  KOERS_ASSIGN_OR_RETURN(std::unique_ptr<storage::EventLog> log,
                         storage::EventLog::Open(dir));
  const TimedOp append = [&](int thread,
                             uint64_t seq) -> absl::StatusOr<OpOutcome> {
    // A client-supplied id, as a client that retries safely sends, so every
    // append pays for the idempotency lookup.
    KOERS_ASSIGN_OR_RETURN(std::string id, storage::NewEventId(absl::Now()));
    const std::string& stream =
        streams[(static_cast<uint64_t>(thread) * 97 + seq) % streams.size()];
    storage::AppendRequest request;
    request.events.push_back(MeasurementEvent(std::move(id), stream, seq));
    return TimeDurableWrite(
        [&] { return log->Append(std::move(request)).status(); });
  };
  KOERS_ASSIGN_OR_RETURN(Sample sample, RunLoad(threads, duration, append));
  // Koers syncs on its own thread, not the caller's: count its syncs.
  sample.led_writes = log->Stats().synced_writes;
  return sample;
}

// 16 bytes: the thread, then its counter, both big-endian so keys of one
// thread are ascending as an event log's are.
std::string RawKey(int thread, uint64_t seq) {
  std::string key(16, '\0');
  for (int i = 0; i < 8; ++i) {
    key[7 - i] =
        static_cast<char>((static_cast<uint64_t>(thread) >> (8 * i)) & 0xff);
    key[15 - i] = static_cast<char>((seq >> (8 * i)) & 0xff);
  }
  return key;
}

absl::StatusOr<Sample> MeasureRocksDb(const std::string& dir, int threads,
                                      std::chrono::seconds duration,
                                      const std::string& value) {
  rocksdb::Options options;
  options.create_if_missing = true;
  // Only to count WAL syncs; its cost is negligible next to an fdatasync.
  options.statistics = rocksdb::CreateDBStatistics();
  rocksdb::DB* opened = nullptr;
  KOERS_RETURN_IF_ERROR(storage::FromRocksDb(
      rocksdb::DB::Open(options, dir, &opened), "opening the raw database"));
  const std::unique_ptr<rocksdb::DB> db(opened);
  rocksdb::WriteOptions durable;
  durable.sync = true;
  const TimedOp put = [&](int thread,
                          uint64_t seq) -> absl::StatusOr<OpOutcome> {
    const std::string key = RawKey(thread, seq);
    return TimeDurableWrite([&] {
      return storage::FromRocksDb(db->Put(durable, key, value),
                                  "writing to the raw database");
    });
  };
  KOERS_ASSIGN_OR_RETURN(Sample sample, RunLoad(threads, duration, put));
  sample.wal_syncs =
      options.statistics->getTickerCount(rocksdb::WAL_FILE_SYNCED);
  KOERS_RETURN_IF_ERROR(
      storage::FromRocksDb(db->Close(), "closing the raw database"));
  return sample;
}

// Where the databases live. Each measurement gets a fresh subdirectory that
// is removed right after it; the base directory is removed at the end only
// when this program created it.
class ScratchDir {
 public:
  static absl::StatusOr<std::unique_ptr<ScratchDir>> Create(
      const std::string& requested) {
    if (!requested.empty()) {
      std::error_code error;
      std::filesystem::create_directories(requested, error);
      if (error) {
        return absl::UnavailableError(
            absl::StrCat("creating ", requested, ": ", error.message()));
      }
      return std::unique_ptr<ScratchDir>(new ScratchDir(requested, false));
    }
    std::string pattern = "/tmp/koers-append-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::UnavailableError("mkdtemp under /tmp failed");
    }
    return std::unique_ptr<ScratchDir>(new ScratchDir(pattern, true));
  }

  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    if (owned_) std::filesystem::remove_all(base_, ignored);
  }

  const std::filesystem::path& base() const { return base_; }

  // Runs `measure` on a new directory `name`, then removes the directory so
  // the next measurement starts from an empty database on a disk that is not
  // filling up.
  absl::StatusOr<Sample> Measure(
      absl::string_view name,
      const std::function<absl::StatusOr<Sample>(const std::string&)>& measure)
      const {
    const std::filesystem::path dir = base_ / std::string(name);
    std::error_code error;
    std::filesystem::remove_all(dir, error);
    absl::StatusOr<Sample> sample = measure(dir.string());
    std::filesystem::remove_all(dir, error);
    if (sample.ok() && error) {
      return absl::UnavailableError(
          absl::StrCat("removing ", dir.string(), ": ", error.message()));
    }
    return sample;
  }

 private:
  ScratchDir(std::filesystem::path base, bool owned)
      : base_(std::move(base)), owned_(owned) {}

  std::filesystem::path base_;
  bool owned_;
};

void PrintProgress(absl::string_view system, int repetition, int threads,
                   const Sample& sample) {
  absl::FPrintF(stderr,
                "rep %d threads=%-3d %-7s %8.0f ops/s  p50 %7.0f us  p99 %7.0f "
                "us  load %s\n",
                repetition, threads, system, OpsPerSecond(sample),
                PercentileMicros(sample, 0.50), PercentileMicros(sample, 0.99),
                LoadAverage());
}

// The samples of one concurrency, one per repetition.
struct Samples {
  std::vector<Sample> koers;
  std::vector<Sample> raw;
};

// One repetition at one concurrency: Koers and raw RocksDB back to back. The
// order alternates between repetitions so that neither system always runs
// right after the other's files were deleted.
absl::Status MeasurePair(const ScratchDir& scratch, int repetition, int threads,
                         std::chrono::seconds duration,
                         const std::vector<std::string>& streams,
                         const std::string& value, Samples* samples) {
  const auto koers = [&]() -> absl::Status {
    KOERS_ASSIGN_OR_RETURN(
        Sample sample,
        scratch.Measure(absl::StrCat("koers-", threads, "-", repetition),
                        [&](const std::string& dir) {
                          return MeasureKoers(dir, threads, duration, streams);
                        }));
    PrintProgress("koers", repetition, threads, sample);
    samples->koers.push_back(std::move(sample));
    return absl::OkStatus();
  };
  const auto raw = [&]() -> absl::Status {
    KOERS_ASSIGN_OR_RETURN(
        Sample sample,
        scratch.Measure(absl::StrCat("rocksdb-", threads, "-", repetition),
                        [&](const std::string& dir) {
                          return MeasureRocksDb(dir, threads, duration, value);
                        }));
    PrintProgress("rocksdb", repetition, threads, sample);
    samples->raw.push_back(std::move(sample));
    return absl::OkStatus();
  };
  if (repetition % 2 == 1) {
    KOERS_RETURN_IF_ERROR(koers());
    return raw();
  }
  KOERS_RETURN_IF_ERROR(raw());
  return koers();
}

Row Summarize(int threads, const Samples& samples) {
  Row row;
  row.threads = threads;
  row.koers_ops = MedianOf(samples.koers, OpsPerSecond);
  row.raw_ops = MedianOf(samples.raw, OpsPerSecond);
  const auto p50 = [](const Sample& s) { return PercentileMicros(s, 0.50); };
  const auto p99 = [](const Sample& s) { return PercentileMicros(s, 0.99); };
  row.koers_p50_us = MedianOf(samples.koers, p50);
  row.koers_p99_us = MedianOf(samples.koers, p99);
  row.raw_p50_us = MedianOf(samples.raw, p50);
  row.raw_p99_us = MedianOf(samples.raw, p99);
  row.koers_events_per_sync = MedianOf(samples.koers, [](const Sample& s) {
    return PerWrite(s.ops, s.led_writes);
  });
  row.raw_writes_per_sync = MedianOf(samples.raw, [](const Sample& s) {
    return PerWrite(s.ops, s.wal_syncs);
  });
  row.raw_writes_per_sync_inferred = MedianOf(samples.raw, [](const Sample& s) {
    return PerWrite(s.ops, s.led_writes);
  });
  return row;
}

void PrintTable(const std::vector<Row>& rows) {
  absl::PrintF(
      "\n%7s | %12s | %12s | %8s | %9s | %9s | %9s | %9s | %10s | %10s\n",
      "threads", "koers ops/s", "rocksdb op/s", "k/r", "koers p50", "koers p99",
      "rdb p50", "rdb p99", "koers ev/", "rdb wr/");
  absl::PrintF(
      "%7s | %12s | %12s | %8s | %9s | %9s | %9s | %9s | %10s | %10s\n", "", "",
      "", "ratio", "us", "us", "us", "us", "sync", "sync");
  absl::PrintF("%s\n", std::string(122, '-'));
  for (const Row& row : rows) {
    absl::PrintF(
        "%7d | %12.0f | %12.0f | %7.2fx | %9.0f | %9.0f | %9.0f | %9.0f | "
        "%10.1f | %10.1f\n",
        row.threads, row.koers_ops, row.raw_ops,
        Ratio(row.koers_ops, row.raw_ops), row.koers_p50_us, row.koers_p99_us,
        row.raw_p50_us, row.raw_p99_us, row.koers_events_per_sync,
        row.raw_writes_per_sync);
  }
}

void PrintMachineReadable(const std::vector<Row>& rows) {
  absl::PrintF("\n");
  for (const Row& row : rows) {
    absl::PrintF(
        "RESULT threads=%d koers_ops_per_s=%.0f rocksdb_ops_per_s=%.0f "
        "ratio=%.3f koers_p50_us=%.0f koers_p99_us=%.0f rocksdb_p50_us=%.0f "
        "rocksdb_p99_us=%.0f koers_events_per_sync=%.2f "
        "rocksdb_writes_per_sync=%.2f rocksdb_writes_per_sync_inferred=%.2f\n",
        row.threads, row.koers_ops, row.raw_ops,
        Ratio(row.koers_ops, row.raw_ops), row.koers_p50_us, row.koers_p99_us,
        row.raw_p50_us, row.raw_p99_us, row.koers_events_per_sync,
        row.raw_writes_per_sync, row.raw_writes_per_sync_inferred);
  }
}

// Koers at the highest concurrency against Koers at the lowest (16 and 1 by
// default), and the same for raw RocksDB.
void PrintScaling(const std::vector<Row>& rows) {
  const auto [low, high] = std::minmax_element(
      rows.begin(), rows.end(),
      [](const Row& a, const Row& b) { return a.threads < b.threads; });
  const double koers = Ratio(high->koers_ops, low->koers_ops);
  const double raw = Ratio(high->raw_ops, low->raw_ops);
  absl::PrintF(
      "\nscaling: koers@%d / koers@%d = %.2fx, rocksdb@%d / rocksdb@%d = "
      "%.2fx\n",
      high->threads, low->threads, koers, high->threads, low->threads, raw);
  absl::PrintF("SCALING high=%d low=%d koers=%.3f rocksdb=%.3f\n",
               high->threads, low->threads, koers, raw);
}

void PrintHeader(const ScratchDir& scratch, int seconds, int repetitions,
                 size_t value_bytes) {
  absl::PrintF(
      "Durable appends: Koers EventLog vs plain RocksDB (sync=true), same "
      "bytes, same run\n");
  absl::PrintF("machine: %u cores, kernel %s; databases in %s\n",
               std::thread::hardware_concurrency(), KernelRelease(),
               scratch.base().string());
  absl::PrintF(
      "koers: one MeasurementRecorded per append, client-supplied ids, 300 "
      "streams\n");
  absl::PrintF(
      "rocksdb: default options, 16-byte keys, %d-byte values (one stored "
      "Koers event: 32-byte hash + %d-byte serialized event)\n",
      value_bytes, value_bytes - 32);
  absl::PrintF(
      "%d s per measurement, medians of %d repetitions; load average at "
      "start %s\n",
      seconds, repetitions, LoadAverage());
}

absl::Status Run() {
  KOERS_ASSIGN_OR_RETURN(const std::vector<int> thread_counts,
                         ParseCounts(absl::GetFlag(FLAGS_threads), "threads"));
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int repetitions = absl::GetFlag(FLAGS_repetitions);
  if (seconds < 1 || repetitions < 1) {
    return absl::InvalidArgumentError(
        "--seconds and --repetitions must be at least 1");
  }
  KOERS_ASSIGN_OR_RETURN(const std::unique_ptr<ScratchDir> scratch,
                         ScratchDir::Create(absl::GetFlag(FLAGS_dir)));
  const std::vector<std::string> streams = IndicatorStreams();
  KOERS_ASSIGN_OR_RETURN(const std::string value,
                         StoredEventBytes(streams.front()));
  PrintHeader(*scratch, seconds, repetitions, value.size());

  std::vector<Samples> samples(thread_counts.size());
  for (int repetition = 1; repetition <= repetitions; ++repetition) {
    for (size_t i = 0; i < thread_counts.size(); ++i) {
      KOERS_RETURN_IF_ERROR(MeasurePair(*scratch, repetition, thread_counts[i],
                                        std::chrono::seconds(seconds), streams,
                                        value, &samples[i]));
    }
  }
  std::vector<Row> rows;
  for (size_t i = 0; i < thread_counts.size(); ++i) {
    rows.push_back(Summarize(thread_counts[i], samples[i]));
  }
  PrintTable(rows);
  PrintMachineReadable(rows);
  PrintScaling(rows);
  absl::PrintF("load average at end %s\n", LoadAverage());
  return absl::OkStatus();
}

}  // namespace
}  // namespace koers::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (const absl::Status status = koers::bench::Run(); !status.ok()) {
    absl::FPrintF(stderr, "append_throughput: %s\n", status.ToString());
    return 1;
  }
  return 0;
}
