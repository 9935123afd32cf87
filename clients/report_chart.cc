#include "clients/report_chart.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "clients/labels.h"
#include "clients/markup_escape.h"
#include "clients/progress_counts.h"

namespace koers::clients {
namespace {

// The trend chart's drawing area inside its viewBox.
constexpr double kChartWidth = 360;
constexpr double kChartHeight = 170;
constexpr double kPlotLeft = 46;
constexpr double kPlotRight = 352;
constexpr double kPlotTop = 12;
constexpr double kPlotBottom = 142;
// Room above and below the values, as a share of their span.
constexpr double kValuePadding = 0.08;

constexpr double kBarWidth = 400;
constexpr double kBarHeight = 14;

constexpr absl::string_view kEmptyColour = "#e0e0e0";
constexpr absl::string_view kValuesColour = "#1565c0";
constexpr absl::string_view kBaselineColour = "#616161";
constexpr absl::string_view kTargetColour = "#2e7d32";
constexpr absl::string_view kExpectedColour = "#9e9e9e";
constexpr absl::string_view kAxisColour = "#424242";

std::string Coordinate(double value) { return absl::StrFormat("%.1f", value); }

// Days since 1970-01-01 of a "YYYY-MM-DD" date.
std::optional<double> DayNumber(absl::string_view date) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) return std::nullopt;
  return static_cast<double>(day - absl::CivilDay(1970, 1, 1));
}

// A linear map from [low, high] of the data onto [from, to] of the drawing;
// an empty range is widened so that it still has a middle.
class Scale {
 public:
  Scale(double low, double high, double from, double to)
      : low_(low == high ? low - 1 : low),
        high_(low == high ? high + 1 : high),
        from_(from),
        to_(to) {}

  double operator()(double value) const {
    return from_ + (value - low_) / (high_ - low_) * (to_ - from_);
  }
  double low() const { return low_; }
  double high() const { return high_; }

 private:
  double low_;
  double high_;
  double from_;
  double to_;
};

struct Point {
  double day;
  double value;
};

std::vector<Point> Points(const v1::IndicatorTrend* trend) {
  std::vector<Point> points;
  if (trend == nullptr) return points;
  for (const v1::ValuePoint& point : trend->points()) {
    if (const std::optional<double> day = DayNumber(point.date())) {
      points.push_back({*day, point.number()});
    }
  }
  return points;
}

// Axis numbers: four significant digits are enough to read a chart.
std::string AxisNumber(double value, Language language) {
  std::string text = absl::StrFormat("%.4g", value);
  if (language == Language::kDutch) {
    std::replace(text.begin(), text.end(), '.', ',');
  }
  return text;
}

std::string Text(double x, double y, absl::string_view anchor,
                 absl::string_view colour, absl::string_view text) {
  return absl::StrCat("<text x=\"", Coordinate(x), "\" y=\"", Coordinate(y),
                      "\" text-anchor=\"", anchor, "\" fill=\"", colour, "\">",
                      HtmlEscape(text), "</text>");
}

// A dashed horizontal line across the plot at `y`, with its label.
std::string LevelLine(absl::string_view css_class, double y,
                      absl::string_view colour, absl::string_view label,
                      bool label_right) {
  return absl::StrCat("<line class=\"", css_class, "\" x1=\"",
                      Coordinate(kPlotLeft), "\" x2=\"", Coordinate(kPlotRight),
                      "\" y1=\"", Coordinate(y), "\" y2=\"", Coordinate(y),
                      "\" stroke=\"", colour,
                      "\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>",
                      Text(label_right ? kPlotRight - 3 : kPlotLeft + 3, y - 3,
                           label_right ? "end" : "start", colour, label));
}

// Where a chart draws: the dates and values it spans, mapped onto the plot.
struct ChartFrame {
  Scale x;
  Scale y;
  // The baseline's and target's dates, when they parse.
  std::optional<double> baseline_day;
  std::optional<double> target_day;
  // False when no date at all parsed (the time axis has no labels then).
  bool has_days;
};

