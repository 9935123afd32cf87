#include "clients/report_labels.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"
#include "clients/labels.h"

namespace koers::clients {
namespace {

struct Words {
  absl::string_view dutch;
  absl::string_view english;
};

// A switch, not a table, so that a Word without its words does not compile
// (-Wswitch).
Words WordsOf(Word word) {
  switch (word) {
    case Word::kReportTitle:
      return {"Voortgang van het actieplan", "Progress of the action plan"};
    case Word::kSnapshotTitle:
      return {"Momentopname", "Snapshot"};
    case Word::kField:
      return {"gegeven", "field"};
    case Word::kValue:
      return {"waarde", "value"};
    case Word::kAsOf:
      return {"stand op", "as of"};
    case Word::kKnownAtPosition:
      return {"gekend tot logpositie", "known at log position"};
    case Word::kName:
      return {"naam", "name"};
    case Word::kSeenPosition:
      return {"gezien tot logpositie", "seen up to log position"};
    case Word::kDigest:
      return {"digest (SHA-256 van de inhoud)", "digest (SHA-256 of content)"};
    case Word::kHeadHash:
      return {"hash van de log op die positie", "head hash at that position"};
    case Word::kTakenAt:
      return {"genomen op", "taken at"};
    case Word::kTakenBy:
      return {"genomen door", "taken by"};
    case Word::kEventPosition:
      return {"logpositie van de momentopname", "position of the snapshot"};
    case Word::kCompletenessPeriod:
      return {"periode van de volledigheid", "completeness period"};
    case Word::kObjectives:
      return {"Strategische doelstellingen", "Strategic objectives"};
    case Word::kObjective:
      return {"doelstelling", "objective"};
    case Word::kId:
      return {"id", "id"};
    case Word::kTitle:
      return {"titel", "title"};
    case Word::kActions:
      return {"Acties", "Actions"};
    case Word::kActionCount:
      return {"acties", "actions"};
    case Word::kAction:
      return {"actie", "action"};
    case Word::kActionTitle:
      return {"titel van de actie", "action title"};
    case Word::kActionStatus:
      return {"status van de actie", "action status"};
    case Word::kByStatus:
      return {"per status", "by status"};
    case Word::kOverdue:
      return {"over termijn", "overdue"};
    case Word::kByVerdict:
      return {"indicatoren per oordeel", "indicators by verdict"};
    case Word::kIndicators:
      return {"Indicatoren", "Indicators"};
    case Word::kIndicator:
      return {"indicator", "indicator"};
    case Word::kKind:
      return {"soort", "kind"};
    case Word::kQuantitative:
      return {"kwantitatief", "quantitative"};
    case Word::kQualitative:
      return {"kwalitatief", "qualitative"};
    case Word::kUnit:
      return {"eenheid", "unit"};
    case Word::kDate:
      return {"datum", "date"};
    case Word::kBaseline:
      return {"nulmeting", "baseline"};
    case Word::kTarget:
      return {"streefwaarde", "target"};
    case Word::kTargetDate:
      return {"streefdatum", "target date"};
    case Word::kBaselineToTarget:
      return {"nulmeting → streefwaarde", "baseline → target"};
    case Word::kProgress:
      return {"voortgang", "progress"};
    case Word::kExpected:
      return {"verwacht", "expected"};
    case Word::kVerdict:
      return {"oordeel", "verdict"};
    case Word::kTrends:
      return {"Verloop van de kwantitatieve indicatoren",
              "Trends of the quantitative indicators"};
    case Word::kNoValuesYet:
      return {"nog geen waarden", "no values yet"};
    case Word::kStatus:
      return {"status", "status"};
    case Word::kSince:
      return {"sinds", "since"};
    case Word::kDeadline:
      return {"termijn", "deadline"};
    case Word::kLatestFiche:
      return {"laatste fiche", "latest fiche"};
    case Word::kFicheUpToDate:
      return {"fiche actueel", "fiche up to date"};
    case Word::kReportingEntity:
      return {"rapporterende entiteit", "reporting entity"};
    case Word::kLeadMinisters:
      return {"trekkende ministers", "lead ministers"};
    case Word::kLeadMinister:
      return {"trekkende minister", "lead minister"};
    case Word::kByMinister:
      return {"Per trekkende minister", "By lead minister"};
    case Word::kByEntity:
      return {"Per rapporterende entiteit", "By reporting entity"};
    case Word::kFichesMissing:
      return {"ontbrekende fiches", "missing fiches"};
    case Word::kCompleteness:
      return {"Volledigheid", "Completeness"};
    case Word::kMissingFiches:
      return {"Ontbrekende jaarlijkse fiches", "Missing yearly fiches"};
    case Word::kMissingValues:
      return {"Ontbrekende waarden", "Missing values"};
    case Word::kOverdueActions:
      return {"Acties over termijn", "Overdue actions"};
    case Word::kMissingValueCount:
      return {"ontbrekende waarden", "missing values"};
    case Word::kYear:
      return {"jaar", "year"};
    case Word::kFrequency:
      return {"frequentie", "frequency"};
    case Word::kPeriod:
      return {"periode", "period"};
    case Word::kNone:
      return {"geen", "none"};
  }
  return {"", ""};
}

absl::string_view Pick(const Words& words, Language language) {
  return language == Language::kDutch ? words.dutch : words.english;
}

}  // namespace

absl::StatusOr<Language> ParseLanguage(absl::string_view code) {
  if (code == "nl") return Language::kDutch;
  if (code == "en") return Language::kEnglish;
  return UsageError(
      absl::StrCat("unknown --lang \"", code, "\": use nl or en"));
}

absl::string_view LanguageCode(Language language) {
  return language == Language::kDutch ? "nl" : "en";
}

absl::string_view Label(Word word, Language language) {
  return Pick(WordsOf(word), language);
}

std::string StatusText(v1::ActionStatus status, Language language) {
  if (language == Language::kEnglish) return StatusLabel(status);
  switch (status) {
    case v1::ACTION_STATUS_PLANNED:
      return "gepland";
    case v1::ACTION_STATUS_IN_PROGRESS:
      return "lopend";
    case v1::ACTION_STATUS_DELAYED:
      return "vertraagd";
    case v1::ACTION_STATUS_COMPLETED:
      return "gerealiseerd";
    case v1::ACTION_STATUS_STOPPED:
      return "stopgezet";
    default:
      return StatusLabel(status);
  }
}

std::string VerdictText(v1::Verdict verdict, Language language) {
  if (language == Language::kEnglish) return VerdictLabel(verdict);
  switch (verdict) {
    case v1::VERDICT_ON_TRACK:
      return "op koers";
    case v1::VERDICT_AT_RISK:
      return "risico";
    case v1::VERDICT_OFF_TRACK:
      return "niet op koers";
    case v1::VERDICT_NOT_ASSESSED:
      return "niet beoordeeld";
    default:
      return VerdictLabel(verdict);
  }
}

std::string FrequencyText(v1::ReportingFrequency frequency, Language language) {
  if (language == Language::kEnglish) return FrequencyLabel(frequency);
  switch (frequency) {
    case v1::REPORTING_FREQUENCY_MONTHLY:
      return "maandelijks";
    case v1::REPORTING_FREQUENCY_QUARTERLY:
      return "driemaandelijks";
    case v1::REPORTING_FREQUENCY_SEMIANNUAL:
      return "halfjaarlijks";
    case v1::REPORTING_FREQUENCY_YEARLY:
      return "jaarlijks";
    case v1::REPORTING_FREQUENCY_ONCE:
      return "eenmalig";
    default:
      return FrequencyLabel(frequency);
  }
}

std::string YesNoText(bool value, Language language) {
  if (language == Language::kEnglish) return YesNo(value);
  return value ? "ja" : "nee";
}

std::string NumberText(double value, Language language) {
  std::string text = FormatNumber(value);
  if (language == Language::kDutch) {
    std::replace(text.begin(), text.end(), '.', ',');
  }
  return text;
}

std::string PercentText(double fraction, Language language) {
  std::string text = FormatPercent(fraction);
  if (language == Language::kDutch) {
    std::replace(text.begin(), text.end(), '.', ',');
  }
  return text;
}

std::string LevelRankText(int32_t index, int32_t size, Language language) {
  return absl::StrCat(language == Language::kDutch ? "niveau " : "level ",
                      index + 1,
                      language == Language::kDutch ? " van " : " of ", size);
}

std::string PeriodText(absl::string_view from, absl::string_view to) {
  return absl::StrCat(from, " – ", to);
}

}  // namespace koers::clients
