// koersd's lifecycle: a graceful shutdown (SIGTERM) while clients write keeps
// every acknowledged write, and the safe default refuses to listen beyond
// loopback without TLS and a principals file unless told otherwise.
#include <signal.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace koers::integration {
namespace {

using ::koers::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

// Cumulative indicators without an upper bound: one per writer thread.
constexpr const char* kWriterIndicators[] = {"SD1.A2.I1", "SD1.A2.I2",
                                             "SD2.A1.I1", "SD3.A1.I1"};
constexpr int kWritesBeforeSignal = 10;

// A client that records measurements one after the other until a write
// fails or it is told to stop, remembering the acknowledged ones.
class Writer {
 public:
  Writer(KoersClient client, int number)
      : client_(std::move(client)), number_(number) {}

  void Run() {
    for (uint64_t sequence = 0; !stop_.load(); ++sequence) {
      const std::string id = ClientEventId(0x5d00 + number_, sequence);
      absl::StatusOr<v1::WriteResult> written = client_.Submit(
          Measurement(kWriterIndicators[number_], static_cast<double>(sequence),
                      kPastDate, id));
      absl::MutexLock lock(&mu_);
      if (!written.ok()) {
        last_error_ = written.status();
        return;
      }
      acknowledged_[id] = written->position();
    }
  }

  void Stop() { stop_.store(true); }
  size_t AcknowledgedCount() {
    absl::MutexLock lock(&mu_);
    return acknowledged_.size();
  }
  // Event id -> position of every acknowledged write.
  absl::flat_hash_map<std::string, uint64_t> Acknowledged() {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }
  absl::Status LastError() {
    absl::MutexLock lock(&mu_);
    return last_error_;
  }
  const char* indicator() const { return kWriterIndicators[number_]; }

