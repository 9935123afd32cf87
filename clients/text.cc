#include "clients/text.h"

namespace koers::clients {
namespace {

bool IsContinuationByte(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

}  // namespace

size_t DisplayWidth(absl::string_view utf8) {
  size_t width = 0;
  for (const char byte : utf8) {
    if (!IsContinuationByte(byte)) ++width;
  }
  return width;
}

std::string OneLine(absl::string_view utf8) {
  std::string line(utf8);
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return line;
}

std::string Shorten(absl::string_view utf8, size_t max_width) {
  if (DisplayWidth(utf8) <= max_width) return std::string(utf8);
  if (max_width == 0) return "";
  // Keep max_width - 1 code points and add the ellipsis.
  size_t kept = 0;
  size_t end = 0;
  while (end < utf8.size()) {
    if (!IsContinuationByte(utf8[end])) {
      if (kept == max_width - 1) break;
      ++kept;
    }
    ++end;
  }
  return std::string(utf8.substr(0, end)) + "…";
}

}  // namespace koers::clients
