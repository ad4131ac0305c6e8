// Progress of long searches (cli/progress.hpp): its words and figures, when
// it draws (on a clock the test drives: nothing here waits), that it writes
// only to its own stream, and that the search's results do not depend on it.
#include <algorithm>
#include <sstream>

#include "checker/dfs.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "tests/console_capture.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

// A clock the test sets.
struct FakeClock {
  double now = 100;
  ProgressDisplay::Clock fn() {
    return [this] { return now; };
  }
};

long lines(const std::ostringstream& err) {
  const std::string text = err.str();
  return std::count(text.begin(), text.end(), '\n');
}

}  // namespace

TEST_GROUP(Progress){};

TEST(Progress, CountsAreShort) {
  STRCMP_EQUAL("0", format_count(0).c_str());
  STRCMP_EQUAL("9999", format_count(9999).c_str());
  STRCMP_EQUAL("12.3k", format_count(12'345).c_str());
  STRCMP_EQUAL("1.23M", format_count(1'234'567).c_str());
  STRCMP_EQUAL("4.57G", format_count(4'567'000'000).c_str());
}

TEST(Progress, DurationsAreReadable) {
  STRCMP_EQUAL("8.4s", format_duration(8.44).c_str());
  STRCMP_EQUAL("4m05s", format_duration(245.9).c_str());
  STRCMP_EQUAL("2h03m", format_duration(7380).c_str());
}

TEST(Progress, TheLineHasEveryFigureAndTheEstimate) {
  const ProgressFigures f{1'000'000, 800'000, 152, 0.25, 20, 0};
  STRCMP_EQUAL(
      "w5: 1.00M executions, 800.0k states, 50.0k/s, depth 152, 20.0s; ~25% of the tree, ~3.00M "
      "executions (~1m00s) left",
      format_progress("w5", f).c_str());
}

TEST(Progress, SmallFractionsKeepADecimal) {
  const ProgressFigures f{1'000, 900, 10, 0.0061, 1, 0};
  STRCMP_CONTAINS("; ~0.6% of the tree, ~162.9k executions (~2m42s) left",
                  format_progress("x", f).c_str());
}

TEST(Progress, MaxExecutionsBoundsWhatIsLeft) {
  // No estimate of the tree (a random walk): what is left before the limit.
  const ProgressFigures walk{400, 0, 30, -1, 2, 1000};
  STRCMP_EQUAL(
      "x: 400 executions, 0 states, 200/s, depth 30, 2.0s; at most 600 (~3.0s) left "
      "before max_executions",
      format_progress("x", walk).c_str());
  // The tree is larger than the limit allows: the limit comes first.
  const ProgressFigures big{1'000, 900, 10, 0.01, 1, 2'000};
  STRCMP_CONTAINS("; ~1.0% of the tree, at most 1000 (~1.0s) left before max_executions",
                  format_progress("x", big).c_str());
  // The tree ends before the limit: its estimate.
  const ProgressFigures small{1'000, 900, 10, 0.5, 1, 1'000'000};
  STRCMP_CONTAINS("; ~50% of the tree, ~1000 executions (~1.0s) left",
                  format_progress("x", small).c_str());
}

TEST(Progress, NoEstimateWhenTheStrategyHasNoneOrIsDone) {
  const ProgressFigures none{500, 0, 40, -1, 2, 0};
  STRCMP_EQUAL("x: 500 executions, 0 states, 250/s, depth 40, 2.0s",
               format_progress("x", none).c_str());
  const ProgressFigures done{500, 0, 40, 1, 2, 0};
  STRCMP_EQUAL("x: 500 executions, 0 states, 250/s, depth 40, 2.0s",
               format_progress("x", done).c_str());
}

TEST(Progress, LinesEveryTenSecondsWhenNotATerminal) {
  std::ostringstream err;
  FakeClock clock;
  ProgressDisplay d(err, ProgressMode::lines, "s", 0, clock.fn());
  clock.now += 9.9;
  d.update({10, 5, nullptr});
  STRCMP_EQUAL("", err.str().c_str());
  clock.now += 0.2;
  d.update({20, 5, nullptr});
  STRCMP_EQUAL("s: 20 executions, 0 states, 1/s, depth 5, 10.1s\n", err.str().c_str());
  clock.now += 5;
  d.update({30, 5, nullptr});
  LONGS_EQUAL(1, lines(err));
  clock.now += 5.1;
  d.update({40, 5, nullptr});
  LONGS_EQUAL(2, lines(err));
  d.finish();
  LONGS_EQUAL(2, lines(err));
}

TEST(Progress, RedrawnInPlaceOnATerminalAndErasedAtTheEnd) {
  std::ostringstream err;
  FakeClock clock;
  ProgressDisplay d(err, ProgressMode::in_place, "s", 0, clock.fn());
  clock.now += 1;
  d.update({10, 5, nullptr});
  clock.now += 1;
  d.update({20, 5, nullptr});
  d.finish();
  STRCMP_EQUAL(
      "\rs: 10 executions, 0 states, 10/s, depth 5, 1.0s\x1b[K"
      "\rs: 20 executions, 0 states, 10/s, depth 5, 2.0s\x1b[K\r\x1b[K",
      err.str().c_str());
  CHECK(err.str().find('\n') == std::string::npos);
}

TEST(Progress, OffWritesNothingAndGivesNoCallback) {
  std::ostringstream err;
  FakeClock clock;
  ProgressDisplay d(err, ProgressMode::off, "s", 0, clock.fn());
  CHECK(!d.callback());
  clock.now += 100;
  d.update({10, 5, nullptr});
  d.finish();
  STRCMP_EQUAL("", err.str().c_str());
}

TEST(Progress, ADfsEstimateGrowsToTheWholeTree) {
  // The search calls back after every execution, with the strategy to ask.
  const Scenario s = load_scenario("scenarios/boundedq/ok_w1.toml");
  std::uint64_t calls = 0;
  double last = -1;
  bool grows = true;
  const ProgressFn record = [&](const SearchProgress& p) {
    ++calls;
    CHECK(p.scheduler != nullptr);
    grows = grows && p.scheduler->covered() >= last;
    last = p.scheduler->covered();
    CHECK(p.depth > 0);
  };
  RunOptions one_job;
  one_job.jobs = 1;  // one search: its own scheduler reports
  const CheckOutcome o = check_scenario(s, "", one_job, record);
  CHECK(o.result.stats.exhausted);
  LONGS_EQUAL(o.result.stats.executions, calls);
  CHECK(grows);
  DOUBLES_EQUAL(1.0, last, 1e-12);
}

TEST(Progress, TheResultsDoNotDependOnIt) {
  for (const char* path : {"scenarios/boundedq/nowake_w5.toml", "scenarios/boundedq/ok_w1.toml"}) {
    const Scenario s = load_scenario(path);
    const CheckOutcome quiet = check_scenario(s);
    RunOptions one_job;
    one_job.jobs = 1;
    const CheckOutcome watched = check_scenario(s, "", one_job, [](const SearchProgress& p) {
      (void)p.scheduler->states();
      (void)p.scheduler->covered();
    });
    STRCMP_EQUAL(quiet.trace.c_str(), watched.trace.c_str());
    LONGS_EQUAL(quiet.result.stats.executions, watched.result.stats.executions);
    LONGS_EQUAL(quiet.result.stats.states, watched.result.stats.states);
  }
}

TEST(Progress, ACommandWithProgressOffWritesNothingToStderr) {
  Streams s;
  LONGS_EQUAL(kExitMet, check_command(s.io, {"scenarios/boundedq/ok_w1.toml"}));
  STRCMP_EQUAL("", s.err.str().c_str());
}

}  // namespace wakecheck
