// KoersServer: the gRPC server of koersd. It serves the koers.v1 services,
// standard health checking (grpc.health.v1) and server reflection, with
// message size limits, optional (mutual) TLS, and a safe default: it
// refuses to listen beyond loopback without TLS and a principals file unless
// explicitly allowed.
#ifndef KOERS_SERVICES_SERVER_H_
#define KOERS_SERVICES_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "services/async_writes.h"
#include "services/auth.h"
#include "services/grpc_services.h"
#include "services/health_service.h"
#include "services/tracker.h"

namespace koers::services {

struct ServerOptions {
  // host:port; port 0 picks a free one (see KoersServer::port()).
  std::string listen = "127.0.0.1:50051";
  // PEM files. With cert and key the server speaks TLS; with a client CA
  // too, it requires and verifies client certificates (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Listen beyond loopback without TLS (never without a principals file:
  // local mode is loopback only).
  bool allow_insecure_remote = false;
  int max_message_bytes = 4 << 20;
  // Threads polling for the synchronous calls: kept between these bounds.
  int min_pollers = 2;
  int max_pollers = 64;
  // Threads (one completion queue each) serving the single writes. One is
  // enough for tens of thousands of calls per second, and every extra
  // polling thread costs CPU per call on a small machine.
  int write_threads = 1;
  // Concurrent grpc.health.v1 Watch calls.
  int max_health_watchers = 16;
  SubscriptionLimits subscriptions;
};

// True for a literal address in 127.0.0.0/8, for [::1] and for localhost,
// with or without a port ("127.0.0.1:50051", "[::1]:50051"); IPv6 only in
// brackets, as gRPC's listening addresses write it. Any other name or form
// (a bare "::1", "unix:", gRPC's "ipv4:" prefix) counts as beyond loopback,
// which errs on the safe side.
bool IsLoopbackAddress(const std::string& listen);

class KoersServer {
 public:
  // Starts serving `tracker` (not owned). `registry` null means local mode
  // (every caller is "local", loopback only). FailedPrecondition when the
  // safe-default rule refuses the address; Unavailable when it cannot bind.
  static absl::StatusOr<std::unique_ptr<KoersServer>> Start(
      Tracker* tracker, const PrincipalRegistry* registry,
      const ServerOptions& options);

  ~KoersServer();

  // The bound port.
  int port() const { return port_; }

  // Stops accepting calls, lets in-flight calls finish for up to `grace`,
  // then cancels the rest. Thread-safe; idempotent.
  void Shutdown(absl::Duration grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  KoersServer(Tracker* tracker, const PrincipalRegistry* registry,
              const ServerOptions& options);

  CallAuthenticator auth_;
  IngestServiceImpl ingest_;
  PlanServiceImpl plan_;
  QueryServiceImpl query_;
  EvaluationServiceImpl evaluation_;
  HealthServiceImpl health_;
  AsyncWriteServer writes_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace koers::services

#endif  // KOERS_SERVICES_SERVER_H_
