// gRPC ingestion load (issue 3): what recording measurements over gRPC costs
// in Koers on top of what gRPC itself costs, measured in the same run.
//
// It starts the real koersd binary as a child process on a free loopback port
// (its own data directory, the sample plan), and in this process a no-op
// koers.v1.IngestService that answers every call at once. Against each of
// the two, back to back and in alternating order, it drives:
//   * unary RecordMeasurement calls from one CompletionQueue that keeps
//     exactly N calls in flight, for each N of --inflight, for --seconds;
//   * a bulk push of --bulk_events submissions through one StreamSubmit
//     stream, and the same number as SubmitBatch calls of 100 submissions
//     from 1 and from 4 concurrent callers.
// Every write is a valid measurement of a quantitative indicator of the
// sample plan with a fresh client event id, so koersd validates it, checks
// idempotency and writes it durably before answering. The program prints
// tables of medians over --repetitions (throughput, latency, and the CPU time
// koersd and this process spent per unary call) and one RESULT line per row.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <latch>
#include <memory>
#include <random>
#include <sstream>
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
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/channel_arguments.h"
#include "koers/v1/ingest_service.grpc.pb.h"
#include "koers/v1/ingest_service.pb.h"
#include "koers/v1/plan.pb.h"
#include "services/sample_plan.h"
#include "storage/event_id.h"
#include "storage/file_util.h"
#include "storage/status_macros.h"

ABSL_FLAG(std::string, koersd, KOERSD_PATH,
          "The koersd binary to measure (default: the one of this build "
          "tree).");
ABSL_FLAG(std::vector<std::string>, inflight,
          std::vector<std::string>({"1", "16"}),
          "Comma-separated numbers of unary calls kept in flight.");
ABSL_FLAG(int32_t, seconds, 10, "Duration of each unary measurement.");
ABSL_FLAG(int32_t, repetitions, 3,
          "Measurements per row and server; the tables show medians.");
ABSL_FLAG(int32_t, bulk_events, 20000,
          "Submissions per bulk push (one stream, or batches of 100).");
ABSL_FLAG(bool, noop_in_process, false,
          "Serve the no-op service from a thread pool of this process instead "
          "of a child process of its own (as in runs before 2026-12-03).");
ABSL_FLAG(std::string, serve_noop_port_file, "",
          "Internal: serve only the no-op service on a free loopback port, "
          "write the port to this file, and exit on SIGTERM.");
ABSL_FLAG(std::string, data_dir, "",
          "koersd's data directory (its port file and log go beside it, and "
          "it is kept). Default: a fresh directory under /tmp, removed at "
          "the end.");

namespace koers::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
using Stub = v1::IngestService::Stub;

// A realistic measurement, as a reporting client sends it.
constexpr char kDate[] = "2026-03-31";
constexpr char kPeriodStart[] = "2026-01-01";
constexpr char kComment[] =
    "Q1 figure from the departmental dashboard, checked by the unit";

constexpr int kBatchSize = 100;
constexpr int kMaxStreamItems = 100000;

// Bounds on every wait, so that a stuck server cannot hang the benchmark.
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kStopTimeout = absl::Seconds(30);
constexpr absl::Duration kCallDeadline = absl::Seconds(30);
constexpr absl::Duration kBulkDeadline = absl::Seconds(300);
constexpr absl::Duration kPoll = absl::Milliseconds(20);
// Unrecorded load on each server before the first measurement.
constexpr absl::Duration kWarmup = absl::Seconds(1);
// Failed calls whose status is kept for the report.
constexpr size_t kErrorsShown = 5;

std::chrono::system_clock::time_point DeadlineIn(absl::Duration timeout) {
  return std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout);
}

double SecondsSince(SteadyClock::time_point begin) {
  return std::chrono::duration<double>(SteadyClock::now() - begin).count();
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(
                          static_cast<absl::StatusCode>(status.error_code())),
                      ": ", status.error_message());
}

absl::Status FromGrpc(absl::string_view call, const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(call, ": ", status.error_message()));
}

// ----------------------------------------------------------------------------
// The writes.

// A quantitative indicator of the sample plan and the values it allows.
struct NumericIndicator {
  std::string id;
  double low = 0;
  double high = 0;
};

NumericIndicator ToNumeric(const v1::Indicator& indicator) {
  const v1::QuantitativeSpec& spec = indicator.quantitative();
  NumericIndicator numeric;
  numeric.id = indicator.id();
  numeric.low = spec.has_min_allowed()
                    ? spec.min_allowed()
                    : std::min(spec.baseline_value(), spec.target_value());
  // Without an upper bound, values run up to the target.
  numeric.high = spec.has_max_allowed()
                     ? spec.max_allowed()
                     : std::max(numeric.low, spec.target_value());
  return numeric;
}

absl::StatusOr<std::vector<NumericIndicator>> SamplePlanIndicators() {
  KOERS_ASSIGN_OR_RETURN(
      const v1::Plan plan,
      services::ParsePlanJson(services::SamplePlanJson(), "sample plan"));
  std::vector<NumericIndicator> indicators;
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    for (const v1::Action& action : objective.actions()) {
      for (const v1::Indicator& indicator : action.indicators()) {
        if (indicator.has_quantitative()) {
          indicators.push_back(ToNumeric(indicator));
        }
      }
    }
  }
  if (indicators.empty()) {
    return absl::FailedPreconditionError(
        "the sample plan has no quantitative indicator");
  }
  return indicators;
}

std::mt19937_64 SeededEngine() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  return std::mt19937_64(seed);
}

