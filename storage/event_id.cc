#include "storage/event_id.h"

#include <openssl/rand.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace koers::storage {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDashPosition(size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

}  // namespace

absl::StatusOr<std::string> ParseEventId(absl::string_view text,
                                         absl::string_view field) {
  auto malformed = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text.substr(0, 40),
                     "\" is not a UUID; expected 36 characters like "
                     "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6"));
  };
  if (text.size() != 36) return malformed();
  std::string raw;
  raw.reserve(16);
  for (size_t i = 0; i < text.size();) {
    if (IsDashPosition(i)) {
      if (text[i] != '-') return malformed();
      ++i;
      continue;
    }
    const int hi = HexValue(text[i]);
    const int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0 || IsDashPosition(i + 1)) return malformed();
    raw.push_back(static_cast<char>(hi << 4 | lo));
    i += 2;
  }
  return raw;
}

std::string FormatEventId(absl::string_view raw16) {
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < raw16.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const auto byte = static_cast<unsigned char>(raw16[i]);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

absl::StatusOr<std::string> NewEventId(absl::Time now) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the system's random generator failed");
  }
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(now));
  for (int i = 0; i < 6; ++i) {
    bytes[i] = static_cast<unsigned char>(millis >> (40 - 8 * i));
  }
  bytes[6] = static_cast<unsigned char>(0x70 | (bytes[6] & 0x0f));  // v7
  bytes[8] = static_cast<unsigned char>(0x80 | (bytes[8] & 0x3f));  // RFC 4122
  return FormatEventId(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace koers::storage
