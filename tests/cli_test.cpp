// Bad input through the commands: one clear message with file:line:column,
// exit code 2, and no artifact written.
#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cli/commands.hpp"
#include "reports/schedule_file.hpp"
#include "tests/console_capture.hpp"
#include "tests/test_files.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

const fs::path kScratch = fs::temp_directory_path() / "wakecheck-tests" / "cli";

// Writes a scenario file whose [workload] is `workload` and runs it.
std::string scenario_with(const std::string& name, const std::string& workload) {
  fs::create_directories(kScratch);
  const std::string path = (kScratch / (name + ".toml")).string();
  write_file_atomically(path,
                        "[scenario]\nname = \"t\"\nmodel = \"boundedq\"\nvariant = \"ok\"\n"
                        "[workload]\n" +
                            workload);
  return path;
}

// Runs `run` on the file, expects exit 2 and no output directory, returns stderr.
std::string rejected(const std::string& path) {
  Streams s;
  const fs::path out = kScratch / "out-never";
  fs::remove_all(out);
  LONGS_EQUAL_TEXT(kExitBadInput, run_command(s.io, path, "", out.string()), s.err.str().c_str());
  CHECK(!fs::exists(out));
  CHECK(s.out.str().empty());
  const std::string err = s.err.str();
  LONGS_EQUAL(1, std::count(err.begin(), err.end(), '\n'));  // one line
  return err;
}

}  // namespace

TEST_GROUP(CliBadInput){};

TEST(CliBadInput, SyntaxErrorHasFileLineColumn) {
  STRCMP_CONTAINS("tests/data/scenarios/syntax_error.toml:6:",
                  rejected("tests/data/scenarios/syntax_error.toml").c_str());
}

TEST(CliBadInput, UnknownKeyGetsDidYouMean) {
  const std::string err = rejected("tests/data/scenarios/unknown_key.toml");
  STRCMP_CONTAINS(
      "unknown_key.toml:7:1: unknown key 'produsers' in [workload]; did you mean "
      "'producers'?",
      err.c_str());
}

TEST(CliBadInput, UnknownVariantListsTheVariants) {
  const std::string path =
      scenario_with("variant", "producers=1\nconsumers=1\nitems=1\ncapacity=1\n");
  write_file_atomically(path,
                        read_file(path).replace(read_file(path).find("\"ok\""), 4, "\"sleepon\""));
  STRCMP_CONTAINS("unknown variant 'sleepon' for model 'boundedq'; did you mean 'sleep_on'?",
                  rejected(path).c_str());
}

TEST(CliBadInput, ZeroAndNegativeSizesAreRejected) {
  STRCMP_CONTAINS(
      ":6:13: 'producers' must be at least 1, not 0",
      rejected(scenario_with("zero", "producers = 0\nconsumers=1\nitems=1\ncapacity=1\n")).c_str());
  STRCMP_CONTAINS(
      "'capacity' must be at least 1, not -2",
      rejected(scenario_with("neg", "producers=1\nconsumers=1\nitems=1\ncapacity=-2\n")).c_str());
}

TEST(CliBadInput, ItemsNotDivisibleByConsumersIsRejected) {
  STRCMP_CONTAINS(
      "producers*items (3) is not divisible by consumers (2)",
      rejected(scenario_with("div", "producers=3\nconsumers=2\nitems=1\ncapacity=1\n")).c_str());
}

TEST(CliBadInput, BinaryFileIsRejectedWithAPosition) {
  const std::string err = rejected("tests/data/scenarios/binary.toml");
  STRCMP_CONTAINS("wakecheck: tests/data/scenarios/binary.toml:", err.c_str());
}

TEST(CliBadInput, MissingScenarioFile) {
  STRCMP_CONTAINS("no-such.toml: cannot read:", rejected("no-such.toml").c_str());
}

TEST(CliBadInput, UnknownStrategyFlagGetsDidYouMean) {
  Streams s;
  LONGS_EQUAL(kExitBadInput,
              run_command(s.io, "scenarios/boundedq/ok_w1.toml", "dsf", (kScratch / "x").string()));
  STRCMP_CONTAINS(
      "unknown strategy 'dsf'; did you mean 'dfs'? (one of: dfs, dpor, pb, db, pct, random)",
      s.err.str().c_str());
}

