// The HTML report (report.h): one page, inline CSS for screen and A4 print,
// inline SVG graphics (report_chart.h), no scripts and no external
// resources, so it opens offline and is the same file years later.
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "clients/labels.h"
#include "clients/markup_escape.h"
#include "clients/progress_counts.h"
#include "clients/report.h"
#include "clients/report_chart.h"
#include "clients/report_content.h"

namespace koers::clients {
namespace {

// A4 with margins, tables that break between rows and repeat their header,
// headings kept with what follows, graphics never split, long words (ids,
// digests) wrapped instead of clipped, colours printed as on screen.
constexpr absl::string_view kStyle = R"css(
@page { size: A4; margin: 14mm 12mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 10pt; line-height: 1.35; color: #212121;
  max-width: 186mm; margin: 0 auto; padding: 8mm 4mm; }
@media print { body { max-width: none; padding: 0; } }
h1 { font-size: 17pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; padding-bottom: 1mm;
  border-bottom: 1px solid #bdbdbd; break-after: avoid;
  page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid;
  page-break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 0 0 3mm;
  font-size: 8.5pt; }
thead { display: table-header-group; }
tr, figure, .objective { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #e0e0e0; padding: 1mm 1.5mm; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
table.facts td { overflow-wrap: anywhere; }
td.date { white-space: nowrap; }
th { background: #eeeeee; }
table.facts td:first-child { width: 40%; }
p { margin: 1mm 0; }
.empty { color: #757575; font-style: italic; }
.objective { margin: 0 0 5mm; }
.legend { font-size: 8.5pt; }
.swatch { display: inline-block; width: 3mm; height: 3mm; margin: 0 1mm 0 0;
  vertical-align: -0.3mm; border-radius: 0.5mm; }
.legend .swatch { margin-left: 2mm; }
svg.status-bar { display: block; width: 100%; height: 4mm; margin: 1mm 0; }
.charts figure { display: inline-block; width: 48.5%; margin: 0 0 3mm;
  vertical-align: top; }
.charts figure:nth-child(odd) { margin-right: 2.5%; }
figcaption { font-size: 8.5pt; margin: 0 0 1mm; }
svg.trend-chart { display: block; width: 100%; height: auto; }
)css";

std::string Swatch(absl::string_view colour) {
  return absl::StrCat("<span class=\"swatch\" style=\"background:", colour,
                      "\"></span>");
}

// A verdict cell: its colour, then its words.
std::string VerdictCell(const std::string& text, Language language) {
  for (const v1::Verdict verdict : kVerdicts) {
    if (text == VerdictText(verdict, language)) {
      return absl::StrCat(Swatch(VerdictColour(verdict)), HtmlEscape(text));
    }
  }
  return HtmlEscape(text);
}

// The column headed by the verdict label, if any: its cells get colours.
std::optional<size_t> VerdictColumn(const Table& table, Language language) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i] == Label(Word::kVerdict, language)) return i;
  }
  return std::nullopt;
}

// A date is not broken at its hyphens: "2026-03-31" stays on one line.
bool IsDate(const std::string& cell) {
  absl::CivilDay day;
  return cell.size() == 10 && absl::ParseCivilTime(cell, &day);
}

std::string HtmlRow(const std::vector<std::string>& cells,
                    absl::string_view tag, std::optional<size_t> verdict,
                    Language language) {
  std::string row = "<tr>";
  for (size_t i = 0; i < cells.size(); ++i) {
    absl::StrAppend(
        &row, "<", tag, IsDate(cells[i]) ? " class=\"date\">" : ">",
        verdict == i ? VerdictCell(cells[i], language) : HtmlEscape(cells[i]),
        "</", tag, ">");
  }
  return absl::StrCat(row, "</tr>\n");
}

// `table` under a heading of `level` (its title, when it has one).
std::string HtmlTable(const Table& table, int level,
                      absl::string_view css_class, Language language) {
  std::string html;
  if (!table.title.empty()) {
    absl::StrAppend(&html, "<h", level, ">", HtmlEscape(table.title), "</h",
                    level, ">\n");
  }
  if (table.rows.empty() && !table.empty_text.empty()) {
    return absl::StrCat(html, "<p class=\"empty\">",
                        HtmlEscape(table.empty_text), "</p>\n");
  }
  const std::optional<size_t> verdict = VerdictColumn(table, language);
  absl::StrAppend(&html, "<table class=\"", css_class, "\"><thead>",
                  HtmlRow(table.columns, "th", std::nullopt, language),
                  "</thead><tbody>\n");
  for (const std::vector<std::string>& row : table.rows) {
    absl::StrAppend(&html, HtmlRow(row, "td", verdict, language));
  }
  return absl::StrCat(html, "</tbody></table>\n");
}

