#include "services/submissions.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/append_validation.h"
#include "storage/civil_date.h"
#include "storage/event_id.h"
#include "storage/status_macros.h"

namespace koers::services {
namespace {

constexpr size_t kMaxComment = 2000;
constexpr size_t kMaxReason = 2000;
constexpr size_t kMaxFicheText = 20000;

// What the state contributed to an event. For a fresh write it comes from
// validation; for a retry, from the stored event.
struct Derived {
  v1::ActionStatus from_status = v1::ACTION_STATUS_UNSPECIFIED;
  std::string indicator_id;  // of a correction
  std::string default_date;  // of a correction (its target's) or a fiche
};

std::string FieldName(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

absl::Status CheckText(absl::string_view text, absl::string_view field,
                       size_t max, bool required) {
  if ((required && text.empty()) || text.size() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", required ? "required, " : "", "at most ", max,
                     " bytes, got ", text.size()));
  }
  return absl::OkStatus();
}

// The transitions an action's status may take; completed and stopped are
// final.
std::vector<v1::ActionStatus> NextStatuses(v1::ActionStatus from) {
  switch (from) {
    case v1::ACTION_STATUS_PLANNED:
      return {v1::ACTION_STATUS_IN_PROGRESS, v1::ACTION_STATUS_DELAYED,
              v1::ACTION_STATUS_STOPPED};
    case v1::ACTION_STATUS_IN_PROGRESS:
      return {v1::ACTION_STATUS_DELAYED, v1::ACTION_STATUS_COMPLETED,
              v1::ACTION_STATUS_STOPPED};
    case v1::ACTION_STATUS_DELAYED:
      return {v1::ACTION_STATUS_IN_PROGRESS, v1::ACTION_STATUS_COMPLETED,
              v1::ACTION_STATUS_STOPPED};
    default:
      return {};
  }
}

class Validator {
 public:
  Validator(const SubmissionContext& context, absl::string_view prefix)
      : context_(context), prefix_(prefix) {}

  std::string Field(absl::string_view name) const {
    return FieldName(prefix_, name);
  }

  absl::StatusOr<const v1::Plan*> Plan() const {
    const v1::Plan* plan = context_.state->CurrentPlan();
    if (plan == nullptr) {
      return absl::FailedPreconditionError(
          "no plan is loaded yet; a coordinator loads one first");
    }
    return plan;
  }

