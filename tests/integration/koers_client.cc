#include "tests/integration/koers_client.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"
#include "tests/testing/koersd_process.h"

namespace koers::integration {
namespace {

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

void AddAuthorization(grpc::ClientContext& context,
                      const std::string& authorization) {
  if (!authorization.empty()) {
    context.AddMetadata("authorization", authorization);
  }
}

std::string ToBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

grpc::ByteBuffer FromBytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Waits for the next completion of `queue`; whether its operation succeeded.
bool Await(grpc::CompletionQueue& queue) {
  void* tag = nullptr;
  bool ok = false;
  return queue.Next(&tag, &ok) && ok;
}

void Drain(grpc::CompletionQueue& queue) {
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
}

// The tag of the one operation in flight at a time.
void* Tag() { return reinterpret_cast<void*>(1); }

}  // namespace

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

std::string DateFromToday(int days) {
  absl::TimeZone brussels;
  if (!absl::LoadTimeZone("Europe/Brussels", &brussels)) {
    ADD_FAILURE() << "time zone Europe/Brussels is not installed";
  }
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), brussels) + days;
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string ClientEventId(uint32_t test, uint64_t sequence) {
  return absl::StrFormat("%08x-0000-7000-8%03x-%012x", test,
                         (sequence >> 48) & 0xfff, sequence & 0xffffffffffff);
}

v1::Submission Measurement(absl::string_view indicator_id, double number,
                           absl::string_view date, absl::string_view event_id) {
  v1::Submission submission;
  v1::RecordMeasurementRequest& request = *submission.mutable_measurement();
  request.mutable_options()->set_event_id(std::string(event_id));
  request.set_indicator_id(std::string(indicator_id));
  request.set_number(number);
  request.set_date(std::string(date));
  return submission;
}

v1::Submission LevelMeasurement(absl::string_view indicator_id,
                                absl::string_view level, absl::string_view date,
                                absl::string_view event_id) {
  v1::Submission submission = Measurement(indicator_id, 0, date, event_id);
  submission.mutable_measurement()->set_level(std::string(level));
  submission.mutable_measurement()->set_comment("assessed by the department");
  return submission;
}

v1::Submission Correction(absl::string_view supersedes_event_id, double number,
                          absl::string_view reason,
                          absl::string_view event_id) {
  v1::Submission submission;
  v1::CorrectMeasurementRequest& request = *submission.mutable_correction();
  request.mutable_options()->set_event_id(std::string(event_id));
  request.set_supersedes_event_id(std::string(supersedes_event_id));
  request.set_number(number);
  request.set_reason(std::string(reason));
  return submission;
}

v1::Submission StatusChange(absl::string_view action_id,
                            v1::ActionStatus status,
                            absl::string_view effective_date,
                            absl::string_view event_id) {
  v1::Submission submission;
  v1::ChangeActionStatusRequest& request = *submission.mutable_status_change();
  request.mutable_options()->set_event_id(std::string(event_id));
  request.set_action_id(std::string(action_id));
  request.set_status(status);
  request.set_effective_date(std::string(effective_date));
  request.set_reason("decided by the steering group");
  return submission;
}

v1::Submission FicheUpdate(absl::string_view action_id, int year,
                           absl::string_view text, absl::string_view event_id) {
  v1::Submission submission;
  v1::RecordFicheUpdateRequest& request = *submission.mutable_fiche_update();
  request.mutable_options()->set_event_id(std::string(event_id));
  request.set_action_id(std::string(action_id));
  request.set_year(year);
  request.set_text(std::string(text));
  request.set_date(kPastDate);
  return submission;
}

v1::WriteOptions* MutableOptions(v1::Submission* submission) {
  switch (submission->kind_case()) {
    case v1::Submission::kMeasurement:
      return submission->mutable_measurement()->mutable_options();
    case v1::Submission::kCorrection:
      return submission->mutable_correction()->mutable_options();
    case v1::Submission::kStatusChange:
      return submission->mutable_status_change()->mutable_options();
    case v1::Submission::kFicheUpdate:
      return submission->mutable_fiche_update()->mutable_options();
    case v1::Submission::KIND_NOT_SET:
      break;
  }
  return submission->mutable_measurement()->mutable_options();
}

Subscription::Subscription(v1::QueryService::Stub* stub, uint64_t from_position,
                           const std::string& authorization,
                           absl::Duration timeout) {
  SetDeadline(context_, timeout);
  AddAuthorization(context_, authorization);
  v1::SubscribeRequest request;
  request.set_from_position(from_position);
  reader_ = stub->Subscribe(&context_, request);
}

