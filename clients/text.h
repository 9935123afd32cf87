// Text measured as a terminal shows it: UTF-8, one column per code point
// (Dutch text has accents, "coördinatie", which take two bytes each).
#ifndef KOERS_CLIENTS_TEXT_H_
#define KOERS_CLIENTS_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace koers::clients {

// The number of code points in `utf8` (bytes that do not continue a
// multi-byte sequence). Malformed input is counted the same way, never
// rejected.
size_t DisplayWidth(absl::string_view utf8);

// `utf8` with every line break and tab replaced by a space, so it fits on
// one line of a table.
std::string OneLine(absl::string_view utf8);

// `utf8` cut to at most `max_width` code points, ending in "…" when cut;
// never splits a code point. `max_width` of 0 gives "".
std::string Shorten(absl::string_view utf8, size_t max_width);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_TEXT_H_
