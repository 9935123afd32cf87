// The words of a report (koers report) and of the tables koers shares with
// it, in Dutch (the default: the words the plan's users know) or English.
// English enum words are the CLI's own (labels.h), so the two never differ.
// Pure functions; thread-safe.
#ifndef KOERS_CLIENTS_REPORT_LABELS_H_
#define KOERS_CLIENTS_REPORT_LABELS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "koers/v1/plan.pb.h"
#include "koers/v1/query_service.pb.h"

namespace koers::clients {

enum class Language { kDutch, kEnglish };

// "nl" or "en"; anything else is a usage error naming both.
absl::StatusOr<Language> ParseLanguage(absl::string_view code);

// "nl" or "en", for <html lang>.
absl::string_view LanguageCode(Language language);

// Every fixed word or phrase a report shows.
enum class Word {
  kReportTitle,
  kSnapshotTitle,
  kField,
  kValue,
  kAsOf,
  kKnownAtPosition,
  kName,
  kSeenPosition,
  kDigest,
  kHeadHash,
  kTakenAt,
  kTakenBy,
  kEventPosition,
  kCompletenessPeriod,
  kObjectives,
  kObjective,
  kId,
  kTitle,
  kActions,
  kActionCount,
  kAction,
  kActionTitle,
  kActionStatus,
  kByStatus,
  kOverdue,
  kByVerdict,
  kIndicators,
  kIndicator,
  kKind,
  kQuantitative,
  kQualitative,
  kUnit,
  kDate,
  kBaseline,
  kTarget,
  kTargetDate,
  kBaselineToTarget,
  kProgress,
  kExpected,
  kVerdict,
  kTrends,
  kNoValuesYet,
  kStatus,
  kSince,
  kDeadline,
  kLatestFiche,
  kFicheUpToDate,
  kReportingEntity,
  kLeadMinisters,
  kLeadMinister,
  kByMinister,
  kByEntity,
  kFichesMissing,
  kCompleteness,
  kMissingFiches,
  kMissingValues,
  kOverdueActions,
  kMissingValueCount,
  kYear,
  kFrequency,
  kPeriod,
  kNone,
};

absl::string_view Label(Word word, Language language);

// Statuses (gepland, lopend, vertraagd, gerealiseerd, stopgezet), verdicts
// (op koers, risico, niet op koers, niet beoordeeld) and reporting
// frequencies; "" for an UNSPECIFIED value.
std::string StatusText(v1::ActionStatus status, Language language);
std::string VerdictText(v1::Verdict verdict, Language language);
std::string FrequencyText(v1::ReportingFrequency frequency, Language language);

// "ja"/"nee", "yes"/"no".
std::string YesNoText(bool value, Language language);

// A number as typed (labels.h FormatNumber), with a decimal comma in Dutch.
std::string NumberText(double value, Language language);

// A fraction as a percentage with one decimal: "50,0%" / "50.0%".
std::string PercentText(double fraction, Language language);

// A qualitative level's rank: "niveau 2 van 4" / "level 2 of 4".
std::string LevelRankText(int32_t index, int32_t size, Language language);

// A period: "2027-01-01 – 2027-12-31".
std::string PeriodText(absl::string_view from, absl::string_view to);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_REPORT_LABELS_H_