Subscription::~Subscription() {
  if (finished_) return;
  context_.TryCancel();
  v1::SubscribeResponse ignored;
  while (reader_->Read(&ignored)) {
  }
  reader_->Finish().ok();
}

bool Subscription::Read(v1::SubscribeResponse* message) {
  return reader_->Read(message);
}

absl::Status Subscription::Finish() {
  finished_ = true;
  return FromGrpc(reader_->Finish());
}

SubmissionStream::SubmissionStream(v1::IngestService::Stub* stub,
                                   const std::string& authorization) {
  SetDeadline(context_, kCallTimeout);
  AddAuthorization(context_, authorization);
  writer_ = stub->StreamSubmit(&context_, &response_);
}

SubmissionStream::~SubmissionStream() {
  if (finished_) return;
  context_.TryCancel();
  writer_->Finish().ok();
}

bool SubmissionStream::Write(const v1::Submission& submission, bool dry_run,
                             bool buffered) {
  v1::StreamSubmitRequest message;
  *message.mutable_submission() = submission;
  message.set_dry_run(dry_run);
  grpc::WriteOptions options;
  if (buffered) options.set_buffer_hint();
  return writer_->Write(message, options);
}

absl::StatusOr<v1::StreamSubmitResponse> SubmissionStream::Finish(bool commit) {
  finished_ = true;
  if (commit) {
    v1::StreamSubmitRequest last;
    last.set_commit(true);
    writer_->Write(last);
  }
  writer_->WritesDone();
  const grpc::Status status = writer_->Finish();
  if (!status.ok()) return FromGrpc(status);
  return response_;
}

KoersClient::KoersClient(std::shared_ptr<grpc::Channel> channel,
                         const std::string& token)
    : authorization_(token.empty() ? "" : absl::StrCat("Bearer ", token)),
      ingest_(v1::IngestService::NewStub(channel)),
      plan_(v1::PlanService::NewStub(channel)),
      query_(v1::QueryService::NewStub(channel)),
      evaluation_(v1::EvaluationService::NewStub(channel)) {}

KoersClient KoersClient::WithAuthorization(
    std::shared_ptr<grpc::Channel> channel, std::string authorization) {
  KoersClient client(std::move(channel));
  client.authorization_ = std::move(authorization);
  return client;
}