// Measurements as a reporting client sends them: in turn for each
// quantitative indicator of the sample plan, a value within its allowed
// range, and a fresh client event id (a random version 4 UUID), as a client
// that retries safely sends.
class MeasurementMaker {
 public:
  explicit MeasurementMaker(std::vector<NumericIndicator> indicators)
      : indicators_(std::move(indicators)), random_(SeededEngine()) {}

  v1::RecordMeasurementRequest Next() {
    const NumericIndicator& indicator =
        indicators_[count_++ % indicators_.size()];
    const double fraction = static_cast<double>(random_() % 1001) / 1000;
    v1::RecordMeasurementRequest request;
    request.mutable_options()->set_event_id(NewUuid());
    request.set_indicator_id(indicator.id);
    request.set_number(
        std::clamp(indicator.low + fraction * (indicator.high - indicator.low),
                   indicator.low, indicator.high));
    request.set_date(kDate);
    request.set_period_start(kPeriodStart);
    request.set_comment(kComment);
    return request;
  }

  v1::Submission NextSubmission() {
    v1::Submission submission;
    *submission.mutable_measurement() = Next();
    return submission;
  }

  size_t indicator_count() const { return indicators_.size(); }

 private:
  std::string NewUuid() {
    char raw[16];
    const uint64_t halves[2] = {random_(), random_()};
    for (int i = 0; i < 16; ++i) {
      raw[i] = static_cast<char>((halves[i / 8] >> (56 - 8 * (i % 8))) & 0xff);
    }
    raw[6] = static_cast<char>(0x40 | (raw[6] & 0x0f));  // version 4
    raw[8] = static_cast<char>(0x80 | (raw[8] & 0x3f));  // RFC 4122 variant
    return storage::FormatEventId(absl::string_view(raw, sizeof(raw)));
  }

  const std::vector<NumericIndicator> indicators_;
  std::mt19937_64 random_;
  uint64_t count_ = 0;
};

// ----------------------------------------------------------------------------
// The servers.

std::string FileTail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

std::string SelfPath() {
  std::error_code error;
  const std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string("/proc/self/exe") : self.string();
}

// A server as a child process on a free loopback port, its output in a log
// file: the real koersd binary serving the sample plan, or this program
// serving the no-op service (so that both servers pay the same for being a
// process of their own).
class ServerChild {
 public:
  static absl::StatusOr<std::unique_ptr<ServerChild>> StartKoersd(
      const std::string& binary, const std::string& data_dir) {
    const std::string port_file = data_dir + ".port";
    return Start("koersd",
                 {binary, "--data_dir=" + data_dir, "--listen=127.0.0.1:0",
                  "--port_file=" + port_file, "--plan=sample"},
                 port_file, data_dir + ".log");
  }

  // Its port file and log are `prefix` + ".port" and ".log".
  static absl::StatusOr<std::unique_ptr<ServerChild>> StartNoop(
      const std::string& prefix) {
    const std::string port_file = prefix + ".port";
    return Start("the no-op server",
                 {SelfPath(), "--serve_noop_port_file=" + port_file}, port_file,
                 prefix + ".log");
  }

  ServerChild(const ServerChild&) = delete;
  ServerChild& operator=(const ServerChild&) = delete;

  // Kills it when it still runs (after a failure elsewhere).
  ~ServerChild() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  const std::string& name() const { return name_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends SIGTERM and waits for the exit; returns the exit code.
  absl::StatusOr<int> Stop() {
    if (pid_ <= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(name_, " is not running"));
    }
    kill(pid_, SIGTERM);
    const absl::Time deadline = absl::Now() + kStopTimeout;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            name_, " did not exit within ", absl::FormatDuration(kStopTimeout),
            " of SIGTERM (it is killed)"));
      }
      absl::SleepFor(kPoll);
    }
    pid_ = -1;
    if (WIFSIGNALED(status)) {
      return absl::InternalError(
          absl::StrCat(name_, " died of signal ", WTERMSIG(status)));
    }
    return WEXITSTATUS(status);
  }

 private:
  ServerChild(std::string name, std::string log_path)
      : name_(std::move(name)), log_path_(std::move(log_path)) {}

  static absl::StatusOr<std::unique_ptr<ServerChild>> Start(
      std::string name, std::vector<std::string> args,
      const std::string& port_file, std::string log_path) {
    std::error_code ignored;
    std::filesystem::remove(port_file, ignored);
    std::unique_ptr<ServerChild> child(
        new ServerChild(std::move(name), std::move(log_path)));
    KOERS_RETURN_IF_ERROR(child->Spawn(args));
    KOERS_RETURN_IF_ERROR(child->WaitForPort(port_file));
    return child;
  }

  absl::Status Spawn(std::vector<std::string>& args) {
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const int error =
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      pid_ = -1;
      return absl::UnavailableError(
          absl::StrCat("starting ", args[0], " with its output to ", log_path_,
                       ": ", std::strerror(error)));
    }
    return absl::OkStatus();
  }

  absl::Status Failed(absl::string_view what) const {
    return absl::UnavailableError(absl::StrCat(what, "; the end of its log (",
                                               log_path_, "):\n",
                                               FileTail(log_path_, 2000)));
  }

  // The server writes the port file atomically once it serves.
  absl::Status WaitForPort(const std::string& port_file) {
    const absl::Time deadline = absl::Now() + kStartTimeout;
    while (absl::Now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return Failed(absl::StrCat(name_, " exited before serving"));
      }
      std::ifstream in(port_file);
      if (int port = 0; in >> port && port > 0) {
        port_ = port;
        return absl::OkStatus();
      }
      absl::SleepFor(kPoll);
    }
    return Failed(absl::StrCat(name_, " did not serve within ",
                               absl::FormatDuration(kStartTimeout)));
  }

  const std::string name_;
  const std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Answers every ingestion call at once without looking at it: what gRPC