  // A date within the plan period and not after today.
  absl::StatusOr<absl::CivilDay> PastDateInPlan(absl::string_view text,
                                                absl::string_view name) const {
    const std::string field = Field(name);
    KOERS_ASSIGN_OR_RETURN(const absl::CivilDay day,
                           storage::ParseIsoDate(text, field));
    KOERS_ASSIGN_OR_RETURN(const v1::Plan* plan, Plan());
    if (text < plan->period_start() || text > plan->period_end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", text, " is outside the plan period ",
                       plan->period_start(), " to ", plan->period_end()));
    }
    if (day > context_.today) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", text, " is after today (",
                       storage::FormatIsoDate(context_.today),
                       "); record facts about dates that have passed"));
    }
    return day;
  }

  // The current definition of a writable action.
  absl::StatusOr<const v1::Action*> WritableAction(
      absl::string_view id, absl::string_view name) const {
    const v1::Action* action = context_.state->CurrentAction(id);
    if (action == nullptr) {
      if (context_.state->FindAction(id) != nullptr) {
        return absl::FailedPreconditionError(absl::StrCat(
            Field(name), ": action ", id,
            " was withdrawn from the plan; it takes no new facts"));
      }
      return absl::NotFoundError(absl::StrCat(Field(name), ": action \"",
                                              id.substr(0, 64),
                                              "\" is not in the plan"));
    }
    if (absl::Status allowed = CheckMayWriteFor(*context_.caller, *action);
        !allowed.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat(Field(name), ": ", allowed.message()));
    }
    return action;
  }

  // The current definition of a writable indicator (its action writable).
  absl::StatusOr<const v1::Indicator*> WritableIndicator(
      absl::string_view id, absl::string_view name) const {
    const v1::Indicator* indicator = context_.state->CurrentIndicator(id);
    if (indicator == nullptr) {
      if (context_.state->FindIndicator(id) != nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat(Field(name), ": indicator ", id,
                         " was retired; it takes no new values"));
      }
      return absl::NotFoundError(absl::StrCat(Field(name), ": indicator \"",
                                              id.substr(0, 64),
                                              "\" is not in the plan"));
    }
    KOERS_RETURN_IF_ERROR(
        WritableAction(indicator->action_id(), name).status());
    return indicator;
  }

  // A value fit for `indicator`: a finite number within its allowed range,
  // or a level of its scale.
  absl::Status Value(const v1::Indicator& indicator, bool has_number,
                     double number, bool has_level,
                     const std::string& level) const {
    if (indicator.has_quantitative()) {
      const v1::QuantitativeSpec& spec = indicator.quantitative();
      if (!has_number) {
        return absl::InvalidArgumentError(
            absl::StrCat(Field("number"), ": indicator ", indicator.id(),
                         " is quantitative (unit: ", spec.unit(),
                         "); give a number, not a scale level"));
      }
      if (!std::isfinite(number)) {
        return absl::InvalidArgumentError(absl::StrCat(
            Field("number"), ": ", number, " is not a finite number"));
      }
      if ((spec.has_min_allowed() && number < spec.min_allowed()) ||
          (spec.has_max_allowed() && number > spec.max_allowed())) {
        return absl::InvalidArgumentError(absl::StrCat(
            Field("number"), ": ", number,
            " is outside the allowed range of indicator ", indicator.id(), ": ",
            spec.has_min_allowed() ? absl::StrCat(spec.min_allowed()) : "-inf",
            " to ",
            spec.has_max_allowed() ? absl::StrCat(spec.max_allowed())
                                   : "+inf"));
      }
      return absl::OkStatus();
    }
    const auto& scale = indicator.qualitative().scale();
    if (!has_level ||
        std::find(scale.begin(), scale.end(), level) == scale.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Field("level"), ": indicator ", indicator.id(),
          " is qualitative; give one of its levels: \"",
          absl::StrJoin(scale, "\", \""), "\"",
          has_level ? absl::StrCat(" (got \"", level.substr(0, 64), "\")")
                    : std::string(" (got a number)")));
    }
    return absl::OkStatus();
  }

  absl::Status PeriodStart(absl::string_view period_start,
                           absl::string_view date) const {
    if (period_start.empty()) return absl::OkStatus();
    KOERS_RETURN_IF_ERROR(
        storage::ParseIsoDate(period_start, Field("period_start")).status());
    if (period_start > date) {
      return absl::InvalidArgumentError(
          absl::StrCat(Field("period_start"), ": ", period_start,
                       " is after the reference date ", date));
    }
    return absl::OkStatus();
  }

  absl::Status Options(const v1::WriteOptions& options) const {
    if (options.event_id().empty()) return absl::OkStatus();
    return storage::ParseEventId(options.event_id(), Field("options.event_id"))
        .status();
  }

  const SubmissionContext& context() const { return context_; }

 private:
  const SubmissionContext& context_;
  const std::string prefix_;
};

absl::Status ValidateMeasurement(const Validator& v,
                                 const v1::RecordMeasurementRequest& r) {
  KOERS_RETURN_IF_ERROR(v.Options(r.options()));
  KOERS_ASSIGN_OR_RETURN(const v1::Indicator* indicator,
                         v.WritableIndicator(r.indicator_id(), "indicator_id"));
  KOERS_RETURN_IF_ERROR(v.Value(*indicator, r.has_number(), r.number(),
                                r.has_level(), r.level()));
  KOERS_RETURN_IF_ERROR(v.PastDateInPlan(r.date(), "date").status());
  KOERS_RETURN_IF_ERROR(v.PeriodStart(r.period_start(), r.date()));
  return CheckText(r.comment(), v.Field("comment"), kMaxComment, false);
}

