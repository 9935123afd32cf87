#include "clients/commands.h"

#include <algorithm>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli_args.h"
#include "clients/cli_error.h"
#include "clients/command_context.h"
#include "clients/koers_client.h"
#include "clients/output.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

constexpr char kUsage[] =
    R"(usage: koers [global flags] COMMAND [arguments] [flags]

Commands (DATE is YYYY-MM-DD):
  plan load FILE [--dry-run] [--reason TEXT] [--effective-date DATE]
      Load a plan document (koers.v1.Plan in protobuf's JSON mapping); the
      server writes only the differences. Prints the changes and positions.
      The reason defaults to "loaded from <file name>".
  plan show [--as-of DATE]
      The plan as of a date (default today): objectives, actions, indicators.
  measure INDICATOR VALUE --date DATE [--period-start DATE] [--comment TEXT]
          [--id UUID]
      Record a value. VALUE is sent as a number when all of it reads as one
      (so "nan" and "inf" too, which the server refuses), otherwise as a
      level of a qualitative indicator's scale ("gedeeltelijk gerealiseerd").
  correct EVENT_ID VALUE --reason TEXT [--date DATE] [--period-start DATE]
          [--comment TEXT] [--id UUID]
      Correct an earlier measurement or correction; VALUE as for measure.
  status ACTION STATUS --date DATE --reason TEXT [--id UUID]
      Change an action's status. STATUS, in English or Dutch, any case:
      planned|gepland, in-progress|lopend, delayed|vertraagd,
      completed|gerealiseerd, stopped|stopgezet.
  fiche ACTION --year YYYY --text TEXT [--date DATE] [--id UUID]
      Record the yearly update of an action fiche.
  import FILE [--dry-run]
      Stream a JSON-lines file, one koers.v1.Submission per line (blank lines
      and lines starting with '#' are skipped; a line that does not parse is
      rejected here and not sent). Prints a summary and every rejected line;
      exit code 1 when any line was rejected.
  progress                       Progress per objective, action and indicator.
  history ID                     Every event of an action, indicator or plan.
  events [--from N] [--limit N]  The log from position N (default: the start),
                                 at most --limit events (server default 100).
  tail [--from N]                Follow the log: the events from N, then new
                                 ones as they come, until interrupted.
  verify                         Check the log's hash chain on the server.
  health                         Ask whether the server is serving.
  help                           Print this text.
  --id gives the write a client event id, so that repeating it is harmless.

Global flags (anywhere; --name=value or --name value; '_' and '-' alike):
  --server HOST:PORT  koersd's address (env KOERS_SERVER; 127.0.0.1:50051)
  --token TOKEN       bearer token (env KOERS_TOKEN)
  --tls_ca FILE       TLS with this root CA (default: plaintext)
  --tls_cert FILE     client certificate for mutual TLS (with --tls_key)
  --tls_key FILE      its private key
  --timeout DURATION  deadline of each call, for example 30s or 5m (default
                      30s; tail has none)
  --format FORMAT     table (default), json or csv
  --csv-sep CHAR      CSV separator (default ","; ";" for Dutch spreadsheets;
                      "tab")
  --help, -h          print this text

Exit codes: 0 success; 1 the server refused ("error: CODE: message" on
stderr) or the command found a failure (rejected lines, a broken log);
2 usage error.
)";

// A command: its name (one or two words), how many positional arguments
// follow the name, the flags it accepts and those it requires.
struct CommandSpec {
  absl::string_view name;
  size_t args;
  std::vector<absl::string_view> flags;
  std::vector<absl::string_view> required;
  absl::Status (*run)(const CommandContext&);
};

const std::vector<CommandSpec>& Commands() {
  static const auto* const kCommands = new std::vector<CommandSpec>{
      {"plan load",
       1,
       {"dry-run", "reason", "effective-date"},
       {},
       RunPlanLoad},
      {"plan show", 0, {"as-of"}, {}, RunPlanShow},
      {"measure",
       2,
       {"date", "period-start", "comment", "id"},
       {"date"},
       RunMeasure},
      {"correct",
       2,
       {"reason", "date", "period-start", "comment", "id"},
       {"reason"},
       RunCorrect},
      {"status", 2, {"date", "reason", "id"}, {"date", "reason"}, RunStatus},
      {"fiche", 1, {"year", "text", "date", "id"}, {"year", "text"}, RunFiche},
      {"import", 1, {"dry-run"}, {}, RunImport},
      {"progress", 0, {}, {}, RunProgress},
      {"history", 1, {}, {}, RunHistory},
      {"events", 0, {"from", "limit"}, {}, RunEvents},
      {"tail", 0, {"from"}, {}, RunTail},
      {"verify", 0, {}, {}, RunVerify},
      {"health", 0, {}, {}, RunHealth},
  };
  return *kCommands;
}

// Flags every command accepts.
const FlagKinds& GlobalFlags() {
  static const auto* const kGlobal = new FlagKinds{
      {"server", FlagKind::kValue},  {"token", FlagKind::kValue},
      {"tls-ca", FlagKind::kValue},  {"tls-cert", FlagKind::kValue},
      {"tls-key", FlagKind::kValue}, {"timeout", FlagKind::kValue},
      {"format", FlagKind::kValue},  {"csv-sep", FlagKind::kValue},
      {"help", FlagKind::kBoolean},
  };
  return *kGlobal;
}

