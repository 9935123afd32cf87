#include "services/plan_state.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "storage/civil_date.h"
#include "storage/event_id.h"

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
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

// Event ids in the log were checked on the way in, like valid dates.
RawEventId IdOf(absl::string_view text) {
  return RawEventId::Parse(text).value_or(RawEventId());
}

MeasurementRecord ValueFrom(const v1::Event& event, bool has_number,
                            double number, const std::string& level) {
  MeasurementRecord value;
  value.event_id = IdOf(event.event_id());
  value.date = ValidDay(event);
  value.position = event.position();
  value.is_number = has_number;
  value.number = number;
  value.level = level;
  return value;
}

}  // namespace

RawEventId RawEventId::FromBytes(absl::string_view raw16) {
  RawEventId id;
  std::memcpy(id.bytes_.data(), raw16.data(), id.bytes_.size());
  return id;
}

std::optional<RawEventId> RawEventId::Parse(absl::string_view text) {
  RawEventId id;
  if (!storage::DecodeEventId(text, id.bytes_.data())) return std::nullopt;
  return id;
}

std::string RawEventId::ToString() const {
  return storage::FormatEventId(
      absl::string_view(bytes_.data(), bytes_.size()));
}

size_t RawEventIdHash::operator()(const RawEventId& id) const {
  return absl::Hash<RawEventId>()(id);
}

size_t RawEventIdHash::operator()(absl::string_view text) const {
  return (*this)(IdOf(text));
}

bool RawEventIdEq::operator()(const RawEventId& a,
                              absl::string_view text) const {
  const std::optional<RawEventId> b = RawEventId::Parse(text);
  return b.has_value() && a == *b;
}

void PlanState::Apply(const v1::Event& event) {
  position_ = std::max(position_, event.position());
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
      AddValue(MutableIndicator(event.stream()), event.stream_revision(),
               ValueFrom(event, m.has_number(), m.number(), m.level()));
      break;
    }
    case v1::Event::kMeasurementCorrected: {
      const v1::MeasurementCorrected& c = event.measurement_corrected();
      MeasurementRecord value =
          ValueFrom(event, c.has_number(), c.number(), c.level());
      value.supersedes = IdOf(c.supersedes_event_id());
      AddValue(MutableIndicator(event.stream()), event.stream_revision(),
               std::move(value));
      break;
    }
    case v1::Event::kActionStatusChanged: {
      ActionRecord& action = actions_[event.stream()];
      action.revision = std::max(action.revision, event.stream_revision());
      action.status_changes.push_back(StatusChange{
          ValidDay(event), event.position(),
          event.action_status_changed().to_status(), event.event_id()});
      break;
    }
    case v1::Event::kFicheUpdated: {
      ActionRecord& action = actions_[event.stream()];
      action.revision = std::max(action.revision, event.stream_revision());
      action.fiche_updates.push_back(
          FicheUpdate{event.fiche_updated().year(), ValidDay(event),
                      event.position(), event.event_id()});
      break;
    }
    case v1::Event::kEvaluationSnapshotTaken:
      ApplySnapshot(event);
      break;
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
  action.revision = std::max(action.revision, event.stream_revision());
  action.versions.push_back(
      {ValidDay(event), event.position(), std::move(definition)});
}

void PlanState::ApplyIndicator(const v1::Event& event,
                               std::optional<v1::Indicator> definition) {
  IndicatorRecord& indicator = indicators_[event.stream()];
  indicator.revision = std::max(indicator.revision, event.stream_revision());
  indicator.versions.push_back(
      {ValidDay(event), event.position(), std::move(definition)});
}

IndicatorRecord* PlanState::MutableIndicator(const std::string& id) {
  return &indicators_[id];
}

void PlanState::AddValue(IndicatorRecord* indicator, uint64_t revision,
                         MeasurementRecord value) {
  indicator->revision = std::max(indicator->revision, revision);
  indicator->values.push_back(std::move(value));
  IndexValues(indicator, indicator->values.size() - 1);
}

void PlanState::IndexValues(IndicatorRecord* indicator, size_t from) {
  auto& values = indicator->values;
  if (from == 0) {
    // Loading: the final sizes are known. (Not when adding one by one: a
    // vector's reserve grows it exactly, not geometrically.)
    indicator->value_index.reserve(values.size());
    indicator->timeline.Reserve(values.size());
  }
  for (size_t index = from; index < values.size(); ++index) {
    const MeasurementRecord& value = values[index];
    indicator->value_index[value.event_id] = index;
    indicator->timeline.Add(value.date, value.position, index);
    if (value.supersedes.has_value()) {
      auto original = indicator->value_index.find(*value.supersedes);
      if (original != indicator->value_index.end()) {
        Supersede(indicator, original->second, index);
      } else {
        indicator->early_corrections[*value.supersedes] = index;
      }
    }
    if (indicator->early_corrections.empty()) continue;
    auto early = indicator->early_corrections.find(value.event_id);
    if (early != indicator->early_corrections.end()) {
      Supersede(indicator, index, early->second);
      indicator->early_corrections.erase(early);
    }
  }
}

void PlanState::Supersede(IndicatorRecord* indicator, size_t original,
                          size_t correction) {
  MeasurementRecord& replaced = indicator->values[original];
  const MeasurementRecord& by = indicator->values[correction];
  replaced.superseded_by = by.event_id;
  replaced.superseded_at = by.position;
  indicator->timeline.Supersede(replaced.date, replaced.position, by.position);
}

