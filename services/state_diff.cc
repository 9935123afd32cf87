#include "services/state_diff.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/civil_date.h"

namespace koers::services {
namespace {

template <typename T>
std::map<std::string, const T*> ById(
    const google::protobuf::RepeatedPtrField<T>& items,
    const std::string& (T::*id)() const) {
  std::map<std::string, const T*> by_id;
  for (const T& item : items) by_id[(item.*id)()] = &item;
  return by_id;
}

bool SameValue(const v1::IndicatorProgress& a, const v1::IndicatorProgress& b) {
  return a.has_value() == b.has_value() && a.number() == b.number() &&
         a.level() == b.level() && a.value_date() == b.value_date() &&
         a.verdict() == b.verdict() && a.has_progress() == b.has_progress() &&
         (!a.has_progress() || a.progress() == b.progress());
}

// What retargeted an indicator: its baseline, target or dates changed.
std::string Retargeting(const v1::IndicatorProgress& a,
                        const v1::IndicatorProgress& b) {
  std::vector<std::string> changes;
  auto note = [&changes](const char* field, const std::string& old_value,
                         const std::string& new_value) {
    if (old_value != new_value) {
      changes.push_back(absl::StrCat(field, " ", old_value, " -> ", new_value));
    }
  };
  note("baseline", absl::StrCat(a.baseline_value()),
       absl::StrCat(b.baseline_value()));
  note("target", absl::StrCat(a.target_value()),
       absl::StrCat(b.target_value()));
  note("baseline date", a.baseline_date(), b.baseline_date());
  note("target date", a.target_date(), b.target_date());
  note("target level", a.target_level(), b.target_level());
  return absl::StrJoin(changes, "; ");
}

void AddPlanDifference(const std::string& id, v1::PlanDifference::Kind kind,
                       const std::string& detail, v1::DiffResponse* diff) {
  v1::PlanDifference* difference = diff->add_plan();
  difference->set_id(id);
  difference->set_kind(kind);
  difference->set_detail(detail);
}

void DiffIndicator(const v1::IndicatorProgress* a,
                   const v1::IndicatorProgress* b, v1::DiffResponse* diff) {
  // An indicator is on at least one side; with neither, there is nothing
  // to name.
  if (a == nullptr && b == nullptr) return;
  const v1::IndicatorProgress empty;
  const v1::IndicatorProgress& old_side = a != nullptr ? *a : empty;
  const v1::IndicatorProgress& new_side = b != nullptr ? *b : empty;
  if (a != nullptr && b != nullptr) {
    const std::string retargeting = Retargeting(*a, *b);
    if (!retargeting.empty()) {
      AddPlanDifference(a->indicator_id(), v1::PlanDifference::KIND_RETARGETED,
                        retargeting, diff);
    }
    if (SameValue(*a, *b)) return;
  }
  v1::IndicatorChange* change = diff->add_indicators();
  const v1::IndicatorProgress& named = b != nullptr ? *b : *a;
  change->set_indicator_id(named.indicator_id());
  change->set_name(named.name());
  change->set_had_value(old_side.has_value());
  change->set_has_value(new_side.has_value());
  change->set_old_number(old_side.number());
  change->set_new_number(new_side.number());
  change->set_old_level(old_side.level());
  change->set_new_level(new_side.level());
  change->set_old_date(old_side.value_date());
  change->set_new_date(new_side.value_date());
  if (old_side.has_progress()) change->set_old_progress(old_side.progress());
  if (new_side.has_progress()) change->set_new_progress(new_side.progress());
  change->set_old_verdict(old_side.verdict());
  change->set_new_verdict(new_side.verdict());
}

void DiffActions(const v1::GetProgressResponse& from,
                 const v1::GetProgressResponse& to, v1::DiffResponse* diff) {
  const auto old_actions = ById(from.actions(), &v1::ActionProgress::action_id);
  const auto new_actions = ById(to.actions(), &v1::ActionProgress::action_id);
  for (const auto& [id, action] : old_actions) {
    auto now = new_actions.find(id);
    if (now == new_actions.end()) {
      AddPlanDifference(id, v1::PlanDifference::KIND_WITHDRAWN, action->title(),
                        diff);
      continue;
    }
    if (now->second->deadline() != action->deadline()) {
      AddPlanDifference(id, v1::PlanDifference::KIND_REVISED,
                        absl::StrCat("deadline ", action->deadline(), " -> ",
                                     now->second->deadline()),
                        diff);
    }
    if (now->second->status() != action->status()) {
      v1::StatusChange* change = diff->add_statuses();
      change->set_action_id(id);
      change->set_title(now->second->title());
      change->set_old_status(action->status());
      change->set_new_status(now->second->status());
    }
  }
  for (const auto& [id, action] : new_actions) {
    if (!old_actions.contains(id)) {
      AddPlanDifference(id, v1::PlanDifference::KIND_ADDED, action->title(),
                        diff);
    }
  }
}

void DiffIndicators(const v1::GetProgressResponse& from,
                    const v1::GetProgressResponse& to, v1::DiffResponse* diff) {
  const auto old_indicators =
      ById(from.indicators(), &v1::IndicatorProgress::indicator_id);
  const auto new_indicators =
      ById(to.indicators(), &v1::IndicatorProgress::indicator_id);
  for (const auto& [id, indicator] : old_indicators) {
    auto now = new_indicators.find(id);
    if (now == new_indicators.end()) {
      AddPlanDifference(id, v1::PlanDifference::KIND_WITHDRAWN,
                        indicator->name(), diff);
    }
    DiffIndicator(indicator,
                  now == new_indicators.end() ? nullptr : now->second, diff);
  }
  for (const auto& [id, indicator] : new_indicators) {
    if (old_indicators.contains(id)) continue;
    AddPlanDifference(id, v1::PlanDifference::KIND_ADDED, indicator->name(),
                      diff);
    DiffIndicator(nullptr, indicator, diff);
  }
}

void AddCorrection(const MeasurementRecord& replaced,
                   const MeasurementRecord& correction,
                   const std::string& indicator_id, v1::DiffResponse* diff) {
  v1::LateCorrection* late = diff->add_corrections();
  late->set_indicator_id(indicator_id);
  late->set_correction_event_id(correction.event_id.ToString());
  late->set_superseded_event_id(replaced.event_id.ToString());
  late->set_position(correction.position);
  late->set_value_date(storage::FormatIsoDate(correction.date));
  late->set_old_number(replaced.number);
  late->set_new_number(correction.number);
  late->set_old_level(replaced.level);
  late->set_new_level(correction.level);
}

}  // namespace

v1::DiffResponse DiffStates(const v1::EvaluationState& from,
                            const v1::EvaluationState& to) {
  v1::DiffResponse diff;
  DiffActions(from.progress(), to.progress(), &diff);
  DiffIndicators(from.progress(), to.progress(), &diff);
  return diff;
}

void AddLateCorrections(const PlanState& state, const v1::EvaluationState& from,
                        uint64_t from_position, uint64_t to_position,
                        v1::DiffResponse* diff) {
  // Every value `from` showed, by indicator, each once.
  std::map<std::string, std::set<std::string>> shown;
  for (const v1::IndicatorProgress& indicator : from.progress().indicators()) {
    if (indicator.has_value()) {
      shown[indicator.indicator_id()].insert(indicator.value_event_id());
    }
  }
  for (const v1::IndicatorTrend& trend : from.trends()) {
    for (const v1::ValuePoint& point : trend.points()) {
      shown[trend.indicator_id()].insert(point.event_id());
    }
  }
  for (const auto& [indicator_id, event_ids] : shown) {
    const IndicatorRecord* record = state.FindIndicator(indicator_id);
    if (record == nullptr) continue;
    for (const std::string& event_id : event_ids) {
      auto at = record->value_index.find(event_id);
      while (at != record->value_index.end()) {
        const MeasurementRecord& replaced = record->values[at->second];
        if (replaced.superseded_at <= from_position ||
            replaced.superseded_at > to_position) {
          break;
        }
        if (!replaced.superseded_by.has_value()) break;
        at = record->value_index.find(*replaced.superseded_by);
        if (at == record->value_index.end()) break;
        AddCorrection(replaced, record->values[at->second], indicator_id, diff);
      }
    }
  }
}

}  // namespace koers::services
