// Scenario files: every rule of the loader, with its exact message. Fixture
// files are under tests/data/scenarios/ (tests run from the repository root).
#include "scenarios/scenario.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "checker/finding.hpp"
#include "checker/hash.hpp"
#include "scenarios/did_you_mean.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

constexpr const char* kDir = "tests/data/scenarios";

// A valid file; tests change one line of it. Line numbers matter to the
// expected messages: [scenario] is line 1, [workload] line 6.
constexpr std::string_view kBase =
    "[scenario]\n"            // 1
    "name = \"base\"\n"       // 2
    "model = \"boundedq\"\n"  // 3
    "variant = \"ok\"\n"      // 4
    "\n"                      // 5
    "[workload]\n"            // 6
    "producers = 2\n"         // 7
    "consumers = 2\n"         // 8
    "items = 2\n"             // 9
    "capacity = 1\n";         // 10

std::string fixture(std::string_view name) {
  return std::string(kDir) + "/" + std::string(name);
}

// kBase (or `text`) with the line `from` replaced by `to` ("" deletes it).
std::string edited(std::string_view from, std::string_view to, std::string_view text = kBase) {
  std::string out(text);
  const std::string line = std::string(from) + "\n";
  const std::size_t at = out.find(line);
  CHECK_TRUE_TEXT(at != std::string::npos, "the line to edit is not in the text");
  if (at == std::string::npos) return out;
  out.replace(at, line.size(), to.empty() ? std::string() : std::string(to) + "\n");
  return out;
}

