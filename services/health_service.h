// HealthServiceImpl: the standard grpc.health.v1.Health service
// (proto/grpc/health/v1/health.proto). Open to every caller, like gRPC's
// built-in one, so that probes need no token.
//
// koersd serves this itself rather than enabling gRPC's default health
// service: in gRPC 1.51 that one runs on the callback API, whose mere
// presence starts extra threads that poll every connection and measurably
// raise the CPU cost of each write.
//
// Thread-safe.
#ifndef KOERS_SERVICES_HEALTH_SERVICE_H_
#define KOERS_SERVICES_HEALTH_SERVICE_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace koers::services {

class HealthServiceImpl final : public grpc::health::v1::Health::Service {
 public:
  // `services`: the full names Check and Watch know besides "" (the
  // server as a whole). At most `max_watchers` Watch calls at once.
  HealthServiceImpl(std::vector<std::string> services, int max_watchers);

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>*
                         writer) override;

  // From now on every service is NOT_SERVING; watchers are told and ended.
  void BeginShutdown();

 private:
  bool Knows(const std::string& service) const;

  const std::vector<std::string> services_;
  const int max_watchers_;
  absl::Mutex mu_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  int watchers_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace koers::services

#endif  // KOERS_SERVICES_HEALTH_SERVICE_H_
