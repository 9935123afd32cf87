// The commands of the evaluations: snapshot take, list, show and diff, and
// completeness. Tables in English, like the rest of the CLI; the tables a
// report shows too (a snapshot's facts, completeness) are the report's own
// (report_content.h), so the two never disagree.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"
#include "clients/command_context.h"
#include "clients/labels.h"
#include "clients/output.h"
#include "clients/progress_view.h"
#include "clients/report_content.h"
#include "clients/snapshot_digest.h"
#include "clients/time_point_args.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

constexpr Language kCliLanguage = Language::kEnglish;

// `koers snapshot diff A now`: the second side is the present.
constexpr absl::string_view kNow = "now";

Table SnapshotListTable(const v1::ListSnapshotsResponse& response) {
  Table table{.title = "Snapshots",
              .columns = {"name", "as of", "seen position", "taken at",
                          "taken by", "digest"},
              .empty_text = "no snapshots"};
  for (const v1::SnapshotInfo& info : response.snapshots()) {
    table.rows.push_back(
        {info.name(), info.as_of_date(), absl::StrCat(info.seen_position()),
         FormatTimestamp(info.taken_at()), info.taken_by(), info.digest()});
  }
  return table;
}

// What an indicator showed on one side of a diff: the level, the number, or
// "" when it had no value.
std::string DiffValue(bool has_value, double number, const std::string& level) {
  if (!has_value) return "";
  return level.empty() ? FormatNumber(number) : level;
}

std::string OptionalPercent(bool has, double fraction) {
  return has ? FormatPercent(fraction) : "";
}

Table IndicatorChangesTable(const v1::DiffResponse& diff) {
  Table table{.title = "Indicators",
              .columns = {"id", "name", "old value", "old date", "new value",
                          "new date", "old progress", "new progress",
                          "old verdict", "new verdict"},
              .empty_text = "no indicator changed"};
  for (const v1::IndicatorChange& change : diff.indicators()) {
    table.rows.push_back(
        {change.indicator_id(), change.name(),
         DiffValue(change.had_value(), change.old_number(), change.old_level()),
         change.old_date(),
         DiffValue(change.has_value(), change.new_number(), change.new_level()),
         change.new_date(),
         OptionalPercent(change.has_old_progress(), change.old_progress()),
         OptionalPercent(change.has_new_progress(), change.new_progress()),
         VerdictLabel(change.old_verdict()),
         VerdictLabel(change.new_verdict())});
  }
  return table;
}

Table StatusChangesTable(const v1::DiffResponse& diff) {
  Table table{.title = "Action statuses",
              .columns = {"id", "title", "old status", "new status"},
              .empty_text = "no status changed"};
  for (const v1::StatusChange& change : diff.statuses()) {
    table.rows.push_back({change.action_id(), change.title(),
                          StatusLabel(change.old_status()),
                          StatusLabel(change.new_status())});
  }
  return table;
}

Table PlanDifferencesTable(const v1::DiffResponse& diff) {
  Table table{.title = "Plan",
              .columns = {"id", "change", "detail"},
              .empty_text = "no plan differences"};
  for (const v1::PlanDifference& difference : diff.plan()) {
    table.rows.push_back({difference.id(),
                          PlanDifferenceLabel(difference.kind()),
                          difference.detail()});
  }
  return table;
}

Table LateCorrectionsTable(const v1::DiffResponse& diff) {
  Table table{.title =
                  "Late corrections: recorded after the first side, changing "
                  "what it showed",
              .columns = {"indicator", "value date", "old value", "new value",
                          "position", "recorded", "by", "reason", "correction",
                          "corrects"},
              .empty_text = "no late corrections"};
  for (const v1::LateCorrection& correction : diff.corrections()) {
    table.rows.push_back(
        {correction.indicator_id(), correction.value_date(),
         DiffValue(true, correction.old_number(), correction.old_level()),
         DiffValue(true, correction.new_number(), correction.new_level()),
         absl::StrCat(correction.position()),
         FormatTimestamp(correction.record_time()), correction.principal(),
         correction.reason(), correction.correction_event_id(),
         correction.superseded_event_id()});
  }
  return table;
}