absl::StatusOr<Derived> ValidateCorrection(
    const Validator& v, const v1::CorrectMeasurementRequest& r,
    uint64_t* indicator_revision) {
  KOERS_RETURN_IF_ERROR(v.Options(r.options()));
  KOERS_RETURN_IF_ERROR(storage::ParseEventId(r.supersedes_event_id(),
                                              v.Field("supersedes_event_id"))
                            .status());
  absl::StatusOr<v1::Event> target =
      v.context().read_event(r.supersedes_event_id());
  if (absl::IsNotFound(target.status())) {
    return absl::NotFoundError(absl::StrCat(v.Field("supersedes_event_id"),
                                            ": no event with id ",
                                            r.supersedes_event_id()));
  }
  KOERS_RETURN_IF_ERROR(target.status());
  if (!target->has_measurement_recorded() &&
      !target->has_measurement_corrected()) {
    return absl::FailedPreconditionError(absl::StrCat(
        v.Field("supersedes_event_id"), ": event ", r.supersedes_event_id(),
        " is a ", v1::EventType_Name(target->type()),
        ", not a measurement; only measurements can be corrected"));
  }
  Derived derived;
  derived.indicator_id = target->stream();
  derived.default_date = target->valid_date();
  KOERS_ASSIGN_OR_RETURN(
      const v1::Indicator* indicator,
      v.WritableIndicator(derived.indicator_id, "supersedes_event_id"));
  const IndicatorRecord* record =
      v.context().state->FindIndicator(derived.indicator_id);
  *indicator_revision = record->revision;
  auto index = record->value_index.find(r.supersedes_event_id());
  if (index != record->value_index.end() &&
      record->values[index->second].superseded_by.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(v.Field("supersedes_event_id"), ": ",
                     r.supersedes_event_id(), " was already corrected by ",
                     record->values[index->second].superseded_by->ToString(),
                     "; correct that instead"));
  }
  KOERS_RETURN_IF_ERROR(v.Value(*indicator, r.has_number(), r.number(),
                                r.has_level(), r.level()));
  const std::string& date = r.date().empty() ? derived.default_date : r.date();
  KOERS_RETURN_IF_ERROR(v.PastDateInPlan(date, "date").status());
  KOERS_RETURN_IF_ERROR(v.PeriodStart(r.period_start(), date));
  KOERS_RETURN_IF_ERROR(
      CheckText(r.comment(), v.Field("comment"), kMaxComment, false));
  KOERS_RETURN_IF_ERROR(
      CheckText(r.reason(), v.Field("reason"), kMaxReason, true));
  return derived;
}

absl::StatusOr<Derived> ValidateStatusChange(
    const Validator& v, const v1::ChangeActionStatusRequest& r,
    uint64_t* action_revision) {
  KOERS_RETURN_IF_ERROR(v.Options(r.options()));
  KOERS_RETURN_IF_ERROR(v.WritableAction(r.action_id(), "action_id").status());
  const ActionRecord& record = *v.context().state->FindAction(r.action_id());
  *action_revision = record.revision;
  const StatusChange* last = PlanState::LastStatusChange(record);
  Derived derived;
  derived.from_status =
      last == nullptr ? v1::ACTION_STATUS_PLANNED : last->status;
  if (r.status() == v1::ACTION_STATUS_UNSPECIFIED ||
      !v1::ActionStatus_IsValid(r.status())) {
    return absl::InvalidArgumentError(absl::StrCat(
        v.Field("status"),
        ": required; one of planned (gepland), in progress (lopend), "
        "delayed (vertraagd), completed (gerealiseerd), stopped (stopgezet)"));
  }
  const std::vector<v1::ActionStatus> next = NextStatuses(derived.from_status);
  if (std::find(next.begin(), next.end(), r.status()) == next.end()) {
    std::vector<std::string> allowed;
    allowed.reserve(next.size());
    for (v1::ActionStatus status : next) allowed.push_back(StatusLabel(status));
    return absl::FailedPreconditionError(
        absl::StrCat(v.Field("status"), ": action ", r.action_id(), " is ",
                     StatusLabel(derived.from_status), "; it can move to ",
                     allowed.empty() ? "no other status (final)"
                                     : absl::StrJoin(allowed, ", "),
                     ", not to ", StatusLabel(r.status())));
  }
  KOERS_ASSIGN_OR_RETURN(
      const absl::CivilDay effective,
      v.PastDateInPlan(r.effective_date(), "effective_date"));
  if (last != nullptr && effective < last->effective) {
    return absl::InvalidArgumentError(absl::StrCat(
        v.Field("effective_date"), ": ", r.effective_date(),
        " is before the action's previous status change, effective ",
        storage::FormatIsoDate(last->effective)));
  }
  KOERS_RETURN_IF_ERROR(
      CheckText(r.reason(), v.Field("reason"), kMaxReason, true));
  return derived;
}