TEST(CliBadInput, CheckReportsBadFilesAndExitsTwo) {
  Streams s;
  LONGS_EQUAL(kExitBadInput, check_command(s.io, {"tests/data/scenarios/unknown_key.toml",
                                                  "scenarios/boundedq/ok_w1.toml"}));
  STRCMP_CONTAINS("BAD   tests/data/scenarios/unknown_key.toml", s.out.str().c_str());
  STRCMP_CONTAINS("PASS  scenarios/boundedq/ok_w1.toml", s.out.str().c_str());
  STRCMP_CONTAINS("2 scenarios: 1 met, 0 not met, 0 inconclusive, 1 bad input",
                  s.out.str().c_str());
}

TEST(CliBadInput, CheckExitsOneWhenAnExpectationIsNotMet) {
  const std::string path = (kScratch / "wrong_expect.toml").string();
  fs::create_directories(kScratch);
  write_file_atomically(
      path, read_file("scenarios/boundedq/sleep_on_w1.toml")
                .replace(read_file("scenarios/boundedq/sleep_on_w1.toml").find("\"lost-wakeup\""),
                         13, "\"none\""));
  Streams s;
  LONGS_EQUAL(kExitNotMet, check_command(s.io, {path}));
  STRCMP_CONTAINS("FAIL", s.out.str().c_str());
  STRCMP_CONTAINS("found lost-wakeup", s.out.str().c_str());
}

TEST_GROUP(ScheduleFileParse){};

namespace {

std::string schedule_error(const std::string& text) {
  try {
    parse_schedule(text, "s.schedule");
  } catch (const ScheduleError& e) {
    return e.what();
  }
  FAIL("no error");
  return "";
}

const char* const kGood =
    "wakecheck-schedule 2\nscenario-file a.toml\nscenario-relative ../a.toml\nscenario-name n\n"
    "scenario-hash fnv1a64:00000000000000ff\nmodel boundedq 3\nstrategy dfs\n"
    "finding lost-wakeup\nsteps 7\ndecisions 2\nrun 1 producer1\nrun 0 producer0\nend\n";

// Version 1, before the scenario-relative and model lines: still read.
const char* const kVersion1 =
    "wakecheck-schedule 1\nscenario-file a.toml\nscenario-name n\n"
    "scenario-hash fnv1a64:00000000000000ff\nstrategy dfs\nfinding lost-wakeup\nsteps 7\n"
    "decisions 2\nrun 1 producer1\nrun 0 producer0\nend\n";

// ---------------------------------------------------------------------------
// A choice family the scenario turns on and the model never uses.

TEST_GROUP(UnusedChoiceFamily){};

// boundedq's ok variant never allocates: kmalloc_failures = true gets one
// warning on stderr, with the line and column of its value, from run and from check;
// spurious_wakeups = true is used (its tasks sleep) and gets none.
TEST(UnusedChoiceFamily, RunAndCheckWarnOnceAboutAFamilyTheModelNeverUses) {
  fs::create_directories(kScratch);
  const std::string path = (kScratch / "unused_family.toml").string();
  write_file_atomically(path,
                        "[scenario]\nname = \"t\"\nmodel = \"boundedq\"\nvariant = \"ok\"\n"
                        "[workload]\nproducers = 1\nconsumers = 1\nitems = 1\ncapacity = 1\n"
                        "[search]\nspurious_wakeups = true\nkmalloc_failures = true\n");
  const std::string warning =
      "wakecheck: " + path +
      ":12:20: warning: kmalloc_failures = true, but model boundedq did not make an allocation "
      "that may fail in any of the ";
  Streams run;
  LONGS_EQUAL(kExitMet, run_command(run.io, path, "", (kScratch / "out-unused").string()));
  const std::string err = run.err.str();
  CHECK_TEXT(err.find(warning) != std::string::npos, err.c_str());
  LONGS_EQUAL(1, std::count(err.begin(), err.end(), '\n'));
  CHECK_TEXT(err.find("spurious") == std::string::npos, err.c_str());

  Streams check;
  LONGS_EQUAL(kExitMet, check_command(check.io, {path}));
  const std::string check_err = check.err.str();
  CHECK_TEXT(check_err.find(warning) != std::string::npos, check_err.c_str());
  LONGS_EQUAL(1, std::count(check_err.begin(), check_err.end(), '\n'));
}

// A family the model uses (kmalloc_unchecked allocates with GFP_ATOMIC) gets none.
TEST(UnusedChoiceFamily, AFamilyTheModelUsesGetsNoWarning) {
  Streams s;
  LONGS_EQUAL(kExitMet, check_command(s.io, {"scenarios/irq/kmalloc_unchecked.toml"}));
  STRCMP_EQUAL("", s.err.str().c_str());
}

}  // namespace

