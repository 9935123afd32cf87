// The CSV report (report.h): one row per indicator, with its action and
// objective beside it so that a spreadsheet can filter and pivot on them.
// RFC 4180 (output.h RenderCsv): a header row, CRLF line ends, fields
// holding the separator, a quote, CR or LF quoted, quotes doubled; UTF-8.
// Numbers are written with a decimal point whatever the language, so that
// they read back the same; percentages as numbers without "%".
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/labels.h"
#include "clients/output.h"
#include "clients/report.h"

namespace koers::clients {
namespace {

// A header cell: the word, and what the column's numbers are in.
struct Column {
  Word word;
  absl::string_view suffix = "";
};

// In the order of Row()'s cells.
constexpr Column kColumns[] = {
    {Word::kIndicator},
    {Word::kName},
    {Word::kAction},
    {Word::kActionTitle},
    {Word::kObjective},
    {Word::kActionStatus},
    {Word::kReportingEntity},
    {Word::kLeadMinisters},
    {Word::kKind},
    {Word::kValue},
    {Word::kUnit},
    {Word::kDate},
    {Word::kBaseline},
    {Word::kTarget},
    {Word::kTargetDate},
    {Word::kProgress, " (%)"},
    {Word::kExpected, " (%)"},
    {Word::kVerdict},
};

std::vector<std::string> Header(Language language) {
  std::vector<std::string> header;
  for (const Column& column : kColumns) {
    header.push_back(absl::StrCat(Label(column.word, language), column.suffix));
  }
  return header;
}

std::string Percent(bool has, double fraction) {
  return has ? absl::StrFormat("%.1f", fraction * 100) : "";
}

std::string Value(const v1::IndicatorProgress& indicator) {
  if (!indicator.has_value()) return "";
  return indicator.quantitative() ? FormatNumber(indicator.number())
                                  : indicator.level();
}

std::vector<std::string> Row(const v1::IndicatorProgress& indicator,
                             const v1::ActionProgress& action,
                             Language language) {
  const bool quantitative = indicator.quantitative();
  return {
      indicator.indicator_id(),
      indicator.name(),
      indicator.action_id(),
      action.title(),
      action.objective_id(),
      StatusText(action.status(), language),
      action.reporting_entity(),
      absl::StrJoin(action.lead_ministers(), "; "),
      std::string(Label(quantitative ? Word::kQuantitative : Word::kQualitative,
                        language)),
      Value(indicator),
      indicator.unit(),
      indicator.value_date(),
      quantitative ? FormatNumber(indicator.baseline_value()) : "",
      quantitative ? FormatNumber(indicator.target_value())
                   : indicator.target_level(),
      indicator.target_date(),
      Percent(indicator.has_progress(), indicator.progress()),
      Percent(indicator.has_expected_progress(), indicator.expected_progress()),
      VerdictText(indicator.verdict(), language)};
}

}  // namespace

std::string RenderCsvReport(const ReportInput& input) {
  const v1::GetProgressResponse& progress = input.state->progress();
  std::map<std::string, const v1::ActionProgress*> actions;
  for (const v1::ActionProgress& action : progress.actions()) {
    actions[action.action_id()] = &action;
  }
  const v1::ActionProgress no_action;
  Table table{.columns = Header(input.language)};
  for (const v1::IndicatorProgress& indicator : progress.indicators()) {
    const auto action = actions.find(indicator.action_id());
    table.rows.push_back(
        Row(indicator, action == actions.end() ? no_action : *action->second,
            input.language));
  }
  return RenderCsv(table, input.csv_separator);
}

}  // namespace koers::clients
