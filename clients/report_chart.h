// The HTML report's graphics, as inline SVG (no scripts, no external
// resources; printed as drawn). Every text from the data in them is
// escaped. Pure functions; thread-safe.
#ifndef KOERS_CLIENTS_REPORT_CHART_H_
#define KOERS_CLIENTS_REPORT_CHART_H_

#include <string>

#include "absl/strings/string_view.h"
#include "clients/report_labels.h"
#include "koers/v1/evaluation_service.pb.h"
#include "koers/v1/query_service.pb.h"

namespace koers::clients {

// The colour ("#rrggbb") a status or verdict has in every graphic and
// legend of the report.
absl::string_view StatusColour(v1::ActionStatus status);
absl::string_view VerdictColour(v1::Verdict verdict);

// <svg class="status-bar">: one horizontal bar of an objective's actions,
// a segment per status in listing order (labels.h), as wide as its share;
// each segment has a <title> ("lopend: 3"). An objective without actions
// gets an empty grey bar.
std::string StatusBarSvg(const v1::ObjectiveProgress& objective,
                         Language language);

// <svg class="trend-chart">: a quantitative indicator's values over time
// (`trend`, oldest first; nullptr or empty: "no values yet") as a line with
// a dot per value, against dates on the horizontal axis from the earliest
// to the latest of the baseline date, the target date and the values. The
// baseline (<line class="baseline">) and the target (<line
// class="target">) are horizontal dashed lines with their labels; a dotted
// line (class="expected") runs from the baseline at its date to the target
// at its date: the path the verdicts compare with. Values whose date does
// not parse are left out.
std::string TrendChartSvg(const v1::IndicatorProgress& indicator,
                          const v1::IndicatorTrend* trend, Language language);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_REPORT_CHART_H_
