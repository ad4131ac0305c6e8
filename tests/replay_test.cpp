// Replaying a bug's schedule reproduces its trace byte for byte, through the
// same functions the CLI runs; a changed schedule or scenario is caught.
#include <fmt/format.h>

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

fs::path scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / "wakecheck-tests" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// Runs the scenario, replays its schedule, and returns both traces.
std::pair<std::string, std::string> run_then_replay(const std::string& stem) {
  const fs::path dir = scratch(stem);
  Streams run, replay;
  const std::string scenario = "scenarios/boundedq/" + stem + ".toml";
  LONGS_EQUAL_TEXT(kExitMet, run_command(run.io, scenario, "", (dir / "run").string()),
                   run.err.str().c_str());
  const std::string schedule = (dir / "run" / (stem + ".schedule")).string();
  LONGS_EQUAL_TEXT(kExitMet, replay_command(replay.io, schedule, (dir / "replay").string()),
                   replay.err.str().c_str());
  return {read_file((dir / "run" / "trace.txt").string()),
          read_file((dir / "replay" / "trace.txt").string())};
}

}  // namespace

TEST_GROUP(Replay){};

TEST(Replay, EveryBugVariantReplaysByteForByte) {
  for (const char* stem : {"leak_w1", "leak_w2", "leak_w3", "sleep_on_w1", "sleep_on_w2",
                           "sleep_on_w3", "sleep_on_w3_random", "nowake_w5", "nowake_1x2"}) {
    const auto [ran, replayed] = run_then_replay(stem);
    CHECK_TEXT(ran.size() > 200, stem);
    STRCMP_EQUAL_TEXT(ran.c_str(), replayed.c_str(), stem);
  }
}

TEST(Replay, TheSameSearchGivesTheSameTraceInEveryRun) {
  const auto [first, ignored] = run_then_replay("nowake_w5");
  const auto [second, ignored2] = run_then_replay("nowake_w5");
  STRCMP_EQUAL(first.c_str(), second.c_str());
}

TEST(Replay, ADecisionThatIsNotEnabledIsReportedAsDivergence) {
  const fs::path dir = scratch("diverge");
  Streams run, replay;
  CHECK(run_command(run.io, "scenarios/boundedq/sleep_on_w2.toml", "", dir.string()) == kExitMet);
  ScheduleFile sf = parse_schedule(read_file((dir / "sleep_on_w2.schedule").string()), "x");
  // The first decision is between both producers; make it consumer1, not yet enabled
  // there (the consumers wait for the queue lock the first producer holds), or
  // make the schedule shorter than the execution.
  sf.decisions.resize(1);
  sf.decision_names.resize(1);
  const std::string edited = (dir / "edited.schedule").string();
  write_file_atomically(edited, write_schedule(sf));
  LONGS_EQUAL(kExitNotMet, replay_command(replay.io, edited, (dir / "r").string()));
  STRCMP_CONTAINS("diverged after decision 1", replay.err.str().c_str());
  CHECK(!fs::exists(dir / "r" / "trace.txt"));
}

TEST(Replay, AWrongTaskNameIsReportedWithTheScheduleLine) {
  const fs::path dir = scratch("rename");
  Streams run, replay;
  CHECK(run_command(run.io, "scenarios/boundedq/leak_w2.toml", "", dir.string()) == kExitMet);
  ScheduleFile sf = parse_schedule(read_file((dir / "leak_w2.schedule").string()), "x");
  sf.decision_names[0] = "somebody";
  const std::string edited = (dir / "edited.schedule").string();
  write_file_atomically(edited, write_schedule(sf));
  LONGS_EQUAL(kExitNotMet, replay_command(replay.io, edited, (dir / "r").string()));
  STRCMP_CONTAINS("edited.schedule:12: task", replay.err.str().c_str());
  STRCMP_CONTAINS("but the schedule says somebody", replay.err.str().c_str());
}