// itself costs for the same messages. Bulk answers have koersd's shape (one
// empty result per submission) so that the client checks pass.
class NoopIngestService final : public v1::IngestService::Service {
 public:
  grpc::Status RecordMeasurement(
      grpc::ServerContext* /*context*/,
      const v1::RecordMeasurementRequest* /*request*/,
      v1::WriteResult* /*response*/) override {
    return grpc::Status::OK;
  }

  grpc::Status SubmitBatch(grpc::ServerContext* /*context*/,
                           const v1::SubmitBatchRequest* request,
                           v1::SubmitBatchResponse* response) override {
    for (int i = 0; i < request->submissions_size(); ++i) {
      response->add_results();
    }
    return grpc::Status::OK;
  }

  grpc::Status StreamSubmit(grpc::ServerContext* /*context*/,
                            grpc::ServerReader<v1::StreamSubmitRequest>* reader,
                            v1::StreamSubmitResponse* response) override {
    v1::StreamSubmitRequest message;
    while (reader->Read(&message)) response->add_items();
    response->set_accepted(response->items_size());
    return grpc::Status::OK;
  }
};

// The no-op service on a sync server on a free loopback port, in this
// process.
class NoopServer {
 public:
  static absl::StatusOr<std::unique_ptr<NoopServer>> Start() {
    std::unique_ptr<NoopServer> noop(new NoopServer());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &noop->port_);
    builder.RegisterService(&noop->service_);
    noop->server_ = builder.BuildAndStart();
    if (noop->server_ == nullptr || noop->port_ == 0) {
      return absl::UnavailableError("the no-op server cannot listen");
    }
    return noop;
  }

  NoopServer(const NoopServer&) = delete;
  NoopServer& operator=(const NoopServer&) = delete;
  ~NoopServer() {
    if (server_ != nullptr) server_->Shutdown(DeadlineIn(absl::Seconds(1)));
  }

  int port() const { return port_; }

 private:
  NoopServer() = default;

  NoopIngestService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// The child process of --serve_noop_port_file: serves until SIGTERM or
// SIGINT, then exits 0.
absl::Status ServeNoop(const std::string& port_file) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  // Before gRPC starts its threads, so that only sigwait takes them.
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  KOERS_ASSIGN_OR_RETURN(const std::unique_ptr<NoopServer> server,
                         NoopServer::Start());
  // As koersd writes its own: the parent reads the port once the file is.
  KOERS_RETURN_IF_ERROR(storage::WriteFileAtomically(
      port_file, absl::StrCat(server->port(), "\n"), 0644));
  int signal = 0;
  sigwait(&stop_signals, &signal);
  return absl::OkStatus();
}

// A client of one of the two servers.
struct Target {
  std::string name;
  std::unique_ptr<Stub> stub;
  // The server's process; 0 when it runs in this one.
  pid_t server_pid = 0;
};

absl::StatusOr<Target> Connect(std::string name, int port, pid_t server_pid) {
  grpc::ChannelArguments args;
  // A stream's answer lists every item.
  args.SetMaxReceiveMessageSize(-1);
  const std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(DeadlineIn(kStartTimeout))) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", name, " on port ", port));
  }
  return Target{std::move(name), v1::IngestService::NewStub(channel),
                server_pid};
}

// ----------------------------------------------------------------------------
// CPU accounting: where the cycles of a measurement went.

// The CPU time used during a measurement.
struct CpuUse {
  // By the server's own process (koersd); 0 for the in-process server.
  double server_seconds = 0;
  // By this process: the client, plus the no-op server when it is the
  // target.
  double bench_seconds = 0;
  // The share of all cores that the whole machine kept busy.
  double machine_busy = 0;
};

// User plus system CPU seconds of process `pid`, from /proc/PID/stat.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  const std::string stat((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces; the fields after it start
  // with the state (field 3). utime and stime are fields 14 and 15.
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return 0;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string skipped;
  for (int field = 3; field <= 13; ++field) fields >> skipped;
  double utime = 0;
  double stime = 0;
  if (!(fields >> utime >> stime)) return 0;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Busy and total jiffies of all cores together, from /proc/stat.
struct MachineTicks {
  double busy = 0;
  double total = 0;
};

MachineTicks ReadMachineTicks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
         softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >>
        softirq >> steal)) {
    return {};
  }
  const double busy = user + nice + system + irq + softirq + steal;
  return {busy, busy + idle + iowait};
}

// Takes a snapshot when made; Elapsed() is the use since.
class CpuMeter {
 public:
  explicit CpuMeter(pid_t server_pid)
      : server_pid_(server_pid),
        server_start_(server_pid > 0 ? ProcessCpuSeconds(server_pid) : 0),
        bench_start_(SelfCpuSeconds()),
        machine_start_(ReadMachineTicks()) {}

  CpuUse Elapsed() const {
    CpuUse use;
    if (server_pid_ > 0) {
      use.server_seconds = ProcessCpuSeconds(server_pid_) - server_start_;
    }
    use.bench_seconds = SelfCpuSeconds() - bench_start_;
    const MachineTicks machine = ReadMachineTicks();
    const double total = machine.total - machine_start_.total;
    use.machine_busy =
        total > 0 ? (machine.busy - machine_start_.busy) / total : 0;
    return use;
  }

 private:
  const pid_t server_pid_;
  const double server_start_;
  const double bench_start_;
  const MachineTicks machine_start_;
};

// ----------------------------------------------------------------------------
// Unary calls.

// What one unary measurement found.
struct UnarySample {
  uint64_t failed = 0;
  double seconds = 0;
  // Of the successful calls, sorted ascending.
  std::vector<int64_t> latencies_ns;
  // The statuses of the first failed calls.
  std::vector<std::string> errors;
  CpuUse cpu;
};

