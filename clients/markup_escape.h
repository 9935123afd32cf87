// Text from the data (names, titles, reasons: untrusted, they may hold
// "<", "&", quotes or "|") made safe to put in a document. Pure functions;
// thread-safe.
#ifndef KOERS_CLIENTS_MARKUP_ESCAPE_H_
#define KOERS_CLIENTS_MARKUP_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace koers::clients {

// For HTML and SVG text and attribute values: & < > " ' as character
// references.
std::string HtmlEscape(absl::string_view text);

// For a Markdown table cell or heading: every character CommonMark gives a
// meaning inline (\ ` * _ [ ] < > | ~ & !) escaped with a backslash, and
// line breaks as spaces, so the text shows as it is and cannot end a cell.
std::string MarkdownEscape(absl::string_view text);

}  // namespace koers::clients

#endif  // KOERS_CLIENTS_MARKUP_ESCAPE_H_
