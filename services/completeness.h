// Completeness and timeliness: what the Flemish Platform on Radicalisation
// asks every year. For a period, which actions lack their yearly fiche
// update, which indicators have no value for a reporting period that ended
// inside it, and which actions are overdue, grouped by reporting entity and
// lead minister.
#ifndef KOERS_SERVICES_COMPLETENESS_H_
#define KOERS_SERVICES_COMPLETENESS_H_

#include <cstdint>
#include <vector>

#include "absl/time/civil_time.h"
#include "koers/v1/evaluation_service.pb.h"
#include "services/plan_state.h"

namespace koers::services {

// One reporting period of an indicator.
struct ReportingPeriod {
  absl::CivilDay first;
  absl::CivilDay last;
};

// The periods of `indicator`'s frequency that end in [first, last]:
// calendar months, quarters, half years or years; for "once", the span
// from the baseline date to the target date when the target date is in
// range. None for an unspecified frequency.
std::vector<ReportingPeriod> PeriodsEndingIn(const v1::Indicator& indicator,
                                             absl::CivilDay first,
                                             absl::CivilDay last);

// The completeness of [first, last] as known at `known_at`, with fiches
// due for `fiche_year`. Values are due for periods ending on or after an
// indicator's baseline date. The plan and statuses are taken as they stood on
// `last`. `position` is the log position the answer reflects.
v1::Completeness BuildCompleteness(const PlanState& state, absl::CivilDay first,
                                   absl::CivilDay last, int fiche_year,
                                   uint64_t known_at, uint64_t position);

}  // namespace koers::services

#endif  // KOERS_SERVICES_COMPLETENESS_H_