double CallsPerSecond(const UnarySample& sample) {
  return sample.seconds > 0
             ? static_cast<double>(sample.latencies_ns.size()) / sample.seconds
             : 0;
}

// Nearest-rank percentile, `q` in (0, 1].
double PercentileMicros(const UnarySample& sample, double q) {
  const std::vector<int64_t>& sorted = sample.latencies_ns;
  if (sorted.empty()) return 0;
  const size_t rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return static_cast<double>(
             sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1]) /
         1000.0;
}

double P50Micros(const UnarySample& sample) {
  return PercentileMicros(sample, 0.50);
}

double P99Micros(const UnarySample& sample) {
  return PercentileMicros(sample, 0.99);
}

// One unary call in flight.
struct PendingCall {
  grpc::ClientContext context;
  v1::RecordMeasurementRequest request;
  v1::WriteResult response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::WriteResult>> reader;
  SteadyClock::time_point begin;
};

// Drives RecordMeasurement calls from one CompletionQueue with exactly
// `inflight` outstanding: each completed call is replaced at once by a new
// one until `duration` has passed, then the outstanding ones are waited for.
// Throughput counts the successful calls over the wall time until the last
// one completed; every call has a deadline, so this ends.
class UnaryDriver {
 public:
  UnaryDriver(Stub& stub, MeasurementMaker& maker)
      : stub_(stub), maker_(maker) {}

  UnarySample Run(int inflight, absl::Duration duration) {
    UnarySample sample;
    std::vector<std::unique_ptr<PendingCall>> slots(inflight);
    const SteadyClock::time_point begin = SteadyClock::now();
    const SteadyClock::time_point stop =
        begin + absl::ToChronoNanoseconds(duration);
    for (std::unique_ptr<PendingCall>& slot : slots) StartCall(slot);
    int outstanding = inflight;
    void* tag = nullptr;
    bool ok = false;
    while (outstanding > 0 && queue_.Next(&tag, &ok)) {
      --outstanding;
      auto& slot = *static_cast<std::unique_ptr<PendingCall>*>(tag);
      Record(*slot, &sample);
      if (SteadyClock::now() < stop) {
        StartCall(slot);
        ++outstanding;
      }
    }
    sample.seconds = SecondsSince(begin);
    std::sort(sample.latencies_ns.begin(), sample.latencies_ns.end());
    return sample;
  }

  UnaryDriver(const UnaryDriver&) = delete;
  UnaryDriver& operator=(const UnaryDriver&) = delete;
  ~UnaryDriver() {
    queue_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue_.Next(&tag, &ok)) {
    }
  }

 private:
  // Starts a new call in `slot`; the slot's address is the call's tag.
  void StartCall(std::unique_ptr<PendingCall>& slot) {
    slot = std::make_unique<PendingCall>();
    slot->request = maker_.Next();
    slot->context.set_deadline(DeadlineIn(kCallDeadline));
    slot->begin = SteadyClock::now();
    slot->reader =
        stub_.AsyncRecordMeasurement(&slot->context, slot->request, &queue_);
    slot->reader->Finish(&slot->response, &slot->status, &slot);
  }

  static void Record(const PendingCall& call, UnarySample* sample) {
    if (call.status.ok()) {
      sample->latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(
              SteadyClock::now() - call.begin)
              .count());
      return;
    }
    ++sample->failed;
    if (sample->errors.size() < kErrorsShown) {
      sample->errors.push_back(Describe(call.status));
    }
  }

  Stub& stub_;
  MeasurementMaker& maker_;
  grpc::CompletionQueue queue_;
};

UnarySample MeasureUnary(Target& target, MeasurementMaker& maker, int inflight,
                         absl::Duration duration) {
  UnaryDriver driver(*target.stub, maker);
  const CpuMeter meter(target.server_pid);
  UnarySample sample = driver.Run(inflight, duration);
  sample.cpu = meter.Elapsed();
  return sample;
}

// CPU microseconds per successful call.
double PerCallMicros(const UnarySample& sample, double cpu_seconds) {
  const size_t calls = sample.latencies_ns.size();
  return calls > 0 ? cpu_seconds * 1e6 / static_cast<double>(calls) : 0;
}

double ServerCpuMicros(const UnarySample& sample) {
  return PerCallMicros(sample, sample.cpu.server_seconds);
}

double BenchCpuMicros(const UnarySample& sample) {
  return PerCallMicros(sample, sample.cpu.bench_seconds);
}

double MachineBusyPercent(const UnarySample& sample) {
  return 100 * sample.cpu.machine_busy;
}

// ----------------------------------------------------------------------------
// Bulk pushes.

// What one bulk push did.
struct BulkSample {
  uint64_t events = 0;
  double seconds = 0;
  CpuUse cpu;
};

double EventsPerSecond(const BulkSample& sample) {
  return sample.seconds > 0
             ? static_cast<double>(sample.events) / sample.seconds
             : 0;
}

// The server process's CPU microseconds per event (0 for the in-process
// server).
double ServerCpuMicrosPerEvent(const BulkSample& sample) {
  return sample.events > 0 ? sample.cpu.server_seconds * 1e6 /
                                 static_cast<double>(sample.events)
                           : 0;
}

std::vector<v1::StreamSubmitRequest> StreamMessages(MeasurementMaker& maker,
                                                    int count) {
  std::vector<v1::StreamSubmitRequest> messages(count);
  for (v1::StreamSubmitRequest& message : messages) {
    *message.mutable_submission() = maker.NextSubmission();
  }
  // koersd writes a stream only once its last message commits it.
  if (!messages.empty()) messages.back().set_commit(true);
  return messages;
}

