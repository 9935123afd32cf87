#include "clients/cli_args.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"

namespace koers::clients {

bool ParsedArgs::Has(absl::string_view name) const {
  return flags.find(std::string(name)) != flags.end();
}

std::string ParsedArgs::Get(absl::string_view name,
                            absl::string_view fallback) const {
  const auto it = flags.find(std::string(name));
  return it == flags.end() ? std::string(fallback) : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const FlagKinds& kinds) {
  ParsedArgs parsed;
  bool flags_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (flags_ended || !absl::StartsWith(arg, "-") || arg == "-" ||
        (!absl::StartsWith(arg, "--") && arg != "-h")) {
      parsed.positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    if (arg == "-h") arg = "--help";
    arg.remove_prefix(2);
    const size_t equals = arg.find('=');
    std::string name(arg.substr(0, equals));
    std::replace(name.begin(), name.end(), '_', '-');
    const auto kind = kinds.find(name);
    if (name.empty() || kind == kinds.end()) {
      return UsageError(absl::StrCat("unknown flag --", arg.substr(0, equals)));
    }
    if (parsed.flags.count(name) > 0) {
      return UsageError(absl::StrCat("flag --", name, " is given twice"));
    }
    std::string value;
    if (kind->second == FlagKind::kBoolean) {
      if (equals != absl::string_view::npos) {
        return UsageError(absl::StrCat("flag --", name, " takes no value"));
      }
    } else if (equals != absl::string_view::npos) {
      value = std::string(arg.substr(equals + 1));
    } else if (i + 1 < args.size() && !absl::StartsWith(args[i + 1], "--")) {
      value = args[++i];
    } else {
      return UsageError(absl::StrCat("flag --", name, " needs a value"));
    }
    parsed.flags.emplace(std::move(name), std::move(value));
  }
  return parsed;
}

}  // namespace koers::clients
