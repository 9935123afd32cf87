#include "storage/civil_date.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace koers::storage {
namespace {

const absl::CivilDay kEpoch(1970, 1, 1);

bool ParseDigits(absl::string_view text, int* out) {
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text,
                                            absl::string_view field) {
  int year = 0, month = 0, day = 0;
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      ParseDigits(text.substr(0, 4), &year) &&
                      ParseDigits(text.substr(5, 2), &month) &&
                      ParseDigits(text.substr(8, 2), &day);
  const absl::CivilDay parsed(year, month, day);
  if (!shaped || parsed.year() != year || parsed.month() != month ||
      parsed.day() != day || year < kMinYear || year > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text.substr(0, 40),
                     "\" is not a calendar date; expected YYYY-MM-DD between ",
                     kMinYear, "-01-01 and ", kMaxYear, "-12-31"));
  }
  return parsed;
}

std::string FormatIsoDate(absl::CivilDay day) {
  // Answers format a date per indicator and action: by hand, not through
  // StrFormat, for the years a plan can hold.
  const absl::civil_year_t year = day.year();
  if (year < 0 || year > 9999) {
    return absl::StrFormat("%04d-%02d-%02d", year, day.month(), day.day());
  }
  std::string out = "0000-00-00";
  const auto digits = [&out](size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) {
      out[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    }
  };
  digits(0, static_cast<int>(year), 4);
  digits(5, day.month(), 2);
  digits(8, day.day(), 2);
  return out;
}

int32_t DaysSinceEpoch(absl::CivilDay day) {
  return static_cast<int32_t>(day - kEpoch);
}

absl::CivilDay DayFromEpochDays(int32_t days) { return kEpoch + days; }

}  // namespace koers::storage
