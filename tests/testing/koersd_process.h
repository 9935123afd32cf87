// KoersdProcess: the real koersd binary, started on a free loopback port for
// a test, and stopped (SIGTERM, or SIGKILL) when the test says or ends.
#ifndef KOERS_TESTS_TESTING_KOERSD_PROCESS_H_
#define KOERS_TESTS_TESTING_KOERSD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace koers::testing {

// The koersd binary the tests run (set by CMake).
std::string KoersdPath();

class KoersdProcess {
 public:
  // Starts `KoersdPath() --data_dir=data_dir --listen=127.0.0.1:0
  // --port_file=... extra_flags...` and waits (up to 60 s) until it serves.
  // Its stdout and stderr go to data_dir + ".log".
  static absl::StatusOr<std::unique_ptr<KoersdProcess>> Start(
      const std::string& data_dir,
      const std::vector<std::string>& extra_flags = {});

  // Stops it with SIGTERM if still running.
  ~KoersdProcess();

  int port() const { return port_; }
  // "127.0.0.1:PORT".
  std::string address() const;
  // An insecure channel to it.
  std::shared_ptr<grpc::Channel> Channel() const;
  // What it printed so far.
  std::string Log() const;

  // Sends `signal` without waiting.
  void Signal(int signal);
  // Sends `signal` and waits for the exit; returns the exit code (or 128 +
  // the signal when killed by it).
  int Stop(int signal);

 private:
  KoersdProcess(pid_t pid, int port, std::string log_path)
      : pid_(pid), port_(port), log_path_(std::move(log_path)) {}

  pid_t pid_;
  int port_;
  std::string log_path_;
};

}  // namespace koers::testing

#endif  // KOERS_TESTS_TESTING_KOERSD_PROCESS_H_
