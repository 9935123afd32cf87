#include "clients/cli_error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/types/optional.h"

namespace koers::clients {
namespace {

// The payload that marks a status as raised by the CLI itself, with its kind.
constexpr absl::string_view kKindUrl = "type.koers/koers.clients.CliErrorKind";
constexpr absl::string_view kUsage = "usage";
constexpr absl::string_view kInput = "input";
constexpr absl::string_view kFailed = "failed";

absl::Status WithKind(absl::StatusCode code, absl::string_view message,
                      absl::string_view kind) {
  absl::Status status(code, message);
  status.SetPayload(kKindUrl, absl::Cord(kind));
  return status;
}

// The kind a CLI error carries; "" for any other status.
std::string KindOf(const absl::Status& status) {
  const absl::optional<absl::Cord> kind = status.GetPayload(kKindUrl);
  return kind.has_value() ? std::string(*kind) : "";
}

}  // namespace

absl::Status UsageError(absl::string_view message) {
  return WithKind(absl::StatusCode::kInvalidArgument, message, kUsage);
}

absl::Status InputError(absl::string_view message) {
  return WithKind(absl::StatusCode::kInvalidArgument, message, kInput);
}

absl::Status CommandFailed(absl::string_view message) {
  return WithKind(absl::StatusCode::kUnknown, message, kFailed);
}

bool IsUsageError(const absl::Status& status) {
  return KindOf(status) == kUsage;
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  const std::string kind = KindOf(status);
  if (kind == kUsage || kind == kInput) return kExitUsage;
  return kExitFailed;
}

int ReportError(const absl::Status& status, absl::string_view usage,
                std::ostream& err) {
  if (status.ok()) return kExitOk;
  if (!KindOf(status).empty()) {
    err << "error: " << status.message() << "\n";
  } else {
    err << "error: " << absl::StatusCodeToString(status.code()) << ": "
        << status.message() << "\n";
  }
  if (IsUsageError(status)) err << "\n" << usage;
  return ExitCodeFor(status);
}

}  // namespace koers::clients
