#include "reports/junit_report.hpp"

#include <fmt/format.h>

namespace wakecheck {
namespace {

// XML 1.0 text and attribute values: the five entities, and control
// characters (not allowed in XML 1.0 at all) as '?'.
std::string escaped(const std::string& s) {
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
        out += "&apos;";
        break;
      default:
        out += (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') ? '?' : c;
    }
  }
  return out;
}

std::string testcase(const std::string& suite, const JUnitCase& c) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                                escaped(suite), escaped(c.name), c.seconds);
  if (c.result == JUnitCase::Result::Pass) return out + "/>\n";
  const char* tag = c.result == JUnitCase::Result::Failure ? "failure" : "error";
  out += fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", tag,
                     escaped(c.message), escaped(c.type), escaped(c.text), tag);
  return out;
}

}  // namespace

std::string junit_xml(const std::string& suite, const std::vector<JUnitCase>& cases) {
  int failures = 0, errors = 0;
  double seconds = 0;
  std::string body;
  for (const JUnitCase& c : cases) {
    failures += c.result == JUnitCase::Result::Failure;
    errors += c.result == JUnitCase::Result::Error;
    seconds += c.seconds;
    body += testcase(suite, c);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"{}\" "
      "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\">\n{}  "
      "</testsuite>\n</testsuites>\n",
      escaped(suite), cases.size(), failures, errors, seconds, body);
}

}  // namespace wakecheck
