// What the integration tests use to talk to a real koersd over gRPC: a client
// of the four koers.v1 services (every call with a deadline and, when given,
// a bearer token; gRPC statuses as absl::Status), builders of submissions,
// raw calls of services without generated code here (health, reflection), and
// a runner for koersd's own commands (add-principal).
#ifndef KOERS_TESTS_INTEGRATION_KOERS_CLIENT_H_
#define KOERS_TESTS_INTEGRATION_KOERS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "koers/v1/evaluation_service.grpc.pb.h"
#include "koers/v1/ingest_service.grpc.pb.h"
#include "koers/v1/plan_service.grpc.pb.h"
#include "koers/v1/query_service.grpc.pb.h"

namespace koers::integration {

// The deadline of every unary call and client stream.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(30);

// The sample plan (services/sample_plan.json): its id, a date in its period
// that has passed, and a level of the scale of its qualitative indicators
// SD1.* to SD3.*.
inline constexpr char kPlanId[] = "VAP-2025-2029";
inline constexpr char kPastDate[] = "2026-03-31";
inline constexpr char kLevelPartly[] = "gedeeltelijk gerealiseerd";

// The same code and message as an absl::Status.
absl::Status FromGrpc(const grpc::Status& status);

// The date `days` away from today in the server's calendar (Europe/Brussels),
// as "YYYY-MM-DD".
std::string DateFromToday(int days);

// A client event id ("8-4-4-4-12" lowercase hex) made of two numbers, so
// that every test picks its own ids and can name them again.
std::string ClientEventId(uint32_t test, uint64_t sequence);

// Submissions, valid for the sample plan unless a test changes them.
v1::Submission Measurement(absl::string_view indicator_id, double number,
                           absl::string_view date = kPastDate,
                           absl::string_view event_id = "");
v1::Submission LevelMeasurement(absl::string_view indicator_id,
                                absl::string_view level,
                                absl::string_view date = kPastDate,
                                absl::string_view event_id = "");
v1::Submission Correction(absl::string_view supersedes_event_id, double number,
                          absl::string_view reason = "typing error",
                          absl::string_view event_id = "");
v1::Submission StatusChange(absl::string_view action_id,
                            v1::ActionStatus status,
                            absl::string_view effective_date = kPastDate,
                            absl::string_view event_id = "");
v1::Submission FicheUpdate(absl::string_view action_id, int year,
                           absl::string_view text = "planning and state",
                           absl::string_view event_id = "");

// The client options of whichever write `submission` holds.
v1::WriteOptions* MutableOptions(v1::Submission* submission);

// A live subscription (QueryService.Subscribe).
class Subscription {
 public:
  // `authorization` is the metadata value to send; none when empty.
  Subscription(v1::QueryService::Stub* stub, uint64_t from_position,
               const std::string& authorization, absl::Duration timeout);
  // Cancels the call when it is still open.
  ~Subscription();

  // The next message; false when the stream ended (then call Finish).
  bool Read(v1::SubscribeResponse* message);
  // The stream's final status, after Read returned false.
  absl::Status Finish();

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader_;
  bool finished_ = false;
};

// A streamed push (IngestService.StreamSubmit), written message by message.
class SubmissionStream {
 public:
  // `authorization` is the metadata value to send; none when empty.
  SubmissionStream(v1::IngestService::Stub* stub,
                   const std::string& authorization);
  // Cancels the call when it is still open.
  ~SubmissionStream();

  // Sends `submission` (with `dry_run`); false when the stream is broken.
  // `buffered` lets gRPC hold the message back to send it with the next.
  bool Write(const v1::Submission& submission, bool dry_run = false,
             bool buffered = false);
  // Closes the sending side; the answer, or why the call failed.
  // Sends the commit message (unless `commit` is false), closes the stream
  // and waits for the answer.
  absl::StatusOr<v1::StreamSubmitResponse> Finish(bool commit = true);

 private:
  grpc::ClientContext context_;
  v1::StreamSubmitResponse response_;
  std::unique_ptr<grpc::ClientWriter<v1::StreamSubmitRequest>> writer_;
  bool finished_ = false;
};

// The four koers.v1 services on one channel; every call carries `token` as
// "authorization: Bearer <token>" unless it is empty.
class KoersClient {
 public:
  explicit KoersClient(std::shared_ptr<grpc::Channel> channel,
                       const std::string& token = "");
  // A client whose calls carry "authorization: <authorization>" verbatim.
  static KoersClient WithAuthorization(std::shared_ptr<grpc::Channel> channel,
                                       std::string authorization);