// Every flag: the global ones and those of the commands.
const FlagKinds& AllFlags() {
  static const auto* const kAll = [] {
    auto* all = new FlagKinds(GlobalFlags());
    all->insert({
        {"dry-run", FlagKind::kBoolean},
        {"reason", FlagKind::kValue},
        {"effective-date", FlagKind::kValue},
        {"as-of", FlagKind::kValue},
        {"date", FlagKind::kValue},
        {"period-start", FlagKind::kValue},
        {"comment", FlagKind::kValue},
        {"id", FlagKind::kValue},
        {"year", FlagKind::kValue},
        {"text", FlagKind::kValue},
        {"from", FlagKind::kValue},
        {"limit", FlagKind::kValue},
    });
    return all;
  }();
  return *kAll;
}

// The words of a command's name: {"plan", "load"}.
std::vector<absl::string_view> NameWords(const CommandSpec& command) {
  return absl::StrSplit(command.name, ' ');
}

// The command the first positional arguments name.
absl::StatusOr<const CommandSpec*> FindCommand(
    const std::vector<std::string>& positional) {
  if (positional.empty()) return UsageError("no command given");
  for (const CommandSpec& command : Commands()) {
    const std::vector<absl::string_view> words = NameWords(command);
    if (positional.size() < words.size()) continue;
    if (std::equal(words.begin(), words.end(), positional.begin())) {
      return &command;
    }
  }
  if (positional[0] == "plan") {
    return UsageError(positional.size() == 1
                          ? "\"plan\" needs a subcommand: load or show"
                          : absl::StrCat("unknown command \"plan ",
                                         positional[1],
                                         "\": use plan load or plan show"));
  }
  return UsageError(absl::StrCat("unknown command \"", positional[0], "\""));
}

// Checks the command line against `command`: argument count, flags.
absl::Status CheckInvocation(const CommandSpec& command,
                             const std::vector<std::string>& args,
                             const ParsedArgs& parsed) {
  if (args.size() != command.args) {
    return UsageError(absl::StrCat(
        "koers ", command.name, " takes ", command.args,
        command.args == 1 ? " argument" : " arguments", ", not ", args.size(),
        args.empty() ? "" : absl::StrCat(" (", absl::StrJoin(args, " "), ")")));
  }
  for (const auto& [flag, value] : parsed.flags) {
    if (GlobalFlags().count(flag) > 0) continue;
    if (std::find(command.flags.begin(), command.flags.end(), flag) ==
        command.flags.end()) {
      return UsageError(absl::StrCat(
          "flag --", flag, " does not apply to koers ", command.name));
    }
  }
  for (const absl::string_view flag : command.required) {
    if (!parsed.Has(flag)) {
      return UsageError(
          absl::StrCat("koers ", command.name, " needs --", flag));
    }
  }
  return absl::OkStatus();
}

// The connection settings: flags first, then the environment, then the
// defaults.
absl::StatusOr<ClientOptions> ClientOptionsFrom(const ParsedArgs& parsed,
                                                const CliEnvironment& env) {
  ClientOptions options;
  options.server =
      parsed.Get("server", env.server.empty() ? options.server : env.server);
  options.token = parsed.Get("token", env.token);
  options.tls_ca_file = parsed.Get("tls-ca");
  options.tls_cert_file = parsed.Get("tls-cert");
  options.tls_key_file = parsed.Get("tls-key");
  if (parsed.Has("timeout") &&
      (!absl::ParseDuration(parsed.Get("timeout"), &options.timeout) ||
       options.timeout <= absl::ZeroDuration())) {
    return UsageError(absl::StrCat("--timeout \"", parsed.Get("timeout"),
                                   "\" must be a positive duration, for "
                                   "example 30s or 5m"));
  }
  return options;
}

absl::Status Run(const std::vector<std::string>& args,
                 const CliEnvironment& env, std::ostream& out,
                 std::ostream& err) {
  KOERS_ASSIGN_OR_RETURN(ParsedArgs parsed, ParseArgs(args, AllFlags()));
  if (parsed.Has("help") ||
      (!parsed.positional.empty() && parsed.positional[0] == "help")) {
    out << kUsage;
    return absl::OkStatus();
  }
  KOERS_ASSIGN_OR_RETURN(const CommandSpec* command,
                         FindCommand(parsed.positional));
  CommandContext context;
  context.args.assign(parsed.positional.begin() + NameWords(*command).size(),
                      parsed.positional.end());
  KOERS_RETURN_IF_ERROR(CheckInvocation(*command, context.args, parsed));
  KOERS_ASSIGN_OR_RETURN(const Format format,
                         ParseFormat(parsed.Get("format", "table")));
  KOERS_ASSIGN_OR_RETURN(const char separator,
                         ParseCsvSeparator(parsed.Get("csv-sep", ",")));
  KOERS_ASSIGN_OR_RETURN(const ClientOptions options,
                         ClientOptionsFrom(parsed, env));
  absl::StatusOr<std::unique_ptr<KoersClient>> client =
      KoersClient::Connect(options);
  if (!client.ok()) return InputError(client.status().message());
  Output output(format, separator, out, err);
  context.parsed = std::move(parsed);
  context.client = client->get();
  context.output = &output;
  context.err = &err;
  return command->run(context);
}

}  // namespace

std::string Usage() { return kUsage; }

int RunCli(const std::vector<std::string>& args, const CliEnvironment& env,
           std::ostream& out, std::ostream& err) {
  return ReportError(Run(args, env, out, err), kUsage, err);
}

}  // namespace koers::clients
