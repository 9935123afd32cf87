#include "clients/koers_client.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "storage/file_util.h"
#include "storage/status_macros.h"

namespace koers::clients {
namespace {

// The content of a PEM file; InvalidArgument when it holds no PEM block
// (gRPC would only log that it cannot use it and fail every call).
absl::StatusOr<std::string> ReadPem(const std::string& path) {
  KOERS_ASSIGN_OR_RETURN(std::string pem, storage::ReadFileToString(path));
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a PEM file (no \"-----BEGIN\" line)"));
  }
  return pem;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const ClientOptions& options) {
  if (options.tls_ca_file.empty()) {
    if (!options.tls_cert_file.empty()) {
      return absl::InvalidArgumentError(
          "a client certificate needs TLS: give the server's root CA too");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate and its private key go together: give both or "
        "neither");
  }
  grpc::SslCredentialsOptions ssl;
  KOERS_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(options.tls_ca_file));
  if (!options.tls_cert_file.empty()) {
    KOERS_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPem(options.tls_cert_file));
    KOERS_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPem(options.tls_key_file));
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::StatusOr<std::unique_ptr<KoersClient>> KoersClient::Connect(
    const ClientOptions& options) {
  if (options.server.empty()) {
    return absl::InvalidArgumentError("no server address given");
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the call timeout must be positive, not ",
                     absl::FormatDuration(options.timeout)));
  }
  KOERS_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                         Credentials(options));
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.server, credentials, arguments);
  return std::unique_ptr<KoersClient>(
      new KoersClient(std::move(channel), options));
}

KoersClient::KoersClient(std::shared_ptr<grpc::Channel> channel,
                         ClientOptions options)
    : channel_(std::move(channel)),
      options_(std::move(options)),
      plan_(v1::PlanService::NewStub(channel_)),
      ingest_(v1::IngestService::NewStub(channel_)),
      query_(v1::QueryService::NewStub(channel_)),
      evaluation_(v1::EvaluationService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)) {}

void KoersClient::Prepare(grpc::ClientContext& context,
                          bool with_deadline) const {
  if (!options_.token.empty()) {
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", options_.token));
  }
  if (with_deadline) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  }
}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> KoersClient::Unary(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) const {
  grpc::ClientContext context;
  Prepare(context, /*with_deadline=*/true);
  Response response;
  KOERS_RETURN_IF_ERROR(
      FromGrpcStatus((stub.*method)(&context, request, &response)));
  return response;
}

absl::StatusOr<v1::LoadPlanResponse> KoersClient::LoadPlan(
    const v1::LoadPlanRequest& request) const {
  return Unary(*plan_, &v1::PlanService::Stub::LoadPlan, request);
}

absl::StatusOr<v1::GetPlanResponse> KoersClient::GetPlan(
    const v1::GetPlanRequest& request) const {
  return Unary(*plan_, &v1::PlanService::Stub::GetPlan, request);
}

absl::StatusOr<v1::WriteResult> KoersClient::RecordMeasurement(
    const v1::RecordMeasurementRequest& request) const {
  return Unary(*ingest_, &v1::IngestService::Stub::RecordMeasurement, request);
}

absl::StatusOr<v1::WriteResult> KoersClient::CorrectMeasurement(
    const v1::CorrectMeasurementRequest& request) const {
  return Unary(*ingest_, &v1::IngestService::Stub::CorrectMeasurement, request);
}

absl::StatusOr<v1::WriteResult> KoersClient::ChangeActionStatus(
    const v1::ChangeActionStatusRequest& request) const {
  return Unary(*ingest_, &v1::IngestService::Stub::ChangeActionStatus, request);
}

absl::StatusOr<v1::WriteResult> KoersClient::RecordFicheUpdate(
    const v1::RecordFicheUpdateRequest& request) const {
  return Unary(*ingest_, &v1::IngestService::Stub::RecordFicheUpdate, request);
}

absl::StatusOr<v1::SubmitBatchResponse> KoersClient::SubmitBatch(
    const v1::SubmitBatchRequest& request) const {
  return Unary(*ingest_, &v1::IngestService::Stub::SubmitBatch, request);
}

absl::StatusOr<v1::StreamSubmitResponse> KoersClient::StreamSubmit(
    const SubmissionProducer& next, bool dry_run) const {
  grpc::ClientContext context;
  Prepare(context, /*with_deadline=*/true);
  v1::StreamSubmitResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::StreamSubmitRequest>> writer =
      ingest_->StreamSubmit(&context, &response);
  v1::StreamSubmitRequest message;
  message.set_dry_run(dry_run);
  // A failed Write means the server ended the call; Finish says why.
  bool sent_all = false;
  while (true) {
    message.mutable_submission()->Clear();
    if (!next(message.mutable_submission())) {
      sent_all = true;
      break;
    }
    if (!writer->Write(message)) break;
  }
  // Only a committed stream is written: one cut short writes nothing.
  if (sent_all) {
    v1::StreamSubmitRequest commit;
    commit.set_commit(true);
    writer->Write(commit);
  }
  writer->WritesDone();
  KOERS_RETURN_IF_ERROR(FromGrpcStatus(writer->Finish()));
  return response;
}