// "interim-2027 (as of 2027-06-30, log position 812)".
std::string SideText(absl::string_view name, absl::string_view as_of,
                     uint64_t position) {
  return absl::StrCat(name, " (as of ", as_of, ", log position ", position,
                      ")");
}

}  // namespace

absl::Status RunSnapshotTake(const CommandContext& context) {
  v1::TakeSnapshotRequest request;
  SetEventId(context, request);
  request.set_name(context.args[0]);
  request.set_as_of_date(context.parsed.Get("as-of"));
  KOERS_ASSIGN_OR_RETURN(const v1::TakeSnapshotResponse response,
                         context.client->TakeSnapshot(request));
  Table facts = SnapshotFactsTable(response.info(), kCliLanguage);
  facts.title = response.result().duplicate()
                    ? "Snapshot (taken before: this was a retry)"
                    : "Snapshot taken";
  return context.output->Print(response, {facts});
}

absl::Status RunSnapshotList(const CommandContext& context) {
  KOERS_ASSIGN_OR_RETURN(const v1::ListSnapshotsResponse response,
                         context.client->ListSnapshots({}));
  return context.output->Print(response, {SnapshotListTable(response)});
}

absl::Status RunSnapshotShow(const CommandContext& context) {
  KOERS_ASSIGN_OR_RETURN(const v1::GetSnapshotResponse snapshot,
                         GetCheckedSnapshot(*context.client, context.args[0]));
  Table facts = SnapshotFactsTable(snapshot.info(), kCliLanguage);
  facts.title = "Snapshot (digest checked: SHA-256 of its content)";
  std::vector<Table> tables = {facts};
  for (Table& table : ProgressTables(snapshot.state().progress())) {
    tables.push_back(std::move(table));
  }
  return context.output->Print(snapshot, tables);
}

absl::Status RunSnapshotDiff(const CommandContext& context) {
  const std::string& from = context.args[0];
  const std::string& to = context.args[1];
  v1::DiffRequest request;
  request.mutable_from()->set_snapshot(from);
  if (to == kNow) {
    request.mutable_to()->mutable_at();
  } else {
    request.mutable_to()->set_snapshot(to);
  }
  KOERS_ASSIGN_OR_RETURN(const v1::DiffResponse diff,
                         context.client->Diff(request));
  Table indicators = IndicatorChangesTable(diff);
  indicators.title = absl::StrCat(
      "Differences from ",
      SideText(from, diff.from_as_of_date(), diff.from_position()), " to ",
      SideText(to, diff.to_as_of_date(), diff.to_position()), ": indicators");
  return context.output->Print(
      diff, {indicators, StatusChangesTable(diff), PlanDifferencesTable(diff),
             LateCorrectionsTable(diff)});
}

absl::Status RunCompleteness(const CommandContext& context) {
  const bool has_from = context.parsed.Has("from");
  const bool has_to = context.parsed.Has("to");
  if (context.parsed.Has("year") ? has_from || has_to : !(has_from && has_to)) {
    return UsageError(
        "koers completeness needs either --year YYYY or both --from DATE and "
        "--to DATE");
  }
  v1::CompletenessRequest request;
  KOERS_ASSIGN_OR_RETURN(const int32_t year, context.Int32Flag("year", 0));
  request.set_year(year);
  request.set_from_date(context.parsed.Get("from"));
  request.set_to_date(context.parsed.Get("to"));
  if (context.parsed.Has("known-at")) {
    KOERS_ASSIGN_OR_RETURN(*request.mutable_known_at(),
                           ParseKnownAt(context.parsed.Get("known-at")));
  }
  KOERS_ASSIGN_OR_RETURN(const v1::Completeness response,
                         context.client->GetCompleteness(request));
  std::vector<Table> tables = CompletenessTables(response, kCliLanguage);
  tables.front().title = absl::StrCat(
      "Completeness from ", response.from_date(), " to ", response.to_date(),
      " (log position ", response.position(), "): ", tables.front().title);
  return context.output->Print(response, tables);
}

}  // namespace koers::clients
