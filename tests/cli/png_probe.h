// Just enough PNG (ISO/IEC 15948) to tell what a screenshot shows: decodes
// a non-interlaced 8-bit RGB or RGBA image (what headless Chromium writes)
// into its pixels, checking the chunk layout but not the CRCs.
#ifndef KOERS_TESTS_CLI_PNG_PROBE_H_
#define KOERS_TESTS_CLI_PNG_PROBE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace koers::cli_test {

struct PngImage {
  uint32_t width = 0;
  uint32_t height = 0;
  // Row by row, 0xRRGGBB each (alpha dropped).
  std::vector<uint32_t> pixels;
};

// InvalidArgument for anything that is not such a PNG, naming what is
// wrong.
absl::StatusOr<PngImage> DecodePng(absl::string_view bytes);

}  // namespace koers::cli_test

#endif  // KOERS_TESTS_CLI_PNG_PROBE_H_
