#include "clients/command_context.h"

#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/cli_error.h"
#include "google/protobuf/util/json_util.h"
#include "storage/file_util.h"

namespace koers::clients {
namespace {

template <typename Int>
absl::StatusOr<Int> IntFlag(const ParsedArgs& parsed, absl::string_view name,
                            Int fallback) {
  if (!parsed.Has(name)) return fallback;
  const std::string text = parsed.Get(name);
  Int value;
  if (!absl::SimpleAtoi(text, &value)) {
    return UsageError(absl::StrCat("--", name, " must be a whole number",
                                   std::is_signed_v<Int> ? "" : " (0 or more)",
                                   ", not \"", text, "\""));
  }
  return value;
}

}  // namespace

absl::StatusOr<uint64_t> CommandContext::Uint64Flag(absl::string_view name,
                                                    uint64_t fallback) const {
  return IntFlag(parsed, name, fallback);
}

absl::StatusOr<int32_t> CommandContext::Int32Flag(absl::string_view name,
                                                  int32_t fallback) const {
  return IntFlag(parsed, name, fallback);
}

absl::Status ParseJson(absl::string_view json,
                       google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      std::string(json), message, options);
  if (!status.ok()) {
    // The parser's message may go on with a copy of the input and a caret
    // on further lines; the first line says what is wrong.
    const std::string message = status.message().ToString();
    return absl::InvalidArgumentError(
        absl::string_view(message).substr(0, message.find('\n')));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadInputFile(absl::string_view path) {
  absl::StatusOr<std::string> content = storage::ReadFileToString(path);
  if (!content.ok()) return InputError(content.status().message());
  return content;
}

}  // namespace koers::clients
