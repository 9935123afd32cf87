// The counts of a roll-up (an objective, a lead minister, a reporting
// entity) for one status or verdict: the server omits those with none.
// Pure; thread-safe.
#ifndef KOERS_CLIENTS_PROGRESS_COUNTS_H_
#define KOERS_CLIENTS_PROGRESS_COUNTS_H_

#include <cstdint>

#include "google/protobuf/repeated_ptr_field.h"
#include "koers/v1/query_service.pb.h"

namespace koers::clients {

inline uint32_t CountOf(
    const google::protobuf::RepeatedPtrField<v1::StatusCount>& counts,
    v1::ActionStatus status) {
  for (const v1::StatusCount& count : counts) {
    if (count.status() == status) return count.count();
  }
  return 0;
}

inline uint32_t CountOf(
    const google::protobuf::RepeatedPtrField<v1::VerdictCount>& counts,
    v1::Verdict verdict) {
  for (const v1::VerdictCount& count : counts) {
    if (count.verdict() == verdict) return count.count();
  }
  return 0;
}

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_PROGRESS_COUNTS_H_
