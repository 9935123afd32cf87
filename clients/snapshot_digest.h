// A snapshot checked by the client: its digest is the SHA-256 of its
// canonical content, so `koers` recomputes it rather than take the server's
// word that the content is what was frozen. Thread-safe (KoersClient is).
#ifndef KOERS_CLIENTS_SNAPSHOT_DIGEST_H_
#define KOERS_CLIENTS_SNAPSHOT_DIGEST_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/koers_client.h"
#include "koers/v1/evaluation_service.pb.h"

namespace koers::clients {

// OK when the lowercase hex SHA-256 of `snapshot.content()` is
// `snapshot.info().digest()`; otherwise a CommandFailed error (cli_error.h)
// naming the snapshot and both digests. It checks `content` only: the
// parsed `state` beside it is the server's convenience copy.
absl::Status CheckSnapshotDigest(const v1::GetSnapshotResponse& snapshot);

// GetSnapshot of `name`, then CheckSnapshotDigest: the server's error, or
// the digest's, or the snapshot.
absl::StatusOr<v1::GetSnapshotResponse> GetCheckedSnapshot(
    const KoersClient& client, const std::string& name);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_SNAPSHOT_DIGEST_H_
