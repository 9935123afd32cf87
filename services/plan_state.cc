#include "services/plan_state.h"

#include <utility>

#include "storage/civil_date.h"

namespace koers::services {
namespace {

// Valid dates in the log were checked on the way in; a bad one here means a
// log written by something else, and the epoch is a harmless stand-in.
absl::CivilDay ValidDay(const v1::Event& event) {
  auto day = storage::ParseIsoDate(event.valid_date(), "valid_date");
  return day.ok() ? *day : absl::CivilDay(1970, 1, 1);
}

template <typename T>
const T* Latest(const std::vector<DefinitionVersion<T>>& versions) {
  if (versions.empty() || !versions.back().definition.has_value()) {
    return nullptr;
  }
  return &*versions.back().definition;
}

template <typename Map>
const typename Map::mapped_type* Find(const Map& map, absl::string_view id) {
  auto it = map.find(std::string(id));
  return it == map.end() ? nullptr : &it->second;
}

MeasurementRecord ValueFrom(const v1::Event& event, bool has_number,
                            double number, const std::string& level) {
  MeasurementRecord value;
  value.event_id = event.event_id();
  value.date = ValidDay(event);
  value.position = event.position();
  value.is_number = has_number;
  value.number = number;
  value.level = level;
  return value;
}

}  // namespace

void PlanState::Apply(const v1::Event& event) {
  position_ = event.position();
  switch (event.payload_case()) {
    case v1::Event::kPlanAdopted:
      ApplyPlanHeader(event, event.plan_adopted().plan());
      break;
    case v1::Event::kPlanRevised:
      ApplyPlanHeader(event, event.plan_revised().plan());
      break;
    case v1::Event::kActionDefined:
      ApplyAction(event, event.action_defined().action());
      break;
    case v1::Event::kActionRevised:
      ApplyAction(event, event.action_revised().action());
      break;
    case v1::Event::kActionWithdrawn:
      ApplyAction(event, std::nullopt);
      break;
    case v1::Event::kIndicatorDefined:
      ApplyIndicator(event, event.indicator_defined().indicator());
      break;
    case v1::Event::kIndicatorRevised:
      ApplyIndicator(event, event.indicator_revised().indicator());
      break;
    case v1::Event::kIndicatorRetired:
      ApplyIndicator(event, std::nullopt);
      break;
    case v1::Event::kMeasurementRecorded: {
      const v1::MeasurementRecorded& m = event.measurement_recorded();
      ApplyValue(event,
                 ValueFrom(event, m.has_number(), m.number(), m.level()));
      break;
    }
    case v1::Event::kMeasurementCorrected: {
      const v1::MeasurementCorrected& c = event.measurement_corrected();
      MeasurementRecord value =
          ValueFrom(event, c.has_number(), c.number(), c.level());
      value.supersedes = c.supersedes_event_id();
      ApplyValue(event, std::move(value));
      break;
    }
    case v1::Event::kActionStatusChanged: {
      ActionRecord& action = actions_[event.stream()];
      action.revision = event.stream_revision();
      action.status_changes.push_back(StatusChange{
          ValidDay(event), event.position(),
          event.action_status_changed().to_status(), event.event_id()});
      break;
    }
    case v1::Event::kFicheUpdated: {
      ActionRecord& action = actions_[event.stream()];
      action.revision = event.stream_revision();
      action.fiche_updates.push_back(
          FicheUpdate{event.fiche_updated().year(), ValidDay(event),
                      event.position(), event.event_id()});
      break;
    }
    case v1::Event::kEvaluationSnapshotTaken:
    case v1::Event::PAYLOAD_NOT_SET:
      break;
  }
}

void PlanState::ApplyPlanHeader(const v1::Event& event, const v1::Plan& plan) {
  plan_versions_.push_back({ValidDay(event), event.position(), plan});
}

void PlanState::ApplyAction(const v1::Event& event,
                            std::optional<v1::Action> definition) {
  ActionRecord& action = actions_[event.stream()];
  action.revision = event.stream_revision();
  action.versions.push_back(
      {ValidDay(event), event.position(), std::move(definition)});
}

void PlanState::ApplyIndicator(const v1::Event& event,
                               std::optional<v1::Indicator> definition) {
  IndicatorRecord& indicator = indicators_[event.stream()];
  indicator.revision = event.stream_revision();
  indicator.versions.push_back(
      {ValidDay(event), event.position(), std::move(definition)});
}

void PlanState::ApplyValue(const v1::Event& event, MeasurementRecord value) {
  IndicatorRecord& indicator = indicators_[event.stream()];
  indicator.revision = event.stream_revision();
  if (!value.supersedes.empty()) {
    auto replaced = indicator.value_index.find(value.supersedes);
    if (replaced != indicator.value_index.end()) {
      indicator.values[replaced->second].superseded_by = value.event_id;
    }
  }
  indicator.value_index[value.event_id] = indicator.values.size();
  indicator.values.push_back(std::move(value));
}

const v1::Plan* PlanState::CurrentPlan() const {
  return Latest(plan_versions_);
}

const v1::Action* PlanState::CurrentAction(absl::string_view id) const {
  const ActionRecord* action = FindAction(id);
  return action == nullptr ? nullptr : Latest(action->versions);
}

const v1::Indicator* PlanState::CurrentIndicator(absl::string_view id) const {
  const IndicatorRecord* indicator = FindIndicator(id);
  return indicator == nullptr ? nullptr : Latest(indicator->versions);
}

const ActionRecord* PlanState::FindAction(absl::string_view id) const {
  return Find(actions_, id);
}

const IndicatorRecord* PlanState::FindIndicator(absl::string_view id) const {
  return Find(indicators_, id);
}

v1::ActionStatus PlanState::StatusOn(const ActionRecord& action,
                                     absl::CivilDay day,
                                     std::optional<absl::CivilDay>* since) {
  const StatusChange* best = nullptr;
  for (const StatusChange& change : action.status_changes) {
    if (change.effective > day) continue;
    if (best == nullptr || change.effective > best->effective ||
        (change.effective == best->effective &&
         change.position > best->position)) {
      best = &change;
    }
  }
  if (best == nullptr) {
    *since = std::nullopt;
    return v1::ACTION_STATUS_PLANNED;
  }
  *since = best->effective;
  return best->status;
}

const StatusChange* PlanState::LastStatusChange(const ActionRecord& action) {
  return action.status_changes.empty() ? nullptr
                                       : &action.status_changes.back();
}

const MeasurementRecord* PlanState::ValueOn(const IndicatorRecord& indicator,
                                            absl::CivilDay day) {
  const MeasurementRecord* best = nullptr;
  for (const MeasurementRecord& value : indicator.values) {
    if (!value.superseded_by.empty() || value.date > day) continue;
    if (best == nullptr || value.date > best->date ||
        (value.date == best->date && value.position > best->position)) {
      best = &value;
    }
  }
  return best;
}

v1::Plan PlanState::PlanAsOf(absl::CivilDay day) const {
  const v1::Plan* header = VersionOn(plan_versions_, day);
  if (header == nullptr) return v1::Plan();
  v1::Plan plan = *header;
  absl::flat_hash_map<std::string, v1::StrategicObjective*> objectives;
  for (v1::StrategicObjective& objective : *plan.mutable_objectives()) {
    objectives[objective.id()] = &objective;
  }
  absl::flat_hash_map<std::string, v1::Action*> actions;
  for (const auto& [id, record] : actions_) {
    const v1::Action* action = VersionOn(record.versions, day);
    if (action == nullptr) continue;
    auto objective = objectives.find(action->objective_id());
    if (objective == objectives.end()) continue;
    actions[id] = objective->second->add_actions();
    *actions[id] = *action;
  }
  for (const auto& [id, record] : indicators_) {
    const v1::Indicator* indicator = VersionOn(record.versions, day);
    if (indicator == nullptr) continue;
    auto action = actions.find(indicator->action_id());
    if (action == actions.end()) continue;
    *action->second->add_indicators() = *indicator;
  }
  return plan;
}

}  // namespace koers::services
