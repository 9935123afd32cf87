// AsyncWriteServer: serves the four single-write RPCs of koers.v1
// IngestService (RecordMeasurement, CorrectMeasurement, ChangeActionStatus,
// RecordFicheUpdate) with gRPC's completion-queue API.
//
// Why not the sync or callback API: a write waits for an fdatasync, so a
// sync handler blocks a thread per call, and gRPC 1.51's callback API runs
// every callback through an extra completion queue polled by threads of its
// own; profiled under 16 calls in flight, those hand-offs cost koersd more
// CPU per call than the write itself. Here the threads that poll the
// queues also validate the calls and queue their writes, and the event
// log's syncer thread sends the answers.
//
// Lifecycle, driven by KoersServer:
//   AddQueues(&builder)    before builder.BuildAndStart();
//   Start()                once the server is built;
//   Stop()                 after grpc::Server::Shutdown has returned: waits
//                          until every call handed to the tracker has been
//                          answered, then shuts the queues down and joins
//                          the threads.
// Stop is thread-safe and idempotent, and also run by the destructor. The
// service, tracker and authenticator are not owned and must outlive this
// object.
#ifndef KOERS_SERVICES_ASYNC_WRITES_H_
#define KOERS_SERVICES_ASYNC_WRITES_H_

#include <memory>
#include <thread>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_builder.h"
#include "services/grpc_services.h"
#include "services/tracker.h"

namespace koers::services {

class AsyncWriteServer {
 public:
  // `threads` completion queues, each polled by one thread (at least 1).
  AsyncWriteServer(IngestServiceImpl* service, Tracker* tracker,
                   const CallAuthenticator* auth, int threads);
  ~AsyncWriteServer();

  AsyncWriteServer(const AsyncWriteServer&) = delete;
  AsyncWriteServer& operator=(const AsyncWriteServer&) = delete;

  void AddQueues(grpc::ServerBuilder* builder);
  void Start();
  void Stop();

 private:
  class Call;
  template <typename Request>
  class WriteCall;

  // Counts writes handed to the tracker and not yet answered.
  void BeginWrite();
  void EndWrite();
  // Posts the calls that wait for each method's next request on `queue`.
  void PostWaitingCalls(grpc::ServerCompletionQueue* queue);
  static void Poll(grpc::ServerCompletionQueue* queue);
  void StopOnce();

  IngestServiceImpl* const service_;
  Tracker* const tracker_;
  const CallAuthenticator* const auth_;
  const int thread_count_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
  absl::once_flag stopped_;

  absl::Mutex writes_mu_;
  int writes_in_flight_ ABSL_GUARDED_BY(writes_mu_) = 0;
};

}  // namespace koers::services

#endif  // KOERS_SERVICES_ASYNC_WRITES_H_