std::string FirstRejection(const v1::StreamSubmitResponse& response) {
  for (const v1::ItemResult& item : response.items()) {
    if (item.outcome() == v1::ItemResult::OUTCOME_REJECTED) {
      return absl::StrCat("; the first rejected, #", item.index(), ": ",
                          item.message());
    }
  }
  return "";
}

// Pushes `messages`, built beforehand, through one StreamSubmit stream; the
// time runs until the answer has arrived.
absl::StatusOr<BulkSample> PushStream(
    Stub& stub, const std::vector<v1::StreamSubmitRequest>& messages) {
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(kBulkDeadline));
  v1::StreamSubmitResponse response;
  const SteadyClock::time_point begin = SteadyClock::now();
  std::unique_ptr<grpc::ClientWriter<v1::StreamSubmitRequest>> writer =
      stub.StreamSubmit(&context, &response);
  for (const v1::StreamSubmitRequest& message : messages) {
    // False when the call is over; Finish says why.
    if (!writer->Write(message)) break;
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  const double seconds = SecondsSince(begin);
  if (!status.ok()) return FromGrpc("StreamSubmit", status);
  if (response.accepted() != messages.size()) {
    return absl::InternalError(absl::StrCat(
        "StreamSubmit: ", response.accepted(), " of ", messages.size(),
        " accepted, ", response.duplicates(), " duplicates, ",
        response.rejected(), " rejected", FirstRejection(response)));
  }
  BulkSample sample;
  sample.events = messages.size();
  sample.seconds = seconds;
  return sample;
}

std::vector<v1::SubmitBatchRequest> Batches(MeasurementMaker& maker,
                                            int events) {
  std::vector<v1::SubmitBatchRequest> batches;
  for (int i = 0; i < events; ++i) {
    if (i % kBatchSize == 0) batches.emplace_back();
    *batches.back().add_submissions() = maker.NextSubmission();
  }
  return batches;
}

absl::Status SubmitOneBatch(Stub& stub, const v1::SubmitBatchRequest& batch) {
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(kCallDeadline));
  v1::SubmitBatchResponse response;
  const grpc::Status status = stub.SubmitBatch(&context, batch, &response);
  if (!status.ok()) return FromGrpc("SubmitBatch", status);
  if (response.results_size() != batch.submissions_size()) {
    return absl::InternalError(
        absl::StrCat("SubmitBatch: ", response.results_size(), " results for ",
                     batch.submissions_size(), " submissions"));
  }
  return absl::OkStatus();
}

// Sends `batches`, built beforehand, from `callers` threads, each its share
// one call after the other; the time runs until the last answer.
absl::StatusOr<BulkSample> SubmitBatches(
    Stub& stub, int callers,
    const std::vector<v1::SubmitBatchRequest>& batches) {
  std::latch start(callers + 1);
  std::vector<absl::Status> outcomes(callers);
  std::vector<std::thread> threads;
  threads.reserve(callers);
  for (int caller = 0; caller < callers; ++caller) {
    threads.emplace_back([&, caller] {
      start.arrive_and_wait();
      for (size_t i = caller; i < batches.size(); i += callers) {
        outcomes[caller] = SubmitOneBatch(stub, batches[i]);
        if (!outcomes[caller].ok()) return;
      }
    });
  }
  start.arrive_and_wait();
  const SteadyClock::time_point begin = SteadyClock::now();
  for (std::thread& thread : threads) thread.join();
  BulkSample sample;
  sample.seconds = SecondsSince(begin);
  for (const absl::Status& outcome : outcomes) KOERS_RETURN_IF_ERROR(outcome);
  for (const v1::SubmitBatchRequest& batch : batches) {
    sample.events += batch.submissions_size();
  }
  return sample;
}

// ----------------------------------------------------------------------------
// Running and reporting.

// The samples of one row, one per repetition and server.
template <typename Sample>
struct PairSamples {
  std::vector<Sample> koersd;
  std::vector<Sample> noop;
};

// Runs `measure` against koersd and the no-op server back to back; the
// order alternates with `repetition` so that machine noise hits both alike.
template <typename Sample, typename Measure>
absl::Status MeasureBoth(int repetition, Target& koersd, Target& noop,
                         Measure measure, PairSamples<Sample>* samples) {
  const auto one = [&](Target& target,
                       std::vector<Sample>* into) -> absl::Status {
    KOERS_ASSIGN_OR_RETURN(Sample sample, measure(target));
    into->push_back(std::move(sample));
    return absl::OkStatus();
  };
  if (repetition % 2 == 1) {
    KOERS_RETURN_IF_ERROR(one(koersd, &samples->koersd));
    return one(noop, &samples->noop);
  }
  KOERS_RETURN_IF_ERROR(one(noop, &samples->noop));
  return one(koersd, &samples->koersd);
}

// A bulk push: through one StreamSubmit stream (no batch callers), or as
// batches of 100 from that many concurrent callers.
struct BulkPush {
  int batch_callers = 0;
};
// In table order.
constexpr BulkPush kBulks[] = {{0}, {1}, {4}};

std::string BulkLabel(BulkPush bulk) {
  if (bulk.batch_callers == 0) return "StreamSubmit, one stream";
  return absl::StrCat("SubmitBatch of ", kBatchSize, ", ", bulk.batch_callers,
                      bulk.batch_callers == 1 ? " caller" : " callers");
}

std::string BulkKey(BulkPush bulk) {
  return bulk.batch_callers == 0 ? "stream"
                                 : absl::StrCat("batch", bulk.batch_callers);
}

// Runs `push` and adds the CPU time used meanwhile to its sample.
template <typename Push>
absl::StatusOr<BulkSample> Metered(pid_t server_pid, Push push) {
  const CpuMeter meter(server_pid);
  absl::StatusOr<BulkSample> sample = push();
  if (sample.ok()) sample->cpu = meter.Elapsed();
  return sample;
}

