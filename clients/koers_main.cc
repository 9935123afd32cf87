// koers: the command line client of koersd. See Usage() in commands.h, or
// run `koers help`.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "clients/commands.h"

namespace {

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

// Read by LeakSanitizer (debug builds) at startup; unused otherwise.
// c-ares 1.18 (Debian 12), which gRPC uses to resolve host names, loses a
// few bytes per successful lookup (c-ares/c-ares#439), so
// "--server=localhost:50051" would fail every command of a debug build.
// NOLINTNEXTLINE(bugprone-reserved-identifier): the sanitizer's hook.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcares.so\n";
}
// NOLINTNEXTLINE(bugprone-reserved-identifier): the sanitizer's hook.
extern "C" const char* __lsan_default_options() {
  return "print_suppressions=0";
}

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const koers::clients::CliEnvironment env{
      .server = EnvOrEmpty("KOERS_SERVER"),
      .token = EnvOrEmpty("KOERS_TOKEN"),
  };
  return koers::clients::RunCli(args, env, std::cout, std::cerr);
}
