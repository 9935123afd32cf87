// PlanState: what the event log says about the plan, kept in memory and fed
// every committed event in log order.
//
// It keeps every version of every definition (plan header, action,
// indicator) with the valid date it took effect and the log position that
// recorded it, every status change, fiche update and measurement, so that
// both "the latest" and "as of a date" can be answered without reading the
// log again.
//
// "Current" below means the latest by log position: what the most recent plan
// load said, whatever its effective date. Validation and plan diffs use it.
//
// Thread-safety: none. The Tracker guards it with a mutex.
#ifndef KOERS_SERVICES_PLAN_STATE_H_
#define KOERS_SERVICES_PLAN_STATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "koers/v1/events.pb.h"
#include "koers/v1/plan.pb.h"

namespace koers::services {

// One version of a definition. `definition` is empty when the version
// withdraws (an action) or retires (an indicator) it.
template <typename T>
struct DefinitionVersion {
  absl::CivilDay valid_from;
  uint64_t position = 0;
  std::optional<T> definition;
};

struct StatusChange {
  absl::CivilDay effective;
  uint64_t position = 0;
  v1::ActionStatus status = v1::ACTION_STATUS_UNSPECIFIED;
  std::string event_id;
};

struct FicheUpdate {
  int year = 0;
  absl::CivilDay date;
  uint64_t position = 0;
  std::string event_id;
};

struct ActionRecord {
  std::vector<DefinitionVersion<v1::Action>> versions;  // log order
  std::vector<StatusChange> status_changes;             // log order
  std::vector<FicheUpdate> fiche_updates;               // log order
  // Stream revision of the action stream's last event.
  uint64_t revision = 0;
};

// A measurement or a correction: one value of an indicator.
struct MeasurementRecord {
  std::string event_id;
  absl::CivilDay date;
  uint64_t position = 0;
  bool is_number = true;
  double number = 0;
  std::string level;
  // For a correction: the event it replaced.
  std::string supersedes;
  // Set when a later correction replaced this value.
  std::string superseded_by;
};

struct IndicatorRecord {
  std::vector<DefinitionVersion<v1::Indicator>> versions;  // log order
  std::vector<MeasurementRecord> values;                   // log order
  absl::flat_hash_map<std::string, size_t> value_index;    // event id -> index
  uint64_t revision = 0;
};

class PlanState {
 public:
  // Folds one committed event in. Events must come in log order.
  void Apply(const v1::Event& event);

  // The last applied log position (0 before any).
  uint64_t position() const { return position_; }

  // The plan header as of the latest load (objectives without actions);
  // nullptr before any plan was adopted.
  const v1::Plan* CurrentPlan() const;
  // Latest definition; nullptr when unknown, withdrawn or retired.
  const v1::Action* CurrentAction(absl::string_view id) const;
  const v1::Indicator* CurrentIndicator(absl::string_view id) const;

  // Records, including withdrawn and retired ones; nullptr when never seen.
  const ActionRecord* FindAction(absl::string_view id) const;
  const IndicatorRecord* FindIndicator(absl::string_view id) const;

  // The action's status on `day` (by effective date; ties by position):
  // planned before any change. Also the effective date of that change, when
  // there is one.
  static v1::ActionStatus StatusOn(const ActionRecord& action,
                                   absl::CivilDay day,
                                   std::optional<absl::CivilDay>* since);
  // The latest status change by log order, if any.
  static const StatusChange* LastStatusChange(const ActionRecord& action);

  // The value in force for the indicator on `day`: among values not
  // superseded, the one with the latest reference date <= day (ties: the
  // later position). nullptr when none.
  static const MeasurementRecord* ValueOn(const IndicatorRecord& indicator,
                                          absl::CivilDay day);

  // The plan as a nested document as of `day`: the header version in force
  // then, the actions defined by then and not withdrawn, the indicators
  // defined by then and not retired, each as its version in force then.
  // Empty (no id) when no header was in force on `day`.
  v1::Plan PlanAsOf(absl::CivilDay day) const;

  // Ids in ascending order, including withdrawn and retired ones.
  const std::map<std::string, ActionRecord>& actions() const {
    return actions_;
  }
  const std::map<std::string, IndicatorRecord>& indicators() const {
    return indicators_;
  }
  const std::vector<DefinitionVersion<v1::Plan>>& plan_versions() const {
    return plan_versions_;
  }

 private:
  void ApplyPlanHeader(const v1::Event& event, const v1::Plan& plan);
  void ApplyAction(const v1::Event& event,
                   std::optional<v1::Action> definition);
  void ApplyIndicator(const v1::Event& event,
                      std::optional<v1::Indicator> definition);
  void ApplyValue(const v1::Event& event, MeasurementRecord value);

  uint64_t position_ = 0;
  std::vector<DefinitionVersion<v1::Plan>> plan_versions_;
  std::map<std::string, ActionRecord> actions_;
  std::map<std::string, IndicatorRecord> indicators_;
};

// The version in force on `day`: the latest valid_from <= day, ties broken by
// the later position. nullptr when none (or it withdrew the definition).
template <typename T>
const T* VersionOn(const std::vector<DefinitionVersion<T>>& versions,
                   absl::CivilDay day) {
  const DefinitionVersion<T>* best = nullptr;
  for (const DefinitionVersion<T>& version : versions) {
    if (version.valid_from > day) continue;
    if (best == nullptr || version.valid_from > best->valid_from ||
        (version.valid_from == best->valid_from &&
         version.position > best->position)) {
      best = &version;
    }
  }
  return best != nullptr && best->definition.has_value() ? &*best->definition
                                                         : nullptr;
}

}  // namespace koers::services

#endif  // KOERS_SERVICES_PLAN_STATE_H_
