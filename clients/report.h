// Evaluation reports (koers report): the state of the plan at a bitemporal
// point, or a frozen snapshot's, rendered as one document. Pure functions
// from the state to text, so that they are tested without a server;
// thread-safe.
//
//   html  one self-contained page that opens offline and prints on A4
//         (report_html.cc): no external resources, no scripts; inline CSS
//         and inline SVG charts; every text from the data escaped;
//   md    Markdown with the same tables (report_markdown.cc);
//   csv   one row per indicator (report_csv.cc), RFC 4180, UTF-8 without a
//         byte order mark, CRLF line ends, the separator given;
//   json  {"snapshot": SnapshotInfo, "state": EvaluationState}, each in
//         protobuf's JSON mapping ("snapshot" only for a snapshot's report;
//         enums by name, every field printed, field order as in the .proto),
//         so the same state gives the same bytes (report_json.cc).
//
// Labels (html, md, csv) are in the report's language; json has none.
#ifndef KOERS_CLIENTS_REPORT_H_
#define KOERS_CLIENTS_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/report_labels.h"
#include "koers/v1/evaluation_service.pb.h"

namespace koers::clients {

enum class ReportFormat { kHtml, kMarkdown, kCsv, kJson };

// "html", "md", "csv" or "json"; anything else is a usage error naming them.
absl::StatusOr<ReportFormat> ParseReportFormat(absl::string_view name);

// What a report is made of. Both pointers must outlive the call.
struct ReportInput {
  const v1::EvaluationState* state = nullptr;
  // The snapshot the state was frozen in; nullptr for a report at a point
  // (the state's own as-of date and position say which).
  const v1::SnapshotInfo* snapshot = nullptr;
  Language language = Language::kDutch;
  // csv only.
  char csv_separator = ',';
};

std::string RenderHtmlReport(const ReportInput& input);
std::string RenderMarkdownReport(const ReportInput& input);
std::string RenderCsvReport(const ReportInput& input);
// Fails (Internal) only when protobuf cannot print a message as JSON.
absl::StatusOr<std::string> RenderJsonReport(const ReportInput& input);

absl::StatusOr<std::string> RenderReport(ReportFormat format,
                                         const ReportInput& input);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_REPORT_H_
