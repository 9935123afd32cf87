// The commands that read: plan show, progress, history (each at a
// bitemporal point: time_point_args.h), events, tail, verify, health.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli_error.h"
#include "clients/command_context.h"
#include "clients/event_view.h"
#include "clients/labels.h"
#include "clients/output.h"
#include "clients/progress_view.h"
#include "clients/time_point_args.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

// "62 → 80" or "niet gestart → volledig gerealiseerd".
std::string BaselineToTarget(const v1::Indicator& indicator) {
  if (indicator.has_qualitative()) {
    return absl::StrCat(indicator.qualitative().baseline_level(), " → ",
                        indicator.qualitative().target_level());
  }
  return absl::StrCat(FormatNumber(indicator.quantitative().baseline_value()),
                      " → ",
                      FormatNumber(indicator.quantitative().target_value()));
}

std::vector<Table> PlanTables(const v1::GetPlanResponse& response) {
  const v1::Plan& plan = response.plan();
  Table header{
      .title = absl::StrCat("Plan as of ", response.as_of_date(),
                            " (log position ", response.position(), ")"),
      .columns = {"id", "title", "period", "legal basis"},
      .empty_text = "no plan loaded by then",
  };
  if (plan.id().empty()) return {header};
  header.rows.push_back(
      {plan.id(), plan.title(),
       absl::StrCat(plan.period_start(), " – ", plan.period_end()),
       plan.legal_basis()});
  Table objectives{.title = "Objectives",
                   .columns = {"id", "title", "actions"}};
  Table actions{.title = "Actions",
                .columns = {"id", "title", "lead ministers", "reporting entity",
                            "start", "deadline"}};
  Table indicators{.title = "Indicators",
                   .columns = {"id", "name", "kind", "unit",
                               "baseline → target", "direction"}};
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    objectives.rows.push_back({objective.id(), objective.title(),
                               absl::StrCat(objective.actions_size())});
    for (const v1::Action& action : objective.actions()) {
      actions.rows.push_back({action.id(), action.title(),
                              absl::StrJoin(action.lead_ministers(), "; "),
                              action.reporting_entity(), action.start_date(),
                              action.deadline()});
      for (const v1::Indicator& indicator : action.indicators()) {
        const bool quantitative = indicator.has_quantitative();
        indicators.rows.push_back(
            {indicator.id(), indicator.name(),
             quantitative ? "quantitative" : "qualitative",
             quantitative ? indicator.quantitative().unit() : "",
             BaselineToTarget(indicator),
             quantitative ? DirectionLabel(indicator.quantitative()) : ""});
      }
    }
  }
  return {header, objectives, actions, indicators};
}

}  // namespace

absl::Status RunPlanShow(const CommandContext& context) {
  KOERS_ASSIGN_OR_RETURN(const v1::TimePoint at,
                         TimePointFromFlags(context.parsed));
  v1::GetPlanRequest request;
  request.set_as_of_date(at.as_of_date());
  if (at.has_known_at()) *request.mutable_known_at() = at.known_at();
  KOERS_ASSIGN_OR_RETURN(const v1::GetPlanResponse response,
                         context.client->GetPlan(request));
  return context.output->Print(response, PlanTables(response));
}

absl::Status RunProgress(const CommandContext& context) {
  v1::GetProgressRequest request;
  KOERS_ASSIGN_OR_RETURN(*request.mutable_at(),
                         TimePointFromFlags(context.parsed));
  KOERS_ASSIGN_OR_RETURN(const v1::GetProgressResponse response,
                         context.client->GetProgress(request));
  return context.output->Print(response, ProgressTables(response));
}