// Builds fresh submissions for `bulk` (outside the timed part) and pushes
// them to `target`.
absl::StatusOr<BulkSample> MeasureBulk(BulkPush bulk, Target& target,
                                       MeasurementMaker& maker, int events) {
  if (bulk.batch_callers == 0) {
    const std::vector<v1::StreamSubmitRequest> messages =
        StreamMessages(maker, events);
    return Metered(target.server_pid,
                   [&] { return PushStream(*target.stub, messages); });
  }
  const std::vector<v1::SubmitBatchRequest> batches = Batches(maker, events);
  return Metered(target.server_pid, [&] {
    return SubmitBatches(*target.stub, bulk.batch_callers, batches);
  });
}

struct Results {
  std::vector<PairSamples<UnarySample>> unary;
  std::vector<PairSamples<BulkSample>> bulk =
      std::vector<PairSamples<BulkSample>>(std::size(kBulks));
};

struct RunConfig {
  std::vector<int> inflight;
  absl::Duration duration;
  int repetitions = 0;
  int bulk_events = 0;
};

absl::Status RunRepetition(int repetition, const RunConfig& config,
                           Target& koersd, Target& noop,
                           MeasurementMaker& maker, Results* results) {
  for (size_t i = 0; i < config.inflight.size(); ++i) {
    const int inflight = config.inflight[i];
    KOERS_RETURN_IF_ERROR(MeasureBoth(
        repetition, koersd, noop,
        [&](Target& target) -> absl::StatusOr<UnarySample> {
          UnarySample sample =
              MeasureUnary(target, maker, inflight, config.duration);
          absl::FPrintF(
              stderr,
              "rep %d inflight=%-3d %-6s %8.0f calls/s  p50 %6.0f us  p99 "
              "%6.0f us  failed %d  cpu/call: server %4.0f us, bench %4.0f us"
              "  machine busy %3.0f%%  load %s\n",
              repetition, inflight, target.name, CallsPerSecond(sample),
              P50Micros(sample), P99Micros(sample), sample.failed,
              ServerCpuMicros(sample), BenchCpuMicros(sample),
              MachineBusyPercent(sample), LoadAverage());
          return sample;
        },
        &results->unary[i]));
  }
  for (size_t b = 0; b < std::size(kBulks); ++b) {
    const BulkPush bulk = kBulks[b];
    KOERS_RETURN_IF_ERROR(MeasureBoth(
        repetition, koersd, noop,
        [&](Target& target) -> absl::StatusOr<BulkSample> {
          KOERS_ASSIGN_OR_RETURN(
              BulkSample sample,
              MeasureBulk(bulk, target, maker, config.bulk_events));
          absl::FPrintF(stderr,
                        "rep %d %-31s %-6s %8.0f events/s  server cpu/event "
                        "%4.0f us  load %s\n",
                        repetition, BulkLabel(bulk), target.name,
                        EventsPerSecond(sample),
                        ServerCpuMicrosPerEvent(sample), LoadAverage());
          return sample;
        },
        &results->bulk[b]));
  }
  return absl::OkStatus();
}

void Warmup(Target& target, MeasurementMaker& maker, int inflight) {
  const UnarySample sample = MeasureUnary(target, maker, inflight, kWarmup);
  absl::FPrintF(stderr, "warm-up %-6s %8.0f calls/s (not counted)\n",
                target.name, CallsPerSecond(sample));
}

void PrintUnaryTable(const RunConfig& config, const Results& results) {
  absl::PrintF(
      "\nUnary RecordMeasurement (medians of %d x %s)\n"
      "%9s | %14s | %13s | %12s | %10s | %10s | %9s | %9s | %13s\n",
      config.repetitions, absl::FormatDuration(config.duration), "in flight",
      "koersd calls/s", "no-op calls/s", "koersd/no-op", "koersd p50",
      "koersd p99", "no-op p50", "no-op p99", "koersd failed");
  absl::PrintF("%s\n", std::string(124, '-'));
  for (size_t i = 0; i < config.inflight.size(); ++i) {
    const PairSamples<UnarySample>& row = results.unary[i];
    const double koersd = MedianOf(row.koersd, CallsPerSecond);
    const double noop = MedianOf(row.noop, CallsPerSecond);
    uint64_t failed = 0;
    for (const UnarySample& sample : row.koersd) failed += sample.failed;
    absl::PrintF(
        "%9d | %14.0f | %13.0f | %11.2fx | %7.0f us | %7.0f us | %6.0f us | "
        "%6.0f us | %13d\n",
        config.inflight[i], koersd, noop, Ratio(koersd, noop),
        MedianOf(row.koersd, P50Micros), MedianOf(row.koersd, P99Micros),
        MedianOf(row.noop, P50Micros), MedianOf(row.noop, P99Micros), failed);
  }
}

void PrintCpuTable(const RunConfig& config, const Results& results) {
  absl::PrintF(
      "\nCPU per unary call in microseconds, and the share of both cores the "
      "machine kept busy (medians)\n"
      "%9s | %10s | %10s | %12s | %12s | %12s | %12s\n",
      "in flight", "koersd", "no-op", "client (with", "client (with",
      "busy (koersd", "busy (no-op");
  absl::PrintF("%9s | %10s | %10s | %12s | %12s | %12s | %12s\n", "", "process",
               "server", "koersd)", "no-op)", "run)", "run)");
  absl::PrintF("%s\n", std::string(97, '-'));
  const bool noop_in_process = absl::GetFlag(FLAGS_noop_in_process);
  for (size_t i = 0; i < config.inflight.size(); ++i) {
    const PairSamples<UnarySample>& row = results.unary[i];
    absl::PrintF(
        "%9d | %7.0f us | %10s | %9.0f us | %9.0f us | %11.0f%% | %11.0f%%\n",
        config.inflight[i], MedianOf(row.koersd, ServerCpuMicros),
        noop_in_process
            ? std::string("in client")
            : absl::StrFormat("%7.0f us", MedianOf(row.noop, ServerCpuMicros)),
        MedianOf(row.koersd, BenchCpuMicros),
        MedianOf(row.noop, BenchCpuMicros),
        MedianOf(row.koersd, MachineBusyPercent),
        MedianOf(row.noop, MachineBusyPercent));
  }
}

