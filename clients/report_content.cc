#include "clients/report_content.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/indicator_text.h"
#include "clients/labels.h"
#include "clients/progress_counts.h"

namespace koers::clients {
namespace {

// The column headers, in `language`.
std::vector<std::string> Columns(std::initializer_list<Word> words,
                                 Language language) {
  std::vector<std::string> columns;
  columns.reserve(words.size());
  for (const Word word : words) columns.emplace_back(Label(word, language));
  return columns;
}

// A table headed by `title` with `columns`, saying "geen" / "none" when it
// has no rows.
Table EmptyTable(Word title, std::initializer_list<Word> columns,
                 Language language) {
  return Table{.title = std::string(Label(title, language)),
               .columns = Columns(columns, language),
               .empty_text = std::string(Label(Word::kNone, language))};
}

std::string Ministers(
    const google::protobuf::RepeatedPtrField<std::string>& ministers) {
  return absl::StrJoin(ministers, "; ");
}

// "label count", joined by " · ", for the non-zero counts.
template <typename Counts, typename Keys, typename Text>
std::string CountsText(const Counts& counts, const Keys& keys, Text&& text) {
  std::vector<std::string> parts;
  for (const auto key : keys) {
    const uint32_t count = CountOf(counts, key);
    if (count > 0) parts.push_back(absl::StrCat(text(key), " ", count));
  }
  return absl::StrJoin(parts, " · ");
}

std::string Title(const ReportInput& input) {
  const std::string as_of = absl::StrCat(
      Label(Word::kAsOf, input.language), " ",
      input.snapshot != nullptr ? input.snapshot->as_of_date()
                                : input.state->progress().as_of_date());
  // Empty when no plan was in force at the point.
  const std::string& plan = input.state->progress().plan_title();
  const std::string plan_part = plan.empty() ? "" : absl::StrCat(plan, " — ");
  if (input.snapshot == nullptr) {
    return absl::StrCat(plan_part, Label(Word::kReportTitle, input.language),
                        " — ", as_of);
  }
  return absl::StrCat(plan_part, Label(Word::kSnapshotTitle, input.language),
                      " ", input.snapshot->name(), " — ", as_of);
}

Table FactsTable(const ReportInput& input) {
  const Language language = input.language;
  Table facts;
  if (input.snapshot != nullptr) {
    facts = SnapshotFactsTable(*input.snapshot, language);
  } else {
    facts.columns = Columns({Word::kField, Word::kValue}, language);
    facts.rows = {
        {std::string(Label(Word::kAsOf, language)),
         input.state->progress().as_of_date()},
        {std::string(Label(Word::kKnownAtPosition, language)),
         absl::StrCat(input.state->progress().position())},
    };
  }
  const v1::Completeness& completeness = input.state->completeness();
  facts.rows.push_back(
      {std::string(Label(Word::kCompletenessPeriod, language)),
       PeriodText(completeness.from_date(), completeness.to_date())});
  return facts;
}

Table ObjectivesTable(const v1::GetProgressResponse& progress,
                      Language language) {
  Table table = EmptyTable(Word::kObjectives,
                           {Word::kId, Word::kTitle, Word::kActionCount,
                            Word::kByStatus, Word::kOverdue, Word::kByVerdict},
                           language);
  for (const v1::ObjectiveProgress& objective : progress.objectives()) {
    table.rows.push_back({objective.objective_id(), objective.title(),
                          absl::StrCat(objective.actions()),
                          StatusCountsText(objective.by_status(), language),
                          absl::StrCat(objective.overdue()),
                          VerdictCountsText(objective.by_verdict(), language)});
  }
  return table;
}

Table IndicatorsTable(const v1::GetProgressResponse& progress,
                      Language language) {
  Table table = EmptyTable(Word::kIndicators,
                           {Word::kId, Word::kName, Word::kValue, Word::kDate,
                            Word::kBaselineToTarget, Word::kProgress,
                            Word::kExpected, Word::kVerdict},
                           language);
  for (const v1::IndicatorProgress& indicator : progress.indicators()) {
    table.rows.push_back({indicator.indicator_id(), indicator.name(),
                          ValueText(indicator, language),
                          indicator.value_date(),
                          BaselineToTargetText(indicator, language),
                          ProgressText(indicator, language),
                          ExpectedProgressText(indicator, language),
                          VerdictText(indicator.verdict(), language)});
  }
  return table;
}

Table ActionsTable(const v1::GetProgressResponse& progress, Language language) {
  Table table =
      EmptyTable(Word::kActions,
                 {Word::kId, Word::kTitle, Word::kStatus, Word::kSince,
                  Word::kDeadline, Word::kOverdue, Word::kFicheUpToDate,
                  Word::kReportingEntity, Word::kLeadMinisters},
                 language);
  for (const v1::ActionProgress& action : progress.actions()) {
    table.rows.push_back(
        {action.action_id(), action.title(),
         StatusText(action.status(), language), action.status_since(),
         action.deadline(), YesNoText(action.overdue(), language),
         YesNoText(action.fiche_up_to_date(), language),
         action.reporting_entity(), Ministers(action.lead_ministers())});
  }
  return table;
}

Table RollUpTable(Word title, Word key,
                  const google::protobuf::RepeatedPtrField<v1::RollUp>& rolls,
                  Language language) {
  Table table =
      EmptyTable(title,
                 {key, Word::kActionCount, Word::kByStatus, Word::kOverdue,
                  Word::kByVerdict, Word::kFichesMissing},
                 language);
  for (const v1::RollUp& roll : rolls) {
    table.rows.push_back({roll.key(), absl::StrCat(roll.actions()),
                          StatusCountsText(roll.by_status(), language),
                          absl::StrCat(roll.overdue()),
                          VerdictCountsText(roll.by_verdict(), language),
                          absl::StrCat(roll.fiches_missing())});
  }
  return table;
}

Table CompletenessGroupTable(
    Word title, Word key,
    const google::protobuf::RepeatedPtrField<v1::CompletenessGroup>& groups,
    Language language) {
  Table table = EmptyTable(title,
                           {key, Word::kActionCount, Word::kFichesMissing,
                            Word::kMissingValueCount, Word::kOverdue},
                           language);
  for (const v1::CompletenessGroup& group : groups) {
    table.rows.push_back({group.key(), absl::StrCat(group.actions()),
                          absl::StrCat(group.missing_fiches()),
                          absl::StrCat(group.missing_values()),
                          absl::StrCat(group.overdue())});
  }
  return table;
}

Table MissingFichesTable(const v1::Completeness& completeness,
                         Language language) {
  Table table = EmptyTable(Word::kMissingFiches,
                           {Word::kAction, Word::kTitle, Word::kReportingEntity,
                            Word::kLeadMinisters, Word::kYear},
                           language);
  for (const v1::MissingFiche& fiche : completeness.missing_fiches()) {
    table.rows.push_back(
        {fiche.action_id(), fiche.title(), fiche.reporting_entity(),
         Ministers(fiche.lead_ministers()), absl::StrCat(fiche.year())});
  }
  return table;
}

Table MissingValuesTable(const v1::Completeness& completeness,
                         Language language) {
  Table table =
      EmptyTable(Word::kMissingValues,
                 {Word::kIndicator, Word::kName, Word::kReportingEntity,
                  Word::kFrequency, Word::kPeriod},
                 language);
  for (const v1::MissingValue& value : completeness.missing_values()) {
    table.rows.push_back(
        {value.indicator_id(), value.name(), value.reporting_entity(),
         FrequencyText(value.frequency(), language),
         PeriodText(value.period_start(), value.period_end())});
  }
  return table;
}

Table OverdueTable(const v1::Completeness& completeness, Language language) {
  Table table =
      EmptyTable(Word::kOverdueActions,
                 {Word::kAction, Word::kTitle, Word::kDeadline, Word::kStatus,
                  Word::kReportingEntity, Word::kLeadMinisters},
                 language);
  for (const v1::OverdueAction& action : completeness.overdue()) {
    table.rows.push_back({action.action_id(), action.title(), action.deadline(),
                          StatusText(action.status(), language),
                          action.reporting_entity(),
                          Ministers(action.lead_ministers())});
  }
  return table;
}

}  // namespace

ReportContent BuildReportContent(const ReportInput& input) {
  const v1::GetProgressResponse& progress = input.state->progress();
  const Language language = input.language;
  return ReportContent{
      .title = Title(input),
      .facts = FactsTable(input),
      .objectives = ObjectivesTable(progress, language),
      .indicators = IndicatorsTable(progress, language),
      .actions = ActionsTable(progress, language),
      .by_minister = RollUpTable(Word::kByMinister, Word::kLeadMinister,
                                 progress.by_minister(), language),
      .by_entity = RollUpTable(Word::kByEntity, Word::kReportingEntity,
                               progress.by_entity(), language),
      .completeness = CompletenessTables(input.state->completeness(), language),
  };
}

Table SnapshotFactsTable(const v1::SnapshotInfo& info, Language language) {
  const auto row = [language](Word word, std::string value) {
    return std::vector<std::string>{std::string(Label(word, language)),
                                    std::move(value)};
  };
  return Table{
      .columns = Columns({Word::kField, Word::kValue}, language),
      .rows = {row(Word::kName, info.name()),
               row(Word::kAsOf, info.as_of_date()),
               row(Word::kSeenPosition, absl::StrCat(info.seen_position())),
               row(Word::kDigest, info.digest()),
               row(Word::kHeadHash, info.head_hash()),
               row(Word::kTakenAt, FormatTimestamp(info.taken_at())),
               row(Word::kTakenBy, info.taken_by()),
               row(Word::kEventPosition, absl::StrCat(info.event_position()))},
  };
}

std::vector<Table> CompletenessTables(const v1::Completeness& completeness,
                                      Language language) {
  return {CompletenessGroupTable(Word::kByEntity, Word::kReportingEntity,
                                 completeness.by_entity(), language),
          CompletenessGroupTable(Word::kByMinister, Word::kLeadMinister,
                                 completeness.by_minister(), language),
          MissingFichesTable(completeness, language),
          MissingValuesTable(completeness, language),
          OverdueTable(completeness, language)};
}

std::string StatusCountsText(
    const google::protobuf::RepeatedPtrField<v1::StatusCount>& counts,
    Language language) {
  return CountsText(counts, kActionStatuses, [language](v1::ActionStatus s) {
    return StatusText(s, language);
  });
}

std::string VerdictCountsText(
    const google::protobuf::RepeatedPtrField<v1::VerdictCount>& counts,
    Language language) {
  return CountsText(counts, kVerdicts, [language](v1::Verdict v) {
    return VerdictText(v, language);
  });
}

}  // namespace koers::clients
