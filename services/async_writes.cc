#include "services/async_writes.h"

#include <pthread.h>

#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/support/async_unary_call.h"
#include "services/grpc_status.h"

namespace koers::services {
namespace {

// Calls kept waiting for each method's next request on each queue, so that
// a burst of requests does not wait for one call to be posted after another.
constexpr int kWaitingCallsPerMethod = 8;

}  // namespace

// One call's state, the tag of every operation on it.
class AsyncWriteServer::Call {
 public:
  virtual ~Call() = default;
  // The queue delivered this call's pending operation; `ok` is false when
  // it failed (the server is shutting down, or the call was cancelled).
  virtual void Proceed(bool ok) = 0;
};

template <typename Request>
class AsyncWriteServer::WriteCall final : public Call {
 public:
  struct Method {
    void (IngestServiceBase::*request)(
        grpc::ServerContext*, Request*,
        grpc::ServerAsyncResponseWriter<v1::WriteResult>*,
        grpc::CompletionQueue*, grpc::ServerCompletionQueue*, void*);
    // Where the request goes in a Submission.
    Request* (v1::Submission::*field)();
  };

  // A new call waiting on `queue` for the method's next request; it
  // deletes itself once done.
  static void Post(AsyncWriteServer* server, grpc::ServerCompletionQueue* queue,
                   Method method) {
    auto* call = new WriteCall(server, queue, method);
    (server->service_->*method.request)(&call->context_, &call->request_,
                                        &call->responder_, queue, queue, call);
  }

  void Proceed(bool ok) override {
    // Once answered, the only operation left was sending the answer.
    if (answered_ || !ok) {
      delete this;
      return;
    }
    Post(server_, queue_, method_);
    Handle();
  }

 private:
  WriteCall(AsyncWriteServer* server, grpc::ServerCompletionQueue* queue,
            Method method)
      : server_(server),
        queue_(queue),
        method_(method),
        responder_(&context_) {}

  void Handle() {
    answered_ = true;
    absl::StatusOr<Caller> caller = server_->auth_->Authenticate(context_);
    if (!caller.ok()) {
      responder_.FinishWithError(ToGrpcStatus(caller.status()), this);
      return;
    }
    v1::Submission submission;
    *(submission.*method_.field)() = std::move(request_);
    server_->BeginWrite();
    server_->tracker_->SubmitAsync(
        *caller, std::move(submission),
        [this](absl::StatusOr<v1::WriteResult> result) {
          // The queue may delete this call as soon as it is finished.
          AsyncWriteServer* const server = server_;
          if (result.ok()) {
            responder_.Finish(*result, grpc::Status::OK, this);
          } else {
            responder_.FinishWithError(ToGrpcStatus(result.status()), this);
          }
          server->EndWrite();
        });
  }

  AsyncWriteServer* const server_;
  grpc::ServerCompletionQueue* const queue_;
  const Method method_;
  grpc::ServerContext context_;
  Request request_;
  grpc::ServerAsyncResponseWriter<v1::WriteResult> responder_;
  bool answered_ = false;
};

AsyncWriteServer::AsyncWriteServer(IngestServiceImpl* service, Tracker* tracker,
                                   const CallAuthenticator* auth, int threads)
    : service_(service),
      tracker_(tracker),
      auth_(auth),
      thread_count_(threads < 1 ? 1 : threads) {}

AsyncWriteServer::~AsyncWriteServer() { Stop(); }

void AsyncWriteServer::AddQueues(grpc::ServerBuilder* builder) {
  for (int i = 0; i < thread_count_; ++i) {
    queues_.push_back(builder->AddCompletionQueue());
  }
}

void AsyncWriteServer::Start() {
  for (const auto& queue : queues_) {
    PostWaitingCalls(queue.get());
    threads_.emplace_back(&AsyncWriteServer::Poll, queue.get());
  }
}

void AsyncWriteServer::PostWaitingCalls(grpc::ServerCompletionQueue* queue) {
  for (int i = 0; i < kWaitingCallsPerMethod; ++i) {
    WriteCall<v1::RecordMeasurementRequest>::Post(
        this, queue,
        {&IngestServiceBase::RequestRecordMeasurement,
         &v1::Submission::mutable_measurement});
    WriteCall<v1::CorrectMeasurementRequest>::Post(
        this, queue,
        {&IngestServiceBase::RequestCorrectMeasurement,
         &v1::Submission::mutable_correction});
    WriteCall<v1::ChangeActionStatusRequest>::Post(
        this, queue,
        {&IngestServiceBase::RequestChangeActionStatus,
         &v1::Submission::mutable_status_change});
    WriteCall<v1::RecordFicheUpdateRequest>::Post(
        this, queue,
        {&IngestServiceBase::RequestRecordFicheUpdate,
         &v1::Submission::mutable_fiche_update});
  }
}

void AsyncWriteServer::Poll(grpc::ServerCompletionQueue* queue) {
  pthread_setname_np(pthread_self(), "koers-grpc-cq");
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<Call*>(tag)->Proceed(ok);
}

void AsyncWriteServer::BeginWrite() {
  absl::MutexLock lock(&writes_mu_);
  ++writes_in_flight_;
}

void AsyncWriteServer::EndWrite() {
  absl::MutexLock lock(&writes_mu_);
  --writes_in_flight_;
}

void AsyncWriteServer::Stop() {
  absl::call_once(stopped_, [this] { StopOnce(); });
}

void AsyncWriteServer::StopOnce() {
  // A write still in the log will finish its call: its queue must accept
  // that operation, so it is shut down only after the last answer.
  {
    absl::MutexLock lock(&writes_mu_);
    writes_mu_.Await(absl::Condition(
        +[](int* in_flight) { return *in_flight == 0; }, &writes_in_flight_));
  }
  for (const auto& queue : queues_) queue->Shutdown();
  if (threads_.empty()) {
    // Never started: drain the queues here.
    for (const auto& queue : queues_) Poll(queue.get());
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace koers::services
