#include "services/caller.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/status_macros.h"

namespace koers::services {

Caller LocalCaller() { return Caller{"local", v1::ROLE_COORDINATOR, {}}; }

absl::Status CheckCoordinator(const Caller& caller, absl::string_view what) {
  if (caller.role == v1::ROLE_COORDINATOR) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(caller.name, " (", v1::Role_Name(caller.role), ") may not ",
                   what, "; only coordinators may"));
}

absl::Status CheckMayWrite(const Caller& caller) {
  if (caller.role == v1::ROLE_COORDINATOR || caller.role == v1::ROLE_REPORTER) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(caller.name, " (", v1::Role_Name(caller.role),
                   ") may not write; evaluators read only"));
}

absl::Status CheckMayWriteFor(const Caller& caller, const v1::Action& action) {
  KOERS_RETURN_IF_ERROR(CheckMayWrite(caller));
  if (caller.role == v1::ROLE_COORDINATOR ||
      std::find(caller.entities.begin(), caller.entities.end(),
                action.reporting_entity()) != caller.entities.end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      caller.name, " reports for ", absl::StrJoin(caller.entities, ", "),
      ", not for ", action.reporting_entity(), ", which reports on action ",
      action.id()));
}

}  // namespace koers::services