TEST(ScheduleFileParse, RoundTrips) {
  const ScheduleFile s = parse_schedule(kGood, "s.schedule");
  STRCMP_EQUAL("a.toml", s.scenario_file.c_str());
  STRCMP_EQUAL("../a.toml", s.scenario_relative.c_str());
  STRCMP_EQUAL("boundedq", s.model.c_str());
  LONGS_EQUAL(3, s.model_version);
  LONGS_EQUAL(0xff, s.scenario_hash);
  LONGS_EQUAL(7, s.steps);
  LONGS_EQUAL(2, s.decisions.size());
  LONGS_EQUAL(1, s.decisions[0]);
  STRCMP_EQUAL("producer0", s.decision_names[1].c_str());
  LONGS_EQUAL(12, s.decision_lines[1]);
  STRCMP_EQUAL(kGood, write_schedule(s).substr(write_schedule(s).find('\n') + 1).c_str());
}

TEST(ScheduleFileParse, VersionOneIsStillRead) {
  const ScheduleFile s = parse_schedule(kVersion1, "s.schedule");
  STRCMP_EQUAL("a.toml", s.scenario_file.c_str());
  STRCMP_EQUAL("", s.scenario_relative.c_str());
  STRCMP_EQUAL("", s.model.c_str());
  LONGS_EQUAL(2, s.decisions.size());
}

TEST(ScheduleFileParse, ErrorsHaveLineAndColumn) {
  STRCMP_EQUAL("s.schedule:1:1: not a wakecheck schedule file: expected 'wakecheck-schedule 2'",
               schedule_error("hello\n").c_str());
  STRCMP_EQUAL(
      "s.schedule:1:20: schedule format version 9 is not supported (this wakecheck reads 1 to 2)",
      schedule_error("wakecheck-schedule 9\n").c_str());
  std::string bad = kGood;
  bad.replace(bad.find("run 1"), 5, "run x");
  STRCMP_EQUAL("s.schedule:11:5: expected a task number (a number), found 'x'",
               schedule_error(bad).c_str());
  STRCMP_EQUAL("s.schedule:1:1: not a text file (control characters)",
               schedule_error(std::string("\x7f"
                                          "ELF\x01\x00\x00",
                                          7))
                   .c_str());
  STRCMP_CONTAINS(
      "unexpected end of file: expected 'run'",
      schedule_error(std::string(kGood).substr(0, std::string(kGood).find("run 0"))).c_str());
}

TEST(ScheduleFileParse, ReplayOfAMalformedScheduleExitsTwo) {
  fs::create_directories(kScratch);
  const std::string path = (kScratch / "bad.schedule").string();
  write_file_atomically(path, "wakecheck-schedule 1\nscenario-file\n");
  Streams s;
  LONGS_EQUAL(kExitBadInput, replay_command(s.io, path, (kScratch / "never").string()));
  STRCMP_CONTAINS("bad.schedule:2:", s.err.str().c_str());
  CHECK(!fs::exists(kScratch / "never"));
}

}  // namespace wakecheck

