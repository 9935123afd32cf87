#include "services/progress.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "storage/civil_date.h"

namespace koers::services {
namespace {

// How far progress may trail the elapsed share of time (see v1::Verdict).
constexpr double kOnTrackSlack = 0.10;
constexpr double kAtRiskSlack = 0.25;

void FillDefinition(const v1::Indicator& definition,
                    v1::IndicatorProgress* out) {
  out->set_indicator_id(definition.id());
  out->set_action_id(definition.action_id());
  out->set_name(definition.name());
  out->set_quantitative(definition.has_quantitative());
  if (definition.has_quantitative()) {
    const v1::QuantitativeSpec& spec = definition.quantitative();
    out->set_unit(spec.unit());
    out->set_baseline_value(spec.baseline_value());
    out->set_target_value(spec.target_value());
    out->set_direction(spec.direction());
    out->set_baseline_date(spec.baseline_date());
    out->set_target_date(spec.target_date());
    if (spec.has_band_low()) out->set_band_low(spec.band_low());
    if (spec.has_band_high()) out->set_band_high(spec.band_high());
    return;
  }
  const v1::QualitativeSpec& spec = definition.qualitative();
  out->set_scale_size(spec.scale_size());
  *out->mutable_scale_levels() = spec.scale();
  out->set_target_level(spec.target_level());
  out->set_baseline_date(spec.baseline_date());
  out->set_target_date(spec.target_date());
}

// `value`: the value in force (nullptr when none).
void FillIndicator(const v1::Indicator& definition,
                   const MeasurementRecord* value, absl::CivilDay day,
                   v1::IndicatorProgress* out) {
  FillDefinition(definition, out);
  if (value != nullptr) {
    out->set_has_value(true);
    out->set_value_date(storage::FormatIsoDate(value->date));
    out->set_value_event_id(value->event_id.ToString());
    out->set_value_position(value->position);
  }
  if (!definition.has_quantitative()) {
    if (value == nullptr) return;
    out->set_level(value->level);
    const auto& scale = definition.qualitative().scale();
    for (int i = 0; i < scale.size(); ++i) {
      if (scale[i] == value->level) out->set_level_index(i);
    }
    return;
  }
  const v1::QuantitativeSpec& spec = definition.quantitative();
  std::optional<double> progress;
  if (value != nullptr) {
    out->set_number(value->number);
    progress = ProgressFraction(spec, value->number);
    if (progress.has_value()) out->set_progress(*progress);
  }
  const std::optional<double> expected = ExpectedProgress(spec, day);
  if (expected.has_value()) out->set_expected_progress(*expected);
  out->set_verdict(JudgeProgress(spec, progress, expected));
}

void FillAction(const v1::Action& definition, const ActionRecord& record,
                absl::CivilDay day, uint64_t known_at,
                v1::ActionProgress* out) {
  out->set_action_id(definition.id());
  out->set_objective_id(definition.objective_id());
  out->set_title(definition.title());
  std::optional<absl::CivilDay> since;
  const v1::ActionStatus status =
      PlanState::StatusOn(record, day, known_at, &since);
  out->set_status(status);
  out->set_status_since(since.has_value() ? storage::FormatIsoDate(*since)
                                          : definition.start_date());
  out->set_deadline(definition.deadline());
  out->set_overdue(storage::FormatIsoDate(day) > definition.deadline() &&
                   status != v1::ACTION_STATUS_COMPLETED &&
                   status != v1::ACTION_STATUS_STOPPED);
  *out->mutable_lead_ministers() = definition.lead_ministers();
  out->set_reporting_entity(definition.reporting_entity());
  const int latest_year = PlanState::LatestFicheYear(record, day, known_at);
  out->set_latest_fiche_year(latest_year);
  out->set_fiche_up_to_date(latest_year >= day.year());
}

// Counts by status and verdict, for an objective or a roll-up.
struct Tally {
  uint32_t actions = 0;
  uint32_t overdue = 0;
  uint32_t fiches_missing = 0;
  std::map<v1::ActionStatus, uint32_t> by_status;
  std::map<v1::Verdict, uint32_t> by_verdict;

