#include "bench/synthetic_plan.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace koers::bench {
namespace {

constexpr const char* kMinisters[] = {
    "Minister van Binnenlands Bestuur",
    "Minister van Justitie en Handhaving",
    "Minister van Welzijn",
    "Minister van Onderwijs",
    "Minister van Jeugd",
    "Minister van Werk",
};
constexpr const char* kEntities[] = {
    "Agentschap Binnenlands Bestuur",
    "Agentschap Justitie en Handhaving",
    "Departement Welzijn",
    "Departement Onderwijs en Vorming",
    "Afdeling Jeugd",
    "Departement Werk en Sociale Economie",
    "Agentschap Integratie en Inburgering",
    "Vlaams Platform Radicalisering",
};
constexpr const char* kDeadlines[] = {"2027-12-31", "2028-12-31", "2029-06-30",
                                      "2029-12-31"};

template <typename T, size_t N>
constexpr size_t Count(const T (&)[N]) {
  return N;
}

void FillIndicator(int serial, v1::Indicator* indicator) {
  indicator->set_frequency(serial % 3 == 0 ? v1::REPORTING_FREQUENCY_QUARTERLY
                                           : v1::REPORTING_FREQUENCY_MONTHLY);
  v1::QuantitativeSpec* spec = indicator->mutable_quantitative();
  spec->set_baseline_date("2025-01-01");
  spec->set_target_date(kDeadlines[serial % Count(kDeadlines)]);
  spec->set_min_allowed(0);
  switch (serial % 4) {
    case 0:  // a share that should rise
      indicator->set_name(absl::StrCat("Aandeel bereikte doelgroep ", serial));
      spec->set_unit("%");
      spec->set_baseline_value(20 + serial % 30);
      spec->set_target_value(80);
      spec->set_max_allowed(100);
      spec->set_direction(v1::DIRECTION_INCREASE);
      spec->set_nature(v1::VALUE_NATURE_LEVEL);
      break;
    case 1:  // a running total
      indicator->set_name(absl::StrCat("Aantal gegeven vormingen ", serial));
      spec->set_unit("vormingen");
      spec->set_baseline_value(0);
      spec->set_target_value(100 + 10 * (serial % 50));
      spec->set_direction(v1::DIRECTION_INCREASE);
      spec->set_nature(v1::VALUE_NATURE_CUMULATIVE);
      break;
    case 2:  // a lead time that should fall
      indicator->set_name(absl::StrCat("Gemiddelde doorlooptijd ", serial));
      spec->set_unit("dagen");
      spec->set_baseline_value(60 + serial % 30);
      spec->set_target_value(21);
      spec->set_max_allowed(365);
      spec->set_direction(v1::DIRECTION_DECREASE);
      spec->set_nature(v1::VALUE_NATURE_LEVEL);
      break;
    default:  // participants, a running total
      indicator->set_name(absl::StrCat("Aantal deelnemers ", serial));
      spec->set_unit("deelnemers");
      spec->set_baseline_value(0);
      spec->set_target_value(1000 + 100 * (serial % 20));
      spec->set_direction(v1::DIRECTION_INCREASE);
      spec->set_nature(v1::VALUE_NATURE_CUMULATIVE);
      break;
  }
  indicator->set_description(
      "Synthetische indicator voor de benchmark; gemeten door de "
      "rapporterende entiteit van de actie.");
}

}  // namespace

v1::Plan SyntheticPlan(const SyntheticPlanShape& shape) {
  v1::Plan plan;
  plan.set_id("BENCH-2025-2029");
  plan.set_title(
      "Synthetisch actieplan 2025-2029 (benchmark: 4 doelstellingen, 300 "
      "indicatoren)");
  plan.set_period_start("2025-01-01");
  plan.set_period_end("2029-12-31");
  plan.set_legal_basis("Geen: synthetisch plan voor metingen");
  int action_serial = 0;
  int indicator_serial = 0;
  for (int o = 1; o <= shape.objectives; ++o) {
    v1::StrategicObjective* objective = plan.add_objectives();
    objective->set_id(absl::StrCat("SD", o));
    objective->set_title(absl::StrCat("Strategische doelstelling ", o));
    objective->set_description(
        "Een synthetische doelstelling met acties en indicatoren.");
    for (int a = 1; a <= shape.actions_per_objective; ++a, ++action_serial) {
      v1::Action* action = objective->add_actions();
      action->set_id(absl::StrCat(objective->id(), ".A", a));
      action->set_title(absl::StrCat("Actie ", a, " van doelstelling ", o));
      action->set_description(
          "Een synthetische actie: vormingen, trajecten en opvolging.");
      action->add_lead_ministers(kMinisters[action_serial % Count(kMinisters)]);
      if (action_serial % 3 == 0) {
        action->add_lead_ministers(
            kMinisters[(action_serial + 1) % Count(kMinisters)]);
      }
      action->set_reporting_entity(kEntities[action_serial % Count(kEntities)]);
      action->add_partners("lokale besturen");
      action->set_start_date(
          absl::StrCat("2025-0", 1 + action_serial % 6, "-01"));
      action->set_deadline(kDeadlines[action_serial % Count(kDeadlines)]);
      for (int i = 1; i <= shape.indicators_per_action;
           ++i, ++indicator_serial) {
        v1::Indicator* indicator = action->add_indicators();
        indicator->set_id(absl::StrCat(action->id(), ".I", i));
        FillIndicator(indicator_serial, indicator);
      }
    }
  }
  return plan;
}

}  // namespace koers::bench
