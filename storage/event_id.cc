#include "storage/event_id.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace koers::storage {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// The value of each hex digit, 0xff for any other byte.
constexpr std::array<uint8_t, 256> kHexValues = [] {
  std::array<uint8_t, 256> values{};
  for (uint8_t& value : values) value = 0xff;
  for (int c = '0'; c <= '9'; ++c) values[c] = static_cast<uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) {
    values[c] = static_cast<uint8_t>(c - 'a' + 10);
    values[c - 'a' + 'A'] = static_cast<uint8_t>(c - 'a' + 10);
  }
  return values;
}();

// Where the 16 digit pairs of the text form start.
constexpr size_t kDigitPairs[kRawEventIdSize] = {
    0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

}  // namespace

bool DecodeEventId(absl::string_view text, char* raw16) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' ||
      text[18] != '-' || text[23] != '-') {
    return false;
  }
  uint8_t invalid = 0;
  for (size_t i = 0; i < kRawEventIdSize; ++i) {
    const uint8_t high = kHexValues[static_cast<uint8_t>(text[kDigitPairs[i]])];
    const uint8_t low =
        kHexValues[static_cast<uint8_t>(text[kDigitPairs[i] + 1])];
    invalid |= high | low;
    raw16[i] = static_cast<char>(high << 4 | low);
  }
  // Any byte that is not a digit sets the high bits.
  return (invalid & 0xf0) == 0;
}

absl::StatusOr<std::string> ParseEventId(absl::string_view text,
                                         absl::string_view field) {
  std::string raw(kRawEventIdSize, '\0');
  if (!DecodeEventId(text, raw.data())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text.substr(0, 40),
                     "\" is not a UUID; expected 36 characters like "
                     "0190f5e2-6a1b-7c3d-8e4f-a1b2c3d4e5f6"));
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
