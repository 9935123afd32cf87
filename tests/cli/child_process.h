// Running a program as a user would, for the tests that drive real binaries
// (the `koers` CLI, headless Chromium): files in and out, a child process
// with a deadline. Failures are reported to GoogleTest (ADD_FAILURE).
#ifndef KOERS_TESTS_CLI_CHILD_PROCESS_H_
#define KOERS_TESTS_CLI_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace koers::cli_test {

// The whole file, or "" when it cannot be read.
std::string ReadAll(const std::string& path);

void WriteAll(const std::string& path, const std::string& content);

// Starts `argv` with stdin from /dev/null, stdout and stderr into the given
// files, and this process's environment without KOERS_* variables plus
// `extra_env` ("NAME=value"). argv[0] is a path, not looked up in PATH.
// Returns the pid, or -1 (after a failure).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path,
            const std::vector<std::string>& extra_env = {});

// Waits for `pid` up to `timeout`, then kills it with SIGKILL (a failure).
// Returns its exit code, or -signal when a signal ended it.
int WaitFor(pid_t pid, absl::Duration timeout);

}  // namespace koers::cli_test

#endif  // KOERS_TESTS_CLI_CHILD_PROCESS_H_