std::pair<double, double> Span(const std::vector<double>& numbers) {
  if (numbers.empty()) return {0, 0};
  const auto [low, high] = std::minmax_element(numbers.begin(), numbers.end());
  return {*low, *high};
}

// The frame spans the baseline, the target and every value, in both time
// and value.
ChartFrame FrameFor(const v1::IndicatorProgress& indicator,
                    const std::vector<Point>& points) {
  const std::optional<double> baseline_day =
      DayNumber(indicator.baseline_date());
  const std::optional<double> target_day = DayNumber(indicator.target_date());
  std::vector<double> days;
  std::vector<double> values = {indicator.baseline_value(),
                                indicator.target_value()};
  if (baseline_day) days.push_back(*baseline_day);
  if (target_day) days.push_back(*target_day);
  for (const Point& point : points) {
    days.push_back(point.day);
    values.push_back(point.value);
  }
  const auto [first_day, last_day] = Span(days);
  const auto [low, high] = Span(values);
  const double padding = (high - low) * kValuePadding;
  return ChartFrame{
      .x = Scale(first_day, last_day, kPlotLeft, kPlotRight),
      .y = Scale(low - padding, high + padding, kPlotBottom, kPlotTop),
      .baseline_day = baseline_day,
      .target_day = target_day,
      .has_days = !days.empty(),
  };
}

std::string PlotArea() {
  return absl::StrCat("<rect x=\"", Coordinate(kPlotLeft), "\" y=\"",
                      Coordinate(kPlotTop), "\" width=\"",
                      Coordinate(kPlotRight - kPlotLeft), "\" height=\"",
                      Coordinate(kPlotBottom - kPlotTop),
                      "\" fill=\"#fafafa\" stroke=\"#bdbdbd\"/>");
}

// The two ends of the value axis and of the time axis.
std::string AxisLabels(const ChartFrame& frame, Language language) {
  std::string labels =
      absl::StrCat(Text(kPlotLeft - 4, kPlotTop + 4, "end", kAxisColour,
                        AxisNumber(frame.y.high(), language)),
                   Text(kPlotLeft - 4, kPlotBottom, "end", kAxisColour,
                        AxisNumber(frame.y.low(), language)));
  if (frame.has_days) {
    const absl::CivilDay epoch(1970, 1, 1);
    absl::StrAppend(&labels,
                    Text(kPlotLeft, kPlotBottom + 14, "start", kAxisColour,
                         absl::FormatCivilTime(
                             epoch + static_cast<int64_t>(frame.x.low()))),
                    Text(kPlotRight, kPlotBottom + 14, "end", kAxisColour,
                         absl::FormatCivilTime(
                             epoch + static_cast<int64_t>(frame.x.high()))));
  }
  return labels;
}

// From the baseline at its date to the target at its date: where a value
// on track would be.
std::string ExpectedLine(const v1::IndicatorProgress& indicator,
                         const ChartFrame& frame) {
  if (!frame.baseline_day || !frame.target_day) return "";
  return absl::StrCat("<line class=\"expected\" x1=\"",
                      Coordinate(frame.x(*frame.baseline_day)), "\" y1=\"",
                      Coordinate(frame.y(indicator.baseline_value())),
                      "\" x2=\"", Coordinate(frame.x(*frame.target_day)),
                      "\" y2=\"", Coordinate(frame.y(indicator.target_value())),
                      "\" stroke=\"", kExpectedColour,
                      "\" stroke-dasharray=\"1 3\"/>");
}

std::string ValuesPath(const std::vector<Point>& points,
                       const ChartFrame& frame) {
  std::string polyline;
  std::string dots;
  for (const Point& point : points) {
    const std::string x = Coordinate(frame.x(point.day));
    const std::string y = Coordinate(frame.y(point.value));
    absl::StrAppend(&polyline, polyline.empty() ? "" : " ", x, ",", y);
    absl::StrAppend(&dots, "<circle cx=\"", x, "\" cy=\"", y,
                    "\" r=\"2.5\" fill=\"", kValuesColour, "\"/>");
  }
  return absl::StrCat("<polyline class=\"values\" fill=\"none\" stroke=\"",
                      kValuesColour, "\" stroke-width=\"2\" points=\"",
                      polyline, "\"/>", dots);
}

}  // namespace

