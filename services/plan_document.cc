#include "services/plan_document.h"

#include <cmath>
#include <cstddef>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "storage/append_validation.h"
#include "storage/civil_date.h"
#include "storage/status_macros.h"

namespace koers::services {
namespace {

using RepeatedStrings = google::protobuf::RepeatedPtrField<std::string>;

constexpr size_t kMaxTitleBytes = 500;
constexpr size_t kMaxLegalBasisBytes = 500;
constexpr size_t kMaxDescriptionBytes = 5000;
// Lead ministers, reporting entities and partners.
constexpr size_t kMaxPartyBytes = 200;
constexpr size_t kMaxUnitBytes = 50;
constexpr size_t kMaxLevelBytes = 100;
constexpr int kMaxLeadMinisters = 10;
constexpr int kMaxPartners = 50;
constexpr int kMinScaleLevels = 2;
constexpr int kMaxScaleLevels = 10;
// Digits of the number in an objective id ("SD12") and in an action or
// indicator id ("SD1.A1234", "SD1.A1.I1234").
constexpr size_t kMaxObjectiveDigits = 2;
constexpr size_t kMaxItemDigits = 4;
// How much of an offending value an error message quotes.
constexpr size_t kQuotedBytes = 40;

// The calendar days of the plan period, both inclusive.
struct Period {
  absl::CivilDay start;
  absl::CivilDay end;
};

// Where each value (an id, a scale level) was first seen: value -> field
// path, to report repeats.
using FirstSeen = absl::flat_hash_map<std::string, std::string>;

// `text` in double quotes, cut to kQuotedBytes on a UTF-8 boundary.
std::string Quote(absl::string_view text) {
  if (text.size() <= kQuotedBytes) return absl::StrCat("\"", text, "\"");
  size_t end = kQuotedBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return absl::StrCat("\"", text.substr(0, end), "...\"");
}

// Every error of a plan document: "<path>: <problem; what is allowed>".
absl::Status Invalid(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

std::string Child(absl::string_view path, absl::string_view field) {
  return absl::StrCat(path, ".", field);
}

std::string Element(absl::string_view path, absl::string_view field,
                    int index) {
  return absl::StrCat(path, ".", field, "[", index, "]");
}

absl::Status CheckBytes(absl::string_view path, absl::string_view text,
                        size_t min_bytes, size_t max_bytes) {
  if (text.size() >= min_bytes && text.size() <= max_bytes) {
    return absl::OkStatus();
  }
  return Invalid(path, absl::StrCat("is ", text.size(), " bytes; expected ",
                                    min_bytes, " to ", max_bytes, " bytes"));
}

absl::Status CheckCount(absl::string_view path, int count, int min_count,
                        int max_count) {
  if (count >= min_count && count <= max_count) return absl::OkStatus();
  return Invalid(path, absl::StrCat("has ", count, " entries; expected ",
                                    min_count, " to ", max_count));
}

// A list of `min_count`..`max_count` strings of 1..`max_bytes` bytes each.
absl::Status CheckStrings(absl::string_view path, absl::string_view field,
                          const RepeatedStrings& values, int min_count,
                          int max_count, size_t max_bytes) {
  KOERS_RETURN_IF_ERROR(
      CheckCount(Child(path, field), values.size(), min_count, max_count));
  for (int i = 0; i < values.size(); ++i) {
    KOERS_RETURN_IF_ERROR(
        CheckBytes(Element(path, field, i), values[i], 1, max_bytes));
  }
  return absl::OkStatus();
}

absl::Status CheckUnique(absl::string_view path, absl::string_view value,
                         FirstSeen& seen) {
  const auto [first, inserted] =
      seen.try_emplace(std::string(value), std::string(path));
  if (inserted) return absl::OkStatus();
  return Invalid(path, absl::StrCat(Quote(value), " repeats ", first->second,
                                    "; each must be unique"));
}

// An enum field that must hold one of its named values other than the
// UNSPECIFIED zero.
absl::Status CheckEnumSet(absl::string_view path,
                          const google::protobuf::EnumDescriptor& type,
                          int value) {
  if (value != 0 && type.FindValueByNumber(value) != nullptr) {
    return absl::OkStatus();
  }
  std::string allowed;
  for (int i = 0; i < type.value_count(); ++i) {
    if (type.value(i)->number() == 0) continue;
    absl::StrAppend(&allowed, allowed.empty() ? "" : ", ",
                    type.value(i)->name());
  }
  const std::string problem =
      value == 0 ? "not set" : absl::StrCat("unknown value ", value);
  return Invalid(path, absl::StrCat(problem, "; expected one of ", allowed));
}

// True for a positive integer of at most `max_digits` digits, without
// leading zero.
bool IsPositiveNumber(absl::string_view digits, size_t max_digits) {
  if (digits.empty() || digits.size() > max_digits || digits[0] == '0') {
    return false;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// What IsPositiveNumber accepts, for error messages.
std::string NumberRule(size_t max_digits) {
  return absl::StrCat("n a positive integer of at most ", max_digits,
                      " digits without leading zero");
}

bool IsObjectiveId(absl::string_view id) {
  return absl::StartsWith(id, "SD") &&
         IsPositiveNumber(id.substr(2), kMaxObjectiveDigits);
}

// An action id under its objective ("SD1.A3", marker 'A') or an indicator id
// under its action ("SD1.A3.I2", marker 'I').
absl::Status CheckChildId(absl::string_view path, absl::string_view id,
                          absl::string_view parent_kind,
                          absl::string_view parent_id, char marker) {
  const std::string parent_prefix = absl::StrCat(parent_id, ".");
  const std::string prefix =
      absl::StrCat(parent_prefix, absl::string_view(&marker, 1));
  if (!absl::StartsWith(id, parent_prefix)) {
    return Invalid(path,
                   absl::StrCat(Quote(id), " must start with its ", parent_kind,
                                "'s id ", Quote(parent_prefix)));
  }
  if (absl::StartsWith(id, prefix) &&
      IsPositiveNumber(id.substr(prefix.size()), kMaxItemDigits)) {
    return absl::OkStatus();
  }
  return Invalid(path,
                 absl::StrCat(Quote(id), " is not ", prefix, "<n>; expected ",
                              NumberRule(kMaxItemDigits), ", for example ",
                              Quote(prefix + "1")));
}

// The parent's id repeated in a nested item: empty or equal to it.
absl::Status CheckParentRef(absl::string_view path, absl::string_view value,
                            absl::string_view parent_id) {
  if (value.empty() || value == parent_id) return absl::OkStatus();
  return Invalid(path, absl::StrCat(Quote(value), " differs from the id of ",
                                    "the item it is nested in; expected ",
                                    Quote(parent_id), " or empty"));
}

// Refuses `later` before `earlier`; both are fields of the item at `path`.
absl::Status CheckOrder(absl::string_view path, absl::string_view earlier_field,
                        absl::CivilDay earlier, absl::string_view later_field,
                        absl::CivilDay later) {
  if (earlier <= later) return absl::OkStatus();
  return Invalid(
      Child(path, later_field),
      absl::StrCat(Quote(storage::FormatIsoDate(later)), " is before ",
                   earlier_field, " ", Quote(storage::FormatIsoDate(earlier)),
                   "; expected on or after it"));
}

absl::StatusOr<absl::CivilDay> ParseDateInPeriod(absl::string_view path,
                                                 absl::string_view text,
                                                 const Period& period) {
  KOERS_ASSIGN_OR_RETURN(const absl::CivilDay day,
                         storage::ParseIsoDate(text, path));
  if (day >= period.start && day <= period.end) return day;
  return Invalid(path,
                 absl::StrCat(Quote(text),
                              " is outside the plan period; expected a date "
                              "from ",
                              storage::FormatIsoDate(period.start), " to ",
                              storage::FormatIsoDate(period.end)));
}

// Two dates of the item at `path`, both within the period, in order.
absl::Status CheckDates(absl::string_view path, absl::string_view first_field,
                        absl::string_view first, absl::string_view second_field,
                        absl::string_view second, const Period& period) {
  KOERS_ASSIGN_OR_RETURN(
      const absl::CivilDay from,
      ParseDateInPeriod(Child(path, first_field), first, period));
  KOERS_ASSIGN_OR_RETURN(
      const absl::CivilDay to,
      ParseDateInPeriod(Child(path, second_field), second, period));
  return CheckOrder(path, first_field, from, second_field, to);
}

absl::StatusOr<Period> ParsePeriod(const v1::Plan& plan) {
  Period period;
  KOERS_ASSIGN_OR_RETURN(
      period.start,
      storage::ParseIsoDate(plan.period_start(), "plan.period_start"));
  KOERS_ASSIGN_OR_RETURN(
      period.end, storage::ParseIsoDate(plan.period_end(), "plan.period_end"));
  KOERS_RETURN_IF_ERROR(CheckOrder("plan", "period_start", period.start,
                                   "period_end", period.end));
  return period;
}

absl::Status CheckPlanId(absl::string_view id) {
  if (!storage::IsValidStreamName(id)) {
    return Invalid("plan.id", absl::StrCat(Quote(id),
                                           " is not a valid plan id; expected "
                                           "1 to 128 characters of A-Z a-z "
                                           "0-9 . _ : -"));
  }
  if (id == "snapshots") {
    return Invalid("plan.id",
                   "\"snapshots\" is the stream of evaluation snapshots; "
                   "expected another id");
  }
  if (absl::StartsWith(id, "SD") && id.size() > 2 && id[2] >= '0' &&
      id[2] <= '9') {
    return Invalid("plan.id",
                   absl::StrCat(Quote(id),
                                " would share its stream with an objective, "
                                "action or indicator; expected an id that "
                                "does not start with \"SD\" and a digit"));
  }
  return absl::OkStatus();
}

absl::Status CheckTotals(const v1::Plan& plan) {
  int actions = 0;
  int indicators = 0;
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    actions += objective.actions_size();
    for (const v1::Action& action : objective.actions()) {
      indicators += action.indicators_size();
    }
  }
  if (actions > kMaxActions) {
    return Invalid("plan",
                   absl::StrCat("has ", actions, " actions; expected at most ",
                                kMaxActions));
  }
  if (indicators > kMaxIndicators) {
    return Invalid(
        "plan", absl::StrCat("has ", indicators,
                             " indicators; expected at most ", kMaxIndicators));
  }
  return absl::OkStatus();
}

absl::Status CheckFinite(absl::string_view path,
                         const v1::QuantitativeSpec& spec) {
  struct Number {
    absl::string_view field;
    bool given;
    double value;
  };
  const Number numbers[] = {
      {"baseline_value", true, spec.baseline_value()},
      {"target_value", true, spec.target_value()},
      {"min_allowed", spec.has_min_allowed(), spec.min_allowed()},
      {"max_allowed", spec.has_max_allowed(), spec.max_allowed()},
      {"band_low", spec.has_band_low(), spec.band_low()},
      {"band_high", spec.has_band_high(), spec.band_high()},
  };
  for (const Number& number : numbers) {
    if (number.given && !std::isfinite(number.value)) {
      return Invalid(Child(path, number.field),
                     absl::StrCat(number.value, " is not a finite number"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckWithinAllowed(absl::string_view path, absl::string_view field,
                                double value,
                                const v1::QuantitativeSpec& spec) {
  if (spec.has_min_allowed() && value < spec.min_allowed()) {
    return Invalid(Child(path, field),
                   absl::StrCat(value, " is below min_allowed ",
                                spec.min_allowed(), "; expected at least it"));
  }
  if (spec.has_max_allowed() && value > spec.max_allowed()) {
    return Invalid(Child(path, field),
                   absl::StrCat(value, " is above max_allowed ",
                                spec.max_allowed(), "; expected at most it"));
  }
  return absl::OkStatus();
}

absl::Status CheckAllowedRange(absl::string_view path,
                               const v1::QuantitativeSpec& spec) {
  if (spec.has_min_allowed() && spec.has_max_allowed() &&
      spec.min_allowed() > spec.max_allowed()) {
    return Invalid(Child(path, "max_allowed"),
                   absl::StrCat(spec.max_allowed(), " is below min_allowed ",
                                spec.min_allowed(), "; expected at least it"));
  }
  KOERS_RETURN_IF_ERROR(
      CheckWithinAllowed(path, "baseline_value", spec.baseline_value(), spec));
  return CheckWithinAllowed(path, "target_value", spec.target_value(), spec);
}

absl::Status CheckDirection(absl::string_view path,
                            const v1::QuantitativeSpec& spec) {
  const double baseline = spec.baseline_value();
  const double target = spec.target_value();
  switch (spec.direction()) {
    case v1::DIRECTION_INCREASE:
      if (target > baseline) return absl::OkStatus();
      return Invalid(
          Child(path, "target_value"),
          absl::StrCat(target, " is not above baseline_value ", baseline,
                       "; DIRECTION_INCREASE expects a higher target"));
    case v1::DIRECTION_DECREASE:
      if (target < baseline) return absl::OkStatus();
      return Invalid(
          Child(path, "target_value"),
          absl::StrCat(target, " is not below baseline_value ", baseline,
                       "; DIRECTION_DECREASE expects a lower target"));
    case v1::DIRECTION_WITHIN_BAND:
      if (!spec.has_band_low() || !spec.has_band_high()) {
        return Invalid(
            Child(path, spec.has_band_low() ? "band_high" : "band_low"),
            "not set; DIRECTION_WITHIN_BAND expects band_low and band_high");
      }
      if (spec.band_low() <= spec.band_high()) return absl::OkStatus();
      return Invalid(Child(path, "band_high"),
                     absl::StrCat(spec.band_high(), " is below band_low ",
                                  spec.band_low(), "; expected at least it"));
    default:  // DIRECTION_UNSPECIFIED: CheckEnumSet refused it before.
      return absl::OkStatus();
  }
}

absl::Status ValidateQuantitative(absl::string_view path,
                                  const v1::QuantitativeSpec& spec,
                                  const Period& period) {
  KOERS_RETURN_IF_ERROR(
      CheckBytes(Child(path, "unit"), spec.unit(), 1, kMaxUnitBytes));
  KOERS_RETURN_IF_ERROR(CheckEnumSet(
      Child(path, "direction"), *v1::Direction_descriptor(), spec.direction()));
  KOERS_RETURN_IF_ERROR(CheckEnumSet(
      Child(path, "nature"), *v1::ValueNature_descriptor(), spec.nature()));
  KOERS_RETURN_IF_ERROR(CheckDates(path, "baseline_date", spec.baseline_date(),
                                   "target_date", spec.target_date(), period));
  KOERS_RETURN_IF_ERROR(CheckFinite(path, spec));
  KOERS_RETURN_IF_ERROR(CheckAllowedRange(path, spec));
  return CheckDirection(path, spec);
}

absl::Status CheckLevel(absl::string_view path, absl::string_view field,
                        absl::string_view level, const RepeatedStrings& scale) {
  for (const std::string& known : scale) {
    if (known == level) return absl::OkStatus();
  }
  return Invalid(
      Child(path, field),
      absl::StrCat(
          Quote(level), " is not a level of the scale; expected one of ",
          absl::StrJoin(scale, ", ",
                        [](std::string* out, const std::string& known) {
                          out->append(Quote(known));
                        })));
}

absl::Status ValidateQualitative(absl::string_view path,
                                 const v1::QualitativeSpec& spec,
                                 const Period& period) {
  KOERS_RETURN_IF_ERROR(CheckStrings(path, "scale", spec.scale(),
                                     kMinScaleLevels, kMaxScaleLevels,
                                     kMaxLevelBytes));
  FirstSeen levels;
  for (int i = 0; i < spec.scale_size(); ++i) {
    KOERS_RETURN_IF_ERROR(
        CheckUnique(Element(path, "scale", i), spec.scale(i), levels));
  }
  KOERS_RETURN_IF_ERROR(
      CheckLevel(path, "baseline_level", spec.baseline_level(), spec.scale()));
  KOERS_RETURN_IF_ERROR(
      CheckLevel(path, "target_level", spec.target_level(), spec.scale()));
  return CheckDates(path, "baseline_date", spec.baseline_date(), "target_date",
                    spec.target_date(), period);
}

// Walks the document top-down, stopping at the first broken rule.
class DocumentValidator {
 public:
  explicit DocumentValidator(const Period& period) : period_(period) {}

  absl::Status ValidateObjective(absl::string_view path,
                                 const v1::StrategicObjective& objective);

 private:
  absl::Status ValidateAction(absl::string_view path, const v1::Action& action,
                              absl::string_view objective_id);
  absl::Status ValidateIndicator(absl::string_view path,
                                 const v1::Indicator& indicator,
                                 absl::string_view action_id);

  const Period period_;
  FirstSeen ids_;
};

absl::Status DocumentValidator::ValidateObjective(
    absl::string_view path, const v1::StrategicObjective& objective) {
  if (!IsObjectiveId(objective.id())) {
    return Invalid(
        Child(path, "id"),
        absl::StrCat(Quote(objective.id()),
                     " is not an objective id; expected SD<n> with ",
                     NumberRule(kMaxObjectiveDigits), ", for example \"SD1\""));
  }
  KOERS_RETURN_IF_ERROR(CheckUnique(Child(path, "id"), objective.id(), ids_));
  KOERS_RETURN_IF_ERROR(
      CheckBytes(Child(path, "title"), objective.title(), 1, kMaxTitleBytes));
  KOERS_RETURN_IF_ERROR(CheckBytes(Child(path, "description"),
                                   objective.description(), 0,
                                   kMaxDescriptionBytes));
  for (int i = 0; i < objective.actions_size(); ++i) {
    KOERS_RETURN_IF_ERROR(ValidateAction(Element(path, "actions", i),
                                         objective.actions(i), objective.id()));
  }
  return absl::OkStatus();
}

absl::Status DocumentValidator::ValidateAction(absl::string_view path,
                                               const v1::Action& action,
                                               absl::string_view objective_id) {
  const std::string id_path = Child(path, "id");
  KOERS_RETURN_IF_ERROR(
      CheckChildId(id_path, action.id(), "objective", objective_id, 'A'));
  KOERS_RETURN_IF_ERROR(CheckUnique(id_path, action.id(), ids_));
  KOERS_RETURN_IF_ERROR(CheckParentRef(Child(path, "objective_id"),
                                       action.objective_id(), objective_id));
  KOERS_RETURN_IF_ERROR(
      CheckBytes(Child(path, "title"), action.title(), 1, kMaxTitleBytes));
  KOERS_RETURN_IF_ERROR(CheckBytes(Child(path, "description"),
                                   action.description(), 0,
                                   kMaxDescriptionBytes));
  KOERS_RETURN_IF_ERROR(CheckStrings(path, "lead_ministers",
                                     action.lead_ministers(), 1,
                                     kMaxLeadMinisters, kMaxPartyBytes));
  KOERS_RETURN_IF_ERROR(CheckBytes(Child(path, "reporting_entity"),
                                   action.reporting_entity(), 1,
                                   kMaxPartyBytes));
  KOERS_RETURN_IF_ERROR(CheckStrings(path, "partners", action.partners(), 0,
                                     kMaxPartners, kMaxPartyBytes));
  KOERS_RETURN_IF_ERROR(CheckDates(path, "start_date", action.start_date(),
                                   "deadline", action.deadline(), period_));
  for (int i = 0; i < action.indicators_size(); ++i) {
    KOERS_RETURN_IF_ERROR(ValidateIndicator(Element(path, "indicators", i),
                                            action.indicators(i), action.id()));
  }
  return absl::OkStatus();
}

absl::Status DocumentValidator::ValidateIndicator(
    absl::string_view path, const v1::Indicator& indicator,
    absl::string_view action_id) {
  const std::string id_path = Child(path, "id");
  KOERS_RETURN_IF_ERROR(
      CheckChildId(id_path, indicator.id(), "action", action_id, 'I'));
  KOERS_RETURN_IF_ERROR(CheckUnique(id_path, indicator.id(), ids_));
  KOERS_RETURN_IF_ERROR(CheckParentRef(Child(path, "action_id"),
                                       indicator.action_id(), action_id));
  KOERS_RETURN_IF_ERROR(
      CheckBytes(Child(path, "name"), indicator.name(), 1, kMaxTitleBytes));
  KOERS_RETURN_IF_ERROR(CheckBytes(Child(path, "description"),
                                   indicator.description(), 0,
                                   kMaxDescriptionBytes));
  KOERS_RETURN_IF_ERROR(CheckEnumSet(Child(path, "frequency"),
                                     *v1::ReportingFrequency_descriptor(),
                                     indicator.frequency()));
  switch (indicator.spec_case()) {
    case v1::Indicator::kQuantitative:
      return ValidateQuantitative(Child(path, "quantitative"),
                                  indicator.quantitative(), period_);
    case v1::Indicator::kQualitative:
      return ValidateQualitative(Child(path, "qualitative"),
                                 indicator.qualitative(), period_);
    case v1::Indicator::SPEC_NOT_SET:
      break;
  }
  return Invalid(path, "has no spec; expected quantitative or qualitative");
}

}  // namespace

absl::Status ValidatePlanDocument(const v1::Plan& plan) {
  KOERS_RETURN_IF_ERROR(CheckPlanId(plan.id()));
  KOERS_RETURN_IF_ERROR(
      CheckBytes("plan.title", plan.title(), 1, kMaxTitleBytes));
  KOERS_RETURN_IF_ERROR(CheckBytes("plan.legal_basis", plan.legal_basis(), 0,
                                   kMaxLegalBasisBytes));
  KOERS_ASSIGN_OR_RETURN(const Period period, ParsePeriod(plan));
  KOERS_RETURN_IF_ERROR(
      CheckCount("plan.objectives", plan.objectives_size(), 1, kMaxObjectives));
  KOERS_RETURN_IF_ERROR(CheckTotals(plan));
  DocumentValidator validator(period);
  for (int i = 0; i < plan.objectives_size(); ++i) {
    KOERS_RETURN_IF_ERROR(validator.ValidateObjective(
        Element("plan", "objectives", i), plan.objectives(i)));
  }
  return absl::OkStatus();
}

v1::Plan PlanHeader(const v1::Plan& plan) {
  v1::Plan header = plan;
  for (v1::StrategicObjective& objective : *header.mutable_objectives()) {
    objective.clear_actions();
  }
  return header;
}

v1::Action ActionDefinition(const v1::Action& action,
                            absl::string_view objective_id) {
  v1::Action definition = action;
  definition.clear_indicators();
  definition.set_objective_id(std::string(objective_id));
  return definition;
}

v1::Indicator IndicatorDefinition(const v1::Indicator& indicator,
                                  absl::string_view action_id) {
  v1::Indicator definition = indicator;
  definition.set_action_id(std::string(action_id));
  return definition;
}

}  // namespace koers::services