absl::StatusOr<Derived> ValidateFiche(const Validator& v,
                                      const v1::RecordFicheUpdateRequest& r) {
  KOERS_RETURN_IF_ERROR(v.Options(r.options()));
  KOERS_RETURN_IF_ERROR(v.WritableAction(r.action_id(), "action_id").status());
  KOERS_ASSIGN_OR_RETURN(const v1::Plan* plan, v.Plan());
  const int first_year = std::stoi(plan->period_start().substr(0, 4));
  const int last_year = std::stoi(plan->period_end().substr(0, 4));
  if (r.year() < first_year || r.year() > last_year) {
    return absl::InvalidArgumentError(absl::StrCat(
        v.Field("year"), ": ", r.year(), " is outside the plan period's years ",
        first_year, " to ", last_year));
  }
  KOERS_RETURN_IF_ERROR(
      CheckText(r.text(), v.Field("text"), kMaxFicheText, true));
  Derived derived;
  derived.default_date = storage::FormatIsoDate(v.context().today);
  const std::string& date = r.date().empty() ? derived.default_date : r.date();
  KOERS_RETURN_IF_ERROR(v.PastDateInPlan(date, "date").status());
  return derived;
}

template <typename Payload, typename Request>
void SetValue(const Request& request, Payload* payload) {
  if (request.has_number()) payload->set_number(request.number());
  if (request.has_level()) payload->set_level(request.level());
}

// The event `submission` writes, given what the state contributed.
v1::Event BuildEvent(const v1::Submission& submission, const Derived& derived,
                     const Caller& caller) {
  v1::Event event;
  event.set_event_id(OptionsOf(submission).event_id());
  event.set_principal(caller.name);
  switch (submission.kind_case()) {
    case v1::Submission::kMeasurement: {
      const auto& r = submission.measurement();
      event.set_stream(r.indicator_id());
      event.set_valid_date(r.date());
      auto* payload = event.mutable_measurement_recorded();
      payload->set_indicator_id(r.indicator_id());
      SetValue(r, payload);
      payload->set_period_start(r.period_start());
      payload->set_comment(r.comment());
      break;
    }
    case v1::Submission::kCorrection: {
      const auto& r = submission.correction();
      event.set_stream(derived.indicator_id);
      event.set_valid_date(r.date().empty() ? derived.default_date : r.date());
      auto* payload = event.mutable_measurement_corrected();
      payload->set_indicator_id(derived.indicator_id);
      payload->set_supersedes_event_id(r.supersedes_event_id());
      SetValue(r, payload);
      payload->set_period_start(r.period_start());
      payload->set_comment(r.comment());
      payload->set_reason(r.reason());
      break;
    }
    case v1::Submission::kStatusChange: {
      const auto& r = submission.status_change();
      event.set_stream(r.action_id());
      event.set_valid_date(r.effective_date());
      auto* payload = event.mutable_action_status_changed();
      payload->set_action_id(r.action_id());
      payload->set_from_status(derived.from_status);
      payload->set_to_status(r.status());
      payload->set_reason(r.reason());
      break;
    }
    case v1::Submission::kFicheUpdate: {
      const auto& r = submission.fiche_update();
      event.set_stream(r.action_id());
      event.set_valid_date(r.date().empty() ? derived.default_date : r.date());
      auto* payload = event.mutable_fiche_updated();
      payload->set_action_id(r.action_id());
      payload->set_year(r.year());
      payload->set_text(r.text());
      break;
    }
    case v1::Submission::KIND_NOT_SET:
      break;
  }
  return event;
}

Derived DerivedFromStored(const v1::Event& stored) {
  Derived derived;
  derived.from_status = stored.action_status_changed().from_status();
  derived.indicator_id = stored.measurement_corrected().indicator_id();
  derived.default_date = stored.valid_date();
  return derived;
}

}  // namespace

