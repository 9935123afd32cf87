// The `koers` command line: its usage and its one entry point.
#ifndef KOERS_CLIENTS_COMMANDS_H_
#define KOERS_CLIENTS_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

namespace koers::clients {

// Settings taken from the environment; "" when unset.
struct CliEnvironment {
  std::string server = {};  // KOERS_SERVER
  std::string token = {};   // KOERS_TOKEN
};

// The usage text `koers help` prints.
std::string Usage();

// Runs `koers` with `args` (the command line without the program name),
// printing answers to `out` and errors to `err`. Returns the exit code:
// 0 success, 1 the server refused or the command found a failure, 2 a usage
// error (see cli_error.h).
int RunCli(const std::vector<std::string>& args, const CliEnvironment& env,
           std::ostream& out, std::ostream& err);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_COMMANDS_H_
