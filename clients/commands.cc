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

Commands (DATE is YYYY-MM-DD; POINT is below):
  plan load FILE [--dry-run] [--reason TEXT] [--effective-date DATE]
      Load a plan document (koers.v1.Plan in protobuf's JSON mapping); the
      server writes only the differences. Prints the changes and positions.
      The reason defaults to "loaded from <file name>".
  plan show [--as-of DATE] [--known-at POINT]
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
  progress [--as-of DATE] [--known-at POINT]
      Progress per objective, action and indicator, with each indicator's
      verdict (on track, at risk, off track, not assessed), and the roll-ups
      per lead minister and per reporting entity.
  history ID [--as-of DATE] [--known-at POINT]
      Every event of an action, indicator or plan (only those dated up to
      --as-of and recorded by --known-at, when given).
  events [--from N] [--limit N]  The log from position N (default: the start),
                                 at most --limit events (server default 100).
  tail [--from N]                Follow the log: the events from N, then new
                                 ones as they come, until interrupted.
  verify                         Check the log's hash chain on the server.
  health                         Ask whether the server is serving.
  snapshot take NAME --as-of DATE [--id UUID]
      Freeze the state of the plan as of DATE, as known now (coordinators).
      NAME: 1 to 100 of A-Z a-z 0-9 . _ -, unique.
  snapshot list                  Every snapshot, oldest first.
  snapshot show NAME
      A snapshot's facts (digest, seen position, head hash) and its frozen
      progress. The digest is checked here: exit code 1 if the content does
      not match it.
  snapshot diff A B
      What changed from snapshot A to snapshot B, or to the present when B
      is "now": indicator values, progress and verdicts, action statuses,
      plan differences, and apart from those the corrections recorded after
      A that change what A showed.
  completeness (--year YYYY | --from DATE --to DATE) [--known-at POINT]
      Missing yearly fiches, missing indicator values and overdue actions,
      counted per reporting entity and per lead minister.
  report (--as-of DATE [--known-at POINT] | --snapshot NAME)
         --format html|md|csv|json [--lang nl|en] [--out FILE]
      An evaluation report. Here --format is the report's format: html (one
      self-contained page with charts; prints on A4), md (Markdown), csv
      (one row per indicator; --csv-sep applies) or json (the state in
      protobuf's JSON mapping). Labels in Dutch (nl, the default) or English.
      Written to FILE, or printed.
  help                           Print this text.
  --id gives the write a client event id, so that repeating it is harmless.
  POINT (--known-at) is what the log held then: a log position (a whole
  number from 1) or an RFC 3339 timestamp with its offset, for example
  2027-07-01T09:00:00Z or 2027-07-01T11:00:00+02:00. Default: now.

Global flags (anywhere; --name=value or --name value; '_' and '-' alike):
  --server HOST:PORT  koersd's address (env KOERS_SERVER; 127.0.0.1:50051)
  --token TOKEN       bearer token (env KOERS_TOKEN)
  --tls_ca FILE       TLS with this root CA (default: plaintext)
  --tls_cert FILE     client certificate for mutual TLS (with --tls_key)
  --tls_key FILE      its private key
  --timeout DURATION  deadline of each call, for example 30s or 5m (default
                      30s; tail has none)
  --format FORMAT     table (default), json or csv (for report: the report's
                      format, see above)
  --csv-sep CHAR      CSV separator (default ","; ";" for Dutch spreadsheets;
                      "tab")
  --help, -h          print this text

Exit codes: 0 success; 1 the server refused ("error: CODE: message" on
stderr) or the command found a failure (rejected lines, a broken log, a
snapshot that does not match its digest); 2 usage error.
)";

// What the global --format means for a command: how to print its answer
// (table, json, csv), or the format of the document it makes (report).
enum class FormatFlag { kOutput, kDocument };

// A command: its name (one or two words), how many positional arguments
// follow the name, the flags it accepts and those it requires.
struct CommandSpec {
  absl::string_view name;
  size_t args;
  std::vector<absl::string_view> flags;
  std::vector<absl::string_view> required;
  absl::Status (*run)(const CommandContext&);
  FormatFlag format_flag = FormatFlag::kOutput;
};

const std::vector<CommandSpec>& Commands() {
  static const auto* const kCommands = new std::vector<CommandSpec>{
      {"plan load",
       1,
       {"dry-run", "reason", "effective-date"},
       {},
       RunPlanLoad},
      {"plan show", 0, {"as-of", "known-at"}, {}, RunPlanShow},
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
      {"progress", 0, {"as-of", "known-at"}, {}, RunProgress},
      {"history", 1, {"as-of", "known-at"}, {}, RunHistory},
      {"events", 0, {"from", "limit"}, {}, RunEvents},
      {"tail", 0, {"from"}, {}, RunTail},
      {"verify", 0, {}, {}, RunVerify},
      {"health", 0, {}, {}, RunHealth},
      {"snapshot take", 1, {"as-of", "id"}, {"as-of"}, RunSnapshotTake},
      {"snapshot list", 0, {}, {}, RunSnapshotList},
      {"snapshot show", 1, {}, {}, RunSnapshotShow},
      {"snapshot diff", 2, {}, {}, RunSnapshotDiff},
      {"completeness",
       0,
       {"year", "from", "to", "known-at"},
       {},
       RunCompleteness},
      {"report",
       0,
       {"as-of", "known-at", "snapshot", "lang", "out"},
       {"format"},
       RunReport,
       FormatFlag::kDocument},
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
        {"known-at", FlagKind::kValue},
        {"to", FlagKind::kValue},
        {"snapshot", FlagKind::kValue},
        {"lang", FlagKind::kValue},
        {"out", FlagKind::kValue},
    });
    return all;
  }();
  return *kAll;
}

// The words of a command's name: {"plan", "load"}.
std::vector<absl::string_view> NameWords(const CommandSpec& command) {
  return absl::StrSplit(command.name, ' ');
}

// "a, b or c".
std::string OneOf(const std::vector<std::string>& choices) {
  if (choices.size() < 2) return absl::StrJoin(choices, "");
  return absl::StrCat(absl::StrJoin(choices.begin(), choices.end() - 1, ", "),
                      " or ", choices.back());
}

// The usage error for a command group ("plan", "snapshot") without a known
// subcommand; OK when `positional` does not start with a group's name.
absl::Status GroupError(const std::vector<std::string>& positional) {
  std::vector<std::string> subcommands;
  for (const CommandSpec& command : Commands()) {
    const std::vector<absl::string_view> words = NameWords(command);
    if (words.size() == 2 && words[0] == positional[0]) {
      subcommands.emplace_back(words[1]);
    }
  }
  if (subcommands.empty()) return absl::OkStatus();
  if (positional.size() == 1) {
    return UsageError(absl::StrCat(
        "\"", positional[0], "\" needs a subcommand: ", OneOf(subcommands)));
  }
  for (std::string& subcommand : subcommands) {
    subcommand = absl::StrCat(positional[0], " ", subcommand);
  }
  return UsageError(absl::StrCat("unknown command \"", positional[0], " ",
                                 positional[1], "\": use ",
                                 OneOf(subcommands)));
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
  KOERS_RETURN_IF_ERROR(GroupError(positional));
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
  // A document's format is the command's to check (report.h).
  Format format = Format::kTable;
  if (command->format_flag == FormatFlag::kOutput) {
    KOERS_ASSIGN_OR_RETURN(format, ParseFormat(parsed.Get("format", "table")));
  }
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
