#include "services/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "storage/file_util.h"
#include "storage/status_macros.h"

namespace koers::services {
namespace {

// The host part of "host:port", "[v6]:port" or a bare host.
absl::string_view HostOf(absl::string_view listen) {
  if (absl::StartsWith(listen, "[")) {
    const size_t close = listen.find(']');
    return close == absl::string_view::npos ? listen
                                            : listen.substr(1, close - 1);
  }
  const size_t colon = listen.rfind(':');
  return colon == absl::string_view::npos ? listen : listen.substr(0, colon);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    if (!options.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both --tls_cert and --tls_key");
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  KOERS_ASSIGN_OR_RETURN(pair.cert_chain,
                         storage::ReadFileToString(options.tls_cert_file));
  KOERS_ASSIGN_OR_RETURN(pair.private_key,
                         storage::ReadFileToString(options.tls_key_file));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca_file.empty()) {
    KOERS_ASSIGN_OR_RETURN(ssl.pem_root_certs, storage::ReadFileToString(
                                                   options.tls_client_ca_file));
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::Status CheckSafeAddress(const ServerOptions& options, bool has_registry) {
  if (IsLoopbackAddress(options.listen)) return absl::OkStatus();
  // Local mode makes every caller the coordinator "local": no flag opens
  // that beyond this machine.
  if (!has_registry) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on ", options.listen,
        " (beyond loopback) in local mode: without a principals file "
        "(--auth_file) every caller would be the coordinator \"local\". Add "
        "one (and TLS: --tls_cert, --tls_key), or listen on 127.0.0.1"));
  }
  if (!options.tls_cert_file.empty() || options.allow_insecure_remote) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "refusing to listen on ", options.listen,
      " (beyond loopback) without TLS (--tls_cert, --tls_key): tokens and "
      "the plan would cross the network in clear. Add them, listen on "
      "127.0.0.1, or pass --allow_insecure_remote if the network is "
      "protected otherwise"));
}

}  // namespace

bool IsLoopbackAddress(const std::string& listen) {
  const std::string host(HostOf(listen));
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

KoersServer::KoersServer(Tracker* tracker, const PrincipalRegistry* registry,
                         const ServerOptions& options)
    : auth_(registry),
      ingest_(tracker, &auth_),
      plan_(tracker, &auth_),
      query_(tracker, &auth_, options.subscriptions),
      evaluation_(tracker, &auth_),
      health_({std::string(v1::IngestService::service_full_name()),
               std::string(v1::PlanService::service_full_name()),
               std::string(v1::QueryService::service_full_name()),
               std::string(v1::EvaluationService::service_full_name())},
              options.max_health_watchers),
      writes_(&ingest_, tracker, &auth_, options.write_threads) {}

KoersServer::~KoersServer() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<KoersServer>> KoersServer::Start(
    Tracker* tracker, const PrincipalRegistry* registry,
    const ServerOptions& options) {
  KOERS_RETURN_IF_ERROR(CheckSafeAddress(options, registry != nullptr));
  KOERS_ASSIGN_OR_RETURN(const auto credentials, Credentials(options));
  std::unique_ptr<KoersServer> server(
      new KoersServer(tracker, registry, options));

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  // Bulk writes block their handler while they are made durable. gRPC's
  // defaults (one to two pollers) make it start and end a thread for nearly
  // every such call under load; keeping enough pollers alive removes that
  // churn.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, options.min_pollers);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, options.max_pollers);
  builder.RegisterService(&server->ingest_);
  builder.RegisterService(&server->plan_);
  builder.RegisterService(&server->query_);
  builder.RegisterService(&server->evaluation_);
  builder.RegisterService(&server->health_);
  server->writes_.AddQueues(&builder);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen,
                     ": the address is in use or not local to this machine"));
  }
  server->writes_.Start();
  return server;
}

void KoersServer::Shutdown(absl::Duration grace) {
  if (server_ != nullptr) {
    // Subscriptions never end by themselves: tell them to go first.
    query_.BeginShutdown();
    health_.BeginShutdown();
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(grace));
  }
  writes_.Stop();
}

void KoersServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace koers::services
