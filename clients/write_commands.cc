// The commands that write: plan load, measure, correct, status, fiche,
// import.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli_error.h"
#include "clients/command_context.h"
#include "clients/labels.h"
#include "clients/output.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

// Sets the value of a measurement or correction from VALUE: a number when
// the whole text reads as a double (absl::SimpleAtod: "5", "-1.5e3", also
// "nan" and "inf", which the server refuses with its own message), else a
// level of a qualitative scale, sent as typed.
template <typename Request>
void SetValue(absl::string_view text, Request& request) {
  double number;
  if (absl::SimpleAtod(text, &number)) {
    request.set_number(number);
  } else {
    request.set_level(std::string(text));
  }
}

Table WriteResultTable(const v1::WriteResult& result) {
  return Table{
      .columns = {"position", "event id", "stream", "revision", "recorded",
                  "duplicate"},
      .rows = {{absl::StrCat(result.position()), result.event_id(),
                result.stream(), absl::StrCat(result.stream_revision()),
                FormatTimestamp(result.record_time()),
                YesNo(result.duplicate())}},
  };
}

// Prints where a single write landed.
absl::Status PrintWriteResult(const CommandContext& context,
                              const absl::StatusOr<v1::WriteResult>& result) {
  KOERS_RETURN_IF_ERROR(result.status());
  return context.output->Print(*result, {WriteResultTable(*result)});
}

// One line of an import file that was not accepted.
struct RejectedLine {
  size_t line;
  std::string code;
  std::string message;
};

}  // namespace

absl::Status RunPlanLoad(const CommandContext& context) {
  const std::string& file = context.args[0];
  KOERS_ASSIGN_OR_RETURN(const std::string json, ReadInputFile(file));
  v1::LoadPlanRequest request;
  if (const absl::Status parsed = ParseJson(json, request.mutable_plan());
      !parsed.ok()) {
    return InputError(absl::StrCat(
        file, " is not a valid plan document (",
        "koers.v1.Plan in protobuf's JSON mapping): ", parsed.message()));
  }
  request.set_reason(context.parsed.Get(
      "reason", absl::StrCat("loaded from ",
                             std::filesystem::path(file).filename().string())));
  request.set_dry_run(context.parsed.Has("dry-run"));
  request.set_effective_date(context.parsed.Get("effective-date"));
  KOERS_ASSIGN_OR_RETURN(const v1::LoadPlanResponse response,
                         context.client->LoadPlan(request));
  Table changes{
      .title =
          request.dry_run() ? "Changes (dry run: nothing written)" : "Changes",
      .columns = {"change", "id", "changed fields", "position"},
      .empty_text = "no changes",
  };
  for (int i = 0; i < response.changes_size(); ++i) {
    const v1::PlanChange& change = response.changes(i);
    changes.rows.push_back({PlanChangeLabel(change.kind()), change.id(),
                            change.changed_fields(),
                            i < response.results_size()
                                ? absl::StrCat(response.results(i).position())
                                : ""});
  }
  return context.output->Print(response, {changes});
}

absl::Status RunMeasure(const CommandContext& context) {
  v1::RecordMeasurementRequest request;
  SetEventId(context, request);
  request.set_indicator_id(context.args[0]);
  SetValue(context.args[1], request);
  request.set_date(context.parsed.Get("date"));
  request.set_period_start(context.parsed.Get("period-start"));
  request.set_comment(context.parsed.Get("comment"));
  return PrintWriteResult(context, context.client->RecordMeasurement(request));
}

absl::Status RunCorrect(const CommandContext& context) {
  v1::CorrectMeasurementRequest request;
  SetEventId(context, request);
  request.set_supersedes_event_id(context.args[0]);
  SetValue(context.args[1], request);
  request.set_reason(context.parsed.Get("reason"));
  request.set_date(context.parsed.Get("date"));
  request.set_period_start(context.parsed.Get("period-start"));
  request.set_comment(context.parsed.Get("comment"));
  return PrintWriteResult(context, context.client->CorrectMeasurement(request));
}

absl::Status RunStatus(const CommandContext& context) {
  v1::ChangeActionStatusRequest request;
  KOERS_ASSIGN_OR_RETURN(const v1::ActionStatus status,
                         ParseActionStatus(context.args[1]));
  SetEventId(context, request);
  request.set_action_id(context.args[0]);
  request.set_status(status);
  request.set_effective_date(context.parsed.Get("date"));
  request.set_reason(context.parsed.Get("reason"));
  return PrintWriteResult(context, context.client->ChangeActionStatus(request));
}

