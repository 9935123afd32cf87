#include "services/progress.h"

#include <map>
#include <string>

#include "storage/civil_date.h"

namespace koers::services {
namespace {

void FillIndicator(const v1::Indicator& definition,
                   const IndicatorRecord& record, absl::CivilDay day,
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
  } else {
    out->set_scale_size(definition.qualitative().scale_size());
  }
  const MeasurementRecord* value = PlanState::ValueOn(record, day);
  if (value == nullptr) return;
  out->set_has_value(true);
  out->set_value_date(storage::FormatIsoDate(value->date));
  out->set_value_event_id(value->event_id);
  if (definition.has_quantitative()) {
    out->set_number(value->number);
    if (auto fraction =
            ProgressFraction(definition.quantitative(), value->number)) {
      out->set_progress(*fraction);
    }
    return;
  }
  out->set_level(value->level);
  const auto& scale = definition.qualitative().scale();
  for (int i = 0; i < scale.size(); ++i) {
    if (scale[i] == value->level) out->set_level_index(i);
  }
}

void FillAction(const v1::Action& definition, const ActionRecord& record,
                absl::CivilDay day, v1::ActionProgress* out) {
  out->set_action_id(definition.id());
  out->set_objective_id(definition.objective_id());
  out->set_title(definition.title());
  std::optional<absl::CivilDay> since;
  const v1::ActionStatus status = PlanState::StatusOn(record, day, &since);
  out->set_status(status);
  out->set_status_since(since.has_value() ? storage::FormatIsoDate(*since)
                                          : definition.start_date());
  out->set_deadline(definition.deadline());
  out->set_overdue(storage::FormatIsoDate(day) > definition.deadline() &&
                   status != v1::ACTION_STATUS_COMPLETED &&
                   status != v1::ACTION_STATUS_STOPPED);
  *out->mutable_lead_ministers() = definition.lead_ministers();
  out->set_reporting_entity(definition.reporting_entity());
  int latest_year = 0;
  for (const FicheUpdate& fiche : record.fiche_updates) {
    if (fiche.date <= day && fiche.year > latest_year) latest_year = fiche.year;
  }
  out->set_latest_fiche_year(latest_year);
  out->set_fiche_up_to_date(latest_year >= day.year());
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

v1::GetProgressResponse BuildProgress(const PlanState& state,
                                      absl::CivilDay day) {
  v1::GetProgressResponse response;
  response.set_as_of_date(storage::FormatIsoDate(day));
  response.set_position(state.position());
  const v1::Plan plan = state.PlanAsOf(day);
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    v1::ObjectiveProgress* summary = response.add_objectives();
    summary->set_objective_id(objective.id());
    summary->set_title(objective.title());
    std::map<v1::ActionStatus, uint32_t> by_status;
    for (const v1::Action& action : objective.actions()) {
      v1::ActionProgress* progress = response.add_actions();
      FillAction(action, *state.FindAction(action.id()), day, progress);
      ++by_status[progress->status()];
      summary->set_actions(summary->actions() + 1);
      if (progress->overdue()) summary->set_overdue(summary->overdue() + 1);
      for (const v1::Indicator& indicator : action.indicators()) {
        FillIndicator(indicator, *state.FindIndicator(indicator.id()), day,
                      response.add_indicators());
      }
    }
    for (const auto& [status, count] : by_status) {
      v1::StatusCount* entry = summary->add_by_status();
      entry->set_status(status);
      entry->set_count(count);
    }
  }
  return response;
}

}  // namespace koers::services