std::unique_ptr<grpc::ClientContext> KoersClient::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  SetDeadline(*context, kCallTimeout);
  AddAuthorization(*context, authorization_);
  return context;
}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> KoersClient::Call(
    Stub* stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) {
  const std::unique_ptr<grpc::ClientContext> context = NewContext();
  Response response;
  const grpc::Status status =
      (stub->*method)(context.get(), request, &response);
  if (!status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::WriteResult> KoersClient::RecordMeasurement(
    const v1::RecordMeasurementRequest& request) {
  return Call(ingest_.get(), &v1::IngestService::Stub::RecordMeasurement,
              request);
}

absl::StatusOr<v1::WriteResult> KoersClient::CorrectMeasurement(
    const v1::CorrectMeasurementRequest& request) {
  return Call(ingest_.get(), &v1::IngestService::Stub::CorrectMeasurement,
              request);
}

absl::StatusOr<v1::WriteResult> KoersClient::ChangeActionStatus(
    const v1::ChangeActionStatusRequest& request) {
  return Call(ingest_.get(), &v1::IngestService::Stub::ChangeActionStatus,
              request);
}

absl::StatusOr<v1::WriteResult> KoersClient::RecordFicheUpdate(
    const v1::RecordFicheUpdateRequest& request) {
  return Call(ingest_.get(), &v1::IngestService::Stub::RecordFicheUpdate,
              request);
}

absl::StatusOr<v1::WriteResult> KoersClient::Submit(
    const v1::Submission& submission) {
  switch (submission.kind_case()) {
    case v1::Submission::kMeasurement:
      return RecordMeasurement(submission.measurement());
    case v1::Submission::kCorrection:
      return CorrectMeasurement(submission.correction());
    case v1::Submission::kStatusChange:
      return ChangeActionStatus(submission.status_change());
    case v1::Submission::kFicheUpdate:
      return RecordFicheUpdate(submission.fiche_update());
    case v1::Submission::KIND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("the test built an empty submission");
}

absl::StatusOr<v1::SubmitBatchResponse> KoersClient::SubmitBatch(
    const std::vector<v1::Submission>& submissions, bool dry_run) {
  v1::SubmitBatchRequest request;
  for (const v1::Submission& submission : submissions) {
    *request.add_submissions() = submission;
  }
  request.set_dry_run(dry_run);
  return Call(ingest_.get(), &v1::IngestService::Stub::SubmitBatch, request);
}

absl::StatusOr<v1::StreamSubmitResponse> KoersClient::StreamSubmit(
    const std::vector<v1::Submission>& submissions, bool dry_run) {
  std::unique_ptr<SubmissionStream> stream = OpenStream();
  for (size_t i = 0; i < submissions.size(); ++i) {
    if (!stream->Write(submissions[i], i == 0 && dry_run)) break;
  }
  return stream->Finish();
}

std::unique_ptr<SubmissionStream> KoersClient::OpenStream() {
  return std::make_unique<SubmissionStream>(ingest_.get(), authorization_);
}

absl::StatusOr<v1::LoadPlanResponse> KoersClient::LoadPlan(
    const v1::LoadPlanRequest& request) {
  return Call(plan_.get(), &v1::PlanService::Stub::LoadPlan, request);
}

absl::StatusOr<v1::Plan> KoersClient::GetPlan(absl::string_view as_of_date) {
  v1::GetPlanRequest request;
  request.set_as_of_date(std::string(as_of_date));
  absl::StatusOr<v1::GetPlanResponse> response =
      Call(plan_.get(), &v1::PlanService::Stub::GetPlan, request);
  if (!response.ok()) return response.status();
  return response->plan();
}

absl::StatusOr<v1::GetPlanResponse> KoersClient::GetPlanAt(
    const v1::TimePoint& at) {
  v1::GetPlanRequest request;
  request.set_as_of_date(at.as_of_date());
  *request.mutable_known_at() = at.known_at();
  return Call(plan_.get(), &v1::PlanService::Stub::GetPlan, request);
}

absl::StatusOr<v1::GetProgressResponse> KoersClient::GetProgress() {
  return Call(query_.get(), &v1::QueryService::Stub::GetProgress,
              v1::GetProgressRequest());
}

absl::StatusOr<v1::GetProgressResponse> KoersClient::GetProgress(
    const v1::TimePoint& at) {
  v1::GetProgressRequest request;
  *request.mutable_at() = at;
  return Call(query_.get(), &v1::QueryService::Stub::GetProgress, request);
}

absl::StatusOr<v1::GetHistoryResponse> KoersClient::GetHistory(
    absl::string_view id) {
  v1::GetHistoryRequest request;
  request.set_id(std::string(id));
  return Call(query_.get(), &v1::QueryService::Stub::GetHistory, request);
}

absl::StatusOr<v1::GetHistoryResponse> KoersClient::GetHistoryPage(
    absl::string_view id, uint64_t from_revision, uint32_t limit) {
  v1::GetHistoryRequest request;
  request.set_id(std::string(id));
  request.set_from_revision(from_revision);
  request.set_limit(limit);
  return Call(query_.get(), &v1::QueryService::Stub::GetHistory, request);
}

absl::StatusOr<v1::GetHistoryResponse> KoersClient::GetHistory(
    absl::string_view id, const v1::TimePoint& at) {
  v1::GetHistoryRequest request;
  request.set_id(std::string(id));
  *request.mutable_at() = at;
  return Call(query_.get(), &v1::QueryService::Stub::GetHistory, request);
}

absl::StatusOr<v1::ReadEventsResponse> KoersClient::ReadEvents(
    uint64_t from_position, uint32_t limit) {
  v1::ReadEventsRequest request;
  request.set_from_position(from_position);
  request.set_limit(limit);
  return Call(query_.get(), &v1::QueryService::Stub::ReadEvents, request);
}

absl::StatusOr<v1::VerifyResponse> KoersClient::Verify() {
  return Call(query_.get(), &v1::QueryService::Stub::Verify,
              v1::VerifyRequest());
}

std::unique_ptr<Subscription> KoersClient::Subscribe(uint64_t from_position,
                                                     absl::Duration timeout) {
  return std::make_unique<Subscription>(query_.get(), from_position,
                                        authorization_, timeout);
}

absl::StatusOr<v1::EvaluationState> KoersClient::GetState(
    const v1::TimePoint& at) {
  v1::GetStateRequest request;
  *request.mutable_at() = at;
  return Call(evaluation_.get(), &v1::EvaluationService::Stub::GetState,
              request);
}

absl::StatusOr<v1::TakeSnapshotResponse> KoersClient::TakeSnapshot(
    const v1::TakeSnapshotRequest& request) {
  return Call(evaluation_.get(), &v1::EvaluationService::Stub::TakeSnapshot,
              request);
}

absl::StatusOr<v1::TakeSnapshotResponse> KoersClient::TakeSnapshot(
    absl::string_view name, absl::string_view as_of_date) {
  v1::TakeSnapshotRequest request;
  request.set_name(std::string(name));
  request.set_as_of_date(std::string(as_of_date));
  return TakeSnapshot(request);
}

absl::StatusOr<v1::GetSnapshotResponse> KoersClient::GetSnapshot(
    absl::string_view name) {
  v1::GetSnapshotRequest request;
  request.set_name(std::string(name));
  return Call(evaluation_.get(), &v1::EvaluationService::Stub::GetSnapshot,
              request);
}

absl::StatusOr<v1::ListSnapshotsResponse> KoersClient::ListSnapshots() {
  return Call(evaluation_.get(), &v1::EvaluationService::Stub::ListSnapshots,
              v1::ListSnapshotsRequest());
}

absl::StatusOr<v1::DiffResponse> KoersClient::Diff(
    const v1::DiffRequest& request) {
  return Call(evaluation_.get(), &v1::EvaluationService::Stub::Diff, request);
}

absl::StatusOr<v1::Completeness> KoersClient::GetCompleteness(
    const v1::CompletenessRequest& request) {
  return Call(evaluation_.get(), &v1::EvaluationService::Stub::GetCompleteness,
              request);
}

absl::StatusOr<uint64_t> KoersClient::Head() {
  absl::StatusOr<v1::ReadEventsResponse> response = ReadEvents(1, 1);
  if (!response.ok()) return response.status();
  return response->head_position();
}

absl::StatusOr<v1::Event> KoersClient::EventAt(uint64_t position) {
  absl::StatusOr<v1::ReadEventsResponse> response = ReadEvents(position, 1);
  if (!response.ok()) return response.status();
  if (response->events_size() != 1 ||
      response->events(0).position() != position) {
    return absl::NotFoundError(absl::StrCat("no event at ", position));
  }
  return response->events(0);
}

std::shared_ptr<grpc::Channel> SeparateChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

absl::StatusOr<std::string> RawUnaryCall(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  SetDeadline(context, kCallTimeout);
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, method, FromBytes(request), &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, Tag());
  Await(queue);
  Drain(queue);
  if (!status.ok()) return FromGrpc(status);
  return ToBytes(response);
}

absl::StatusOr<std::string> RawBidiFirstResponse(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  SetDeadline(context, kCallTimeout);
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &queue);
  call->StartCall(Tag());
  bool ok = Await(queue);
  if (ok) {
    call->Write(FromBytes(request), Tag());
    ok = Await(queue);
  }
  if (ok) {
    call->WritesDone(Tag());
    ok = Await(queue);
  }
  grpc::ByteBuffer response;
  if (ok) {
    call->Read(&response, Tag());
    ok = Await(queue);
  }
  grpc::Status status;
  call->Finish(&status, Tag());
  Await(queue);
  Drain(queue);
  if (!status.ok()) return FromGrpc(status);
  if (!ok) return absl::UnknownError(absl::StrCat(method, " sent no answer"));
  return ToBytes(response);
}

CommandResult RunKoersd(const std::vector<std::string>& args,
                        const std::string& output_prefix,
                        absl::Duration timeout) {
  const std::string out_path = output_prefix + ".out";
  const std::string err_path = output_prefix + ".err";
  std::vector<std::string> argv_strings = {testing::KoersdPath()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  CommandResult result;
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return result;
  }
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      ADD_FAILURE() << "koersd " << absl::StrJoin(args, " ")
                    << " still runs after " << timeout << "; killing it";
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  result.exit_code =
      WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  result.out = storage::ReadFileToString(out_path).value_or("");
  result.err = storage::ReadFileToString(err_path).value_or("");
  return result;
}

absl::StatusOr<std::string> AddPrincipal(const std::string& auth_file,
                                         const std::string& name,
                                         const std::string& role,
                                         const std::string& entities) {
  std::vector<std::string> args = {"add-principal", "--auth_file=" + auth_file,
                                   "--name=" + name, "--role=" + role};
  if (!entities.empty()) args.push_back("--entities=" + entities);
  const CommandResult result =
      RunKoersd(args, absl::StrCat(auth_file, ".", name));
  if (result.exit_code != 0) {
    return absl::InternalError(absl::StrCat("add-principal ", name, " exited ",
                                            result.exit_code, ": ",
                                            result.err));
  }
  const std::vector<absl::string_view> lines =
      absl::StrSplit(absl::StripTrailingAsciiWhitespace(result.out), '\n');
  return std::string(absl::StripAsciiWhitespace(lines.back()));
}

}  // namespace koers::integration
