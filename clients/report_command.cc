// koers report: the state at a point (GetState) or a snapshot's frozen
// state (GetSnapshot, its digest checked) rendered as a document
// (report.h), printed or written to --out.
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"
#include "clients/command_context.h"
#include "clients/report.h"
#include "clients/snapshot_digest.h"
#include "clients/time_point_args.h"
#include "storage/file_util.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

// A report file is a document people open and share.
constexpr int kReportFileMode = 0644;

// What a report is made of: the state, and the snapshot it was frozen in.
struct ReportSource {
  v1::EvaluationState state;
  std::optional<v1::SnapshotInfo> snapshot;
};

// Exactly one of --as-of and --snapshot; --known-at only with --as-of (a
// snapshot's known-at point is the one it was taken at).
absl::Status CheckSourceFlags(const ParsedArgs& parsed) {
  if (parsed.Has("as-of") == parsed.Has("snapshot")) {
    return UsageError(
        "koers report needs either --as-of DATE or --snapshot NAME");
  }
  if (parsed.Has("snapshot") && parsed.Has("known-at")) {
    return UsageError(
        "--known-at does not apply to a snapshot: it is frozen at the "
        "position it saw");
  }
  return absl::OkStatus();
}

absl::StatusOr<ReportSource> FetchSource(const CommandContext& context,
                                         const v1::TimePoint& at) {
  ReportSource source;
  if (context.parsed.Has("snapshot")) {
    KOERS_ASSIGN_OR_RETURN(
        v1::GetSnapshotResponse snapshot,
        GetCheckedSnapshot(*context.client, context.parsed.Get("snapshot")));
    source.state = std::move(*snapshot.mutable_state());
    source.snapshot = std::move(*snapshot.mutable_info());
    return source;
  }
  v1::GetStateRequest request;
  *request.mutable_at() = at;
  KOERS_ASSIGN_OR_RETURN(source.state, context.client->GetState(request));
  return source;
}

absl::Status WriteReport(const CommandContext& context,
                         const std::string& text) {
  if (!context.parsed.Has("out")) {
    context.output->PrintText(text);
    return absl::OkStatus();
  }
  const std::string path = context.parsed.Get("out");
  if (const absl::Status written =
          storage::WriteFileAtomically(path, text, kReportFileMode);
      !written.ok()) {
    return InputError(written.message());
  }
  context.output->PrintText(
      absl::StrCat("report written to ", path, " (", text.size(), " bytes)\n"));
  return absl::OkStatus();
}

}  // namespace

absl::Status RunReport(const CommandContext& context) {
  // Every flag is checked before the first call.
  KOERS_RETURN_IF_ERROR(CheckSourceFlags(context.parsed));
  KOERS_ASSIGN_OR_RETURN(const ReportFormat format,
                         ParseReportFormat(context.parsed.Get("format")));
  KOERS_ASSIGN_OR_RETURN(const Language language,
                         ParseLanguage(context.parsed.Get("lang", "nl")));
  KOERS_ASSIGN_OR_RETURN(const v1::TimePoint at,
                         TimePointFromFlags(context.parsed));
  KOERS_ASSIGN_OR_RETURN(const ReportSource source, FetchSource(context, at));
  const ReportInput input{
      .state = &source.state,
      .snapshot = source.snapshot ? &*source.snapshot : nullptr,
      .language = language,
      .csv_separator = context.output->csv_separator(),
  };
  KOERS_ASSIGN_OR_RETURN(const std::string text, RenderReport(format, input));
  return WriteReport(context, text);
}

}  // namespace koers::clients
