#include "tests/cli/report_fixture.h"

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace koers::clients::fixture {
namespace {

constexpr char kState[] = R"pb(
  progress {
    as_of_date: "2026-06-30"
    position: 412
    objectives {
      objective_id: "SD1"
      actions: 3
      by_status { status: ACTION_STATUS_IN_PROGRESS count: 1 }
      by_status { status: ACTION_STATUS_DELAYED count: 1 }
      by_status { status: ACTION_STATUS_COMPLETED count: 1 }
      overdue: 1
      by_verdict { verdict: VERDICT_ON_TRACK count: 1 }
      by_verdict { verdict: VERDICT_AT_RISK count: 1 }
      by_verdict { verdict: VERDICT_NOT_ASSESSED count: 1 }
    }
    objectives {
      objective_id: "SD4"
      title: "Coördinatie en samenwerking"
      actions: 1
      by_status { status: ACTION_STATUS_PLANNED count: 1 }
    }
    actions {
      action_id: "SD1.A1"
      objective_id: "SD1"
      title: "Lokale cellen <LIVC> & netwerk"
      status: ACTION_STATUS_IN_PROGRESS
      status_since: "2025-03-01"
      deadline: "2028-12-31"
      lead_ministers: "Minister van Binnenlands Bestuur"
      lead_ministers: "Minister van Justitie"
      reporting_entity: "Agentschap Binnenlands Bestuur, team radicalisering"
      latest_fiche_year: 2026
      fiche_up_to_date: true
    }
    actions {
      action_id: "SD1.A2"
      objective_id: "SD1"
      title: "Wachttijden \"begeleiding\" verkorten"
      status: ACTION_STATUS_DELAYED
      status_since: "2026-02-01"
      deadline: "2026-03-31"
      overdue: true
      lead_ministers: "Minister van Welzijn"
      reporting_entity: "Departement Welzijn; Volksgezondheid en Gezin"
    }
    actions {
      action_id: "SD1.A3"
      objective_id: "SD1"
      title: "Opleidingen eerstelijn"
      status: ACTION_STATUS_COMPLETED
      status_since: "2026-05-15"
      deadline: "2027-12-31"
      lead_ministers: "Minister van Onderwijs"
      reporting_entity: "Departement Onderwijs en Vorming"
      latest_fiche_year: 2026
      fiche_up_to_date: true
    }
    actions {
      action_id: "SD4.A1"
      objective_id: "SD4"
      title: "Vlaams Platform Radicalisering"
      status: ACTION_STATUS_PLANNED
      status_since: "2026-09-01"
      deadline: "2029-12-31"
      lead_ministers: "Minister van Binnenlands Bestuur"
      reporting_entity: "Agentschap Binnenlands Bestuur, team radicalisering"
    }
    indicators {
      indicator_id: "SD1.A1.I1"
      action_id: "SD1.A1"
      name: "Gemeenten met een LIVC"
      quantitative: true
      has_value: true
      number: 71.5
      value_date: "2026-03-31"
      unit: "%"
      baseline_value: 62
      target_value: 80
      direction: DIRECTION_INCREASE
      progress: 0.5277
      expected_progress: 0.3
      verdict: VERDICT_ON_TRACK
      baseline_date: "2025-01-01"
      target_date: "2029-12-31"
    }
    indicators {
      indicator_id: "SD1.A2.I1"
      action_id: "SD1.A2"
      name: "Wachttijd in dagen"
      quantitative: true
      has_value: true
      number: 35
      value_date: "2026-06-01"
      unit: "dagen"
      baseline_value: 40
      target_value: 20
      direction: DIRECTION_DECREASE
      progress: 0.25
      expected_progress: 0.45
      verdict: VERDICT_AT_RISK
      baseline_date: "2025-01-01"
      target_date: "2027-12-31"
    }
    indicators {
      indicator_id: "SD1.A3.I1"
      action_id: "SD1.A3"
      name: "Opgeleide eerstelijnswerkers"
      quantitative: true
      unit: "personen"
      baseline_value: 0
      target_value: 1200
      direction: DIRECTION_INCREASE
      expected_progress: 0.5
      verdict: VERDICT_NOT_ASSESSED
      baseline_date: "2025-01-01"
      target_date: "2027-12-31"
    }
    indicators {
      indicator_id: "SD1.A1.I2"
      action_id: "SD1.A1"
      name: "Kwaliteit van de samenwerking"
      has_value: true
      level: "grotendeels"
      value_date: "2026-03-31"
      level_index: 2
      scale_size: 4
      scale_levels: "niet gestart"
      scale_levels: "gedeeltelijk"
      scale_levels: "grotendeels"
      scale_levels: "volledig"
      target_level: "volledig"
    }
    by_minister {
      key: "Minister van Binnenlands Bestuur"
      actions: 2
      by_status { status: ACTION_STATUS_PLANNED count: 1 }
      by_status { status: ACTION_STATUS_IN_PROGRESS count: 1 }
      by_verdict { verdict: VERDICT_ON_TRACK count: 1 }
      fiches_missing: 1
    }
    by_entity {
      key: "Departement Welzijn; Volksgezondheid en Gezin"
      actions: 1
      by_status { status: ACTION_STATUS_DELAYED count: 1 }
      overdue: 1
      by_verdict { verdict: VERDICT_AT_RISK count: 1 }
      fiches_missing: 1
    }
  }
  trends {
    indicator_id: "SD1.A1.I1"
    points { date: "2025-06-30" number: 64 }
    points { date: "2025-12-31" number: 68 }
    points { date: "2026-03-31" number: 71.5 }
  }
  trends {
    indicator_id: "SD1.A2.I1"
    points { date: "2025-12-31" number: 38 }
    points { date: "2026-06-01" number: 35 }
  }
  completeness {
    from_date: "2026-01-01"
    to_date: "2026-06-30"
    position: 412
    missing_fiches {
      action_id: "SD1.A2"
      title: "Wachttijden \"begeleiding\" verkorten"
      reporting_entity: "Departement Welzijn; Volksgezondheid en Gezin"
      lead_ministers: "Minister van Welzijn"
      year: 2026
    }
    missing_values {
      indicator_id: "SD1.A3.I1"
      action_id: "SD1.A3"
      name: "Opgeleide eerstelijnswerkers"
      reporting_entity: "Departement Onderwijs en Vorming"
      lead_ministers: "Minister van Onderwijs"
      frequency: REPORTING_FREQUENCY_QUARTERLY
      period_start: "2026-01-01"
      period_end: "2026-03-31"
    }
    overdue {
      action_id: "SD1.A2"
      title: "Wachttijden \"begeleiding\" verkorten"
      deadline: "2026-03-31"
      status: ACTION_STATUS_DELAYED
      reporting_entity: "Departement Welzijn; Volksgezondheid en Gezin"
      lead_ministers: "Minister van Welzijn"
    }
    by_entity {
      key: "Departement Welzijn; Volksgezondheid en Gezin"
      actions: 1
      missing_fiches: 1
      overdue: 1
    }
    by_minister {
      key: "Minister van Welzijn"
      actions: 1
      missing_fiches: 1
      overdue: 1
    }
  }
)pb";

constexpr char kSnapshot[] = R"pb(
  name: "interim-2027"
  as_of_date: "2027-06-30"
  seen_position: 812
  head_hash: "abababababababababababababababababababababababababababababababab"
  digest: "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
  event_id: "33333333-3333-4333-8333-333333333333"
  event_position: 813
  taken_at { seconds: 1814432400 }
  taken_by: "coordinator-jh"
)pb";

template <typename Message>
Message Parse(const char* text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message))
      << "the report fixture does not parse as " << message.GetTypeName();
  return message;
}

}  // namespace

v1::EvaluationState SampleState() {
  v1::EvaluationState state = Parse<v1::EvaluationState>(kState);
  state.mutable_progress()->mutable_objectives(0)->set_title(kTrickyTitle);
  return state;
}

v1::SnapshotInfo SampleSnapshot() { return Parse<v1::SnapshotInfo>(kSnapshot); }

}  // namespace koers::clients::fixture
