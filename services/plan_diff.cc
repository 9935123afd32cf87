#include "services/plan_diff.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/plan_document.h"
#include "storage/civil_date.h"

namespace koers::services {
namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;
using Kind = v1::PlanChange::Kind;

// Every plan payload has one shape: field 1 is the subject (the definition,
// or the id of what is withdrawn or retired), field 2 the reason.
constexpr int kSubjectField = 1;
constexpr int kReasonField = 2;

template <typename Payload>
constexpr bool HasPlanPayloadShape(int subject_field) {
  return subject_field == kSubjectField &&
         Payload::kReasonFieldNumber == kReasonField;
}
static_assert(
    HasPlanPayloadShape<v1::PlanAdopted>(v1::PlanAdopted::kPlanFieldNumber) &&
        HasPlanPayloadShape<v1::PlanRevised>(
            v1::PlanRevised::kPlanFieldNumber) &&
        HasPlanPayloadShape<v1::ActionDefined>(
            v1::ActionDefined::kActionFieldNumber) &&
        HasPlanPayloadShape<v1::ActionRevised>(
            v1::ActionRevised::kActionFieldNumber) &&
        HasPlanPayloadShape<v1::ActionWithdrawn>(
            v1::ActionWithdrawn::kActionIdFieldNumber) &&
        HasPlanPayloadShape<v1::IndicatorDefined>(
            v1::IndicatorDefined::kIndicatorFieldNumber) &&
        HasPlanPayloadShape<v1::IndicatorRevised>(
            v1::IndicatorRevised::kIndicatorFieldNumber) &&
        HasPlanPayloadShape<v1::IndicatorRetired>(
            v1::IndicatorRetired::kIndicatorIdFieldNumber),
    "every plan payload has its subject as field 1, its reason as field 2");

// The number of the Event payload field that carries a change of `kind`.
constexpr int PayloadField(Kind kind) {
  return v1::Event::kPlanAdoptedFieldNumber +
         (kind - v1::PlanChange::KIND_PLAN_ADOPTED);
}
static_assert(
    PayloadField(v1::PlanChange::KIND_PLAN_REVISED) ==
            v1::Event::kPlanRevisedFieldNumber &&
        PayloadField(v1::PlanChange::KIND_ACTION_DEFINED) ==
            v1::Event::kActionDefinedFieldNumber &&
        PayloadField(v1::PlanChange::KIND_ACTION_REVISED) ==
            v1::Event::kActionRevisedFieldNumber &&
        PayloadField(v1::PlanChange::KIND_ACTION_WITHDRAWN) ==
            v1::Event::kActionWithdrawnFieldNumber &&
        PayloadField(v1::PlanChange::KIND_INDICATOR_DEFINED) ==
            v1::Event::kIndicatorDefinedFieldNumber &&
        PayloadField(v1::PlanChange::KIND_INDICATOR_REVISED) ==
            v1::Event::kIndicatorRevisedFieldNumber &&
        PayloadField(v1::PlanChange::KIND_INDICATOR_RETIRED) ==
            v1::Event::kIndicatorRetiredFieldNumber,
    "PlanChange kinds and Event payload fields run in the same order");

// Names of the top-level fields whose values differ, joined by ", ".
std::string ChangedFields(const Message& before, const Message& after) {
  const google::protobuf::Descriptor& type = *after.GetDescriptor();
  std::vector<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) {
    const std::vector<const google::protobuf::FieldDescriptor*> field = {
        type.field(i)};
    MessageDifferencer differencer;
    if (!differencer.CompareWithFields(before, after, field, field)) {
      names.push_back(type.field(i)->name());
    }
  }
  return absl::StrJoin(names, ", ");
}

// An action of the document, normalised, with its indicators by id.
struct DocumentAction {
  v1::Action definition;
  std::map<std::string, v1::Indicator> indicators;
};

std::map<std::string, DocumentAction> ActionsById(const v1::Plan& plan) {
  std::map<std::string, DocumentAction> actions;
  for (const v1::StrategicObjective& objective : plan.objectives()) {
    for (const v1::Action& action : objective.actions()) {
      DocumentAction& entry = actions[action.id()];
      entry.definition = ActionDefinition(action, objective.id());
      for (const v1::Indicator& indicator : action.indicators()) {
        entry.indicators[indicator.id()] =
            IndicatorDefinition(indicator, action.id());
      }
    }
  }
  return actions;
}

// Collects the changes and their events, in order.
class DiffBuilder {
 public:
  DiffBuilder(absl::CivilDay effective_date, absl::string_view reason,
              absl::string_view principal)
      : valid_date_(storage::FormatIsoDate(effective_date)),
        reason_(reason),
        principal_(principal) {}

