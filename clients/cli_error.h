// How the `koers` command line classifies what went wrong, and the exit code
// and message each kind gives:
//
//   UsageError     exit 2  the command line is wrong: "error: <what>" and the
//                          usage, on stderr
//   InputError     exit 2  a file or setting named on the command line cannot
//                          be used (unreadable, not valid JSON): "error:
//                          <what>"
//   CommandFailed  exit 1  the command ran and found a failure (rejected import
//                          lines, a broken log, a server not serving):
//                          "error: <what>"
//   any other      exit 1  the server (or the connection) refused:
//                          "error: <CODE_NAME>: <message>", for example
//                          "error: NOT_FOUND: indicator SD9.A1.I1 is not in the
//                          plan"
#ifndef KOERS_CLIENTS_CLI_ERROR_H_
#define KOERS_CLIENTS_CLI_ERROR_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace koers::clients {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

absl::Status UsageError(absl::string_view message);
absl::Status InputError(absl::string_view message);
absl::Status CommandFailed(absl::string_view message);

bool IsUsageError(const absl::Status& status);

// The exit code for `status` (kExitOk when it is OK).
int ExitCodeFor(const absl::Status& status);

// Writes the message for a non-OK `status` to `err` as described above
// (`usage` after a usage error) and returns ExitCodeFor(status).
int ReportError(const absl::Status& status, absl::string_view usage,
                std::ostream& err);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_CLI_ERROR_H_
