#include "tests/integration/test_server.h"

#include <utility>

namespace koers::integration {

TestServer::TestServer(std::vector<std::string> flags)
    : flags_(std::move(flags)) {
  status_ = Restart();
}

KoersClient TestServer::Client(std::string token) const {
  return KoersClient(process_->Channel(), std::move(token));
}

int TestServer::Stop(int signal) { return process_->Stop(signal); }

absl::Status TestServer::Restart() {
  absl::StatusOr<std::unique_ptr<testing::KoersdProcess>> started =
      testing::KoersdProcess::Start(data_dir(), flags_);
  if (!started.ok()) return started.status();
  process_ = *std::move(started);
  return absl::OkStatus();
}

uint64_t HeadOf(KoersClient& client) {
  absl::StatusOr<uint64_t> head = client.Head();
  EXPECT_TRUE(head.ok()) << head.status();
  return head.value_or(0);
}

void ExpectHeadIs(KoersClient& client, uint64_t head) {
  EXPECT_EQ(HeadOf(client), head) << "the log's head moved: something was "
                                     "written";
}

}  // namespace koers::integration
