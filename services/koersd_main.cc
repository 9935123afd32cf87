// koersd: the Koers server.
//
//   koersd [--data_dir=DIR] [--listen=HOST:PORT] [--plan=sample|FILE] ...
//   koersd --verify --data_dir=DIR
//   koersd add-principal --auth_file=FILE --name=NAME --role=ROLE
//          [--entities="Entity A;Entity B"] [--tls_subject=SUBJECT]
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/auth.h"
#include "services/projection_commands.h"
#include "services/sample_plan.h"
#include "services/server.h"
#include "services/tracker.h"
#include "services/verify_command.h"
#include "storage/file_util.h"
#include "storage/status_macros.h"

ABSL_FLAG(std::string, data_dir, "./koers-data",
          "Directory of the event log (created when missing).");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve on; port 0 picks a free port.");
ABSL_FLAG(std::string, port_file, "",
          "When set, the bound port is written to this file once serving.");
ABSL_FLAG(std::string, plan, "",
          "Plan to load when the log is empty: 'sample' for the bundled "
          "sample plan, or a plan JSON file.");
ABSL_FLAG(std::string, auth_file, "",
          "Principals file (JSON, see proto/koers/v1/principals.proto). "
          "Without it the server runs in local mode: loopback only, every "
          "caller is 'local'.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain for TLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for TLS.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA for client certificates: turns on mutual TLS.");
ABSL_FLAG(bool, allow_insecure_remote, false,
          "Listen beyond loopback without TLS (a principals file is still "
          "needed there).");
ABSL_FLAG(int, max_message_bytes, 4 << 20,
          "Largest request accepted; larger ones get RESOURCE_EXHAUSTED.");
ABSL_FLAG(uint64_t, subscriber_max_lag, 10000,
          "A live subscriber further behind the head than this is ended "
          "with RESOURCE_EXHAUSTED and told where to resume.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGINT/SIGTERM, how long in-flight calls may finish.");
ABSL_FLAG(std::string, timezone, "Europe/Brussels",
          "The plan's calendar: decides what 'today' is.");
ABSL_FLAG(bool, rebuild_projections, false,
          "Recompute every stored projection from the event log in "
          "--data_dir, then exit (the server must not be running). Exit "
          "code 0 when done, 2 when it could not run.");
ABSL_FLAG(bool, check_projections, false,
          "Rebuild the projections aside and compare them with what is "
          "stored in --data_dir, then exit: 0 all match, 1 a difference "
          "(listed), 2 could not run. Changes nothing stored.");
ABSL_FLAG(bool, verify, false,
          "Verify the event log's hash chain and indexes offline, then exit: "
          "0 sound, 1 broken (first broken position printed), 2 cannot open.");
ABSL_FLAG(std::string, name, "", "add-principal: the principal's name.");
ABSL_FLAG(std::string, role, "",
          "add-principal: coordinator, reporter or evaluator.");
ABSL_FLAG(std::string, entities, "",
          "add-principal: the reporting entities of a reporter, separated by "
          "';' (entity names contain commas).");
ABSL_FLAG(std::string, tls_subject, "",
          "add-principal: the client certificate subject that identifies it.");

