// PrincipalRegistry: who may call koersd, loaded from the principals file
// (see proto/koers/v1/principals.proto), and the authentication of a call's
// bearer token or TLS client certificate subject against it.
#ifndef KOERS_SERVICES_AUTH_H_
#define KOERS_SERVICES_AUTH_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "koers/v1/principals.pb.h"
#include "services/caller.h"

namespace koers::services {

// Immutable after Load: thread-safe.
class PrincipalRegistry {
 public:
  // Reads and checks the file: valid names, a role, unique names, token
  // hashes as 64 hex characters, unique hashes and TLS subjects. Errors name
  // the file and the entry.
  static absl::StatusOr<std::unique_ptr<PrincipalRegistry>> Load(
      const std::string& path);

  // The caller holding `token` (the part after "Bearer "), or
  // UNAUTHENTICATED.
  absl::StatusOr<Caller> AuthenticateToken(absl::string_view token) const;
  // The caller whose tls_subject is `subject`, or UNAUTHENTICATED.
  absl::StatusOr<Caller> AuthenticateSubject(absl::string_view subject) const;

 private:
  absl::flat_hash_map<std::string, Caller> by_token_hash_;
  absl::flat_hash_map<std::string, Caller> by_subject_;
};

// Adds a principal with a fresh random token to the file at `path`
// (created when missing) and returns the token, the only time it is ever
// shown. InvalidArgument for a bad name, role or a duplicate name.
absl::StatusOr<std::string> AddPrincipal(const std::string& path,
                                         v1::Principal principal);

}  // namespace koers::services

#endif  // KOERS_SERVICES_AUTH_H_