void PrintBulkTable(const RunConfig& config, const Results& results) {
  absl::PrintF(
      "\nBulk pushes of %d measurements (medians of %d)\n"
      "%-31s | %15s | %14s | %12s | %17s\n",
      config.bulk_events, config.repetitions, "push", "koersd events/s",
      "no-op events/s", "koersd/no-op", "koersd CPU/event");
  absl::PrintF("%s\n", std::string(101, '-'));
  for (size_t b = 0; b < std::size(kBulks); ++b) {
    const double koersd = MedianOf(results.bulk[b].koersd, EventsPerSecond);
    const double noop = MedianOf(results.bulk[b].noop, EventsPerSecond);
    absl::PrintF("%-31s | %15.0f | %14.0f | %11.2fx | %14.0f us\n",
                 BulkLabel(kBulks[b]), koersd, noop, Ratio(koersd, noop),
                 MedianOf(results.bulk[b].koersd, ServerCpuMicrosPerEvent));
  }
}

void PrintMachineReadable(const RunConfig& config, const Results& results) {
  absl::PrintF("\n");
  for (size_t i = 0; i < config.inflight.size(); ++i) {
    const PairSamples<UnarySample>& row = results.unary[i];
    const double koersd = MedianOf(row.koersd, CallsPerSecond);
    const double noop = MedianOf(row.noop, CallsPerSecond);
    absl::PrintF(
        "RESULT unary inflight=%d koersd_calls_per_s=%.0f "
        "noop_calls_per_s=%.0f ratio=%.3f koersd_p50_us=%.0f "
        "koersd_p99_us=%.0f noop_p50_us=%.0f noop_p99_us=%.0f "
        "koersd_cpu_us_per_call=%.0f noop_cpu_us_per_call=%.0f "
        "client_cpu_us_per_call=%.0f noop_client_cpu_us_per_call=%.0f\n",
        config.inflight[i], koersd, noop, Ratio(koersd, noop),
        MedianOf(row.koersd, P50Micros), MedianOf(row.koersd, P99Micros),
        MedianOf(row.noop, P50Micros), MedianOf(row.noop, P99Micros),
        MedianOf(row.koersd, ServerCpuMicros),
        MedianOf(row.noop, ServerCpuMicros),
        MedianOf(row.koersd, BenchCpuMicros),
        MedianOf(row.noop, BenchCpuMicros));
  }
  for (size_t b = 0; b < std::size(kBulks); ++b) {
    const double koersd = MedianOf(results.bulk[b].koersd, EventsPerSecond);
    const double noop = MedianOf(results.bulk[b].noop, EventsPerSecond);
    absl::PrintF(
        "RESULT bulk push=%s events=%d koersd_events_per_s=%.0f "
        "noop_events_per_s=%.0f ratio=%.3f koersd_cpu_us_per_event=%.0f\n",
        BulkKey(kBulks[b]), config.bulk_events, koersd, noop,
        Ratio(koersd, noop),
        MedianOf(results.bulk[b].koersd, ServerCpuMicrosPerEvent));
  }
}

// Every koersd call must succeed; the no-op server's too.
absl::Status CheckNoFailures(const Results& results) {
  uint64_t failed = 0;
  std::vector<std::string> errors;
  for (const PairSamples<UnarySample>& row : results.unary) {
    for (const auto* samples : {&row.koersd, &row.noop}) {
      for (const UnarySample& sample : *samples) {
        failed += sample.failed;
        errors.insert(errors.end(), sample.errors.begin(), sample.errors.end());
      }
    }
  }
  if (failed == 0) return absl::OkStatus();
  errors.resize(std::min(errors.size(), kErrorsShown));
  return absl::InternalError(absl::StrCat(failed,
                                          " unary calls failed; the first:\n  ",
                                          absl::StrJoin(errors, "\n  ")));
}

absl::StatusOr<RunConfig> ReadFlags() {
  RunConfig config;
  KOERS_ASSIGN_OR_RETURN(
      config.inflight, ParseCounts(absl::GetFlag(FLAGS_inflight), "inflight"));
  const int seconds = absl::GetFlag(FLAGS_seconds);
  config.duration = absl::Seconds(seconds);
  config.repetitions = absl::GetFlag(FLAGS_repetitions);
  config.bulk_events = absl::GetFlag(FLAGS_bulk_events);
  if (seconds < 1 || config.repetitions < 1) {
    return absl::InvalidArgumentError(
        "--seconds and --repetitions must be at least 1");
  }
  if (config.bulk_events < 1 || config.bulk_events > kMaxStreamItems) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--bulk_events: from 1 to ", kMaxStreamItems, " (a stream's limit)"));
  }
  return config;
}