  // Appends `defined` when there is no `current` definition, `revised` when
  // it differs from `next`; nothing when they are equal.
  void DefineOrRevise(const Message* current, const Message& next,
                      absl::string_view id, Kind defined, Kind revised) {
    if (current == nullptr) {
      SetSubject(Append(defined, id, ""), next);
    } else if (!MessageDifferencer::Equals(*current, next)) {
      SetSubject(Append(revised, id, ChangedFields(*current, next)), next);
    }
  }

  // Appends `kind`, a withdrawal or a retirement, of `id`.
  void Remove(Kind kind, absl::string_view id) {
    Message& payload = Append(kind, id, "");
    payload.GetReflection()->SetString(&payload, SubjectField(payload),
                                       std::string(id));
  }

  PlanDiff Finish() && { return std::move(diff_); }

 private:
  static const google::protobuf::FieldDescriptor* SubjectField(
      const Message& payload) {
    return payload.GetDescriptor()->FindFieldByNumber(kSubjectField);
  }

  static void SetSubject(Message& payload, const Message& definition) {
    payload.GetReflection()
        ->MutableMessage(&payload, SubjectField(payload))
        ->CopyFrom(definition);
  }

  // Appends the change and its event (envelope and reason); returns the
  // event's payload for the caller to set its subject.
  Message& Append(Kind kind, absl::string_view id, std::string changed_fields) {
    v1::PlanChange& change = diff_.changes.emplace_back();
    change.set_kind(kind);
    change.set_id(std::string(id));
    change.set_changed_fields(std::move(changed_fields));
    v1::Event& event = diff_.events.emplace_back();
    event.set_stream(std::string(id));
    event.set_valid_date(valid_date_);
    event.set_principal(principal_);
    Message* payload = event.GetReflection()->MutableMessage(
        &event, v1::Event::descriptor()->FindFieldByNumber(PayloadField(kind)));
    payload->GetReflection()->SetString(
        payload, payload->GetDescriptor()->FindFieldByNumber(kReasonField),
        reason_);
    return *payload;
  }

  const std::string valid_date_;
  const std::string reason_;
  const std::string principal_;
  PlanDiff diff_;
};

// Step 2 of DiffPlan: the document's actions and indicators.
void DefineOrReviseItems(const PlanState& state,
                         const std::map<std::string, DocumentAction>& actions,
                         DiffBuilder& builder) {
  for (const auto& [action_id, action] : actions) {
    builder.DefineOrRevise(state.CurrentAction(action_id), action.definition,
                           action_id, v1::PlanChange::KIND_ACTION_DEFINED,
                           v1::PlanChange::KIND_ACTION_REVISED);
    for (const auto& [indicator_id, indicator] : action.indicators) {
      builder.DefineOrRevise(state.CurrentIndicator(indicator_id), indicator,
                             indicator_id,
                             v1::PlanChange::KIND_INDICATOR_DEFINED,
                             v1::PlanChange::KIND_INDICATOR_REVISED);
    }
  }
}

// Steps 3 and 4 of DiffPlan: current actions and indicators the document
// no longer holds.
void RemoveAbsentItems(const PlanState& state,
                       const std::map<std::string, DocumentAction>& actions,
                       DiffBuilder& builder) {
  absl::flat_hash_set<std::string> indicator_ids;
  for (const auto& entry : actions) {
    for (const auto& indicator : entry.second.indicators) {
      indicator_ids.insert(indicator.first);
    }
  }
  for (const auto& entry : state.actions()) {
    if (state.CurrentAction(entry.first) != nullptr &&
        !actions.contains(entry.first)) {
      builder.Remove(v1::PlanChange::KIND_ACTION_WITHDRAWN, entry.first);
    }
  }
  for (const auto& entry : state.indicators()) {
    if (state.CurrentIndicator(entry.first) != nullptr &&
        !indicator_ids.contains(entry.first)) {
      builder.Remove(v1::PlanChange::KIND_INDICATOR_RETIRED, entry.first);
    }
  }
}

}  // namespace

absl::StatusOr<PlanDiff> DiffPlan(const PlanState& state, const v1::Plan& plan,
                                  absl::CivilDay effective_date,
                                  absl::string_view reason,
                                  absl::string_view principal) {
  const v1::Plan* current = state.CurrentPlan();
  if (current != nullptr && current->id() != plan.id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("this log tracks plan ", current->id(),
                     "; a document for plan ", plan.id(), " cannot revise it"));
  }
  DiffBuilder builder(effective_date, reason, principal);
  builder.DefineOrRevise(current, PlanHeader(plan), plan.id(),
                         v1::PlanChange::KIND_PLAN_ADOPTED,
                         v1::PlanChange::KIND_PLAN_REVISED);
  const std::map<std::string, DocumentAction> actions = ActionsById(plan);
  DefineOrReviseItems(state, actions, builder);
  RemoveAbsentItems(state, actions, builder);
  return std::move(builder).Finish();
}

}  // namespace koers::services