absl::Status RunHistory(const CommandContext& context) {
  v1::GetHistoryRequest request;
  request.set_id(context.args[0]);
  KOERS_ASSIGN_OR_RETURN(*request.mutable_at(),
                         TimePointFromFlags(context.parsed));
  KOERS_ASSIGN_OR_RETURN(const v1::GetHistoryResponse response,
                         context.client->GetWholeHistory(request));
  Table history{.title = absl::StrCat("History of ", response.id()),
                .columns = EventColumns(),
                .empty_text = "no events"};
  history.columns.push_back("superseded by");
  for (const v1::HistoryEntry& entry : response.entries()) {
    std::vector<std::string> row = EventCells(entry.event());
    row.push_back(entry.superseded_by());
    history.rows.push_back(std::move(row));
  }
  return context.output->Print(response, {history});
}

absl::Status RunEvents(const CommandContext& context) {
  v1::ReadEventsRequest request;
  KOERS_ASSIGN_OR_RETURN(const uint64_t from, context.Uint64Flag("from", 0));
  KOERS_ASSIGN_OR_RETURN(const uint64_t limit, context.Uint64Flag("limit", 0));
  if (limit > UINT32_MAX) {
    return UsageError(absl::StrCat("--limit ", limit, " is too large"));
  }
  request.set_from_position(from);
  request.set_limit(static_cast<uint32_t>(limit));
  KOERS_ASSIGN_OR_RETURN(const v1::ReadEventsResponse response,
                         context.client->ReadEvents(request));
  Table events{.title = absl::StrCat("Events (log head at position ",
                                     response.head_position(), ")"),
               .columns = EventColumns(),
               .empty_text = "no events"};
  for (const v1::Event& event : response.events()) {
    events.rows.push_back(EventCells(event));
  }
  return context.output->Print(response, {events});
}

absl::Status RunTail(const CommandContext& context) {
  KOERS_ASSIGN_OR_RETURN(const uint64_t from, context.Uint64Flag("from", 0));
  context.output->BeginRecords(EventColumns(), EventColumnWidths());
  absl::Status printed;
  absl::Status subscribed =
      context.client->Subscribe(from, [&](const v1::SubscribeResponse& item) {
        if (item.has_event()) {
          printed = context.output->PrintRecord(item, EventCells(item.event()));
        } else if (item.has_caught_up()) {
          printed = context.output->PrintNote(
              item, absl::StrCat("-- caught up at position ",
                                 item.caught_up().position(),
                                 "; waiting for new events --"));
        }
        return printed.ok();
      });
  KOERS_RETURN_IF_ERROR(printed);
  return subscribed;
}

absl::Status RunVerify(const CommandContext& context) {
  KOERS_ASSIGN_OR_RETURN(const v1::VerifyResponse response,
                         context.client->Verify({}));
  Table verify{.columns = {"result", "events checked", "head position",
                           "head hash", "broken position", "reason"}};
  verify.rows.push_back(
      {response.ok() ? "OK" : "BROKEN", absl::StrCat(response.events_checked()),
       absl::StrCat(response.head_position()), response.head_hash(),
       response.ok() ? "" : absl::StrCat(response.broken_position()),
       response.reason()});
  KOERS_RETURN_IF_ERROR(context.output->Print(response, {verify}));
  if (response.ok()) return absl::OkStatus();
  return CommandFailed(absl::StrCat("the log is broken at position ",
                                    response.broken_position(), ": ",
                                    response.reason()));
}

absl::Status RunHealth(const CommandContext& context) {
  using grpc::health::v1::HealthCheckResponse;
  KOERS_ASSIGN_OR_RETURN(const HealthCheckResponse response,
                         context.client->Health());
  const std::string status =
      HealthCheckResponse::ServingStatus_Name(response.status());
  KOERS_RETURN_IF_ERROR(context.output->Print(
      response, {Table{.columns = {"status"}, .rows = {{status}}}}));
  if (response.status() == HealthCheckResponse::SERVING) {
    return absl::OkStatus();
  }
  return CommandFailed(absl::StrCat("the server is not serving: ", status));
}

}  // namespace koers::clients