namespace koers::services {
namespace {

// SIGINT and SIGTERM are taken by sigwait, never by a handler.
sigset_t& ShutdownSignals() {
  static sigset_t signals = [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
  }();
  return signals;
}

int Fail(const absl::Status& status) {
  std::cerr << "koersd: " << status.message() << "\n";
  return 2;
}

absl::StatusOr<v1::Role> ParseRole(absl::string_view text) {
  const std::string role = absl::AsciiStrToLower(text);
  if (role == "coordinator") return v1::ROLE_COORDINATOR;
  if (role == "reporter") return v1::ROLE_REPORTER;
  if (role == "evaluator") return v1::ROLE_EVALUATOR;
  return absl::InvalidArgumentError(absl::StrCat(
      "--role: \"", text, "\"; one of coordinator, reporter, evaluator"));
}

int RunAddPrincipal() {
  const std::string path = absl::GetFlag(FLAGS_auth_file);
  if (path.empty()) {
    return Fail(absl::InvalidArgumentError("add-principal needs --auth_file"));
  }
  absl::StatusOr<v1::Role> role = ParseRole(absl::GetFlag(FLAGS_role));
  if (!role.ok()) return Fail(role.status());
  v1::Principal principal;
  principal.set_name(absl::GetFlag(FLAGS_name));
  principal.set_role(*role);
  principal.set_tls_subject(absl::GetFlag(FLAGS_tls_subject));
  for (absl::string_view entity :
       absl::StrSplit(absl::GetFlag(FLAGS_entities), ';', absl::SkipEmpty())) {
    principal.add_entities(std::string(absl::StripAsciiWhitespace(entity)));
  }
  absl::StatusOr<std::string> token = AddPrincipal(path, principal);
  if (!token.ok()) return Fail(token.status());
  std::cout << "Added " << principal.name() << " to " << path
            << ". Its token (shown only now; keep it secret):\n"
            << *token << "\n";
  return 0;
}

absl::Status LoadInitialPlan(Tracker& tracker, const std::string& plan_flag) {
  if (plan_flag.empty() || tracker.HeadPosition() > 0) return absl::OkStatus();
  std::string json;
  if (plan_flag == "sample") {
    json = std::string(SamplePlanJson());
  } else {
    KOERS_ASSIGN_OR_RETURN(json, storage::ReadFileToString(plan_flag));
  }
  KOERS_ASSIGN_OR_RETURN(v1::Plan plan, ParsePlanJson(json, plan_flag));
  v1::LoadPlanRequest request;
  request.set_reason(absl::StrCat("initial plan (", plan_flag, ")"));
  // The plan holds from the start of its period: as-of queries for any date
  // in it see the plan.
  request.set_effective_date(plan.period_start());
  *request.mutable_plan() = std::move(plan);
  const Caller system{"koersd", v1::ROLE_COORDINATOR, {}};
  KOERS_ASSIGN_OR_RETURN(const v1::LoadPlanResponse loaded,
                         tracker.LoadPlan(system, request));
  std::cout << "koersd: loaded the " << plan_flag
            << " plan: " << loaded.changes_size() << " definitions\n";
  return absl::OkStatus();
}

int Serve() {
  // Before any thread starts, so that every thread inherits the mask.
  pthread_sigmask(SIG_BLOCK, &ShutdownSignals(), nullptr);
  // Debian's abseil checks every mutex acquisition for lock-order cycles, a
  // cost on every call; the tests (with their own binaries) keep the check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  TrackerOptions tracker_options;
  if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_timezone),
                          &tracker_options.zone)) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("--timezone: unknown zone ", absl::GetFlag(FLAGS_timezone),
                     " (is the tzdata package installed?)")));
  }
  std::unique_ptr<PrincipalRegistry> registry;
  if (const std::string path = absl::GetFlag(FLAGS_auth_file); !path.empty()) {
    absl::StatusOr<std::unique_ptr<PrincipalRegistry>> loaded =
        PrincipalRegistry::Load(path);
    if (!loaded.ok()) return Fail(loaded.status());
    registry = *std::move(loaded);
  }
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<std::unique_ptr<Tracker>> tracker =
      Tracker::Open(data_dir, tracker_options);
  if (!tracker.ok()) return Fail(tracker.status());
  if (absl::Status loaded =
          LoadInitialPlan(**tracker, absl::GetFlag(FLAGS_plan));
      !loaded.ok()) {
    return Fail(loaded);
  }

  ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.allow_insecure_remote = absl::GetFlag(FLAGS_allow_insecure_remote);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.subscriptions.max_lag = absl::GetFlag(FLAGS_subscriber_max_lag);
  absl::StatusOr<std::unique_ptr<KoersServer>> server =
      KoersServer::Start(tracker->get(), registry.get(), options);
  if (!server.ok()) return Fail(server.status());
  std::cout << "koersd: serving on port " << (*server)->port() << " ("
            << options.listen << ", "
            << (registry ? "principals from the auth file" : "local mode")
            << "), data in " << data_dir << ", log head at position "
            << (*tracker)->HeadPosition() << std::endl;
  // Last, so that whoever waits for the port file finds a server that has
  // said it serves.
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file);
      !port_file.empty()) {
    if (absl::Status written = storage::WriteFileAtomically(
            port_file, absl::StrCat((*server)->port(), "\n"), 0644);
        !written.ok()) {
      return Fail(written);
    }
  }

  int signal_number = 0;
  sigwait(&ShutdownSignals(), &signal_number);
  std::cout << "koersd: shutting down; finishing in-flight calls (signal "
               "again to exit at once)"
            << std::endl;
  std::thread([] {
    int again = 0;
    sigwait(&ShutdownSignals(), &again);
    // Every acknowledged write is already durable: exiting now loses none.
    _exit(1);
  }).detach();
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  (*server)->Wait();
  server->reset();
  tracker->reset();
  std::cout << "koersd: stopped cleanly" << std::endl;
  return 0;
}

}  // namespace
}  // namespace koers::services

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the Koers server.\n"
      "  koersd [--data_dir=DIR] [--listen=HOST:PORT] [--plan=sample|FILE]\n"
      "         [--auth_file=FILE] [--tls_cert=PEM --tls_key=PEM "
      "[--tls_client_ca=PEM]]\n"
      "  koersd --verify --data_dir=DIR\n"
      "  koersd --rebuild_projections|--check_projections --data_dir=DIR\n"
      "  koersd add-principal --auth_file=FILE --name=NAME --role=ROLE "
      "[--entities='A;B'] [--tls_subject=SUBJECT]");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 2 ||
      (positional.size() == 2 &&
       std::string(positional[1]) != "add-principal")) {
    std::cerr << "koersd: unknown command; see koersd --help\n";
    return 2;
  }
  if (positional.size() == 2) return koers::services::RunAddPrincipal();
  if (absl::GetFlag(FLAGS_rebuild_projections)) {
    return koers::services::RunRebuildProjections(absl::GetFlag(FLAGS_data_dir),
                                                  std::cout);
  }
  if (absl::GetFlag(FLAGS_check_projections)) {
    return koers::services::RunCheckProjections(absl::GetFlag(FLAGS_data_dir),
                                                std::cout);
  }
  if (absl::GetFlag(FLAGS_verify)) {
    return koers::services::RunVerify(absl::GetFlag(FLAGS_data_dir), std::cout);
  }
  return koers::services::Serve();
}