 private:
  KoersClient client_;
  const int number_;
  std::atomic<bool> stop_{false};
  absl::Mutex mu_;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint64_t> acknowledged_ ABSL_GUARDED_BY(mu_);
};

TEST(ShutdownTest, SigtermWhileWritingKeepsEveryAcknowledgedWrite) {
  TestServer server({"--plan=sample"});
  ASSERT_TRUE(server.status().ok()) << server.status();
  std::vector<std::unique_ptr<Writer>> writers;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    writers.push_back(std::make_unique<Writer>(server.Client(), i));
  }
  for (auto& writer : writers) {
    threads.emplace_back([&writer] { writer->Run(); });
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  for (auto& writer : writers) {
    while (writer->AcknowledgedCount() < kWritesBeforeSignal &&
           writer->LastError().ok() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
  }

  const int exit_code = server.Stop(SIGTERM);
  for (auto& writer : writers) writer->Stop();
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(exit_code, 0) << server.process().Log();
  EXPECT_THAT(server.process().Log(), HasSubstr("stopped cleanly"));

  ASSERT_THAT(server.Restart(), IsOk());
  KoersClient client = server.Client();
  size_t acknowledged = 0;
  for (auto& writer : writers) {
    SCOPED_TRACE(writer->indicator());
    EXPECT_GE(writer->AcknowledgedCount(), kWritesBeforeSignal)
        << writer->LastError();
    ASSERT_OK_AND_ASSIGN(const v1::GetHistoryResponse history,
                         client.GetHistory(writer->indicator()));
    absl::flat_hash_map<std::string, uint64_t> stored;
    for (const v1::HistoryEntry& entry : history.entries()) {
      stored[entry.event().event_id()] = entry.event().position();
    }
    for (const auto& [id, position] : writer->Acknowledged()) {
      auto found = stored.find(id);
      ASSERT_NE(found, stored.end())
          << "acknowledged write " << id << " at position " << position
          << " is lost";
      EXPECT_EQ(found->second, position) << id;
      ++acknowledged;
    }
  }
  ASSERT_OK_AND_ASSIGN(const v1::VerifyResponse verified, client.Verify());
  EXPECT_TRUE(verified.ok()) << verified.reason();
  EXPECT_EQ(verified.events_checked(), verified.head_position());
  EXPECT_GE(verified.head_position(), acknowledged);
}

TEST(ShutdownTest, HealthWatchersLearnOfTheShutdown) {
  TestServer server({"--plan=sample"});
  ASSERT_TRUE(server.status().ok()) << server.status();
  auto health = grpc::health::v1::Health::NewStub(server.process().Channel());
  grpc::ClientContext context;
  auto watch = health->Watch(&context, grpc::health::v1::HealthCheckRequest());
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  int exit_code = -1;
  std::thread stop([&] { exit_code = server.Stop(SIGTERM); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(),
            grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(watch->Read(&response));
  stop.join();
  EXPECT_EQ(exit_code, 0) << server.process().Log();
}

// Waits (up to 30 s) until koersd's output holds `text`.
bool LogShows(TestServer& server, absl::string_view text) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!absl::StrContains(server.process().Log(), text)) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

TEST(ShutdownTest, SigintStopsCleanly) {
  TestServer server({"--plan=sample"});
  ASSERT_TRUE(server.status().ok()) << server.status();
  ASSERT_OK(server.Client().Submit(Measurement("SD1.A2.I1", 10)).status());
  EXPECT_EQ(server.Stop(SIGINT), 0) << server.process().Log();
  EXPECT_THAT(server.process().Log(), HasSubstr("stopped cleanly"));
}

TEST(ShutdownTest, ASecondSignalExitsAtOnceWithTheLogIntact) {
  TestServer server({"--plan=sample", "--shutdown_grace=120s"});
  ASSERT_TRUE(server.status().ok()) << server.status();
  KoersClient client = server.Client();
  ASSERT_OK_AND_ASSIGN(const v1::WriteResult written,
                       client.Submit(Measurement("SD1.A2.I1", 10)));
  // A live subscription keeps the graceful shutdown waiting for its grace.
  std::unique_ptr<Subscription> live = client.Subscribe(1);
  v1::SubscribeResponse message;
  ASSERT_TRUE(live->Read(&message));

  server.process().Signal(SIGINT);
  ASSERT_TRUE(LogShows(server, "signal again to exit at once"))
      << server.process().Log();
  const absl::Time second = absl::Now();
  const int exit_code = server.Stop(SIGTERM);
  EXPECT_EQ(exit_code, 1) << server.process().Log();
  EXPECT_LT(absl::Now() - second, absl::Seconds(30))
      << "it waited for the grace instead";
  EXPECT_THAT(server.process().Log(), Not(HasSubstr("stopped cleanly")));

  ASSERT_THAT(server.Restart(), IsOk());
  KoersClient restarted = server.Client();
  ASSERT_OK_AND_ASSIGN(const v1::VerifyResponse verified, restarted.Verify());
  EXPECT_TRUE(verified.ok()) << verified.reason();
  EXPECT_GE(verified.head_position(), written.position());
}

TEST(StartupTest, RefusesToListenBeyondLoopbackWithoutTlsAndPrincipals) {
  testing::TempDir dir;
  const std::string auth_file = dir.Sub("principals.json");
  ASSERT_THAT(AddPrincipal(auth_file, "coordinator", "coordinator"), IsOk());
  struct Case {
    std::vector<std::string> flags;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{"--listen=0.0.0.0:0"}, "local mode"},
      // Local mode stays on loopback whatever the flags say.
      {{"--listen=0.0.0.0:0", "--allow_insecure_remote"}, "local mode"},
      // A name is not an address: only a literal 127.x.x.x is loopback.
      {{"--listen=127.example.org:0"}, "local mode"},
      {{"--listen=0.0.0.0:0", "--auth_file=" + auth_file}, "without TLS"},
  };
  for (const Case& refused_case : cases) {
    SCOPED_TRACE(absl::StrJoin(refused_case.flags, " "));
    std::vector<std::string> args = {"--data_dir=" + dir.Sub("data")};
    args.insert(args.end(), refused_case.flags.begin(),
                refused_case.flags.end());
    const CommandResult refused = RunKoersd(args, dir.Sub("refused"));
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_THAT(refused.err, HasSubstr("refusing"));
    EXPECT_THAT(refused.err, HasSubstr(refused_case.reason));
  }
}

TEST(StartupTest, AllowInsecureRemoteListensBeyondLoopbackWithPrincipals) {
  testing::TempDir dir;
  const std::string auth_file = dir.Sub("principals.json");
  ASSERT_OK_AND_ASSIGN(const std::string token,
                       AddPrincipal(auth_file, "coordinator", "coordinator"));
  TestServer server({"--plan=sample", "--listen=0.0.0.0:0",
                     "--allow_insecure_remote", "--auth_file=" + auth_file});
  ASSERT_TRUE(server.status().ok()) << server.status();
  // koersd announces its address just after it writes its port file.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!absl::StrContains(server.process().Log(), "serving on port") &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(server.process().Log(),
              HasSubstr("(0.0.0.0:0, principals from the auth file)"));
  // Reached through the loopback address only.
  KoersClient client = server.Client(token);
  EXPECT_GT(HeadOf(client), 0u);
}

}  // namespace
}  // namespace koers::integration
