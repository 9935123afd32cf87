#include "clients/markup_escape.h"

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"

namespace koers::clients {

std::string HtmlEscape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"},
                                    {"\"", "&quot;"},
                                    {"'", "&#39;"}});
}

std::string MarkdownEscape(absl::string_view text) {
  constexpr absl::string_view kSpecial = "\\`*_[]<>|~&!";
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    if (c == '\r' || c == '\n') {
      escaped.push_back(' ');
      continue;
    }
    if (absl::StrContains(kSpecial, c)) escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

}  // namespace koers::clients