absl::StatusOr<v1::StreamSubmitResponse> KoersClient::StreamSubmit(
    const std::vector<v1::Submission>& submissions, bool dry_run) const {
  size_t sent = 0;
  return StreamSubmit(
      [&](v1::Submission* submission) {
        if (sent == submissions.size()) return false;
        *submission = submissions[sent++];
        return true;
      },
      dry_run);
}

absl::StatusOr<v1::GetProgressResponse> KoersClient::GetProgress(
    const v1::GetProgressRequest& request) const {
  return Unary(*query_, &v1::QueryService::Stub::GetProgress, request);
}

absl::StatusOr<v1::GetHistoryResponse> KoersClient::GetHistory(
    const v1::GetHistoryRequest& request) const {
  return Unary(*query_, &v1::QueryService::Stub::GetHistory, request);
}

absl::StatusOr<v1::GetHistoryResponse> KoersClient::GetWholeHistory(
    v1::GetHistoryRequest request) const {
  KOERS_ASSIGN_OR_RETURN(v1::GetHistoryResponse whole, GetHistory(request));
  // Every page at the first one's log position (a server from before that
  // field leaves it 0, and each page is then read at its own moment).
  if (whole.known_at_position() != 0) {
    request.mutable_at()->mutable_known_at()->set_position(
        whole.known_at_position());
  }
  while (whole.next_from_revision() != 0) {
    if (whole.next_from_revision() <= request.from_revision()) {
      return absl::InternalError(absl::StrCat(
          "the server's next_from_revision ", whole.next_from_revision(),
          " does not follow ", request.from_revision()));
    }
    request.set_from_revision(whole.next_from_revision());
    KOERS_ASSIGN_OR_RETURN(v1::GetHistoryResponse page, GetHistory(request));
    for (v1::HistoryEntry& entry : *page.mutable_entries()) {
      *whole.add_entries() = std::move(entry);
    }
    whole.set_next_from_revision(page.next_from_revision());
  }
  return whole;
}

absl::StatusOr<v1::ReadEventsResponse> KoersClient::ReadEvents(
    const v1::ReadEventsRequest& request) const {
  return Unary(*query_, &v1::QueryService::Stub::ReadEvents, request);
}

absl::Status KoersClient::Subscribe(uint64_t from_position,
                                    const SubscribeConsumer& consume) const {
  grpc::ClientContext context;
  Prepare(context, /*with_deadline=*/false);
  v1::SubscribeRequest request;
  request.set_from_position(from_position);
  std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader =
      query_->Subscribe(&context, request);
  v1::SubscribeResponse item;
  bool stopped = false;
  while (!stopped && reader->Read(&item)) {
    stopped = !consume(item);
  }
  if (stopped) context.TryCancel();
  const grpc::Status status = reader->Finish();
  if (stopped && status.error_code() == grpc::StatusCode::CANCELLED) {
    return absl::OkStatus();
  }
  return FromGrpcStatus(status);
}

absl::StatusOr<v1::VerifyResponse> KoersClient::Verify(
    const v1::VerifyRequest& request) const {
  return Unary(*query_, &v1::QueryService::Stub::Verify, request);
}

absl::StatusOr<v1::EvaluationState> KoersClient::GetState(
    const v1::GetStateRequest& request) const {
  return Unary(*evaluation_, &v1::EvaluationService::Stub::GetState, request);
}

absl::StatusOr<v1::TakeSnapshotResponse> KoersClient::TakeSnapshot(
    const v1::TakeSnapshotRequest& request) const {
  return Unary(*evaluation_, &v1::EvaluationService::Stub::TakeSnapshot,
               request);
}

absl::StatusOr<v1::GetSnapshotResponse> KoersClient::GetSnapshot(
    const v1::GetSnapshotRequest& request) const {
  return Unary(*evaluation_, &v1::EvaluationService::Stub::GetSnapshot,
               request);
}

absl::StatusOr<v1::ListSnapshotsResponse> KoersClient::ListSnapshots(
    const v1::ListSnapshotsRequest& request) const {
  return Unary(*evaluation_, &v1::EvaluationService::Stub::ListSnapshots,
               request);
}

absl::StatusOr<v1::DiffResponse> KoersClient::Diff(
    const v1::DiffRequest& request) const {
  return Unary(*evaluation_, &v1::EvaluationService::Stub::Diff, request);
}

absl::StatusOr<v1::Completeness> KoersClient::GetCompleteness(
    const v1::CompletenessRequest& request) const {
  return Unary(*evaluation_, &v1::EvaluationService::Stub::GetCompleteness,
               request);
}

absl::StatusOr<grpc::health::v1::HealthCheckResponse> KoersClient::Health()
    const {
  return Unary(*health_, &grpc::health::v1::Health::Stub::Check,
               grpc::health::v1::HealthCheckRequest());
}

}  // namespace koers::clients
