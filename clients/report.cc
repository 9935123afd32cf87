#include "clients/report.h"

#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"

namespace koers::clients {

absl::StatusOr<ReportFormat> ParseReportFormat(absl::string_view name) {
  if (name == "html") return ReportFormat::kHtml;
  if (name == "md") return ReportFormat::kMarkdown;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "json") return ReportFormat::kJson;
  return UsageError(absl::StrCat("unknown report --format \"", name,
                                 "\": use html, md, csv or json"));
}

absl::StatusOr<std::string> RenderReport(ReportFormat format,
                                         const ReportInput& input) {
  switch (format) {
    case ReportFormat::kHtml:
      return RenderHtmlReport(input);
    case ReportFormat::kMarkdown:
      return RenderMarkdownReport(input);
    case ReportFormat::kCsv:
      return RenderCsvReport(input);
    case ReportFormat::kJson:
      return RenderJsonReport(input);
  }
  return absl::InternalError("unknown report format");
}

}  // namespace koers::clients
