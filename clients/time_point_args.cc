#include "clients/time_point_args.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli_error.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

absl::Status NotAPoint(absl::string_view text) {
  return UsageError(absl::StrCat(
      "--known-at \"", text,
      "\" must be a log position (a whole number from 1) or an RFC 3339 "
      "timestamp with its offset, for example 2027-07-01T09:00:00Z or "
      "2027-07-01T11:00:00+02:00"));
}

bool AllDigits(absl::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

// absl::ParseTime is more lenient than RFC 3339 (leading spaces, years of
// any length, "+0200"); this holds it to a four-digit year and an offset of
// "Z" or "+hh:mm".
bool HasRfc3339Shape(absl::string_view text) {
  if (text.size() < 20 || !AllDigits(text.substr(0, 4)) || text[4] != '-') {
    return false;
  }
  const char last = text.back();
  if (last == 'Z' || last == 'z') return true;
  const absl::string_view offset = text.substr(text.size() - 6);
  return (offset[0] == '+' || offset[0] == '-') && offset[3] == ':';
}

}  // namespace

absl::StatusOr<v1::KnownAt> ParseKnownAt(absl::string_view text) {
  v1::KnownAt known_at;
  if (AllDigits(text)) {
    uint64_t position = 0;
    if (!absl::SimpleAtoi(text, &position) || position == 0) {
      return NotAPoint(text);
    }
    known_at.set_position(position);
    return known_at;
  }
  absl::Time time;
  std::string error;
  if (!HasRfc3339Shape(text) ||
      !absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return NotAPoint(text);
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  known_at.mutable_time()->set_seconds(seconds);
  known_at.mutable_time()->set_nanos(static_cast<int32_t>(
      (time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return known_at;
}

absl::StatusOr<v1::TimePoint> TimePointFromFlags(const ParsedArgs& parsed) {
  v1::TimePoint point;
  point.set_as_of_date(parsed.Get("as-of"));
  if (parsed.Has("known-at")) {
    KOERS_ASSIGN_OR_RETURN(*point.mutable_known_at(),
                           ParseKnownAt(parsed.Get("known-at")));
  }
  return point;
}

}  // namespace koers::clients
