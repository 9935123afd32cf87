#include "clients/indicator_text.h"

#include "absl/strings/str_cat.h"

namespace koers::clients {

std::string ValueText(const v1::IndicatorProgress& indicator,
                      Language language) {
  if (!indicator.has_value()) return "";
  if (!indicator.quantitative()) return indicator.level();
  std::string number = NumberText(indicator.number(), language);
  if (indicator.unit().empty()) return number;
  return absl::StrCat(number, " ", indicator.unit());
}

std::string ProgressText(const v1::IndicatorProgress& indicator,
                         Language language) {
  if (!indicator.has_value()) return "";
  if (!indicator.quantitative()) {
    return LevelRankText(indicator.level_index(), indicator.scale_size(),
                         language);
  }
  return indicator.has_progress() ? PercentText(indicator.progress(), language)
                                  : "";
}

std::string ExpectedProgressText(const v1::IndicatorProgress& indicator,
                                 Language language) {
  return indicator.has_expected_progress()
             ? PercentText(indicator.expected_progress(), language)
             : "";
}

std::string BaselineToTargetText(const v1::IndicatorProgress& indicator,
                                 Language language) {
  if (!indicator.quantitative()) return indicator.target_level();
  return absl::StrCat(NumberText(indicator.baseline_value(), language), " → ",
                      NumberText(indicator.target_value(), language));
}

}  // namespace koers::clients
