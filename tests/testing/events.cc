#include "tests/testing/events.h"

namespace koers::testing {

v1::Event Measurement(const std::string& stream, double value,
                      const std::string& valid_date,
                      const std::string& event_id) {
  v1::Event event;
  event.set_event_id(event_id);
  event.set_stream(stream);
  event.set_valid_date(valid_date);
  event.set_principal("test");
  v1::MeasurementRecorded* measurement = event.mutable_measurement_recorded();
  measurement->set_indicator_id(stream);
  measurement->set_number(value);
  return event;
}

storage::AppendRequest Request(std::initializer_list<v1::Event> events) {
  storage::AppendRequest request;
  request.events.assign(events.begin(), events.end());
  return request;
}

}  // namespace koers::testing
