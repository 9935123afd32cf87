// A real koersd for the integration tests: one per test suite (started in
// SetUpTestSuite, stopped in TearDownTestSuite) on a fresh data directory, and
// the assertions the suites share.
#ifndef KOERS_TESTS_INTEGRATION_TEST_SERVER_H_
#define KOERS_TESTS_INTEGRATION_TEST_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/integration/koers_client.h"
#include "tests/testing/koersd_process.h"
#include "tests/testing/temp_dir.h"

namespace koers::integration {

// koersd on a data directory of its own, started with `flags`.
class TestServer {
 public:
  explicit TestServer(std::vector<std::string> flags);

  // Why it is not serving, or OK.
  const absl::Status& status() const { return status_; }
  testing::KoersdProcess& process() { return *process_; }
  const testing::TempDir& dir() const { return dir_; }
  std::string data_dir() const { return dir_.Sub("data"); }

  KoersClient Client(std::string token = "") const;

  // Stops it with `signal`; its exit code.
  int Stop(int signal);
  // Starts it again on the same data directory with the same flags.
  absl::Status Restart();

 private:
  testing::TempDir dir_;
  std::vector<std::string> flags_;
  std::unique_ptr<testing::KoersdProcess> process_;
  absl::Status status_;
};

// A test suite sharing one TestServer started with Suite::Flags().
template <typename Suite>
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>(Suite::Flags());
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(server_->status().ok()) << server_->status();
  }

  static TestServer& server() { return *server_; }
  static KoersClient Client(std::string token = "") {
    return server_->Client(std::move(token));
  }

 private:
  inline static std::unique_ptr<TestServer> server_;
};

// The log's head, failing the test when it cannot be read.
uint64_t HeadOf(KoersClient& client);

// Expects the head to still be `head`: nothing was written.
void ExpectHeadIs(KoersClient& client, uint64_t head);

}  // namespace koers::integration

#endif  // KOERS_TESTS_INTEGRATION_TEST_SERVER_H_
