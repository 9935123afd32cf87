// Finding one indicator or action in a GetProgressResponse, for the
// integration tests. A miss is a test failure (and null).
#ifndef KOERS_TESTS_INTEGRATION_PROGRESS_LOOKUP_H_
#define KOERS_TESTS_INTEGRATION_PROGRESS_LOOKUP_H_

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "koers/v1/query_service.pb.h"

namespace koers::integration {

inline const v1::IndicatorProgress* FindIndicator(
    const v1::GetProgressResponse& progress, absl::string_view id) {
  for (const v1::IndicatorProgress& indicator : progress.indicators()) {
    if (indicator.indicator_id() == id) return &indicator;
  }
  ADD_FAILURE() << "no progress for indicator " << id;
  return nullptr;
}

inline const v1::ActionProgress* FindAction(
    const v1::GetProgressResponse& progress, absl::string_view id) {
  for (const v1::ActionProgress& action : progress.actions()) {
    if (action.action_id() == id) return &action;
  }
  ADD_FAILURE() << "no progress for action " << id;
  return nullptr;
}

}  // namespace koers::integration

#endif  // KOERS_TESTS_INTEGRATION_PROGRESS_LOOKUP_H_
