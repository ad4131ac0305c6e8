// Escaping text for HTML and XML reports (trace.html, JUnit XML): one place.
#pragma once

#include <string>

namespace wakecheck {

// &, <, >, " and ' as entities: safe in element text and in quoted attributes.
// Control characters other than tab and newline (not allowed in XML 1.0 at
// all) become '?'.
inline std::string markup_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out +=
            static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : c;
    }
  }
  return out;
}

}  // namespace wakecheck
