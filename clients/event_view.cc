#include "clients/event_view.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/labels.h"
#include "clients/text.h"

namespace koers::clients {
namespace {

// Free text in a summary is cut to this many code points.
constexpr size_t kMaxTextWidth = 60;

// "label: text", cut and on one line; "" when `text` is empty.
std::string Clause(absl::string_view label, absl::string_view text) {
  if (text.empty()) return "";
  return absl::StrCat(label, ": ", Shorten(OneLine(text), kMaxTextWidth));
}

// The non-empty parts, joined by "; ".
std::string JoinParts(std::initializer_list<std::string> parts) {
  std::vector<std::string> kept;
  for (const std::string& part : parts) {
    if (!part.empty()) kept.push_back(part);
  }
  return absl::StrJoin(kept, "; ");
}

// An event that carries a definition: its title (or name) and the reason.
std::string Definition(absl::string_view title, absl::string_view reason) {
  return JoinParts(
      {Shorten(OneLine(title), kMaxTextWidth), Clause("reason", reason)});
}

std::string PlanHeading(const v1::Plan& plan) {
  return absl::StrCat(plan.id(), " ", plan.title());
}

// The value of a measurement or a correction, with its period's start.
template <typename Measurement>
std::string ValueText(const Measurement& measurement) {
  std::string value =
      measurement.has_number()
          ? FormatNumber(measurement.number())
          : absl::StrCat("\"", Shorten(measurement.level(), kMaxTextWidth),
                         "\"");
  if (!measurement.period_start().empty()) {
    absl::StrAppend(&value, " (period from ", measurement.period_start(), ")");
  }
  return value;
}

}  // namespace

std::vector<std::string> EventColumns() {
  return {"position", "recorded",  "valid date", "stream",
          "type",     "principal", "summary"};
}

std::vector<size_t> EventColumnWidths() { return {8, 24, 10, 10, 24, 12, 0}; }

std::vector<std::string> EventCells(const v1::Event& event) {
  return {absl::StrCat(event.position()),
          FormatTimestamp(event.record_time()),
          event.valid_date(),
          event.stream(),
          EventTypeLabel(event.type()),
          event.principal(),
          EventSummary(event)};
}

std::string EventSummary(const v1::Event& event) {
  switch (event.payload_case()) {
    case v1::Event::kPlanAdopted:
      return Definition(PlanHeading(event.plan_adopted().plan()),
                        event.plan_adopted().reason());
    case v1::Event::kPlanRevised:
      return Definition(PlanHeading(event.plan_revised().plan()),
                        event.plan_revised().reason());
    case v1::Event::kActionDefined:
      return Definition(event.action_defined().action().title(),
                        event.action_defined().reason());
    case v1::Event::kActionRevised:
      return Definition(event.action_revised().action().title(),
                        event.action_revised().reason());
    case v1::Event::kActionWithdrawn:
      return Clause("reason", event.action_withdrawn().reason());
    case v1::Event::kIndicatorDefined:
      return Definition(event.indicator_defined().indicator().name(),
                        event.indicator_defined().reason());
    case v1::Event::kIndicatorRevised:
      return Definition(event.indicator_revised().indicator().name(),
                        event.indicator_revised().reason());
    case v1::Event::kIndicatorRetired:
      return Clause("reason", event.indicator_retired().reason());
    case v1::Event::kMeasurementRecorded:
      return JoinParts(
          {ValueText(event.measurement_recorded()),
           Clause("comment", event.measurement_recorded().comment())});
    case v1::Event::kMeasurementCorrected: {
      const v1::MeasurementCorrected& correction =
          event.measurement_corrected();
      return JoinParts(
          {absl::StrCat("corrects ", correction.supersedes_event_id(), ": ",
                        ValueText(correction)),
           Clause("comment", correction.comment()),
           Clause("reason", correction.reason())});
    }
    case v1::Event::kActionStatusChanged: {
      const v1::ActionStatusChanged& change = event.action_status_changed();
      return JoinParts({absl::StrCat(StatusLabel(change.from_status()), " → ",
                                     StatusLabel(change.to_status())),
                        Clause("reason", change.reason())});
    }
    case v1::Event::kFicheUpdated:
      return Clause(absl::StrCat("fiche ", event.fiche_updated().year()),
                    event.fiche_updated().text());
    case v1::Event::kEvaluationSnapshotTaken: {
      const v1::EvaluationSnapshotTaken& snapshot =
          event.evaluation_snapshot_taken();
      return absl::StrCat("snapshot \"", snapshot.name(), "\" as of ",
                          snapshot.as_of_date(), ", seen position ",
                          snapshot.seen_position());
    }
    case v1::Event::PAYLOAD_NOT_SET:
      break;
  }
  return "";
}

}  // namespace koers::clients
