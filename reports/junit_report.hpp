// JUnit XML for CI: one <testcase> per scenario; <failure> for an expectation
// not met or an inconclusive search, <error> for bad input. The layout CI
// servers read: <testsuites><testsuite name tests failures errors skipped
// time><testcase classname name time>.
#pragma once

#include <string>
#include <vector>

namespace wakecheck {

struct JUnitCase {
  enum class Result { Pass, Failure, Error };
  std::string name;  // the scenario file's path
  Result result = Result::Pass;
  std::string type;     // failure/error type: "not-met", "inconclusive", "bad-input"
  std::string message;  // one line: the finding's summary, or why it is inconclusive
  std::string text;     // longer text (the trace), may be empty
  double seconds = 0;
};

std::string junit_xml(const std::string& suite, const std::vector<JUnitCase>& cases);

}  // namespace wakecheck
