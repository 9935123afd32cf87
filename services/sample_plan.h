// The bundled sample plan (services/sample_plan.json, compiled in) and the
// parsing of plan documents.
#ifndef KOERS_SERVICES_SAMPLE_PLAN_H_
#define KOERS_SERVICES_SAMPLE_PLAN_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "koers/v1/plan.pb.h"

namespace koers::services {

// The sample plan's JSON: the four objectives of the 2025-2029 plan with
// illustrative actions and indicators (the real actions are in the plan's
// annex, which Koers does not have).
absl::string_view SamplePlanJson();

// Parses a plan document in protobuf's JSON mapping of koers.v1.Plan.
// Unknown fields are refused. InvalidArgument names `source` and the error.
absl::StatusOr<v1::Plan> ParsePlanJson(absl::string_view json,
                                       absl::string_view source);

}  // namespace koers::services

#endif  // KOERS_SERVICES_SAMPLE_PLAN_H_