  // IngestService. Submit calls the unary RPC of the submission's kind.
  absl::StatusOr<v1::WriteResult> RecordMeasurement(
      const v1::RecordMeasurementRequest& request);
  absl::StatusOr<v1::WriteResult> CorrectMeasurement(
      const v1::CorrectMeasurementRequest& request);
  absl::StatusOr<v1::WriteResult> ChangeActionStatus(
      const v1::ChangeActionStatusRequest& request);
  absl::StatusOr<v1::WriteResult> RecordFicheUpdate(
      const v1::RecordFicheUpdateRequest& request);
  absl::StatusOr<v1::WriteResult> Submit(const v1::Submission& submission);
  absl::StatusOr<v1::SubmitBatchResponse> SubmitBatch(
      const std::vector<v1::Submission>& submissions, bool dry_run = false);
  // Streams `submissions`, the first message with `dry_run`.
  absl::StatusOr<v1::StreamSubmitResponse> StreamSubmit(
      const std::vector<v1::Submission>& submissions, bool dry_run = false);
  std::unique_ptr<SubmissionStream> OpenStream();

  // PlanService.
  absl::StatusOr<v1::LoadPlanResponse> LoadPlan(
      const v1::LoadPlanRequest& request);
  absl::StatusOr<v1::Plan> GetPlan(absl::string_view as_of_date);
  // The whole answer, at a bitemporal point.
  absl::StatusOr<v1::GetPlanResponse> GetPlanAt(const v1::TimePoint& at);

  // QueryService. Without a point: as of today, known now.
  absl::StatusOr<v1::GetProgressResponse> GetProgress();
  absl::StatusOr<v1::GetProgressResponse> GetProgress(const v1::TimePoint& at);
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(absl::string_view id);
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(absl::string_view id,
                                                    const v1::TimePoint& at);
  absl::StatusOr<v1::GetHistoryResponse> GetHistoryPage(absl::string_view id,
                                                        uint64_t from_revision,
                                                        uint32_t limit);
  absl::StatusOr<v1::ReadEventsResponse> ReadEvents(uint64_t from_position,
                                                    uint32_t limit = 0);
  absl::StatusOr<v1::VerifyResponse> Verify();
  std::unique_ptr<Subscription> Subscribe(
      uint64_t from_position, absl::Duration timeout = absl::Seconds(60));

  // EvaluationService.
  absl::StatusOr<v1::EvaluationState> GetState(const v1::TimePoint& at);
  absl::StatusOr<v1::TakeSnapshotResponse> TakeSnapshot(
      const v1::TakeSnapshotRequest& request);
  absl::StatusOr<v1::TakeSnapshotResponse> TakeSnapshot(
      absl::string_view name, absl::string_view as_of_date);
  absl::StatusOr<v1::GetSnapshotResponse> GetSnapshot(absl::string_view name);
  absl::StatusOr<v1::ListSnapshotsResponse> ListSnapshots();
  absl::StatusOr<v1::DiffResponse> Diff(const v1::DiffRequest& request);
  absl::StatusOr<v1::Completeness> GetCompleteness(
      const v1::CompletenessRequest& request);

  // The log's head position (ReadEvents.head_position).
  absl::StatusOr<uint64_t> Head();
  // The stored event at `position`.
  absl::StatusOr<v1::Event> EventAt(uint64_t position);

 private:
  // A context with the deadline and the token.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request);

  std::string authorization_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::PlanService::Stub> plan_;
  std::unique_ptr<v1::QueryService::Stub> query_;
  std::unique_ptr<v1::EvaluationService::Stub> evaluation_;
};

// A channel to `address` on a TCP connection of its own (channels made by
// KoersdProcess::Channel() may share one), so that a stalled stream on one
// cannot hold back calls on the other.
std::shared_ptr<grpc::Channel> SeparateChannel(const std::string& address);

// One unary call of `method` ("/package.Service/Method") with serialized
// request bytes; the serialized response.
absl::StatusOr<std::string> RawUnaryCall(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request);
// A bidirectional stream of `method`: sends `request`, closes the sending
// side and returns the first response.
absl::StatusOr<std::string> RawBidiFirstResponse(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request);

// A koersd command run to its end (for example add-principal).
struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string out;
  std::string err;
};
// Runs KoersdPath() with `args`; its output goes through files named
// `output_prefix` + ".out" / ".err". Killed (and a test failure) after
// `timeout`.
CommandResult RunKoersd(const std::vector<std::string>& args,
                        const std::string& output_prefix,
                        absl::Duration timeout = absl::Seconds(30));

// `koersd add-principal`; the new principal's token (its last output line).
absl::StatusOr<std::string> AddPrincipal(const std::string& auth_file,
                                         const std::string& name,
                                         const std::string& role,
                                         const std::string& entities = "");

}  // namespace koers::integration

#endif  // KOERS_TESTS_INTEGRATION_KOERS_CLIENT_H_