absl::string_view StatusColour(v1::ActionStatus status) {
  switch (status) {
    case v1::ACTION_STATUS_PLANNED:
      return "#b0bec5";
    case v1::ACTION_STATUS_IN_PROGRESS:
      return "#1e88e5";
    case v1::ACTION_STATUS_DELAYED:
      return "#fb8c00";
    case v1::ACTION_STATUS_COMPLETED:
      return "#43a047";
    case v1::ACTION_STATUS_STOPPED:
      return "#616161";
    default:
      return kEmptyColour;
  }
}

absl::string_view VerdictColour(v1::Verdict verdict) {
  switch (verdict) {
    case v1::VERDICT_ON_TRACK:
      return "#2e7d32";
    case v1::VERDICT_AT_RISK:
      return "#f9a825";
    case v1::VERDICT_OFF_TRACK:
      return "#c62828";
    case v1::VERDICT_NOT_ASSESSED:
      return "#9e9e9e";
    default:
      return kEmptyColour;
  }
}

std::string StatusBarSvg(const v1::ObjectiveProgress& objective,
                         Language language) {
  std::string svg = absl::StrCat(
      "<svg class=\"status-bar\" viewBox=\"0 0 ", kBarWidth, " ", kBarHeight,
      "\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"",
      HtmlEscape(objective.objective_id()), "\"><rect width=\"", kBarWidth,
      "\" height=\"", kBarHeight, "\" fill=\"", kEmptyColour, "\"/>");
  double x = 0;
  for (const v1::ActionStatus status : kActionStatuses) {
    const uint32_t count = CountOf(objective.by_status(), status);
    if (count == 0 || objective.actions() == 0) continue;
    const double width = kBarWidth * count / objective.actions();
    absl::StrAppend(&svg, "<rect x=\"", Coordinate(x), "\" width=\"",
                    Coordinate(width), "\" height=\"", kBarHeight, "\" fill=\"",
                    StatusColour(status), "\"><title>",
                    HtmlEscape(StatusText(status, language)), ": ", count,
                    "</title></rect>");
    x += width;
  }
  return absl::StrCat(svg, "</svg>");
}

std::string TrendChartSvg(const v1::IndicatorProgress& indicator,
                          const v1::IndicatorTrend* trend, Language language) {
  const std::vector<Point> points = Points(trend);
  const ChartFrame frame = FrameFor(indicator, points);
  std::string svg = absl::StrCat(
      "<svg class=\"trend-chart\" viewBox=\"0 0 ", kChartWidth, " ",
      kChartHeight,
      "\" font-family=\"sans-serif\" font-size=\"10\" role=\"img\" "
      "aria-label=\"",
      HtmlEscape(indicator.indicator_id()), "\"><title>",
      HtmlEscape(indicator.indicator_id()), " — ", HtmlEscape(indicator.name()),
      "</title>", PlotArea(), AxisLabels(frame, language),
      ExpectedLine(indicator, frame),
      LevelLine("baseline", frame.y(indicator.baseline_value()),
                kBaselineColour,
                absl::StrCat(Label(Word::kBaseline, language), " ",
                             NumberText(indicator.baseline_value(), language)),
                /*label_right=*/false),
      LevelLine("target", frame.y(indicator.target_value()), kTargetColour,
                absl::StrCat(Label(Word::kTarget, language), " ",
                             NumberText(indicator.target_value(), language)),
                /*label_right=*/true));
  if (points.empty()) {
    absl::StrAppend(
        &svg, Text((kPlotLeft + kPlotRight) / 2, (kPlotTop + kPlotBottom) / 2,
                   "middle", "#757575", Label(Word::kNoValuesYet, language)));
  } else {
    absl::StrAppend(&svg, ValuesPath(points, frame));
  }
  return absl::StrCat(svg, "</svg>");
}

}  // namespace koers::clients
