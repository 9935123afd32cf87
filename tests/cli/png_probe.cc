#include "tests/cli/png_probe.h"

#include <zlib.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace koers::cli_test {
namespace {

constexpr absl::string_view kSignature = "\x89PNG\r\n\x1a\n";
constexpr uint8_t kColourTypeRgb = 2;
constexpr uint8_t kColourTypeRgba = 6;

uint32_t BigEndian32(absl::string_view bytes) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return value;
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("not a PNG we read: ", what));
}

uint8_t Paeth(int left, int up, int up_left) {
  const int estimate = left + up - up_left;
  const int to_left = std::abs(estimate - left);
  const int to_up = std::abs(estimate - up);
  const int to_up_left = std::abs(estimate - up_left);
  if (to_left <= to_up && to_left <= to_up_left) return left;
  return to_up <= to_up_left ? up : up_left;
}

// Undoes the filter of each scanline of `data` in place (section 9).
absl::Status Unfilter(std::string& data, size_t rows, size_t stride,
                      size_t pixel_bytes) {
  for (size_t row = 0; row < rows; ++row) {
    auto* line = reinterpret_cast<uint8_t*>(&data[row * (stride + 1)]);
    const uint8_t filter = line[0];
    uint8_t* current = line + 1;
    const uint8_t* previous = row == 0 ? nullptr : current - (stride + 1);
    for (size_t i = 0; i < stride; ++i) {
      const int left = i >= pixel_bytes ? current[i - pixel_bytes] : 0;
      const int up = previous != nullptr ? previous[i] : 0;
      const int up_left = previous != nullptr && i >= pixel_bytes
                              ? previous[i - pixel_bytes]
                              : 0;
      switch (filter) {
        case 0:
          break;
        case 1:
          current[i] += left;
          break;
        case 2:
          current[i] += up;
          break;
        case 3:
          current[i] += (left + up) / 2;
          break;
        case 4:
          current[i] += Paeth(left, up, up_left);
          break;
        default:
          return Invalid(absl::StrCat("filter type ", filter));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PngImage> DecodePng(absl::string_view bytes) {
  if (bytes.substr(0, kSignature.size()) != kSignature) {
    return Invalid("no PNG signature");
  }
  PngImage image;
  size_t pixel_bytes = 0;
  std::string compressed;
  for (size_t at = kSignature.size(); at + 12 <= bytes.size();) {
    const uint32_t length = BigEndian32(bytes.substr(at));
    const absl::string_view type = bytes.substr(at + 4, 4);
    if (at + 12 + length > bytes.size()) return Invalid("a truncated chunk");
    const absl::string_view data = bytes.substr(at + 8, length);
    at += 12 + length;
    if (type == "IHDR") {
      if (length != 13) return Invalid("an IHDR of the wrong size");
      image.width = BigEndian32(data);
      image.height = BigEndian32(data.substr(4));
      const uint8_t depth = data[8];
      const uint8_t colour_type = data[9];
      if (depth != 8 ||
          (colour_type != kColourTypeRgb && colour_type != kColourTypeRgba) ||
          data[12] != 0) {
        return Invalid("not 8-bit RGB or RGBA, or interlaced");
      }
      pixel_bytes = colour_type == kColourTypeRgb ? 3 : 4;
    } else if (type == "IDAT") {
      compressed.append(data.data(), data.size());
    } else if (type == "IEND") {
      break;
    }
  }
  if (pixel_bytes == 0) return Invalid("no IHDR");
  const size_t stride = size_t{image.width} * pixel_bytes;
  std::string raw((stride + 1) * image.height, '\0');
  uLongf raw_size = raw.size();
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                 reinterpret_cast<const Bytef*>(compressed.data()),
                 compressed.size()) != Z_OK ||
      raw_size != raw.size()) {
    return Invalid("image data that does not inflate to its size");
  }
  if (absl::Status status = Unfilter(raw, image.height, stride, pixel_bytes);
      !status.ok()) {
    return status;
  }
  image.pixels.reserve(size_t{image.width} * image.height);
  for (size_t row = 0; row < image.height; ++row) {
    const auto* line =
        reinterpret_cast<const uint8_t*>(&raw[row * (stride + 1) + 1]);
    for (size_t x = 0; x < image.width; ++x) {
      const uint8_t* pixel = line + x * pixel_bytes;
      image.pixels.push_back((uint32_t{pixel[0]} << 16) |
                             (uint32_t{pixel[1]} << 8) | pixel[2]);
    }
  }
  return image;
}

}  // namespace koers::cli_test