const v1::WriteOptions& OptionsOf(const v1::Submission& submission) {
  switch (submission.kind_case()) {
    case v1::Submission::kMeasurement:
      return submission.measurement().options();
    case v1::Submission::kCorrection:
      return submission.correction().options();
    case v1::Submission::kStatusChange:
      return submission.status_change().options();
    case v1::Submission::kFicheUpdate:
      return submission.fiche_update().options();
    case v1::Submission::KIND_NOT_SET:
      break;
  }
  return v1::WriteOptions::default_instance();
}

absl::string_view KindField(const v1::Submission& submission) {
  switch (submission.kind_case()) {
    case v1::Submission::kMeasurement:
      return "measurement";
    case v1::Submission::kCorrection:
      return "correction";
    case v1::Submission::kStatusChange:
      return "status_change";
    case v1::Submission::kFicheUpdate:
      return "fiche_update";
    case v1::Submission::KIND_NOT_SET:
      break;
  }
  return "";
}

std::string StatusLabel(v1::ActionStatus status) {
  switch (status) {
    case v1::ACTION_STATUS_PLANNED:
      return "planned (gepland)";
    case v1::ACTION_STATUS_IN_PROGRESS:
      return "in progress (lopend)";
    case v1::ACTION_STATUS_DELAYED:
      return "delayed (vertraagd)";
    case v1::ACTION_STATUS_COMPLETED:
      return "completed (gerealiseerd)";
    case v1::ACTION_STATUS_STOPPED:
      return "stopped (stopgezet)";
    default:
      return "unspecified";
  }
}

absl::StatusOr<PreparedWrite> PrepareWrite(const SubmissionContext& context,
                                           const v1::Submission& submission,
                                           absl::string_view field_prefix) {
  if (submission.kind_case() == v1::Submission::KIND_NOT_SET) {
    return absl::InvalidArgumentError(absl::StrCat(
        field_prefix.empty() ? "submission" : field_prefix,
        ": empty; set one of measurement, correction, status_change, "
        "fiche_update"));
  }
  const Validator validator(context,
                            FieldName(field_prefix, KindField(submission)));
  Derived derived;
  // The revision of the stream whose state the validation relied on, when
  // a concurrent write to it could change the verdict.
  std::optional<uint64_t> guard_revision;
  switch (submission.kind_case()) {
    case v1::Submission::kMeasurement:
      KOERS_RETURN_IF_ERROR(
          ValidateMeasurement(validator, submission.measurement()));
      break;
    case v1::Submission::kCorrection: {
      uint64_t revision = 0;
      KOERS_ASSIGN_OR_RETURN(
          derived,
          ValidateCorrection(validator, submission.correction(), &revision));
      guard_revision = revision;
      break;
    }
    case v1::Submission::kStatusChange: {
      uint64_t revision = 0;
      KOERS_ASSIGN_OR_RETURN(
          derived, ValidateStatusChange(validator, submission.status_change(),
                                        &revision));
      guard_revision = revision;
      break;
    }
    case v1::Submission::kFicheUpdate: {
      KOERS_ASSIGN_OR_RETURN(
          derived, ValidateFiche(validator, submission.fiche_update()));
      break;
    }
    case v1::Submission::KIND_NOT_SET:
      break;
  }
  PreparedWrite write;
  write.event = BuildEvent(submission, derived, *context.caller);
  const v1::WriteOptions& options = OptionsOf(submission);
  if (options.has_expected_revision()) {
    write.expectation = storage::StreamExpectation{
        write.event.stream(),
        storage::ExpectedRevision::Exactly(options.expected_revision())};
  } else if (guard_revision.has_value()) {
    write.expectation = storage::StreamExpectation{
        write.event.stream(),
        storage::ExpectedRevision::Exactly(*guard_revision)};
    write.guarded = true;
  }
  return write;
}

bool IsSameWrite(const v1::Event& stored, const v1::Submission& submission,
                 const Caller& caller) {
  v1::Event retry = BuildEvent(submission, DerivedFromStored(stored), caller);
  // The log keeps ids in canonical (lowercase) form.
  if (auto raw = storage::ParseEventId(retry.event_id(), "event_id");
      raw.ok()) {
    retry.set_event_id(storage::FormatEventId(*raw));
  }
  return storage::IdempotencyContent(stored) ==
         storage::IdempotencyContent(retry);
}

}  // namespace koers::services