// koersd's data directory: --data_dir (kept), or a fresh directory under
// /tmp that is removed at the end.
class ScratchDir {
 public:
  static absl::StatusOr<std::unique_ptr<ScratchDir>> Create(
      const std::string& requested) {
    if (!requested.empty()) {
      // koersd creates its directory, but its port file and log go beside it.
      const std::filesystem::path parent =
          std::filesystem::path(requested).parent_path();
      std::error_code error;
      if (!parent.empty()) std::filesystem::create_directories(parent, error);
      if (error) {
        return absl::UnavailableError(
            absl::StrCat("creating ", parent.string(), ": ", error.message()));
      }
      return std::unique_ptr<ScratchDir>(new ScratchDir("", requested));
    }
    std::string base = "/tmp/koers-grpc-bench-XXXXXX";
    if (mkdtemp(base.data()) == nullptr) {
      return absl::UnavailableError("mkdtemp under /tmp failed");
    }
    return std::unique_ptr<ScratchDir>(new ScratchDir(base, base + "/koersd"));
  }

  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    if (!owned_base_.empty()) std::filesystem::remove_all(owned_base_, ignored);
  }

  const std::string& data_dir() const { return data_dir_; }

 private:
  ScratchDir(std::string owned_base, std::string data_dir)
      : owned_base_(std::move(owned_base)), data_dir_(std::move(data_dir)) {}

  const std::string owned_base_;
  const std::string data_dir_;
};

void PrintHeader(const RunConfig& config, const std::string& koersd_path,
                 const ScratchDir& scratch, MeasurementMaker& maker) {
  absl::PrintF(
      "gRPC ingestion: koersd (durable writes) against a no-op "
      "IngestService, same client, same run\n");
  absl::PrintF("machine: %u cores, kernel %s\n",
               std::thread::hardware_concurrency(), KernelRelease());
  absl::PrintF("koersd: %s, data in %s\n", koersd_path, scratch.data_dir());
  absl::PrintF(
      "writes: RecordMeasurement of %d quantitative sample-plan indicators, "
      "fresh v4 client ids, %d-byte requests\n",
      maker.indicator_count(), maker.Next().ByteSizeLong());
  absl::PrintF(
      "unary: one CompletionQueue, in flight %s, %s per measurement; bulk: "
      "%d measurements; %d repetitions\n",
      absl::StrJoin(config.inflight, ","),
      absl::FormatDuration(config.duration), config.bulk_events,
      config.repetitions);
  absl::PrintF("load average (1/5/15 min) at start: %s\n", LoadAverage());
}

absl::Status StopServer(ServerChild& server) {
  KOERS_ASSIGN_OR_RETURN(const int exit_code, server.Stop());
  absl::PrintF("%s stopped with SIGTERM: exit code %d\n", server.name(),
               exit_code);
  if (exit_code != 0) {
    return absl::InternalError(
        absl::StrCat(server.name(), " exited with ", exit_code, " on SIGTERM"));
  }
  return absl::OkStatus();
}

absl::Status Run() {
  KOERS_ASSIGN_OR_RETURN(const RunConfig config, ReadFlags());
  KOERS_ASSIGN_OR_RETURN(std::vector<NumericIndicator> indicators,
                         SamplePlanIndicators());
  MeasurementMaker maker(std::move(indicators));
  KOERS_ASSIGN_OR_RETURN(const std::unique_ptr<ScratchDir> scratch,
                         ScratchDir::Create(absl::GetFlag(FLAGS_data_dir)));
  const std::string koersd_path = absl::GetFlag(FLAGS_koersd);
  PrintHeader(config, koersd_path, *scratch, maker);

  KOERS_ASSIGN_OR_RETURN(
      const std::unique_ptr<ServerChild> koersd_child,
      ServerChild::StartKoersd(koersd_path, scratch->data_dir()));
  KOERS_ASSIGN_OR_RETURN(Target koersd, Connect("koersd", koersd_child->port(),
                                                koersd_child->pid()));
  std::unique_ptr<NoopServer> noop_thread_pool;
  std::unique_ptr<ServerChild> noop_child;
  Target noop;
  if (absl::GetFlag(FLAGS_noop_in_process)) {
    KOERS_ASSIGN_OR_RETURN(noop_thread_pool, NoopServer::Start());
    KOERS_ASSIGN_OR_RETURN(noop, Connect("no-op", noop_thread_pool->port(), 0));
  } else {
    KOERS_ASSIGN_OR_RETURN(
        noop_child, ServerChild::StartNoop(scratch->data_dir() + "-noop"));
    KOERS_ASSIGN_OR_RETURN(
        noop, Connect("no-op", noop_child->port(), noop_child->pid()));
  }

  const int most =
      *std::max_element(config.inflight.begin(), config.inflight.end());
  Warmup(koersd, maker, most);
  Warmup(noop, maker, most);
  Results results;
  results.unary.resize(config.inflight.size());
  for (int repetition = 1; repetition <= config.repetitions; ++repetition) {
    KOERS_RETURN_IF_ERROR(
        RunRepetition(repetition, config, koersd, noop, maker, &results));
  }
  PrintUnaryTable(config, results);
  PrintCpuTable(config, results);
  PrintBulkTable(config, results);
  PrintMachineReadable(config, results);
  absl::PrintF("\nload average (1/5/15 min) at end: %s\n", LoadAverage());
  absl::Status failures = CheckNoFailures(results);
  KOERS_RETURN_IF_ERROR(StopServer(*koersd_child));
  if (noop_child != nullptr) KOERS_RETURN_IF_ERROR(StopServer(*noop_child));
  return failures;
}

}  // namespace
}  // namespace koers::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string noop_port_file = absl::GetFlag(FLAGS_serve_noop_port_file);
  if (const absl::Status status = noop_port_file.empty()
                                      ? koers::bench::Run()
                                      : koers::bench::ServeNoop(noop_port_file);
      !status.ok()) {
    absl::FPrintF(stderr, "grpc_load: %s\n", status.ToString());
    return 1;
  }
  return 0;
}
