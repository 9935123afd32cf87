// How one indicator's standing reads in a table cell, in a language
// (report_labels.h): its value, its progress and its target. Shared by the
// CLI's tables (English) and the reports. Pure functions; thread-safe.
#ifndef KOERS_CLIENTS_INDICATOR_TEXT_H_
#define KOERS_CLIENTS_INDICATOR_TEXT_H_

#include <string>

#include "clients/report_labels.h"
#include "koers/v1/query_service.pb.h"

namespace koers::clients {

// The latest value with its unit ("71 %"), or the level; "" without one.
std::string ValueText(const v1::IndicatorProgress& indicator,
                      Language language);

// Towards the target: a percentage ("50,0%"), or the level's rank in its
// scale ("niveau 2 van 4"); "" without a value or when it cannot be
// computed.
std::string ProgressText(const v1::IndicatorProgress& indicator,
                         Language language);

// The share of time elapsed towards the target date, as a percentage; ""
// when the server gave none.
std::string ExpectedProgressText(const v1::IndicatorProgress& indicator,
                                 Language language);

// "62 → 80" for a quantitative indicator, the target level for a
// qualitative one.
std::string BaselineToTargetText(const v1::IndicatorProgress& indicator,
                                 Language language);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_INDICATOR_TEXT_H_
