// Caller: who is asking, as the service edge authenticated them, and the
// rules of what each role may do. Authorization lives here, in one place.
#ifndef KOERS_SERVICES_CALLER_H_
#define KOERS_SERVICES_CALLER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "koers/v1/plan.pb.h"
#include "koers/v1/principals.pb.h"

namespace koers::services {

struct Caller {
  // Stored as the principal of every event the caller writes.
  std::string name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // For reporters: the reporting entities they write for.
  std::vector<std::string> entities;
};

// The caller of a server without a principals file: loopback only, may do
// everything.
Caller LocalCaller();

// PermissionDenied unless the caller is a coordinator. `what` names the
// operation, for the message ("load a plan").
absl::Status CheckCoordinator(const Caller& caller, absl::string_view what);

// PermissionDenied unless the caller's role may write at all (coordinators
// and reporters).
absl::Status CheckMayWrite(const Caller& caller);

// PermissionDenied unless the caller may write for `action`: coordinators
// always, reporters when the action's reporting entity is one of theirs,
// evaluators never.
absl::Status CheckMayWriteFor(const Caller& caller, const v1::Action& action);

}  // namespace koers::services

#endif  // KOERS_SERVICES_CALLER_H_
