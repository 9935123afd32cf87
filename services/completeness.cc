#include "services/completeness.h"

#include <algorithm>
#include <map>
#include <string>

#include "storage/civil_date.h"

namespace koers::services {
namespace {

// Months per reporting period; 0 for none.
int MonthsPerPeriod(v1::ReportingFrequency frequency) {
  switch (frequency) {
    case v1::REPORTING_FREQUENCY_MONTHLY:
      return 1;
    case v1::REPORTING_FREQUENCY_QUARTERLY:
      return 3;
    case v1::REPORTING_FREQUENCY_SEMIANNUAL:
      return 6;
    case v1::REPORTING_FREQUENCY_YEARLY:
      return 12;
    default:
      return 0;
  }
}

std::optional<absl::CivilDay> DateField(const std::string& text) {
  auto day = storage::ParseIsoDate(text, "");
  if (!day.ok()) return std::nullopt;
  return *day;
}

const std::string& TargetDate(const v1::Indicator& indicator) {
  return indicator.has_quantitative() ? indicator.quantitative().target_date()
                                      : indicator.qualitative().target_date();
}

const std::string& BaselineDate(const v1::Indicator& indicator) {
  return indicator.has_quantitative() ? indicator.quantitative().baseline_date()
                                      : indicator.qualitative().baseline_date();
}

std::vector<ReportingPeriod> OncePeriod(const v1::Indicator& indicator,
                                        absl::CivilDay first,
                                        absl::CivilDay last) {
  const auto target = DateField(TargetDate(indicator));
  if (!target.has_value() || *target < first || *target > last) return {};
  const auto baseline = DateField(BaselineDate(indicator));
  return {{baseline.has_value() ? *baseline + 1 : absl::CivilDay(0, 1, 1),
           *target}};
}

struct Group {
  uint32_t actions = 0;
  uint32_t missing_fiches = 0;
  uint32_t missing_values = 0;
  uint32_t overdue = 0;
};

// The groups an action counts in: its entity, and each lead minister.
struct Groups {
  std::map<std::string, Group> by_entity;
  std::map<std::string, Group> by_minister;

  template <typename Change>
  void ForAction(const v1::Action& action, Change change) {
    change(&by_entity[action.reporting_entity()]);
    for (const std::string& minister : action.lead_ministers()) {
      change(&by_minister[minister]);
    }
  }
};

void WriteGroups(
    const std::map<std::string, Group>& groups,
    google::protobuf::RepeatedPtrField<v1::CompletenessGroup>* out) {
  for (const auto& [key, group] : groups) {
    v1::CompletenessGroup* entry = out->Add();
    entry->set_key(key);
    entry->set_actions(group.actions);
    entry->set_missing_fiches(group.missing_fiches);
    entry->set_missing_values(group.missing_values);
    entry->set_overdue(group.overdue);
  }
}

void CheckValues(const v1::Action& action,
                 const PlanView::IndicatorEntry& entry, absl::CivilDay first,
                 absl::CivilDay last, uint64_t known_at, Groups* groups,
                 v1::Completeness* out) {
  const v1::Indicator& indicator = *entry.definition;
  // Nothing is due for periods that ended before the indicator's baseline.
  const auto baseline = DateField(BaselineDate(indicator));
  for (const ReportingPeriod& period :
       PeriodsEndingIn(indicator, first, last)) {
    if (baseline.has_value() && period.last < *baseline) continue;
    if (!PlanState::ValuesBetween(*entry.record, period.first, period.last,
                                  known_at, 1)
             .empty()) {
      continue;
    }
    v1::MissingValue* missing = out->add_missing_values();
    missing->set_indicator_id(indicator.id());
    missing->set_action_id(action.id());
    missing->set_name(indicator.name());
    missing->set_reporting_entity(action.reporting_entity());
    *missing->mutable_lead_ministers() = action.lead_ministers();
    missing->set_frequency(indicator.frequency());
    missing->set_period_start(storage::FormatIsoDate(period.first));
    missing->set_period_end(storage::FormatIsoDate(period.last));
    groups->ForAction(action, [](Group* g) { ++g->missing_values; });
  }
}

void CheckAction(const PlanView::ActionEntry& entry, absl::CivilDay last,
                 int fiche_year, uint64_t known_at, Groups* groups,
                 v1::Completeness* out) {
  const v1::Action& action = *entry.definition;
  const ActionRecord* record = entry.record;
  groups->ForAction(action, [](Group* g) { ++g->actions; });
  if (!PlanState::HasFiche(*record, fiche_year, known_at)) {
    v1::MissingFiche* missing = out->add_missing_fiches();
    missing->set_action_id(action.id());
    missing->set_title(action.title());
    missing->set_reporting_entity(action.reporting_entity());
    *missing->mutable_lead_ministers() = action.lead_ministers();
    missing->set_year(fiche_year);
    groups->ForAction(action, [](Group* g) { ++g->missing_fiches; });
  }
  std::optional<absl::CivilDay> since;
  const v1::ActionStatus status =
      PlanState::StatusOn(*record, last, known_at, &since);
  if (storage::FormatIsoDate(last) > action.deadline() &&
      status != v1::ACTION_STATUS_COMPLETED &&
      status != v1::ACTION_STATUS_STOPPED) {
    v1::OverdueAction* overdue = out->add_overdue();
    overdue->set_action_id(action.id());
    overdue->set_title(action.title());
    overdue->set_deadline(action.deadline());
    overdue->set_status(status);
    overdue->set_reporting_entity(action.reporting_entity());
    *overdue->mutable_lead_ministers() = action.lead_ministers();
    groups->ForAction(action, [](Group* g) { ++g->overdue; });
  }
}

}  // namespace

std::vector<ReportingPeriod> PeriodsEndingIn(const v1::Indicator& indicator,
                                             absl::CivilDay first,
                                             absl::CivilDay last) {
  if (indicator.frequency() == v1::REPORTING_FREQUENCY_ONCE) {
    return OncePeriod(indicator, first, last);
  }
  const int months = MonthsPerPeriod(indicator.frequency());
  std::vector<ReportingPeriod> periods;
  if (months == 0) return periods;
  // Periods are aligned on the calendar year: month 1, 1 + months, ...
  const int start_month = ((first.month() - 1) / months) * months + 1;
  for (absl::CivilMonth month(first.year(), start_month);; month += months) {
    const absl::CivilDay period_first(month);
    const absl::CivilDay period_last = absl::CivilDay(month + months) - 1;
    if (period_last > last) break;
    if (period_last >= first) periods.push_back({period_first, period_last});
  }
  return periods;
}

v1::Completeness BuildCompleteness(const PlanState& state, absl::CivilDay first,
                                   absl::CivilDay last, int fiche_year,
                                   uint64_t known_at, uint64_t position) {
  v1::Completeness out;
  out.set_from_date(storage::FormatIsoDate(first));
  out.set_to_date(storage::FormatIsoDate(last));
  out.set_position(position);
  Groups groups;
  const PlanView plan = state.ViewAsOf(last, known_at);
  for (const PlanView::ObjectiveEntry& objective : plan.objectives) {
    for (const PlanView::ActionEntry& action : objective.actions) {
      CheckAction(action, last, fiche_year, known_at, &groups, &out);
      for (const PlanView::IndicatorEntry& indicator : action.indicators) {
        CheckValues(*action.definition, indicator, first, last, known_at,
                    &groups, &out);
      }
    }
  }
  WriteGroups(groups.by_entity, out.mutable_by_entity());
  WriteGroups(groups.by_minister, out.mutable_by_minister());
  return out;
}

}  // namespace koers::services