absl::Status RunFiche(const CommandContext& context) {
  v1::RecordFicheUpdateRequest request;
  KOERS_ASSIGN_OR_RETURN(const int32_t year, context.Int32Flag("year", 0));
  SetEventId(context, request);
  request.set_action_id(context.args[0]);
  request.set_year(year);
  request.set_text(context.parsed.Get("text"));
  request.set_date(context.parsed.Get("date"));
  return PrintWriteResult(context, context.client->RecordFicheUpdate(request));
}

absl::Status RunImport(const CommandContext& context) {
  const std::string& file = context.args[0];
  KOERS_ASSIGN_OR_RETURN(const std::string content, ReadInputFile(file));
  const std::vector<absl::string_view> lines = absl::StrSplit(content, '\n');
  const bool dry_run = context.parsed.Has("dry-run");

  // The line number (1-based) of each streamed submission, by stream index.
  std::vector<size_t> sent_lines;
  std::vector<RejectedLine> rejected;
  size_t next = 0;
  const auto produce = [&](v1::Submission* submission) {
    while (next < lines.size()) {
      const size_t number = ++next;
      const absl::string_view line =
          absl::StripAsciiWhitespace(lines[number - 1]);
      if (line.empty() || absl::StartsWith(line, "#")) continue;
      if (const absl::Status parsed = ParseJson(line, submission);
          !parsed.ok()) {
        rejected.push_back(
            {number,
             absl::StatusCodeToString(absl::StatusCode::kInvalidArgument),
             absl::StrCat("not a koers.v1.Submission: ", parsed.message())});
        submission->Clear();
        continue;
      }
      sent_lines.push_back(number);
      return true;
    }
    return false;
  };
  KOERS_ASSIGN_OR_RETURN(const v1::StreamSubmitResponse response,
                         context.client->StreamSubmit(produce, dry_run));
  const size_t submissions = sent_lines.size() + rejected.size();

  if (context.output->format() == Format::kJson) {
    // The JSON document is the server's answer; lines never sent are
    // reported here.
    for (const RejectedLine& local : rejected) {
      *context.err << file << ":" << local.line << ": " << local.code << ": "
                   << local.message << "\n";
    }
  }
  // Counted from the items, a dry run's valid ones as accepted; the
  // rejected ones join the lines rejected here.
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  for (const v1::ItemResult& item : response.items()) {
    switch (item.outcome()) {
      case v1::ItemResult::OUTCOME_ACCEPTED:
      case v1::ItemResult::OUTCOME_VALID:
        ++accepted;
        break;
      case v1::ItemResult::OUTCOME_DUPLICATE:
        ++duplicates;
        break;
      case v1::ItemResult::OUTCOME_REJECTED:
        rejected.push_back(
            {item.index() < sent_lines.size() ? sent_lines[item.index()] : 0,
             absl::StatusCodeToString(
                 static_cast<absl::StatusCode>(item.code())),
             item.message()});
        break;
      default:  // An outcome this client does not know: not counted.
        break;
    }
  }
  std::stable_sort(rejected.begin(), rejected.end(),
                   [](const RejectedLine& a, const RejectedLine& b) {
                     return a.line < b.line;
                   });

  const Table summary{
      .title = absl::StrCat("Import of ", file,
                            dry_run ? " (dry run: nothing written)" : ""),
      .columns = {"lines sent", dry_run ? "valid" : "accepted", "duplicates",
                  "rejected"},
      .rows = {{absl::StrCat(sent_lines.size()), absl::StrCat(accepted),
                absl::StrCat(duplicates), absl::StrCat(rejected.size())}},
  };
  Table rejected_lines{
      .title = "Rejected lines",
      .columns = {"line", "code", "message"},
      .empty_text = "none",
      .whole_last_column = true,
  };
  for (const RejectedLine& line : rejected) {
    rejected_lines.rows.push_back(
        {absl::StrCat(line.line), line.code, line.message});
  }
  KOERS_RETURN_IF_ERROR(
      context.output->Print(response, {summary, rejected_lines}));
  if (rejected.empty()) return absl::OkStatus();
  return CommandFailed(absl::StrCat(rejected.size(), " of ", submissions,
                                    " submissions in ", file,
                                    " were rejected"));
}

}  // namespace koers::clients
