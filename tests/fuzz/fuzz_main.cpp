// wakecheck_fuzz: the differential fuzzer for long runs.
//   wakecheck_fuzz [--count N] [--seconds S] [--seed FIRST] [--budget EXECUTIONS] [--no-shrink]
//                  [--verbose]
// Checks programs generated from seeds FIRST, FIRST+1, ... until N programs or
// S seconds, prints each failure (shrunk) as it is found, and ends with one
// closing line (also after SIGINT or SIGTERM, once the program being checked
// is done). Exit code: 0 no failure, 1 failures, 2 usage.
#include <fmt/format.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <string_view>

#include "tests/fuzz/campaign.hpp"

namespace {

using wakecheck::fuzz::CampaignOptions;

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_signal(int) {
  interrupted = 1;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// False (after a message) on a bad command line.
bool parse_args(int argc, char** argv, CampaignOptions& o) {
  o.count = UINT64_MAX;
  bool limited = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--no-shrink" || arg == "--verbose") {
      (arg == "--verbose" ? o.verbose : o.shrink) = arg == "--verbose";
      continue;
    }
    const std::string_view value = i + 1 < argc ? std::string_view(argv[i + 1]) : "";
    bool ok = false;
    if (arg == "--count") ok = parse_number(value, o.count), limited = true;
    if (arg == "--seconds") ok = parse_number(value, o.seconds) && o.seconds > 0, limited = true;
    if (arg == "--seed") ok = parse_number(value, o.first_seed);
    if (arg == "--budget") ok = parse_number(value, o.oracle.max_executions);
    if (!ok) {
      fmt::print(stderr, "wakecheck_fuzz: bad argument '{}' '{}'\n", arg, value);
      return false;
    }
    ++i;
  }
  if (!limited) o.count = 1000;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CampaignOptions options;
  if (!parse_args(argc, argv, options)) {
    fmt::print(stderr,
               "usage: wakecheck_fuzz [--count N] [--seconds S] [--seed FIRST] [--budget "
               "EXECUTIONS] [--no-shrink] [--verbose]\n");
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  options.should_stop = [] { return interrupted != 0; };
  options.log = [](const std::string& text) {
    fmt::print("{}", text);
    std::fflush(stdout);
  };
  const auto result = wakecheck::fuzz::run_campaign(options);
  fmt::print("{}\n", wakecheck::fuzz::closing_line(options, result));
  return result.failures.empty() ? 0 : 1;
}
