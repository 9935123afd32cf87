#include "clients/snapshot_digest.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"
#include "storage/event_hash.h"
#include "storage/status_macros.h"

namespace koers::clients {

absl::Status CheckSnapshotDigest(const v1::GetSnapshotResponse& snapshot) {
  const std::string digest =
      storage::HexEncode(storage::Sha256(snapshot.content()));
  if (digest == snapshot.info().digest()) return absl::OkStatus();
  return CommandFailed(absl::StrCat(
      "snapshot ", snapshot.info().name(),
      " does not match its digest: the SHA-256 of its content is ", digest,
      ", the digest recorded is ", snapshot.info().digest(),
      "; its content cannot be trusted"));
}

absl::StatusOr<v1::GetSnapshotResponse> GetCheckedSnapshot(
    const KoersClient& client, const std::string& name) {
  v1::GetSnapshotRequest request;
  request.set_name(name);
  KOERS_ASSIGN_OR_RETURN(v1::GetSnapshotResponse snapshot,
                         client.GetSnapshot(request));
  KOERS_RETURN_IF_ERROR(CheckSnapshotDigest(snapshot));
  return snapshot;
}

}  // namespace koers::clients
