// The JSON report (report.h): {"snapshot": ..., "state": ...}, each part
// printed by protobuf's JSON printer (output.h ToJson), which prints fields
// in .proto order, so the same state always gives the same bytes.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "clients/output.h"
#include "clients/report.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

// A pretty-printed JSON value nested one level deeper: every line after the
// first indented by one more space (protobuf's printer indents by one),
// without its final line break.
std::string Nested(absl::string_view json) {
  absl::ConsumeSuffix(&json, "\n");
  return absl::StrReplaceAll(json, {{"\n", "\n "}});
}

}  // namespace

absl::StatusOr<std::string> RenderJsonReport(const ReportInput& input) {
  std::string json = "{\n";
  // The members are indented as protobuf indents: one space.
  if (input.snapshot != nullptr) {
    KOERS_ASSIGN_OR_RETURN(const std::string snapshot,
                           ToJson(*input.snapshot, /*pretty=*/true));
    absl::StrAppend(&json, " \"snapshot\": ", Nested(snapshot), ",\n");
  }
  KOERS_ASSIGN_OR_RETURN(const std::string state,
                         ToJson(*input.state, /*pretty=*/true));
  absl::StrAppend(&json, " \"state\": ", Nested(state), "\n}\n");
  return json;
}

}  // namespace koers::clients
