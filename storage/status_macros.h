// Status propagation macros. Debian's abseil 20220623 has no public
// RETURN_IF_ERROR / ASSIGN_OR_RETURN; this is the project's one copy.
#ifndef KOERS_STORAGE_STATUS_MACROS_H_
#define KOERS_STORAGE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status); returns it from the enclosing function
// when it is not OK.
#define KOERS_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::absl::Status koers_status_ = (expr);         \
    if (!koers_status_.ok()) return koers_status_; \
  } while (false)

#define KOERS_STATUS_MACROS_CONCAT_INNER(a, b) a##b
#define KOERS_STATUS_MACROS_CONCAT(a, b) KOERS_STATUS_MACROS_CONCAT_INNER(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the enclosing function, otherwise moves the value into `lhs`, which may be
// a declaration (`auto x`) or an existing variable.
#define KOERS_ASSIGN_OR_RETURN(lhs, rexpr) \
  KOERS_ASSIGN_OR_RETURN_IMPL(             \
      KOERS_STATUS_MACROS_CONCAT(koers_statusor_, __LINE__), lhs, rexpr)

// `statusor` is a fresh identifier and `lhs` may be a declaration: neither
// can take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define KOERS_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr)  \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // KOERS_STORAGE_STATUS_MACROS_H_
