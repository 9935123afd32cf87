// KoersClient: a blocking client for every RPC of koersd (PlanService,
// IngestService, QueryService, EvaluationService and the standard gRPC
// health check). Reads that take a bitemporal point (GetPlan's as_of_date
// and known_at, GetProgress's and GetHistory's `at`, GetState's `at`) pass
// it as the request carries it: unset is "as of today, known now".
//
// Every call
//   * sends `authorization: Bearer <token>` when ClientOptions.token is set;
//   * has a deadline of ClientOptions.timeout from the moment it starts,
//     except Subscribe, which is meant to stay open (it ends when the
//     consumer stops it, the server ends it, or the connection drops);
//   * returns the server's error as an absl::Status with the same code and
//     message (FromGrpcStatus), and transport failures the same way
//     (UNAVAILABLE, DEADLINE_EXCEEDED).
//
// A KoersClient is thread-safe: concurrent calls share one channel.
#ifndef KOERS_CLIENTS_KOERS_CLIENT_H_
#define KOERS_CLIENTS_KOERS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "koers/v1/evaluation_service.grpc.pb.h"
#include "koers/v1/ingest_service.grpc.pb.h"
#include "koers/v1/plan_service.grpc.pb.h"
#include "koers/v1/query_service.grpc.pb.h"

namespace koers::clients {

struct ClientOptions {
  // host:port (or any gRPC target) of koersd.
  std::string server = "127.0.0.1:50051";
  // Bearer token; empty sends no authorization header.
  std::string token;
  // PEM file of the root CA that signed the server's certificate. Set: TLS;
  // empty: an insecure (plaintext) channel.
  std::string tls_ca_file;
  // For mutual TLS (with tls_ca_file): PEM files of the client's
  // certificate chain and private key. Both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Deadline of each call (Subscribe excepted).
  absl::Duration timeout = absl::Seconds(30);
};

// The largest answer the client accepts (StreamSubmit answers can be large).
inline constexpr int kMaxReceiveMessageBytes = 64 << 20;

// The one conversion of a gRPC status: same code number, same message.
absl::Status FromGrpcStatus(const grpc::Status& status);

class KoersClient {
 public:
  // Fills `submission` with the next item to send and returns true, or
  // returns false when there is nothing more to send.
  using SubmissionProducer = std::function<bool(v1::Submission* submission)>;
  // Receives each item of a subscription; returns false to stop it.
  using SubscribeConsumer = std::function<bool(const v1::SubscribeResponse&)>;

  // Creates the channel; it connects on the first call, so an unreachable
  // server shows as UNAVAILABLE then. Errors: InvalidArgument for an empty
  // server or a timeout that is not positive, a client certificate without
  // its key (or the reverse) or without TLS, or a TLS file that holds no PEM
  // block; NotFound / PermissionDenied when a TLS file cannot be read. The
  // message names the file.
  static absl::StatusOr<std::unique_ptr<KoersClient>> Connect(
      const ClientOptions& options);

  // PlanService.
  absl::StatusOr<v1::LoadPlanResponse> LoadPlan(
      const v1::LoadPlanRequest& request) const;
  absl::StatusOr<v1::GetPlanResponse> GetPlan(
      const v1::GetPlanRequest& request) const;

  // IngestService.
  absl::StatusOr<v1::WriteResult> RecordMeasurement(
      const v1::RecordMeasurementRequest& request) const;
  absl::StatusOr<v1::WriteResult> CorrectMeasurement(
      const v1::CorrectMeasurementRequest& request) const;
  absl::StatusOr<v1::WriteResult> ChangeActionStatus(
      const v1::ChangeActionStatusRequest& request) const;
  absl::StatusOr<v1::WriteResult> RecordFicheUpdate(
      const v1::RecordFicheUpdateRequest& request) const;
  absl::StatusOr<v1::SubmitBatchResponse> SubmitBatch(
      const v1::SubmitBatchRequest& request) const;
  // Streams every submission (dry_run rides on the first message), commits
  // the stream, and returns the server's item-by-item answer. If the server
  // ends the stream early, the rest is not sent, nothing is written, and its
  // status is returned.
  absl::StatusOr<v1::StreamSubmitResponse> StreamSubmit(
      const SubmissionProducer& next, bool dry_run) const;
  absl::StatusOr<v1::StreamSubmitResponse> StreamSubmit(
      const std::vector<v1::Submission>& submissions, bool dry_run) const;

  // QueryService.
  absl::StatusOr<v1::GetProgressResponse> GetProgress(
      const v1::GetProgressRequest& request) const;
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(
      const v1::GetHistoryRequest& request) const;
  // Every page of the history from request.from_revision() on, all read at
  // the first page's log position, in one response (its
  // next_from_revision 0).
  absl::StatusOr<v1::GetHistoryResponse> GetWholeHistory(
      v1::GetHistoryRequest request) const;
  absl::StatusOr<v1::ReadEventsResponse> ReadEvents(
      const v1::ReadEventsRequest& request) const;
  // Delivers every item from `from_position` on to `consume` until it
  // returns false (then OK), or the server ends the stream (its status:
  // OK, or for example RESOURCE_EXHAUSTED for a consumer that fell behind).
  absl::Status Subscribe(uint64_t from_position,
                         const SubscribeConsumer& consume) const;
  absl::StatusOr<v1::VerifyResponse> Verify(
      const v1::VerifyRequest& request) const;

  // EvaluationService.
  absl::StatusOr<v1::EvaluationState> GetState(
      const v1::GetStateRequest& request) const;
  absl::StatusOr<v1::TakeSnapshotResponse> TakeSnapshot(
      const v1::TakeSnapshotRequest& request) const;
  // The snapshot as the server sends it; the caller checks its digest
  // (snapshot_digest.h) before trusting its content.
  absl::StatusOr<v1::GetSnapshotResponse> GetSnapshot(
      const v1::GetSnapshotRequest& request) const;
  absl::StatusOr<v1::ListSnapshotsResponse> ListSnapshots(
      const v1::ListSnapshotsRequest& request) const;
  absl::StatusOr<v1::DiffResponse> Diff(const v1::DiffRequest& request) const;
  absl::StatusOr<v1::Completeness> GetCompleteness(
      const v1::CompletenessRequest& request) const;

  // grpc.health.v1.Health/Check for the server as a whole (service "").
  absl::StatusOr<grpc::health::v1::HealthCheckResponse> Health() const;

 private:
  KoersClient(std::shared_ptr<grpc::Channel> channel, ClientOptions options);

  // Sets the authorization header and, with a deadline, the call's deadline.
  void Prepare(grpc::ClientContext& context, bool with_deadline) const;

  // One unary call through `stub`'s `method`.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Unary(
      Stub& stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) const;

  std::shared_ptr<grpc::Channel> channel_;
  ClientOptions options_;
  std::unique_ptr<v1::PlanService::Stub> plan_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::QueryService::Stub> query_;
  std::unique_ptr<v1::EvaluationService::Stub> evaluation_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_KOERS_CLIENT_H_