// A colour and the words and count of each status (or verdict) with some;
// "geen" / "none" when none has.
template <typename Counts, typename Keys, typename Colour, typename Text>
std::string Legend(const Counts& counts, const Keys& keys, Colour&& colour,
                   Text&& text, Language language) {
  std::string legend;
  for (const auto key : keys) {
    const uint32_t count = CountOf(counts, key);
    if (count == 0) continue;
    absl::StrAppend(&legend, Swatch(colour(key)), HtmlEscape(text(key)), " ",
                    count, " ");
  }
  return legend.empty() ? absl::StrCat(" ", Label(Word::kNone, language), " ")
                        : legend;
}

// Per objective: its heading, its status bar, and the counts beside it.
std::string ObjectiveBlock(const v1::ObjectiveProgress& objective,
                           Language language) {
  return absl::StrCat(
      "<div class=\"objective\"><h3>", HtmlEscape(objective.objective_id()),
      " — ", HtmlEscape(objective.title()), "</h3>\n",
      StatusBarSvg(objective, language), "\n<p class=\"legend\">",
      Label(Word::kActionCount, language), " ", objective.actions(), ":",
      Legend(
          objective.by_status(), kActionStatuses, StatusColour,
          [language](v1::ActionStatus s) { return StatusText(s, language); },
          language),
      "· ", Label(Word::kOverdue, language), " ", objective.overdue(),
      "</p>\n<p class=\"legend\">", Label(Word::kByVerdict, language), ":",
      Legend(
          objective.by_verdict(), kVerdicts, VerdictColour,
          [language](v1::Verdict v) { return VerdictText(v, language); },
          language),
      "</p></div>\n");
}

std::string ObjectivesSection(const v1::GetProgressResponse& progress,
                              Language language) {
  std::string html =
      absl::StrCat("<section id=\"objectives\"><h2>",
                   Label(Word::kObjectives, language), "</h2>\n");
  for (const v1::ObjectiveProgress& objective : progress.objectives()) {
    absl::StrAppend(&html, ObjectiveBlock(objective, language));
  }
  return absl::StrCat(html, "</section>\n");
}

// A trend chart per quantitative indicator, two to a row; nothing when
// there is none.
std::string Charts(const v1::EvaluationState& state, Language language) {
  std::map<std::string, const v1::IndicatorTrend*> trends;
  for (const v1::IndicatorTrend& trend : state.trends()) {
    trends[trend.indicator_id()] = &trend;
  }
  std::string figures;
  for (const v1::IndicatorProgress& indicator : state.progress().indicators()) {
    if (!indicator.quantitative()) continue;
    const auto trend = trends.find(indicator.indicator_id());
    absl::StrAppend(
        &figures, "<figure><figcaption><b>",
        HtmlEscape(indicator.indicator_id()), "</b> ",
        HtmlEscape(indicator.name()), "</figcaption>",
        TrendChartSvg(indicator,
                      trend == trends.end() ? nullptr : trend->second,
                      language),
        "</figure>");
  }
  if (figures.empty()) return "";
  return absl::StrCat("<h3>", Label(Word::kTrends, language),
                      "</h3>\n<div class=\"charts\">", figures, "</div>\n");
}

std::string CompletenessSection(const ReportContent& content,
                                const v1::Completeness& completeness,
                                Language language) {
  std::string html = absl::StrCat(
      "<section id=\"completeness\"><h2>", Label(Word::kCompleteness, language),
      "</h2>\n<p>", Label(Word::kPeriod, language), " ",
      HtmlEscape(PeriodText(completeness.from_date(), completeness.to_date())),
      "</p>\n");
  for (const Table& table : content.completeness) {
    absl::StrAppend(&html, HtmlTable(table, 3, "completeness", language));
  }
  return absl::StrCat(html, "</section>\n");
}

}  // namespace

std::string RenderHtmlReport(const ReportInput& input) {
  const ReportContent content = BuildReportContent(input);
  const Language language = input.language;
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"", LanguageCode(language),
      "\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
      HtmlEscape(content.title), "</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<header><h1>", HtmlEscape(content.title),
      "</h1>\n", HtmlTable(content.facts, 2, "facts", language), "</header>\n",
      ObjectivesSection(input.state->progress(), language),
      "<section id=\"indicators\">",
      HtmlTable(content.indicators, 2, "indicators", language),
      Charts(*input.state, language), "</section>\n<section id=\"actions\">",
      HtmlTable(content.actions, 2, "actions", language),
      "</section>\n<section id=\"roll-ups\">",
      HtmlTable(content.by_minister, 2, "roll-up", language),
      HtmlTable(content.by_entity, 2, "roll-up", language), "</section>\n",
      CompletenessSection(content, input.state->completeness(), language),
      "</body>\n</html>\n");
}

}  // namespace koers::clients
