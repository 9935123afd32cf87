#include "tests/testing/koersd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "storage/file_util.h"

namespace koers::testing {

std::string KoersdPath() { return KOERSD_PATH; }

absl::StatusOr<std::unique_ptr<KoersdProcess>> KoersdProcess::Start(
    const std::string& data_dir, const std::vector<std::string>& extra_flags) {
  const std::string port_file = data_dir + ".port";
  const std::string log_path = data_dir + ".log";
  unlink(port_file.c_str());
  std::vector<std::string> args = {KoersdPath(), "--data_dir=" + data_dir,
                                   "--listen=127.0.0.1:0",
                                   "--port_file=" + port_file};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      auto log = storage::ReadFileToString(log_path);
      return absl::FailedPreconditionError(
          absl::StrCat("koersd exited early: ", log.ok() ? *log : ""));
    }
    auto text = storage::ReadFileToString(port_file);
    int port = 0;
    if (text.ok() &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &port)) {
      return std::unique_ptr<KoersdProcess>(
          new KoersdProcess(pid, port, log_path));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return absl::DeadlineExceededError("koersd did not start serving in 60 s");
}

KoersdProcess::~KoersdProcess() {
  if (pid_ > 0) Stop(SIGTERM);
}

std::string KoersdProcess::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::shared_ptr<grpc::Channel> KoersdProcess::Channel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

std::string KoersdProcess::Log() const {
  auto log = storage::ReadFileToString(log_path_);
  return log.ok() ? *log : "";
}

void KoersdProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int KoersdProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace koers::testing