TEST(Replay, ADifferentStepCountIsReportedAsDivergence) {
  const fs::path dir = scratch("steps");
  Streams run, replay;
  CHECK(run_command(run.io, "scenarios/boundedq/nowake_w5.toml", "", dir.string()) == kExitMet);
  ScheduleFile sf = parse_schedule(read_file((dir / "nowake_w5.schedule").string()), "x");
  const std::uint32_t recorded = sf.steps;
  sf.steps = recorded + 1;
  const std::string edited = (dir / "edited.schedule").string();
  write_file_atomically(edited, write_schedule(sf));
  LONGS_EQUAL(kExitNotMet, replay_command(replay.io, edited, (dir / "r").string()));
  STRCMP_CONTAINS(
      fmt::format("the recorded execution took {} steps, this one {}", recorded + 1, recorded)
          .c_str(),
      replay.err.str().c_str());
}

TEST(Replay, AChangedScenarioIsRefused) {
  const fs::path dir = scratch("changed");
  const fs::path copy = dir / "sleep_on.toml";
  fs::copy_file("scenarios/boundedq/sleep_on_w2.toml", copy);
  Streams run, replay;
  CHECK(run_command(run.io, copy.string(), "", (dir / "out").string()) == kExitMet);
  write_file_atomically(copy.string(), read_file(copy.string()) + "\n# edited\n");
  LONGS_EQUAL(kExitBadInput,
              replay_command(replay.io, (dir / "out" / "sleep_on.schedule").string(), ""));
  STRCMP_CONTAINS("the scenario changed since this schedule was recorded",
                  replay.err.str().c_str());
}

TEST(Replay, AScheduleOfAnotherModelVersionIsRefusedNotDiverged) {
  const fs::path dir = scratch("version");
  Streams run, replay;
  CHECK(run_command(run.io, "scenarios/boundedq/leak_w1.toml", "", dir.string()) == kExitMet);
  ScheduleFile sf = parse_schedule(read_file((dir / "leak_w1.schedule").string()), "x");
  STRCMP_EQUAL("boundedq", sf.model.c_str());
  LONGS_EQUAL(find_model("boundedq")->version(), sf.model_version);
  sf.model_version += 1;
  const std::string edited = (dir / "edited.schedule").string();
  write_file_atomically(edited, write_schedule(sf));
  LONGS_EQUAL(kExitBadInput, replay_command(replay.io, edited, (dir / "r").string()));
  STRCMP_CONTAINS(fmt::format("recorded with model 'boundedq' version {}, but this executable's "
                              "'boundedq' is version {}",
                              sf.model_version, sf.model_version - 1)
                      .c_str(),
                  replay.err.str().c_str());
  CHECK(!fs::exists(dir / "r"));
}

namespace {

// Runs the enclosing scope in another working directory.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& dir) : saved_(fs::current_path()) {
    fs::current_path(dir);
  }
  ~WorkingDirectory() { fs::current_path(saved_); }

 private:
  fs::path saved_;
};

}  // namespace

TEST(Replay, AScheduleReplaysFromAnyWorkingDirectory) {
  const fs::path dir = fs::absolute(scratch("elsewhere"));
  Streams run, replay;
  CHECK(run_command(run.io, "scenarios/boundedq/sleep_on_w1.toml", "", (dir / "run").string()) ==
        kExitMet);
  const fs::path schedule = dir / "run" / "sleep_on_w1.schedule";
  STRCMP_CONTAINS("scenario-relative ../../../",
                  read_file(schedule.string()).c_str());  // beside the schedule, not the cwd
  int code = 0;
  {
    const WorkingDirectory other(dir);  // where scenarios/boundedq/... does not exist
    code = replay_command(replay.io, schedule.string(), (dir / "replay").string());
  }
  LONGS_EQUAL_TEXT(kExitMet, code, replay.err.str().c_str());
  const std::string ran = read_file((dir / "run" / "trace.txt").string());
  STRCMP_EQUAL(ran.c_str(), read_file((dir / "replay" / "trace.txt").string()).c_str());
  STRCMP_CONTAINS("(scenarios/boundedq/sleep_on_w1.toml)", ran.c_str());
}

}  // namespace wakecheck
