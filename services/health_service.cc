#include "services/health_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace koers::services {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// How often a watch checks whether its client went away.
constexpr absl::Duration kWatchPoll = absl::Milliseconds(250);

HealthCheckResponse StatusResponse(bool serving) {
  HealthCheckResponse response;
  response.set_status(serving ? HealthCheckResponse::SERVING
                              : HealthCheckResponse::NOT_SERVING);
  return response;
}

}  // namespace

HealthServiceImpl::HealthServiceImpl(std::vector<std::string> services,
                                     int max_watchers)
    : services_(std::move(services)), max_watchers_(max_watchers) {}

bool HealthServiceImpl::Knows(const std::string& service) const {
  return service.empty() || std::find(services_.begin(), services_.end(),
                                      service) != services_.end();
}

grpc::Status HealthServiceImpl::Check(grpc::ServerContext* /*context*/,
                                      const HealthCheckRequest* request,
                                      HealthCheckResponse* response) {
  if (!Knows(request->service())) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("service: unknown service \"", request->service(), "\""));
  }
  absl::MutexLock lock(&mu_);
  *response = StatusResponse(!shutting_down_);
  return grpc::Status::OK;
}

grpc::Status HealthServiceImpl::Watch(
    grpc::ServerContext* context, const HealthCheckRequest* request,
    grpc::ServerWriter<HealthCheckResponse>* writer) {
  if (!Knows(request->service())) {
    HealthCheckResponse unknown;
    unknown.set_status(HealthCheckResponse::SERVICE_UNKNOWN);
    writer->Write(unknown);
    return grpc::Status::OK;
  }
  bool serving_at_start = false;
  {
    absl::MutexLock lock(&mu_);
    if (watchers_ >= max_watchers_) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("at most ", max_watchers_,
                       " health watches at once; use Check to poll"));
    }
    ++watchers_;
    serving_at_start = !shutting_down_;
  }
  // The only change koersd ever reports is the start of its shutdown.
  if (writer->Write(StatusResponse(serving_at_start)) && serving_at_start) {
    bool serving = true;
    while (serving && !context->IsCancelled()) {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&shutting_down_), kWatchPoll);
      serving = !shutting_down_;
    }
    if (!serving) writer->Write(StatusResponse(false));
  }
  absl::MutexLock lock(&mu_);
  --watchers_;
  return grpc::Status::OK;
}

void HealthServiceImpl::BeginShutdown() {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
}

}  // namespace koers::services
