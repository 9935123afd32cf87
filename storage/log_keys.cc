#include "storage/log_keys.h"

namespace koers::storage::log_keys {
namespace {

constexpr uint32_t kDayBias = 0x80000000u;

// Appended in one go: projecting a long log appends millions of these.
void AppendBigEndian32(uint32_t value, std::string* out) {
  const char bytes[4] = {
      static_cast<char>(value >> 24), static_cast<char>(value >> 16),
      static_cast<char>(value >> 8), static_cast<char>(value)};
  out->append(bytes, sizeof bytes);
}

uint32_t DecodeBigEndian32(absl::string_view bytes) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value = value << 8 | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

}  // namespace

void AppendBigEndian64(uint64_t value, std::string* out) {
  AppendBigEndian32(static_cast<uint32_t>(value >> 32), out);
  AppendBigEndian32(static_cast<uint32_t>(value), out);
}

uint64_t DecodeBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = value << 8 | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

std::string PositionKey(uint64_t position) {
  std::string key;
  AppendBigEndian64(position, &key);
  return key;
}

std::string RecordTimeKey(int64_t unix_nanos) {
  std::string key(kRecordTimePrefix);
  AppendBigEndian64(static_cast<uint64_t>(unix_nanos), &key);
  return key;
}

std::string StreamPrefix(absl::string_view stream) {
  std::string prefix(stream);
  prefix.push_back('\0');
  return prefix;
}

std::string StreamKey(absl::string_view stream, uint64_t revision) {
  std::string key = StreamPrefix(stream);
  AppendBigEndian64(revision, &key);
  return key;
}

std::string ValidTimeKey(absl::string_view stream, int32_t epoch_day,
                         uint64_t position) {
  std::string key;
  AppendValidTimeKey(stream, epoch_day, position, &key);
  return key;
}

void AppendValidTimeKey(absl::string_view stream, int32_t epoch_day,
                        uint64_t position, std::string* out) {
  out->append(stream.data(), stream.size());
  out->push_back('\0');
  AppendBigEndian32(static_cast<uint32_t>(epoch_day) + kDayBias, out);
  AppendBigEndian64(position, out);
}

void DecodeValidTimeKey(absl::string_view key, size_t stream_size,
                        int32_t* epoch_day, uint64_t* position) {
  const absl::string_view rest = key.substr(stream_size + 1);
  *epoch_day = static_cast<int32_t>(DecodeBigEndian32(rest) - kDayBias);
  *position = DecodeBigEndian64(rest.substr(4));
}

}  // namespace koers::storage::log_keys