void PlanState::ApplySnapshot(const v1::Event& event) {
  const v1::EvaluationSnapshotTaken& taken = event.evaluation_snapshot_taken();
  SnapshotRecord& record = snapshots_[taken.name()];
  record.name = taken.name();
  record.as_of_date = taken.as_of_date();
  record.seen_position = taken.seen_position();
  record.head_hash = taken.head_hash();
  record.digest = taken.content_digest();
  record.event_id = event.event_id();
  record.position = event.position();
  record.taken_at = event.record_time();
  record.taken_by = event.principal();
}

const SnapshotRecord* PlanState::FindSnapshot(absl::string_view name) const {
  return Find(snapshots_, name);
}

std::vector<const SnapshotRecord*> PlanState::Snapshots() const {
  std::vector<const SnapshotRecord*> all;
  for (const auto& [name, record] : snapshots_) all.push_back(&record);
  std::sort(all.begin(), all.end(),
            [](const SnapshotRecord* a, const SnapshotRecord* b) {
              return a->position < b->position;
            });
  return all;
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
                                     absl::CivilDay day, uint64_t known_at,
                                     std::optional<absl::CivilDay>* since) {
  const StatusChange* best = nullptr;
  for (const StatusChange& change : action.status_changes) {
    if (change.effective > day || change.position > known_at) continue;
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

int PlanState::LatestFicheYear(const ActionRecord& action, absl::CivilDay day,
                               uint64_t known_at) {
  int latest = 0;
  for (const FicheUpdate& fiche : action.fiche_updates) {
    if (fiche.date <= day && fiche.position <= known_at) {
      latest = std::max(latest, fiche.year);
    }
  }
  return latest;
}

bool PlanState::HasFiche(const ActionRecord& action, int year,
                         uint64_t known_at) {
  return std::any_of(action.fiche_updates.begin(), action.fiche_updates.end(),
                     [&](const FicheUpdate& fiche) {
                       return fiche.year == year && fiche.position <= known_at;
                     });
}

const StatusChange* PlanState::LastStatusChange(const ActionRecord& action) {
  return action.status_changes.empty() ? nullptr
                                       : &action.status_changes.back();
}

std::vector<const MeasurementRecord*> PlanState::ValuesOn(
    const std::vector<const IndicatorRecord*>& indicators, absl::CivilDay day,
    uint64_t known_at) {
  std::vector<const ValueTimeline*> timelines;
  timelines.reserve(indicators.size());
  for (const IndicatorRecord* indicator : indicators) {
    timelines.push_back(&indicator->timeline);
  }
  std::vector<const MeasurementRecord*> values(indicators.size(), nullptr);
  ValueTimeline::ValuesOn(timelines, day, known_at,
                          [&](size_t i, size_t handle) {
                            values[i] = &indicators[i]->values[handle];
                            // An answer reads the record's first line (see
                            // MeasurementRecord).
                            __builtin_prefetch(values[i]);
                          });
  return values;
}

std::vector<const MeasurementRecord*> PlanState::ValuesBetween(
    const IndicatorRecord& indicator, absl::CivilDay first, absl::CivilDay last,
    uint64_t known_at, size_t limit) {
  std::vector<const MeasurementRecord*> values;
  for (size_t index :
       indicator.timeline.ValuesBetween(first, last, known_at, limit)) {
    values.push_back(&indicator.values[index]);
  }
  std::reverse(values.begin(), values.end());
  return values;
}

PlanView PlanState::ViewAsOf(absl::CivilDay day, uint64_t known_at) const {
  PlanView view;
  view.header = VersionOn(plan_versions_, day, known_at);
  if (view.header == nullptr) return view;
  // Where each objective and action went in the view, by id.
  absl::flat_hash_map<absl::string_view, size_t> objectives;
  for (const v1::StrategicObjective& objective : view.header->objectives()) {
    objectives[objective.id()] = view.objectives.size();
    view.objectives.push_back({&objective, {}});
  }
  absl::flat_hash_map<absl::string_view, std::pair<size_t, size_t>> actions;
  for (const auto& [id, record] : actions_) {
    const v1::Action* action = VersionOn(record.versions, day, known_at);
    if (action == nullptr) continue;
    auto objective = objectives.find(action->objective_id());
    if (objective == objectives.end()) continue;
    auto& entries = view.objectives[objective->second].actions;
    actions[id] = {objective->second, entries.size()};
    entries.push_back({action, &record, {}});
  }
  for (const auto& [id, record] : indicators_) {
    const v1::Indicator* indicator = VersionOn(record.versions, day, known_at);
    if (indicator == nullptr) continue;
    auto action = actions.find(indicator->action_id());
    if (action == actions.end()) continue;
    const auto [objective_index, action_index] = action->second;
    view.objectives[objective_index].actions[action_index].indicators.push_back(
        {indicator, &record});
  }
  return view;
}

v1::Plan PlanState::PlanAsOf(absl::CivilDay day, uint64_t known_at) const {
  const PlanView view = ViewAsOf(day, known_at);
  if (view.header == nullptr) return v1::Plan();
  v1::Plan plan = *view.header;
  for (int o = 0; o < plan.objectives_size(); ++o) {
    v1::StrategicObjective* objective = plan.mutable_objectives(o);
    for (const PlanView::ActionEntry& entry : view.objectives[o].actions) {
      v1::Action* action = objective->add_actions();
      *action = *entry.definition;
      for (const PlanView::IndicatorEntry& indicator : entry.indicators) {
        *action->add_indicators() = *indicator.definition;
      }
    }
  }
  return plan;
}

}  // namespace koers::services
