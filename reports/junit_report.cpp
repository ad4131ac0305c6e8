#include "reports/junit_report.hpp"
#include "reports/markup.hpp"

#include <fmt/format.h>

namespace wakecheck {
namespace {

std::string testcase(const std::string& suite, const JUnitCase& c) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                                markup_escape(suite), markup_escape(c.name), c.seconds);
  if (c.result == JUnitCase::Result::Pass) return out + "/>\n";
  const char* tag = c.result == JUnitCase::Result::Failure ? "failure" : "error";
  out += fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", tag,
                     markup_escape(c.message), markup_escape(c.type), markup_escape(c.text), tag);
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
      markup_escape(suite), cases.size(), failures, errors, seconds, body);
}

}  // namespace wakecheck
