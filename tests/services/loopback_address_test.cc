// IsLoopbackAddress decides whether koersd may listen without TLS and a
// principals file, so a name that only looks local must not pass.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/server.h"

namespace koers::services {
namespace {

TEST(IsLoopbackAddressTest, LiteralLoopbackAddressesAndLocalhostPass) {
  for (const char* listen : {"127.0.0.1:50051", "127.0.0.1:0", "127.1.2.3:9",
                             "127.0.0.1", "[::1]:50051", "[::1]",
                             "localhost:50051", "LOCALHOST:0", "localhost"}) {
    EXPECT_TRUE(IsLoopbackAddress(listen)) << listen;
  }
}

TEST(IsLoopbackAddressTest, EverythingElseIsBeyondLoopback) {
  for (const char* listen :
       {"0.0.0.0:50051", "[::]:50051", "10.0.0.1:50051", "128.0.0.1:1",
        "127.example.org:50051", "localhost.example.org:1", "127.0.0.256:1",
        "[::ffff:10.0.0.1]:1", "unix:/tmp/koers.sock", "", ":50051",
        // IPv6 without brackets is read as host and port.
        "::1"}) {
    EXPECT_FALSE(IsLoopbackAddress(listen)) << listen;
  }
}

}  // namespace
}  // namespace koers::services
