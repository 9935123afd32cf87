// The words and number formats `koers` shows for the plan's values, and the
// action status names it accepts.
#ifndef KOERS_CLIENTS_LABELS_H_
#define KOERS_CLIENTS_LABELS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "koers/v1/evaluation_service.pb.h"
#include "koers/v1/events.pb.h"
#include "koers/v1/plan.pb.h"
#include "koers/v1/plan_service.pb.h"
#include "koers/v1/query_service.pb.h"

namespace koers::clients {

// The order in which statuses and verdicts are listed: the lifecycle, and
// from best to not assessed.
inline constexpr v1::ActionStatus kActionStatuses[] = {
    v1::ACTION_STATUS_PLANNED, v1::ACTION_STATUS_IN_PROGRESS,
    v1::ACTION_STATUS_DELAYED, v1::ACTION_STATUS_COMPLETED,
    v1::ACTION_STATUS_STOPPED};
inline constexpr v1::Verdict kVerdicts[] = {
    v1::VERDICT_ON_TRACK, v1::VERDICT_AT_RISK, v1::VERDICT_OFF_TRACK,
    v1::VERDICT_NOT_ASSESSED};

// An action status by its English or Dutch name, case-insensitive, with
// '-', '_' and ' ' alike: planned/gepland, in-progress/lopend,
// delayed/vertraagd, completed/gerealiseerd, stopped/stopgezet. Anything
// else is a usage error that lists these names.
absl::StatusOr<v1::ActionStatus> ParseActionStatus(absl::string_view name);

// "planned", "in progress", "delayed", "completed", "stopped"; "" for
// ACTION_STATUS_UNSPECIFIED.
std::string StatusLabel(v1::ActionStatus status);

// The enum value's name without its type prefix, lowercase, words separated
// by spaces: "measurement recorded", "action defined"; "" for UNSPECIFIED;
// the number for a value this client does not know.
std::string EventTypeLabel(v1::EventType type);
std::string PlanChangeLabel(v1::PlanChange::Kind kind);
// "on track", "at risk", "off track", "not assessed".
std::string VerdictLabel(v1::Verdict verdict);
// "monthly", "quarterly", "semiannual", "yearly", "once".
std::string FrequencyLabel(v1::ReportingFrequency frequency);
// "added", "withdrawn", "retargeted", "revised".
std::string PlanDifferenceLabel(v1::PlanDifference::Kind kind);

// "increase", "decrease" or "within [low, high]".
std::string DirectionLabel(const v1::QuantitativeSpec& spec);

// A value as typed: up to 15 significant digits, no trailing zeros
// ("62", "0.1", "1234567.5").
std::string FormatNumber(double value);

// A fraction as a percentage with one decimal: 0.5 -> "50.0%".
std::string FormatPercent(double fraction);

// RFC 3339 in UTC with milliseconds ("2026-03-31T09:15:02.123Z"); "" for an
// unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

std::string YesNo(bool value);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_LABELS_H_
