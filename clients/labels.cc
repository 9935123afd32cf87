#include "clients/labels.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "clients/cli_error.h"
#include "google/protobuf/descriptor.h"

namespace koers::clients {
namespace {

struct StatusName {
  absl::string_view english;  // words joined by '-'
  absl::string_view dutch;
  v1::ActionStatus status;
};

constexpr StatusName kStatusNames[] = {
    {"planned", "gepland", v1::ACTION_STATUS_PLANNED},
    {"in-progress", "lopend", v1::ACTION_STATUS_IN_PROGRESS},
    {"delayed", "vertraagd", v1::ACTION_STATUS_DELAYED},
    {"completed", "gerealiseerd", v1::ACTION_STATUS_COMPLETED},
    {"stopped", "stopgezet", v1::ACTION_STATUS_STOPPED},
};

// The label of enum `value` of `type`: its name without `prefix`, lowercase,
// '_' as ' '.
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value,
                      absl::string_view prefix) {
  if (value == 0) return "";
  const google::protobuf::EnumValueDescriptor* found =
      type->FindValueByNumber(value);
  if (found == nullptr) return absl::StrCat(value);
  absl::string_view name = found->name();
  absl::ConsumePrefix(&name, prefix);
  std::string label = absl::AsciiStrToLower(name);
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

}  // namespace

absl::StatusOr<v1::ActionStatus> ParseActionStatus(absl::string_view name) {
  std::string key = absl::AsciiStrToLower(name);
  std::replace(key.begin(), key.end(), '_', '-');
  std::replace(key.begin(), key.end(), ' ', '-');
  for (const StatusName& known : kStatusNames) {
    if (key == known.english || key == known.dutch) return known.status;
  }
  return UsageError(absl::StrCat(
      "unknown action status \"", name, "\": use one of ",
      absl::StrJoin(
          kStatusNames, ", ", [](std::string* out, const StatusName& known) {
            absl::StrAppend(out, known.english, " (", known.dutch, ")");
          })));
}

std::string StatusLabel(v1::ActionStatus status) {
  return EnumLabel(v1::ActionStatus_descriptor(), status, "ACTION_STATUS_");
}

std::string EventTypeLabel(v1::EventType type) {
  return EnumLabel(v1::EventType_descriptor(), type, "EVENT_TYPE_");
}

std::string PlanChangeLabel(v1::PlanChange::Kind kind) {
  return EnumLabel(v1::PlanChange::Kind_descriptor(), kind, "KIND_");
}

std::string VerdictLabel(v1::Verdict verdict) {
  return EnumLabel(v1::Verdict_descriptor(), verdict, "VERDICT_");
}

std::string FrequencyLabel(v1::ReportingFrequency frequency) {
  return EnumLabel(v1::ReportingFrequency_descriptor(), frequency,
                   "REPORTING_FREQUENCY_");
}

std::string PlanDifferenceLabel(v1::PlanDifference::Kind kind) {
  return EnumLabel(v1::PlanDifference::Kind_descriptor(), kind, "KIND_");
}

std::string DirectionLabel(const v1::QuantitativeSpec& spec) {
  if (spec.direction() == v1::DIRECTION_WITHIN_BAND) {
    return absl::StrCat("within [", FormatNumber(spec.band_low()), ", ",
                        FormatNumber(spec.band_high()), "]");
  }
  return EnumLabel(v1::Direction_descriptor(), spec.direction(), "DIRECTION_");
}

std::string FormatNumber(double value) {
  return absl::StrFormat("%.15g", value);
}

std::string FormatPercent(double fraction) {
  return absl::StrFormat("%.1f%%", fraction * 100);
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  const absl::Time at =
      absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone());
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace koers::clients