// The message parse_scenario throws for `text`, or a marker when it accepts it.
std::string error_of(std::string_view text) {
  try {
    parse_scenario(text, "t.toml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string load_error_of(const std::string& path) {
  try {
    load_scenario(path);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string find_error_of(const std::vector<std::string>& paths) {
  try {
    find_scenarios(paths);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

// ---------------------------------------------------------------------------

TEST_GROUP(ScenarioParse){};

TEST(ScenarioParse, BaseTextIsValid) {
  STRCMP_EQUAL("(no error)", error_of(kBase).c_str());
}

TEST(ScenarioParse, DefaultsApplyWithoutSearchAndExpect) {
  const Scenario s = parse_scenario(kBase, "t.toml");
  STRCMP_EQUAL("t.toml", s.path.c_str());
  STRCMP_EQUAL("base", s.name.c_str());
  STRCMP_EQUAL("", s.description.c_str());
  STRCMP_EQUAL("dfs", s.strategy.c_str());
  CHECK_EQUAL(1000000u, s.max_executions);
  CHECK_EQUAL(10000u, s.max_steps);
  CHECK_EQUAL(1u, s.seed);
  CHECK_TRUE(s.state_caching);
  CHECK_TRUE(s.expect == FindingKind::None);
}

TEST(ScenarioParse, EmptySearchAndExpectSectionsKeepDefaults) {
  const Scenario s = parse_scenario(std::string(kBase) + "[search]\n[expect]\n", "t.toml");
  STRCMP_EQUAL("dfs", s.strategy.c_str());
  CHECK_EQUAL(10000u, s.max_steps);
  CHECK_TRUE(s.expect == FindingKind::None);
}

TEST(ScenarioParse, ContentHashIsOfTheExactText) {
  const std::string text = std::string(kBase) + "# a comment changes the identity\n";
  CHECK_EQUAL(fnv1a64(text), parse_scenario(text, "t.toml").content_hash);
  CHECK(parse_scenario(kBase, "t.toml").content_hash != fnv1a64(text));
}

TEST(ScenarioParse, UnknownKeyWithSuggestion) {
  STRCMP_EQUAL("t.toml:7:1: unknown key 'produsers' in [workload]; did you mean 'producers'?",
               error_of(edited("producers = 2", "produsers = 2")).c_str());
}

TEST(ScenarioParse, UnknownKeyWithoutSuggestion) {
  STRCMP_EQUAL("t.toml:5:1: unknown key 'colour' in [scenario]",
               error_of(edited("variant = \"ok\"", "variant = \"ok\"\ncolour = \"red\"")).c_str());
}

TEST(ScenarioParse, UnknownKeyIsEscapedToOneLine) {
  STRCMP_EQUAL("t.toml:5:1: unknown key 'a\\nb' in [scenario]",
               error_of(edited("variant = \"ok\"", "variant = \"ok\"\n\"a\\nb\" = 1")).c_str());
}

TEST(ScenarioParse, UnknownSectionWithSuggestion) {
  STRCMP_EQUAL("t.toml:11:2: unknown section [serach]; did you mean [search]?",
               error_of(std::string(kBase) + "[serach]\nseed = 3\n").c_str());
}

TEST(ScenarioParse, UnknownSectionWithoutSuggestion) {
  STRCMP_EQUAL("t.toml:11:2: unknown section [colours]",
               error_of(std::string(kBase) + "[colours]\n").c_str());
}

TEST(ScenarioParse, KeyBeforeAnySection) {
  STRCMP_EQUAL("t.toml:1:1: key 'seed' is outside any section; it belongs in [search]",
               error_of("seed = 3\n" + std::string(kBase)).c_str());
  STRCMP_EQUAL(
      "t.toml:1:1: unknown key 'sede' outside any section; did you mean 'seed' in [search]?",
      error_of("sede = 3\n" + std::string(kBase)).c_str());
}

TEST(ScenarioParse, UnknownNameIsReportedBeforeTheMissingOneItCauses) {
  // [workload] is missing too (reported at 1:1), but the typo explains it.
  STRCMP_EQUAL("t.toml:6:2: unknown section [workloda]; did you mean [workload]?",
               error_of(edited("[workload]", "[workloda]")).c_str());
}

TEST(ScenarioParse, FirstProblemInDocumentOrderIsReported) {
  const std::string text =
      edited("capacity = 1", "capacity = 0", edited("name = \"base\"", "name = 3"));
  STRCMP_EQUAL("t.toml:2:8: 'name' must be a string, not an integer", error_of(text).c_str());
}

TEST(ScenarioParse, WrongTypeAtTheValue) {
  STRCMP_EQUAL("t.toml:7:13: 'producers' must be an integer, not a string",
               error_of(edited("producers = 2", "producers = \"two\"")).c_str());
  STRCMP_EQUAL("t.toml:7:13: 'producers' must be an integer, not a floating-point number",
               error_of(edited("producers = 2", "producers = 2.0")).c_str());
  STRCMP_EQUAL("t.toml:12:17: 'state_caching' must be a boolean, not a string",
               error_of(std::string(kBase) + "[search]\nstate_caching = \"no\"\n").c_str());
  STRCMP_EQUAL("t.toml:4:11: 'variant' must be a string, not an array",
               error_of(edited("variant = \"ok\"", "variant = [\"ok\"]")).c_str());
}

TEST(ScenarioParse, SectionThatIsNotATable) {
  STRCMP_EQUAL("t.toml:11:1: [search] must be a table, not an array",
               error_of(std::string(kBase) + "[[search]]\nseed = 3\n").c_str());
}

TEST(ScenarioParse, MissingKeyAtTheSectionHeader) {
  STRCMP_EQUAL("t.toml:6:1: missing key 'capacity' in [workload]",
               error_of(edited("capacity = 1", "")).c_str());
  STRCMP_EQUAL("t.toml:1:1: missing key 'variant' in [scenario]",
               error_of(edited("variant = \"ok\"", "")).c_str());
}

TEST(ScenarioParse, MissingSectionAtTheFileStart) {
  const std::string no_workload(kBase.substr(0, kBase.find("[workload]")));
  STRCMP_EQUAL("t.toml:1:1: missing section [workload]", error_of(no_workload).c_str());
  STRCMP_EQUAL("t.toml:1:1: missing section [scenario]", error_of("").c_str());
}

// The list is every model registered in this binary (test models too): a new
// model needs no edit here.
TEST(ScenarioParse, UnknownModel) {
  const std::string all = fmt::format("{}", fmt::join(registered_model_names(), ", "));
  STRCMP_EQUAL(
      fmt::format("t.toml:3:9: unknown model 'boundq'; did you mean 'boundedq'? (one of: {})", all)
          .c_str(),
      error_of(edited("model = \"boundedq\"", "model = \"boundq\"")).c_str());
  STRCMP_EQUAL(fmt::format("t.toml:3:9: unknown model 'ringbuffer' (one of: {})", all).c_str(),
               error_of(edited("model = \"boundedq\"", "model = \"ringbuffer\"")).c_str());
}

TEST(ScenarioParse, UnknownVariant) {
  STRCMP_EQUAL(
      "t.toml:4:11: unknown variant 'sleepon' for model 'boundedq'; did you mean 'sleep_on'? "
      "(one of: ok, leak, sleep_on, nowake, herd, seed_fixed, seed_goto_out, seed_add_no_sleep, "
      "seed_uninit_item, seed_null_test, seed_kmalloc)",
      error_of(edited("variant = \"ok\"", "variant = \"sleepon\"")).c_str());
}

TEST(ScenarioParse, UnknownStrategy) {
  STRCMP_EQUAL(
      "t.toml:12:12: unknown strategy 'dsf'; did you mean 'dfs'? (one of: dfs, dpor, pb, db, "
      "pct, random)",
      error_of(std::string(kBase) + "[search]\nstrategy = \"dsf\"\n").c_str());
}

TEST(ScenarioParse, UnknownFinding) {
  STRCMP_EQUAL(
      "t.toml:12:11: unknown finding 'lost_wakeup'; did you mean 'lost-wakeup'? (one of: none, "
      "lost-wakeup, leaked-lock, deadlock, invariant, sleep-in-atomic, bad-unlock, livelock, "
      "model-error, data-race, thundering-herd, busy-wait)",
      error_of(std::string(kBase) + "[expect]\nfinding = \"lost_wakeup\"\n").c_str());
}

// The engine's step bound has a name (schedule files use it) but is no finding
// a scenario can expect.
TEST(ScenarioParse, TheStepBoundIsNotAnExpectableFinding) {
  STRCMP_CONTAINS("unknown finding 'step-bound'",
                  error_of(std::string(kBase) + "[expect]\nfinding = \"step-bound\"\n").c_str());
}

TEST(ScenarioParse, ZeroOrNegativeSizeAtTheValue) {
  STRCMP_EQUAL("t.toml:8:13: 'consumers' must be at least 1, not 0",
               error_of(edited("consumers = 2", "consumers = 0")).c_str());
  STRCMP_EQUAL("t.toml:9:9: 'items' must be at least 1, not -3",
               error_of(edited("items = 2", "items = -3")).c_str());
}

TEST(ScenarioParse, SizesTooLarge) {
  STRCMP_EQUAL("t.toml:7:13: 'producers' must be at most 16, not 40",
               error_of(edited("producers = 2", "producers = 40")).c_str());
  STRCMP_EQUAL("t.toml:10:12: 'capacity' must be at most 64, not 65",
               error_of(edited("capacity = 1", "capacity = 65")).c_str());
  STRCMP_EQUAL("t.toml:9:9: 'items' must be at most 16, not 9223372036854775807",
               error_of(edited("items = 2", "items = 9223372036854775807")).c_str());
}

TEST(ScenarioParse, TooManyTasks) {
  const std::string text =
      edited("consumers = 2", "consumers = 8", edited("producers = 2", "producers = 10"));
  STRCMP_EQUAL("t.toml:8:13: producers+consumers (18) must be at most 16",
               error_of(edited("items = 2", "items = 4", text)).c_str());
}

TEST(ScenarioParse, TooManyItems) {
  const std::string text =
      edited("items = 2", "items = 9", edited("producers = 2", "producers = 8"));
  STRCMP_EQUAL("t.toml:9:9: producers*items (72) must be at most 64", error_of(text).c_str());
}

TEST(ScenarioParse, ItemsNotDivisibleByConsumers) {
  const std::string text =
      edited("items = 2", "items = 3", edited("producers = 2", "producers = 1"));
  STRCMP_EQUAL(
      "t.toml:8:13: producers*items (3) is not divisible by consumers (2): each consumer must take "
      "the same number of items",
      error_of(text).c_str());
}

TEST(ScenarioParse, SearchLimits) {
  const std::string search = std::string(kBase) + "[search]\n";
  STRCMP_EQUAL("t.toml:12:18: 'max_executions' must be at least 1, not 0",
               error_of(search + "max_executions = 0\n").c_str());
  STRCMP_EQUAL("t.toml:12:13: 'max_steps' must be at most 10000000, not 10000001",
               error_of(search + "max_steps = 10000001\n").c_str());
  STRCMP_EQUAL("t.toml:12:8: 'seed' must be at least 0, not -1",
               error_of(search + "seed = -1\n").c_str());
  CHECK_EQUAL(0u, parse_scenario(search + "seed = 0\n", "t.toml").seed);
}

TEST(ScenarioParse, EmptyNameAtTheValue) {
  STRCMP_EQUAL("t.toml:2:8: 'name' must not be empty",
               error_of(edited("name = \"base\"", "name = \"\"")).c_str());
}

TEST(ScenarioParse, NameMustBeOneLine) {
  STRCMP_EQUAL("t.toml:2:8: 'name' must be one line, without control characters",
               error_of(edited("name = \"base\"", "name = \"two\\nlines\"")).c_str());
}

TEST(ScenarioParse, SyntaxErrorHasPathLineColumn) {
  STRCMP_EQUAL("t.toml:2:8: Error while parsing key-value pair: expected value, saw '\\n'",
               error_of(edited("name = \"base\"", "name = ")).c_str());
}

TEST(ScenarioParse, DuplicateKeyIsASyntaxError) {
  STRCMP_EQUAL(
      "t.toml:3:8: Error while parsing key-value pair: cannot redefine existing string 'name'",
      error_of(edited("model = \"boundedq\"", "name = \"again\"\nmodel = \"boundedq\"")).c_str());
}

// ---------------------------------------------------------------------------

TEST_GROUP(ScenarioLoad){};

TEST(ScenarioLoad, FullFileRoundTripsEveryField) {
  const std::string path = fixture("valid.toml");
  const Scenario s = load_scenario(path);
  STRCMP_EQUAL(path.c_str(), s.path.c_str());
  STRCMP_EQUAL("herd-2x3", s.name.c_str());
  STRCMP_EQUAL("wake_up_all wakes every consumer for one item", s.description.c_str());
  STRCMP_EQUAL("boundedq", s.model.c_str());
  STRCMP_EQUAL("herd", s.variant.c_str());
  CHECK_EQUAL(2, s.params.get("producers"));
  CHECK_EQUAL(3, s.params.get("consumers"));
  CHECK_EQUAL(3, s.params.get("items"));
  CHECK_EQUAL(2, s.params.get("capacity"));
  STRCMP_EQUAL("random", s.strategy.c_str());
  CHECK_EQUAL(5000u, s.max_executions);
  CHECK_EQUAL(20000u, s.max_steps);
  CHECK_EQUAL(42u, s.seed);
  CHECK_FALSE(s.state_caching);
  CHECK_TRUE(s.expect == FindingKind::LostWakeup);
}

TEST(ScenarioLoad, ContentHashIsFnv1aOfTheFileBytes) {
  const std::string path = fixture("valid.toml");
  const std::string bytes = read_bytes(path);
  CHECK_FALSE(bytes.empty());
  CHECK_EQUAL(fnv1a64(bytes), load_scenario(path).content_hash);
}

TEST(ScenarioLoad, SyntaxError) {
  const std::string path = fixture("syntax_error.toml");
  const std::string message = load_error_of(path);
  STRCMP_EQUAL((path + ":6:10:").c_str(), message.substr(0, path.size() + 6).c_str());
  STRCMP_EQUAL((path + ":6:10: Error while parsing table header: expected ']', saw '\\n'").c_str(),
               message.c_str());
}

TEST(ScenarioLoad, UnknownKey) {
  const std::string path = fixture("unknown_key.toml");
  STRCMP_EQUAL(
      (path + ":7:1: unknown key 'produsers' in [workload]; did you mean 'producers'?").c_str(),
      load_error_of(path).c_str());
}

TEST(ScenarioLoad, BinaryFileIsACleanOneLineError) {
  const std::string path = fixture("binary.toml");
  CHECK_THROWS(ScenarioError, load_scenario(path));
  const std::string message = load_error_of(path);
  STRCMP_EQUAL((path + ":1:1: not a text file (it contains a NUL byte)").c_str(), message.c_str());
}

TEST(ScenarioLoad, NulByteAfterValidText) {
  using std::string_literals::operator""s;
  STRCMP_EQUAL("t.toml:11:3: not a text file (it contains a NUL byte)",
               error_of(std::string(kBase) + "# \0 in a comment\n"s).c_str());
}

TEST(ScenarioLoad, InvalidUtf8IsACleanError) {
  // The position is toml++'s: it points at the string holding the bad byte.
  const std::string message = error_of(edited("name = \"base\"", "name = \"b\xff\""));
  STRCMP_EQUAL("t.toml:2:9: Encountered invalid utf-8 sequence", message.c_str());
}

TEST(ScenarioLoad, MissingFile) {
  const std::string path = fixture("no_such_file.toml");
  STRCMP_EQUAL((path + ": cannot read: No such file or directory").c_str(),
               load_error_of(path).c_str());
}

TEST(ScenarioLoad, DirectoryIsNotAFile) {
  STRCMP_EQUAL("tests/data/scenarios: cannot read: it is a directory", load_error_of(kDir).c_str());
}

TEST(ScenarioLoad, EndlessDeviceIsRefusedBeforeReading) {
  STRCMP_EQUAL("/dev/zero: cannot read: not a regular file", load_error_of("/dev/zero").c_str());
}

TEST(ScenarioLoad, OversizedFileIsRefused) {
  const std::string path = "/tmp/wakecheck-oversized.toml";
  {
    std::ofstream big(path, std::ios::binary | std::ios::trunc);
    big << "# " << std::string((1 << 20) + 16, 'x') << "\n";
  }
  STRCMP_EQUAL((path + ": too large for a scenario file (more than 1048576 bytes)").c_str(),
               load_error_of(path).c_str());
  std::remove(path.c_str());
}

// ---------------------------------------------------------------------------

TEST_GROUP(ScenarioFind){};

TEST(ScenarioFind, WalksRecursivelyAndSorts) {
  const std::vector<std::string> found = find_scenarios({fixture("find")});
  const std::vector<std::string> expected = {fixture("find/a.toml"), fixture("find/c.toml"),
                                             fixture("find/sub/b.toml"),
                                             fixture("find/sub/deeper/d.toml")};
  CHECK_TRUE(found == expected);
  // Each is a valid scenario named after its file.
  for (const std::string& path : found) {
    const std::string stem = path.substr(path.rfind('/') + 1, 1);
    STRCMP_EQUAL(stem.c_str(), load_scenario(path).name.c_str());
  }
}

TEST(ScenarioFind, TakesAFileAsIsAndDropsDuplicates) {
  const std::vector<std::string> found = find_scenarios(
      {fixture("find/sub/notes.txt"), fixture("find/sub"), fixture("find/sub/b.toml")});
  const std::vector<std::string> expected = {
      fixture("find/sub/b.toml"), fixture("find/sub/deeper/d.toml"), fixture("find/sub/notes.txt")};
  CHECK_TRUE(found == expected);
}

TEST(ScenarioFind, SortsAcrossArguments) {
  const std::vector<std::string> found =
      find_scenarios({fixture("find/sub/b.toml"), fixture("find/a.toml")});
  const std::vector<std::string> expected = {fixture("find/a.toml"), fixture("find/sub/b.toml")};
  CHECK_TRUE(found == expected);
}

TEST(ScenarioFind, MissingPathIsAnError) {
  const std::string path = fixture("nowhere");
  STRCMP_EQUAL((path + ": cannot read: No such file or directory").c_str(),
               find_error_of({fixture("find"), path}).c_str());
}

// ---------------------------------------------------------------------------

TEST_GROUP(DidYouMean){};

namespace {
constexpr std::array<std::string_view, 4> kKeys = {"producers", "consumers", "items", "capacity"};
}  // namespace

TEST(DidYouMean, ClosestCandidate) {
  STRCMP_EQUAL("producers", did_you_mean("produsers", kKeys).c_str());
  STRCMP_EQUAL("items", did_you_mean("item", kKeys).c_str());
  STRCMP_EQUAL("capacity", did_you_mean("capcity", kKeys).c_str());
}

TEST(DidYouMean, CaseInsensitive) {
  STRCMP_EQUAL("consumers", did_you_mean("CONSUMERS", kKeys).c_str());
  STRCMP_EQUAL("items", did_you_mean("Itmes", kKeys).c_str());
}

TEST(DidYouMean, NothingCloseEnough) {
  STRCMP_EQUAL("", did_you_mean("colour", kKeys).c_str());
  STRCMP_EQUAL("", did_you_mean("", kKeys).c_str());
  STRCMP_EQUAL("", did_you_mean("items", std::span<const std::string_view>()).c_str());
}

TEST(DidYouMean, DistanceLimitGrowsWithTheWord) {
  // Short words allow one edit; "xy" is two edits from "ok".
  constexpr std::array<std::string_view, 1> ok = {"ok"};
  STRCMP_EQUAL("ok", did_you_mean("oj", ok).c_str());
  STRCMP_EQUAL("", did_you_mean("xy", ok).c_str());
  // 9 letters allow 3 edits, not 4.
  constexpr std::array<std::string_view, 1> producers = {"producers"};
  STRCMP_EQUAL("producers", did_you_mean("prxxxcers", producers).c_str());
  STRCMP_EQUAL("", did_you_mean("prxxxxers", producers).c_str());
}

TEST(DidYouMean, TiesGoToTheFirstCandidate) {
  constexpr std::array<std::string_view, 2> ab = {"dfa", "dfb"};
  STRCMP_EQUAL("dfa", did_you_mean("dfc", ab).c_str());
  constexpr std::array<std::string_view, 2> ba = {"dfb", "dfa"};
  STRCMP_EQUAL("dfb", did_you_mean("dfc", ba).c_str());
}

}  // namespace wakecheck
