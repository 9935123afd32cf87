#include "services/auth.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <filesystem>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "storage/event_hash.h"
#include "storage/file_util.h"
#include "storage/status_macros.h"

namespace koers::services {
namespace {

constexpr size_t kMaxName = 64;
constexpr size_t kTokenBytes = 32;

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '@' || c == '-';
}

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        (c < 'a' || c > 'f')) {
      return false;
    }
  }
  return true;
}

absl::Status CheckPrincipal(const v1::Principal& principal,
                            absl::string_view where) {
  const std::string& name = principal.name();
  bool name_ok = !name.empty() && name.size() <= kMaxName;
  for (char c : name) name_ok = name_ok && IsNameChar(c);
  if (!name_ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".name: \"", absl::string_view(name).substr(0, 80),
                     "\" must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -"));
  }
  if (principal.role() == v1::ROLE_UNSPECIFIED ||
      !v1::Role_IsValid(principal.role())) {
    return absl::InvalidArgumentError(
        absl::StrCat(where,
                     ".role: required; one of ROLE_COORDINATOR, ROLE_REPORTER, "
                     "ROLE_EVALUATOR"));
  }
  if (principal.role() == v1::ROLE_REPORTER && principal.entities().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ".entities: a reporter needs at least one reporting entity"));
  }
  const std::string& hash = principal.token_sha256();
  if (!hash.empty() && (hash.size() != 64 || !IsLowerHex(hash))) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ".token_sha256: must be 64 lowercase hex characters"));
  }
  if (hash.empty() && principal.tls_subject().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": give token_sha256 or tls_subject, or it can never log in"));
  }
  return absl::OkStatus();
}

Caller ToCaller(const v1::Principal& principal) {
  return Caller{principal.name(),
                principal.role(),
                {principal.entities().begin(), principal.entities().end()}};
}

absl::StatusOr<v1::PrincipalsFile> ReadPrincipalsFile(const std::string& path) {
  KOERS_ASSIGN_OR_RETURN(const std::string json,
                         storage::ReadFileToString(path));
  v1::PrincipalsFile file;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &file);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a principals file: ", parsed.message().as_string()));
  }
  return file;
}

absl::Status CheckFile(const v1::PrincipalsFile& file,
                       const std::string& path) {
  absl::flat_hash_set<std::string> names, hashes, subjects;
  for (int i = 0; i < file.principals_size(); ++i) {
    const v1::Principal& principal = file.principals(i);
    const std::string where = absl::StrCat(path, ": principals[", i, "]");
    KOERS_RETURN_IF_ERROR(CheckPrincipal(principal, where));
    if (!names.insert(principal.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".name: ", principal.name(), " appears twice"));
    }
    if (!principal.token_sha256().empty() &&
        !hashes.insert(principal.token_sha256()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".token_sha256: shared with another principal"));
    }
    if (!principal.tls_subject().empty() &&
        !subjects.insert(principal.tls_subject()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".tls_subject: shared with another principal"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrincipalRegistry>> PrincipalRegistry::Load(
    const std::string& path) {
  KOERS_ASSIGN_OR_RETURN(const v1::PrincipalsFile file,
                         ReadPrincipalsFile(path));
  KOERS_RETURN_IF_ERROR(CheckFile(file, path));
  auto registry = std::unique_ptr<PrincipalRegistry>(new PrincipalRegistry());
  for (const v1::Principal& principal : file.principals()) {
    if (!principal.token_sha256().empty()) {
      registry->by_token_hash_[principal.token_sha256()] = ToCaller(principal);
    }
    if (!principal.tls_subject().empty()) {
      registry->by_subject_[principal.tls_subject()] = ToCaller(principal);
    }
  }
  return registry;
}

absl::StatusOr<Caller> PrincipalRegistry::AuthenticateToken(
    absl::string_view token) const {
  // Only the token's hash is compared, so timing reveals nothing of tokens.
  auto found = by_token_hash_.find(storage::HexEncode(storage::Sha256(token)));
  if (token.empty() || found == by_token_hash_.end()) {
    return absl::UnauthenticatedError(
        "the bearer token is not known to this server");
  }
  return found->second;
}

absl::StatusOr<Caller> PrincipalRegistry::AuthenticateSubject(
    absl::string_view subject) const {
  auto found = by_subject_.find(subject);
  if (found == by_subject_.end()) {
    return absl::UnauthenticatedError(
        absl::StrCat("the client certificate subject \"", subject,
                     "\" is not a principal of this server"));
  }
  return found->second;
}

absl::StatusOr<std::string> AddPrincipal(const std::string& path,
                                         v1::Principal principal) {
  v1::PrincipalsFile file;
  if (std::filesystem::exists(path)) {
    KOERS_ASSIGN_OR_RETURN(file, ReadPrincipalsFile(path));
  }
  unsigned char random[kTokenBytes];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return absl::InternalError("the system's random generator failed");
  }
  const std::string token = storage::HexEncode(
      absl::string_view(reinterpret_cast<const char*>(random), sizeof(random)));
  principal.set_token_sha256(storage::HexEncode(storage::Sha256(token)));
  *file.add_principals() = std::move(principal);
  KOERS_RETURN_IF_ERROR(CheckFile(file, path));

  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  const auto printed =
      google::protobuf::util::MessageToJsonString(file, &json, options);
  if (!printed.ok()) {
    return absl::InternalError(printed.message().as_string());
  }
  KOERS_RETURN_IF_ERROR(
      storage::WriteFileAtomically(path, json, S_IRUSR | S_IWUSR));
  return token;
}

}  // namespace koers::services
