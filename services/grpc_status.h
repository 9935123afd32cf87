// The one place where absl::Status becomes grpc::Status: codes map one to
// one (both follow google.rpc.Code), messages pass through unchanged.
#ifndef KOERS_SERVICES_GRPC_STATUS_H_
#define KOERS_SERVICES_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace koers::services {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace koers::services

#endif  // KOERS_SERVICES_GRPC_STATUS_H_
