// The bitemporal point of a read, as the command line names it:
//
//   --as-of DATE      valid time: the state of the world on DATE
//                     ("YYYY-MM-DD"), sent as typed (the server checks it);
//                     default today in the server's calendar;
//   --known-at POINT  record time: what the log held at POINT, a log
//                     position (a whole number from 1) or an RFC 3339
//                     timestamp with its offset ("2027-07-01T09:00:00Z",
//                     "2027-07-01T11:00:00+02:00", fractions of a second
//                     allowed); default now.
//
// Errors are usage errors (cli_error.h) that say what is allowed. Pure
// functions; thread-safe.
#ifndef KOERS_CLIENTS_TIME_POINT_ARGS_H_
#define KOERS_CLIENTS_TIME_POINT_ARGS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli_args.h"
#include "koers/v1/time_point.pb.h"

namespace koers::clients {

// POINT (see above) as a KnownAt.
absl::StatusOr<v1::KnownAt> ParseKnownAt(absl::string_view text);

// The point --as-of and --known-at name; a flag not given leaves its part
// unset (today, now).
absl::StatusOr<v1::TimePoint> TimePointFromFlags(const ParsedArgs& parsed);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_TIME_POINT_ARGS_H_
