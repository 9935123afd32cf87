// GoogleTest helpers for absl::Status / absl::StatusOr, which Debian's abseil
// 20220623 does not ship. The project's one copy.
#ifndef KOERS_TESTS_TESTING_STATUS_MATCHERS_H_
#define KOERS_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace koers::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// EXPECT_THAT(x, IsOk()) for a Status or StatusOr.
MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

// EXPECT_THAT(x, StatusIs(absl::StatusCode::kAborted)) and, with a second
// argument, a matcher on the message (for example HasSubstr("SD1.A3")).
MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code;
}
MATCHER_P2(StatusIs, code, message_matcher,
           "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(status.message()), result_listener);
}

// EXPECT_THAT(status_or, IsOkAndHolds(3u)): OK, with a value that matches.
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace koers::testing

// ASSERT_OK_AND_ASSIGN(auto value, StatusOrExpression);
#define KOERS_TESTING_CONCAT_INNER(a, b) a##b
#define KOERS_TESTING_CONCAT(a, b) KOERS_TESTING_CONCAT_INNER(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                    \
  ASSERT_OK_AND_ASSIGN_IMPL(KOERS_TESTING_CONCAT(statusor_, __LINE__), lhs, \
                            rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  ASSERT_TRUE(statusor.ok()) << statusor.status();      \
  lhs = std::move(statusor).value()

#define ASSERT_OK(expr) ASSERT_THAT(expr, ::koers::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT(expr, ::koers::testing::IsOk())

#endif  // KOERS_TESTS_TESTING_STATUS_MATCHERS_H_
