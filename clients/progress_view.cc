#include "clients/progress_view.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "clients/indicator_text.h"
#include "clients/labels.h"
#include "clients/progress_counts.h"

namespace koers::clients {
namespace {

constexpr Language kCliLanguage = Language::kEnglish;

// The count columns of an objective or roll-up: one per status, overdue,
// one per verdict.
std::vector<std::string> CountColumns() {
  std::vector<std::string> columns;
  for (const v1::ActionStatus status : kActionStatuses) {
    columns.push_back(StatusLabel(status));
  }
  columns.push_back("overdue");
  for (const v1::Verdict verdict : kVerdicts) {
    columns.push_back(VerdictLabel(verdict));
  }
  return columns;
}

template <typename RollUp>
void AppendCountCells(const RollUp& roll_up, std::vector<std::string>& row) {
  for (const v1::ActionStatus status : kActionStatuses) {
    row.push_back(absl::StrCat(CountOf(roll_up.by_status(), status)));
  }
  row.push_back(absl::StrCat(roll_up.overdue()));
  for (const v1::Verdict verdict : kVerdicts) {
    row.push_back(absl::StrCat(CountOf(roll_up.by_verdict(), verdict)));
  }
}

Table ObjectivesTable(const v1::GetProgressResponse& response) {
  Table objectives{
      .title =
          absl::StrCat("Progress as of ", response.as_of_date(),
                       " (log position ", response.position(), "): objectives"),
      .columns = {"id", "title", "actions"},
  };
  for (std::string& column : CountColumns()) {
    objectives.columns.push_back(std::move(column));
  }
  for (const v1::ObjectiveProgress& objective : response.objectives()) {
    std::vector<std::string> row = {objective.objective_id(), objective.title(),
                                    absl::StrCat(objective.actions())};
    AppendCountCells(objective, row);
    objectives.rows.push_back(std::move(row));
  }
  return objectives;
}

Table ActionsTable(const v1::GetProgressResponse& response) {
  Table actions{.title = "Actions",
                .columns = {"id", "status", "since", "deadline", "overdue",
                            "latest fiche", "fiche up to date"}};
  for (const v1::ActionProgress& action : response.actions()) {
    actions.rows.push_back({action.action_id(), StatusLabel(action.status()),
                            action.status_since(), action.deadline(),
                            YesNo(action.overdue()),
                            action.latest_fiche_year() == 0
                                ? ""
                                : absl::StrCat(action.latest_fiche_year()),
                            YesNo(action.fiche_up_to_date())});
  }
  return actions;
}

Table IndicatorsTable(const v1::GetProgressResponse& response) {
  Table indicators{
      .title = "Indicators",
      .columns = {"id", "value", "date", "progress", "expected", "verdict"}};
  for (const v1::IndicatorProgress& indicator : response.indicators()) {
    indicators.rows.push_back(
        {indicator.indicator_id(), ValueText(indicator, kCliLanguage),
         indicator.value_date(), ProgressText(indicator, kCliLanguage),
         ExpectedProgressText(indicator, kCliLanguage),
         VerdictLabel(indicator.verdict())});
  }
  return indicators;
}

Table RollUpTable(
    std::string title, std::string key,
    const google::protobuf::RepeatedPtrField<v1::RollUp>& roll_ups) {
  Table table{.title = std::move(title),
              .columns = {std::move(key), "actions"}};
  for (std::string& column : CountColumns()) {
    table.columns.push_back(std::move(column));
  }
  table.columns.push_back("fiches missing");
  for (const v1::RollUp& roll_up : roll_ups) {
    std::vector<std::string> row = {roll_up.key(),
                                    absl::StrCat(roll_up.actions())};
    AppendCountCells(roll_up, row);
    row.push_back(absl::StrCat(roll_up.fiches_missing()));
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

std::vector<Table> ProgressTables(const v1::GetProgressResponse& response) {
  return {
      ObjectivesTable(response), ActionsTable(response),
      IndicatorsTable(response),
      RollUpTable("By lead minister", "lead minister", response.by_minister()),
      RollUpTable("By reporting entity", "reporting entity",
                  response.by_entity())};
}

}  // namespace koers::clients
