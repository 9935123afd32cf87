// The `koers` argument parser: splits a command line into positional
// arguments and flags. It knows only how each flag is spelled and whether it
// takes a value; which command accepts which flag is decided by the caller.
//
//   * A flag is "--name=value" or "--name value" when it takes a value, and
//     "--name" when it is boolean (a boolean flag takes no value). In the
//     "--name value" form the value may not start with "--" (so a forgotten
//     value is caught); "--name=--text" passes such a value.
//   * Flags may appear anywhere, before or after the positional arguments.
//   * Underscores and hyphens in a flag's name are the same ("--tls_ca" is
//     "--tls-ca"); names are stored with hyphens.
//   * "-h" is "--help". "--" ends the flags: every later argument is
//     positional. Any other argument, "-5" and "-" included, is positional.
// Errors are usage errors (cli_error.h): an unknown flag, a missing value, a
// value for a boolean flag, a flag given twice.
#ifndef KOERS_CLIENTS_CLI_ARGS_H_
#define KOERS_CLIENTS_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace koers::clients {

enum class FlagKind { kValue, kBoolean };

// Every flag the parser accepts, by name with hyphens ("dry-run").
using FlagKinds = std::map<std::string, FlagKind>;

struct ParsedArgs {
  std::vector<std::string> positional;
  // Flag name (with hyphens) -> value; "" for a boolean flag.
  std::map<std::string, std::string> flags;

  bool Has(absl::string_view name) const;
  // The flag's value, or `fallback` when it was not given.
  std::string Get(absl::string_view name,
                  absl::string_view fallback = "") const;
};

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const FlagKinds& kinds);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_CLI_ARGS_H_