  void AddAction(const v1::ActionProgress& action) {
    ++actions;
    ++by_status[action.status()];
    if (action.overdue()) ++overdue;
    if (!action.fiche_up_to_date()) ++fiches_missing;
  }
  void AddIndicator(const v1::IndicatorProgress& indicator) {
    if (indicator.quantitative()) ++by_verdict[indicator.verdict()];
  }
  template <typename Out>
  void Write(Out* out) const {
    out->set_actions(actions);
    out->set_overdue(overdue);
    for (const auto& [status, count] : by_status) {
      v1::StatusCount* entry = out->add_by_status();
      entry->set_status(status);
      entry->set_count(count);
    }
    for (const auto& [verdict, count] : by_verdict) {
      v1::VerdictCount* entry = out->add_by_verdict();
      entry->set_verdict(verdict);
      entry->set_count(count);
    }
  }
};

void WriteRollUps(const std::map<std::string, Tally>& tallies,
                  google::protobuf::RepeatedPtrField<v1::RollUp>* out) {
  for (const auto& [key, tally] : tallies) {
    v1::RollUp* rollup = out->Add();
    rollup->set_key(key);
    tally.Write(rollup);
    rollup->set_fiches_missing(tally.fiches_missing);
  }
}

}  // namespace

std::optional<double> ProgressFraction(const v1::QuantitativeSpec& spec,
                                       double value) {
  if (spec.direction() == v1::DIRECTION_WITHIN_BAND) {
    return value >= spec.band_low() && value <= spec.band_high() ? 1.0 : 0.0;
  }
  const double span = spec.target_value() - spec.baseline_value();
  if (span == 0) return std::nullopt;
  return (value - spec.baseline_value()) / span;
}

std::optional<double> ExpectedProgress(const v1::QuantitativeSpec& spec,
                                       absl::CivilDay day) {
  auto baseline = storage::ParseIsoDate(spec.baseline_date(), "");
  auto target = storage::ParseIsoDate(spec.target_date(), "");
  if (!baseline.ok() || !target.ok() || *target <= *baseline) {
    return std::nullopt;
  }
  const double elapsed = static_cast<double>(day - *baseline) /
                         static_cast<double>(*target - *baseline);
  return std::clamp(elapsed, 0.0, 1.0);
}

v1::Verdict JudgeProgress(const v1::QuantitativeSpec& spec,
                          std::optional<double> progress,
                          std::optional<double> expected) {
  if (!progress.has_value()) return v1::VERDICT_NOT_ASSESSED;
  if (spec.direction() == v1::DIRECTION_WITHIN_BAND || *progress >= 1.0) {
    return *progress >= 1.0 ? v1::VERDICT_ON_TRACK : v1::VERDICT_OFF_TRACK;
  }
  if (!expected.has_value()) return v1::VERDICT_NOT_ASSESSED;
  const double shortfall = *expected - *progress;
  if (shortfall <= kOnTrackSlack) return v1::VERDICT_ON_TRACK;
  if (shortfall <= kAtRiskSlack) return v1::VERDICT_AT_RISK;
  return v1::VERDICT_OFF_TRACK;
}

v1::GetProgressResponse BuildProgress(const PlanState& state,
                                      absl::CivilDay day, uint64_t known_at,
                                      uint64_t position) {
  v1::GetProgressResponse response;
  response.set_as_of_date(storage::FormatIsoDate(day));
  response.set_position(position);
  const PlanView plan = state.ViewAsOf(day, known_at);
  if (plan.header == nullptr) return response;
  // The values in force first, all together: on a long log their cache
  // misses are most of the cost, the indicators' data being spread over a
  // large heap, and looked up together they overlap.
  std::vector<const IndicatorRecord*> indicators;
  for (const PlanView::ObjectiveEntry& objective : plan.objectives) {
    for (const PlanView::ActionEntry& action : objective.actions) {
      for (const PlanView::IndicatorEntry& indicator : action.indicators) {
        indicators.push_back(indicator.record);
      }
    }
  }
  const std::vector<const MeasurementRecord*> values =
      PlanState::ValuesOn(indicators, day, known_at);
  response.mutable_indicators()->Reserve(static_cast<int>(values.size()));
  size_t next_value = 0;
  response.set_plan_id(plan.header->id());
  response.set_plan_title(plan.header->title());
  std::map<std::string, Tally> by_minister;
  std::map<std::string, Tally> by_entity;
  for (const PlanView::ObjectiveEntry& objective : plan.objectives) {
    v1::ObjectiveProgress* summary = response.add_objectives();
    summary->set_objective_id(objective.definition->id());
    summary->set_title(objective.definition->title());
    Tally tally;
    for (const PlanView::ActionEntry& action : objective.actions) {
      v1::ActionProgress* progress = response.add_actions();
      FillAction(*action.definition, *action.record, day, known_at, progress);
      std::vector<Tally*> tallies = {
          &tally, &by_entity[action.definition->reporting_entity()]};
      for (const std::string& minister : action.definition->lead_ministers()) {
        tallies.push_back(&by_minister[minister]);
      }
      for (Tally* each : tallies) each->AddAction(*progress);
      for (const PlanView::IndicatorEntry& indicator : action.indicators) {
        v1::IndicatorProgress* out = response.add_indicators();
        FillIndicator(*indicator.definition, values[next_value++], day, out);
        for (Tally* each : tallies) each->AddIndicator(*out);
      }
    }
    tally.Write(summary);
  }
  WriteRollUps(by_minister, response.mutable_by_minister());
  WriteRollUps(by_entity, response.mutable_by_entity());
  return response;
}

}  // namespace koers::services
