// Calendar dates as Koers exchanges them: ISO 8601 "YYYY-MM-DD", parsed
// strictly (no normalisation of 2027-02-30, no surrounding text).
#ifndef KOERS_STORAGE_CIVIL_DATE_H_
#define KOERS_STORAGE_CIVIL_DATE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace koers::storage {

// Years Koers accepts; anything else is a typo.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 9999;

// Parses "YYYY-MM-DD". InvalidArgument names `field` and what is allowed.
absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text,
                                            absl::string_view field);

// Formats as "YYYY-MM-DD".
std::string FormatIsoDate(absl::CivilDay day);

// Days since 1970-01-01 (negative before it).
int32_t DaysSinceEpoch(absl::CivilDay day);
absl::CivilDay DayFromEpochDays(int32_t days);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_CIVIL_DATE_H_
