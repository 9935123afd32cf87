#include "storage/event_hash.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace koers::storage {
namespace {
constexpr size_t kSha256Size = 32;
}  // namespace

const std::string& GenesisHash() {
  static const std::string* const genesis = new std::string(kSha256Size, '\0');
  return *genesis;
}

std::string ChainHash(absl::string_view prev_hash,
                      absl::string_view stored_bytes) {
  // One context per thread: EVP_MD_CTX_new allocates, and hashing sits on
  // the append path.
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>
      ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  // Fetched once: OpenSSL 3 looks EVP_sha256() up in its provider tables at
  // every EVP_DigestInit_ex, a cost as large as hashing a small event.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string digest(kSha256Size, '\0');
  // SHA-256 over memory cannot fail short of allocation failure, and a
  // wrong hash would silently corrupt the chain, so failure aborts.
  if (ctx == nullptr || sha256 == nullptr ||
      EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), prev_hash.data(), prev_hash.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), stored_bytes.data(), stored_bytes.size()) !=
          1 ||
      EVP_DigestFinal_ex(ctx.get(),
                         reinterpret_cast<unsigned char*>(digest.data()),
                         nullptr) != 1) {
    std::abort();
  }
  return digest;
}

std::string Sha256(absl::string_view bytes) { return ChainHash({}, bytes); }

std::string HexEncode(absl::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

}  // namespace koers::storage
