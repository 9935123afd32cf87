// The gRPC face of the Tracker: koers.v1 IngestService, PlanService and
// QueryService. Each call is authenticated here (bearer token, TLS client
// certificate, or local mode), handed to the Tracker, and its absl::Status
// mapped to a gRPC status in one place (grpc_status.h).
#ifndef KOERS_SERVICES_GRPC_SERVICES_H_
#define KOERS_SERVICES_GRPC_SERVICES_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "koers/v1/evaluation_service.grpc.pb.h"
#include "koers/v1/ingest_service.grpc.pb.h"
#include "koers/v1/plan_service.grpc.pb.h"
#include "koers/v1/query_service.grpc.pb.h"
#include "services/auth.h"
#include "services/tracker.h"

namespace koers::services {

// Who is calling. With no registry (local mode) every call is LocalCaller().
class CallAuthenticator {
 public:
  // `registry` may be null (local mode); not owned, must outlive this.
  explicit CallAuthenticator(const PrincipalRegistry* registry)
      : registry_(registry) {}

  // A bearer token in the "authorization" metadata wins; otherwise the TLS
  // client certificate's subject. UNAUTHENTICATED when neither identifies a
  // principal.
  absl::StatusOr<Caller> Authenticate(
      const grpc::ServerContextBase& context) const;

 private:
  const PrincipalRegistry* const registry_;
};

struct SubscriptionLimits {
  // A live subscriber more than this many events behind the head is ended
  // with RESOURCE_EXHAUSTED and told where to resume.
  uint64_t max_lag = 10000;
  // Concurrent subscriptions; more are refused with RESOURCE_EXHAUSTED.
  int max_subscribers = 64;
};

// The single writes are served with gRPC's completion-queue API by
// AsyncWriteServer (async_writes.h); the bulk calls here, synchronously.
using IngestServiceBase = v1::IngestService::WithAsyncMethod_RecordMeasurement<
    v1::IngestService::WithAsyncMethod_CorrectMeasurement<
        v1::IngestService::WithAsyncMethod_ChangeActionStatus<
            v1::IngestService::WithAsyncMethod_RecordFicheUpdate<
                v1::IngestService::Service>>>>;

// The services share one tracker and authenticator (not owned).
class IngestServiceImpl final : public IngestServiceBase {
 public:
  IngestServiceImpl(Tracker* tracker, const CallAuthenticator* auth)
      : tracker_(tracker), auth_(auth) {}

  grpc::Status SubmitBatch(grpc::ServerContext* context,
                           const v1::SubmitBatchRequest* request,
                           v1::SubmitBatchResponse* response) override;
  grpc::Status StreamSubmit(grpc::ServerContext* context,
                            grpc::ServerReader<v1::StreamSubmitRequest>* reader,
                            v1::StreamSubmitResponse* response) override;

 private:
  Tracker* const tracker_;
  const CallAuthenticator* const auth_;
};

class PlanServiceImpl final : public v1::PlanService::Service {
 public:
  PlanServiceImpl(Tracker* tracker, const CallAuthenticator* auth)
      : tracker_(tracker), auth_(auth) {}

  grpc::Status LoadPlan(grpc::ServerContext* context,
                        const v1::LoadPlanRequest* request,
                        v1::LoadPlanResponse* response) override;
  grpc::Status GetPlan(grpc::ServerContext* context,
                       const v1::GetPlanRequest* request,
                       v1::GetPlanResponse* response) override;

 private:
  Tracker* const tracker_;
  const CallAuthenticator* const auth_;
};

class QueryServiceImpl final : public v1::QueryService::Service {
 public:
  QueryServiceImpl(Tracker* tracker, const CallAuthenticator* auth,
                   SubscriptionLimits limits)
      : tracker_(tracker), auth_(auth), limits_(limits) {}

  grpc::Status GetProgress(grpc::ServerContext* context,
                           const v1::GetProgressRequest* request,
                           v1::GetProgressResponse* response) override;
  grpc::Status GetHistory(grpc::ServerContext* context,
                          const v1::GetHistoryRequest* request,
                          v1::GetHistoryResponse* response) override;
  grpc::Status ReadEvents(grpc::ServerContext* context,
                          const v1::ReadEventsRequest* request,
                          v1::ReadEventsResponse* response) override;
  grpc::Status Subscribe(
      grpc::ServerContext* context, const v1::SubscribeRequest* request,
      grpc::ServerWriter<v1::SubscribeResponse>* writer) override;
  grpc::Status Verify(grpc::ServerContext* context,
                      const v1::VerifyRequest* request,
                      v1::VerifyResponse* response) override;

  // Ends every subscription (UNAVAILABLE, with the position to resume from)
  // and refuses new ones: the server is going down. Thread-safe.
  void BeginShutdown() { shutting_down_ = true; }

 private:
  grpc::Status Stream(grpc::ServerContext* context, uint64_t from_position,
                      grpc::ServerWriter<v1::SubscribeResponse>* writer);

  Tracker* const tracker_;
  const CallAuthenticator* const auth_;
  const SubscriptionLimits limits_;
  std::atomic<int> subscribers_{0};
  std::atomic<bool> shutting_down_{false};
};

// Reads are open to every authenticated caller; TakeSnapshot to
// coordinators.
class EvaluationServiceImpl final : public v1::EvaluationService::Service {
 public:
  EvaluationServiceImpl(Tracker* tracker, const CallAuthenticator* auth)
      : tracker_(tracker), auth_(auth) {}

  grpc::Status GetState(grpc::ServerContext* context,
                        const v1::GetStateRequest* request,
                        v1::EvaluationState* response) override;
  grpc::Status TakeSnapshot(grpc::ServerContext* context,
                            const v1::TakeSnapshotRequest* request,
                            v1::TakeSnapshotResponse* response) override;
  grpc::Status GetSnapshot(grpc::ServerContext* context,
                           const v1::GetSnapshotRequest* request,
                           v1::GetSnapshotResponse* response) override;
  grpc::Status ListSnapshots(grpc::ServerContext* context,
                             const v1::ListSnapshotsRequest* request,
                             v1::ListSnapshotsResponse* response) override;
  grpc::Status Diff(grpc::ServerContext* context,
                    const v1::DiffRequest* request,
                    v1::DiffResponse* response) override;
  grpc::Status GetCompleteness(grpc::ServerContext* context,
                               const v1::CompletenessRequest* request,
                               v1::Completeness* response) override;

 private:
  Tracker* const tracker_;
  const CallAuthenticator* const auth_;
};

}  // namespace koers::services

#endif  // KOERS_SERVICES_GRPC_SERVICES_H_
