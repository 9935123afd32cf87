// What a `koers` command gets to run (commands.cc builds it), the commands
// themselves (write_commands.cc, read_commands.cc, evaluation_commands.cc,
// report_command.cc) and the helpers they share. Every command has already
// been checked for its argument count, its flags and its required flags when
// it runs; it validates the values, makes its calls and prints through
// `output`.
#ifndef KOERS_CLIENTS_COMMAND_CONTEXT_H_
#define KOERS_CLIENTS_COMMAND_CONTEXT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli_args.h"
#include "clients/koers_client.h"
#include "clients/output.h"
#include "google/protobuf/message.h"

namespace koers::clients {

struct CommandContext {
  // The positional arguments after the command's name.
  std::vector<std::string> args;
  // Every flag of the command line (the command's and the global ones).
  ParsedArgs parsed;
  const KoersClient* client;
  Output* output;
  // For diagnostics that must not mix with the answer on stdout.
  std::ostream* err;

  // The value of a whole-number flag, or `fallback` when it is not given; a
  // usage error naming the flag when the value is not a number in range.
  absl::StatusOr<uint64_t> Uint64Flag(absl::string_view name,
                                      uint64_t fallback) const;
  absl::StatusOr<int32_t> Int32Flag(absl::string_view name,
                                    int32_t fallback) const;
};

// Gives a write (any request with WriteOptions) the client event id of
// --id, when given.
template <typename Request>
void SetEventId(const CommandContext& context, Request& request) {
  if (context.parsed.Has("id")) {
    request.mutable_options()->set_event_id(context.parsed.Get("id"));
  }
}

// `json` (protobuf's JSON mapping) into `message`; unknown fields are an
// error. The error's message is the first line of the parser's.
absl::Status ParseJson(absl::string_view json,
                       google::protobuf::Message* message);

// The content of a file named on the command line; an input error naming it
// when it cannot be read.
absl::StatusOr<std::string> ReadInputFile(absl::string_view path);

// The commands, one per `koers` command line (see Usage() in commands.h).
absl::Status RunPlanLoad(const CommandContext& context);
absl::Status RunMeasure(const CommandContext& context);
absl::Status RunCorrect(const CommandContext& context);
absl::Status RunStatus(const CommandContext& context);
absl::Status RunFiche(const CommandContext& context);
absl::Status RunImport(const CommandContext& context);

absl::Status RunPlanShow(const CommandContext& context);
absl::Status RunProgress(const CommandContext& context);
absl::Status RunHistory(const CommandContext& context);
absl::Status RunEvents(const CommandContext& context);
absl::Status RunTail(const CommandContext& context);
absl::Status RunVerify(const CommandContext& context);
absl::Status RunHealth(const CommandContext& context);

absl::Status RunSnapshotTake(const CommandContext& context);
absl::Status RunSnapshotList(const CommandContext& context);
absl::Status RunSnapshotShow(const CommandContext& context);
absl::Status RunSnapshotDiff(const CommandContext& context);
absl::Status RunCompleteness(const CommandContext& context);
absl::Status RunReport(const CommandContext& context);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_COMMAND_CONTEXT_H_
