#include "clients/snapshot_digest.h"

#include "clients/cli_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace koers::clients {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// SHA-256("abc"), FIPS 180-2's first example.
constexpr char kAbcDigest[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

v1::GetSnapshotResponse Snapshot(const std::string& content,
                                 const std::string& digest) {
  v1::GetSnapshotResponse snapshot;
  snapshot.mutable_info()->set_name("interim-2027");
  snapshot.mutable_info()->set_digest(digest);
  snapshot.set_content(content);
  return snapshot;
}

TEST(CheckSnapshotDigestTest, TheSha256OfTheContentIsTheDigest) {
  EXPECT_OK(CheckSnapshotDigest(Snapshot("abc", kAbcDigest)));
}

TEST(CheckSnapshotDigestTest, AnyOtherContentOrDigestIsAFailure) {
  for (const v1::GetSnapshotResponse& snapshot :
       {Snapshot("abd", kAbcDigest), Snapshot("abc", ""),
        Snapshot("abc", std::string(64, '0')), Snapshot("", kAbcDigest)}) {
    const absl::Status status = CheckSnapshotDigest(snapshot);
    EXPECT_EQ(ExitCodeFor(status), kExitFailed);
    EXPECT_THAT(std::string(status.message()),
                AllOf(HasSubstr("snapshot interim-2027 does not match its "
                                "digest"),
                      HasSubstr(snapshot.info().digest())));
  }
}

}  // namespace
}  // namespace koers::clients
