// The commands that read: plan show, progress, history, events, tail,
// verify, health.
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
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

// The statuses an objective's counts are shown for, in lifecycle order.
constexpr v1::ActionStatus kStatuses[] = {
    v1::ACTION_STATUS_PLANNED, v1::ACTION_STATUS_IN_PROGRESS,
    v1::ACTION_STATUS_DELAYED, v1::ACTION_STATUS_COMPLETED,
    v1::ACTION_STATUS_STOPPED};

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

// The latest value with its unit, or the level.
std::string ValueText(const v1::IndicatorProgress& indicator) {
  if (!indicator.has_value()) return "";
  if (!indicator.quantitative()) return indicator.level();
  if (indicator.unit().empty()) return FormatNumber(indicator.number());
  return absl::StrCat(FormatNumber(indicator.number()), " ", indicator.unit());
}

// Towards the target: a percentage, or the level's rank in its scale.
std::string ProgressText(const v1::IndicatorProgress& indicator) {
  if (!indicator.has_value()) return "";
  if (!indicator.quantitative()) {
    return absl::StrCat("level ", indicator.level_index() + 1, " of ",
                        indicator.scale_size());
  }
  return indicator.has_progress() ? FormatPercent(indicator.progress()) : "";
}

std::vector<Table> ProgressTables(const v1::GetProgressResponse& response) {
  Table objectives{
      .title =
          absl::StrCat("Progress as of ", response.as_of_date(),
                       " (log position ", response.position(), "): objectives"),
      .columns = {"id", "title", "actions"},
  };
  for (const v1::ActionStatus status : kStatuses) {
    objectives.columns.push_back(StatusLabel(status));
  }
  objectives.columns.push_back("overdue");
  for (const v1::ObjectiveProgress& objective : response.objectives()) {
    std::vector<std::string> row = {objective.objective_id(), objective.title(),
                                    absl::StrCat(objective.actions())};
    for (const v1::ActionStatus status : kStatuses) {
      uint32_t count = 0;
      for (const v1::StatusCount& by_status : objective.by_status()) {
        if (by_status.status() == status) count = by_status.count();
      }
      row.push_back(absl::StrCat(count));
    }
    row.push_back(absl::StrCat(objective.overdue()));
    objectives.rows.push_back(std::move(row));
  }
  Table actions{.title = "Actions",
                .columns = {"id", "status", "since", "deadline", "overdue",
                            "latest fiche", "fiche up to date"}};
  for (const v1::ActionProgress& action : response.actions()) {
    actions.rows.push_back({action.action_id(), StatusLabel(action.status()),
                            action.status_since(), action.deadline(),
                            YesNo(action.overdue()),
                            action.latest_fiche_year() == 0
                                ? ""
                                : absl::StrCat(action.latest_fiche_year()),
                            YesNo(action.fiche_up_to_date())});
  }
  Table indicators{.title = "Indicators",
                   .columns = {"id", "value", "date", "progress"}};
  for (const v1::IndicatorProgress& indicator : response.indicators()) {
    indicators.rows.push_back({indicator.indicator_id(), ValueText(indicator),
                               indicator.value_date(),
                               ProgressText(indicator)});
  }
  return {objectives, actions, indicators};
}

}  // namespace

absl::Status RunPlanShow(const CommandContext& context) {
  v1::GetPlanRequest request;
  request.set_as_of_date(context.parsed.Get("as-of"));
  KOERS_ASSIGN_OR_RETURN(const v1::GetPlanResponse response,
                         context.client->GetPlan(request));
  return context.output->Print(response, PlanTables(response));
}

absl::Status RunProgress(const CommandContext& context) {
  KOERS_ASSIGN_OR_RETURN(const v1::GetProgressResponse response,
                         context.client->GetProgress({}));
  return context.output->Print(response, ProgressTables(response));
}

absl::Status RunHistory(const CommandContext& context) {
  v1::GetHistoryRequest request;
  request.set_id(context.args[0]);
  KOERS_ASSIGN_OR_RETURN(const v1::GetHistoryResponse response,
                         context.client->GetHistory(request));
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
  using health::v1::HealthCheckResponse;
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