namespace wakecheck {

TEST_GROUP(CliRobustness){};

TEST(CliRobustness, AFifoIsRefusedNotWaitedOn) {
  fs::create_directories(kScratch);
  const std::string fifo = (kScratch / "fifo.toml").string();
  fs::remove(fifo);
  CHECK(mkfifo(fifo.c_str(), 0600) == 0);
  STRCMP_CONTAINS("fifo.toml: cannot read: not a regular file", rejected(fifo).c_str());
  Streams s;
  LONGS_EQUAL(kExitBadInput, replay_command(s.io, fifo, ""));
  STRCMP_CONTAINS("not a regular file", s.err.str().c_str());
}

TEST(CliRobustness, ADeviceIsRefusedAsASchedule) {
  Streams s;
  LONGS_EQUAL(kExitBadInput, replay_command(s.io, "/dev/zero", ""));
  STRCMP_EQUAL("wakecheck: /dev/zero: cannot read: not a regular file\n", s.err.str().c_str());
}

TEST(CliRobustness, AHugeTaskNumberIsAnErrorAtItsPosition) {
  std::string text = kGood;
  text.replace(text.find("run 1"), 5, "run 4294967295");
  STRCMP_EQUAL("s.schedule:11:5: task number 4294967295 is too large (at most 65535)",
               schedule_error(text).c_str());
}

TEST(CliRobustness, AScheduleMustNameTheFindingItReproduces) {
  std::string text = kGood;
  text.replace(text.find("lost-wakeup"), 11, "none");
  STRCMP_CONTAINS("s.schedule:8:9: expected the finding the schedule reproduces",
                  schedule_error(text).c_str());
}

TEST(CliRobustness, AnUnwritableArtifactLeavesNoPartialPair) {
  const fs::path out = kScratch / "blocked";
  fs::remove_all(out);
  fs::create_directories(out / "sleep_on_w2.schedule");  // a directory where the file must go
  Streams s;
  LONGS_EQUAL(kExitBadInput,
              run_command(s.io, "scenarios/boundedq/sleep_on_w2.toml", "", out.string()));
  STRCMP_CONTAINS("sleep_on_w2.schedule: cannot write:", s.err.str().c_str());
  CHECK(!fs::exists(out / "trace.txt"));
  CHECK(!fs::exists(out / "trace.txt.tmp"));
  CHECK(!fs::exists(out / "sleep_on_w2.schedule.tmp"));
}

}  // namespace wakecheck

namespace wakecheck {

TEST_GROUP(CliLongTrace){};

// A long trace (here a step bound of 30 hit on ok 2x2x4x1) is summarised on stdout:
// the window and the last operations, the gaps counted, and where the whole
// trace is; trace.txt has every operation; --verbose prints it all.
TEST(CliLongTrace, ALongTraceIsSummarisedOnStdoutAndWholeInTheFile) {
  const std::string path = scenario_with(
      "long", "producers = 2\nconsumers = 2\nitems = 4\ncapacity = 1\n[search]\nmax_steps = 30\n");
  const fs::path out = kScratch / "long-out";
  Streams s;
  LONGS_EQUAL_TEXT(kExitNotMet, run_command(s.io, path, "", out.string()), s.err.str().c_str());
  const std::string trace = read_file((out / "trace.txt").string());
  const std::string shown = s.out.str();
  STRCMP_CONTAINS("INCONCLUSIVE: step bound", shown.c_str());
  STRCMP_CONTAINS("operations left out", shown.c_str());
  STRCMP_CONTAINS(fmt::format("every operation is in {}", (out / "trace.txt").string()).c_str(),
                  shown.c_str());
  CHECK(trace.find("left out") == std::string::npos);
  CHECK(shown.size() < trace.size());
  // The last operation of the trace is among those shown.
  const std::string last_line = trace.substr(0, trace.find("\nfinal state:"));
  const std::string last = last_line.substr(last_line.rfind('\n') + 1);
  STRCMP_CONTAINS(last.c_str(), shown.c_str());

  Streams v;
  LONGS_EQUAL(kExitNotMet, run_command(v.io, path, "", out.string(), {}, {}, true));
  STRCMP_CONTAINS(trace.c_str(), v.out.str().c_str());
}

}  // namespace wakecheck
