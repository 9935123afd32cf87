// Builders for events in tests: small, valid by default.
#ifndef KOERS_TESTS_TESTING_EVENTS_H_
#define KOERS_TESTS_TESTING_EVENTS_H_

#include <string>

#include "koers/v1/events.pb.h"
#include "storage/event_log.h"

namespace koers::testing {

// A MeasurementRecorded event for indicator `stream` with `value`, valid on
// `valid_date`, written by principal "test". `event_id` may be empty (the log
// assigns one).
v1::Event Measurement(const std::string& stream, double value,
                      const std::string& valid_date = "2026-03-31",
                      const std::string& event_id = "");

// An AppendRequest holding the given events and no expectations.
storage::AppendRequest Request(std::initializer_list<v1::Event> events);

}  // namespace koers::testing

#endif  // KOERS_TESTS_TESTING_EVENTS_H_
