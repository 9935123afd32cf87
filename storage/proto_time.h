// Conversions between absl::Time and google.protobuf.Timestamp.
#ifndef KOERS_STORAGE_PROTO_TIME_H_
#define KOERS_STORAGE_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace koers::storage {

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace koers::storage

#endif  // KOERS_STORAGE_PROTO_TIME_H_
