// The Markdown report (report.h): the HTML report's tables as pipe tables,
// every text from the data escaped (markup_escape.h) so that it shows as it
// is and cannot break a table.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/markup_escape.h"
#include "clients/report.h"
#include "clients/report_content.h"

namespace koers::clients {
namespace {

std::string MarkdownRow(const std::vector<std::string>& cells) {
  std::vector<std::string> escaped;
  escaped.reserve(cells.size());
  for (const std::string& cell : cells) {
    escaped.push_back(MarkdownEscape(cell));
  }
  return absl::StrCat("| ", absl::StrJoin(escaped, " | "), " |\n");
}

// `table` under a heading of `level` (its title, when it has one), then a
// blank line.
std::string MarkdownTable(const Table& table, int level) {
  std::string text;
  if (!table.title.empty()) {
    absl::StrAppend(&text, std::string(level, '#'), " ",
                    MarkdownEscape(table.title), "\n\n");
  }
  if (table.rows.empty() && !table.empty_text.empty()) {
    return absl::StrCat(text, "*", MarkdownEscape(table.empty_text), "*\n\n");
  }
  absl::StrAppend(&text, MarkdownRow(table.columns));
  absl::StrAppend(&text, MarkdownRow(std::vector<std::string>(
                             table.columns.size(), "---")));
  for (const std::vector<std::string>& row : table.rows) {
    absl::StrAppend(&text, MarkdownRow(row));
  }
  return absl::StrCat(text, "\n");
}

}  // namespace

std::string RenderMarkdownReport(const ReportInput& input) {
  const ReportContent content = BuildReportContent(input);
  std::string text = absl::StrCat("# ", MarkdownEscape(content.title), "\n\n",
                                  MarkdownTable(content.facts, 2));
  for (const Table* table :
       {&content.objectives, &content.indicators, &content.actions,
        &content.by_minister, &content.by_entity}) {
    absl::StrAppend(&text, MarkdownTable(*table, 2));
  }
  absl::StrAppend(&text, "## ",
                  MarkdownEscape(Label(Word::kCompleteness, input.language)),
                  "\n\n");
  for (const Table& table : content.completeness) {
    absl::StrAppend(&text, MarkdownTable(table, 3));
  }
  return text;
}

}  // namespace koers::clients
