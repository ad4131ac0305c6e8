// [expect]: wasted-wakeup bounds (total and per wait queue) and exhaustive;
// the verdict layer: thundering-herd on the worst execution, inconclusive
// when a search that had to be exhaustive was not.
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/verdict.hpp"
#include "scenarios/scenario.hpp"
#include "tests/console_capture.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

// A herd: 2 producers, 2 consumers, one item each (W2). Line 11 is [expect].
constexpr std::string_view kHerd =
    "[scenario]\n"            // 1
    "name = \"herd\"\n"       // 2
    "model = \"boundedq\"\n"  // 3
    "variant = \"herd\"\n"    // 4
    "\n"                      // 5
    "[workload]\n"            // 6
    "producers = 2\n"         // 7
    "consumers = 2\n"         // 8
    "items = 1\n"             // 9
    "capacity = 1\n"          // 10
    "[expect]\n";             // 11

std::string error_of(const std::string& text) {
  try {
    check_scenario(parse_scenario(text, "t.toml"));
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

CheckOutcome outcome_of(const std::string& text) {
  return check_scenario(parse_scenario(text, "t.toml"));
}

}  // namespace

TEST_GROUP(ExpectKeys){};

TEST(ExpectKeys, BoundsAreRead) {
  const Scenario s = parse_scenario(std::string(kHerd) +
                                        "max_wasted_wakeups = 3\nexhaustive = false\n"
                                        "[expect.max_wasted_wakeups_by_queue]\nconsumers_wq = 1\n",
                                    "t.toml");
  CHECK_EQUAL(3u, *s.max_wasted);
  CHECK_FALSE(*s.exhaustive);
  LONGS_EQUAL(1, s.max_wasted_by_queue.size());
  STRCMP_EQUAL("consumers_wq", s.max_wasted_by_queue[0].queue.c_str());
  CHECK_EQUAL(1u, s.max_wasted_by_queue[0].max);
}

TEST(ExpectKeys, NegativeOrNotAnIntegerIsBadInputAtTheValue) {
  const std::string base(kHerd);
  STRCMP_EQUAL("t.toml:12:22: 'max_wasted_wakeups' must be at least 0, not -1",
               error_of(base + "max_wasted_wakeups = -1\n").c_str());
  STRCMP_EQUAL("t.toml:12:22: 'max_wasted_wakeups' must be an integer, not a floating-point number",
               error_of(base + "max_wasted_wakeups = 1.5\n").c_str());
  STRCMP_EQUAL("t.toml:12:22: 'max_wasted_wakeups' must be an integer, not a string",
               error_of(base + "max_wasted_wakeups = \"2\"\n").c_str());
  STRCMP_EQUAL(
      "t.toml:13:16: 'max_wasted_wakeups_by_queue.consumers_wq' must be at least 0, not -2",
      error_of(base + "[expect.max_wasted_wakeups_by_queue]\nconsumers_wq = -2\n").c_str());
  STRCMP_EQUAL("t.toml:12:14: 'exhaustive' must be a boolean, not an integer",
               error_of(base + "exhaustive = 1\n").c_str());
}

TEST(ExpectKeys, UnknownKeyGetsDidYouMean) {
  STRCMP_EQUAL(
      "t.toml:12:1: unknown key 'max_wasted_wakeup' in [expect]; did you mean "
      "'max_wasted_wakeups'?",
      error_of(std::string(kHerd) + "max_wasted_wakeup = 1\n").c_str());
}

// Wait queues exist only once the model is set up: checked then, before the search.
TEST(ExpectKeys, UnknownWaitQueueIsBadInputBeforeTheSearch) {
  STRCMP_EQUAL(
      "t.toml:13:1: unknown wait queue 'consumer_wq' in "
      "[expect.max_wasted_wakeups_by_queue]; did you mean 'consumers_wq'? (model "
      "'boundedq' has: producers_wq, consumers_wq)",
      error_of(std::string(kHerd) + "[expect.max_wasted_wakeups_by_queue]\n"
                                    "consumer_wq = 1\n")
          .c_str());
}

TEST_GROUP(HerdVerdict){};

// W2's worst case is 1 wasted wakeup on consumers_wq (README, "Thundering herd").
TEST(HerdVerdict, WithinTheBoundIsMet) {
  const CheckOutcome o = outcome_of(std::string(kHerd) + "max_wasted_wakeups = 1\n");
  STRCMP_EQUAL("none", finding_name(o.found));
  CHECK(o.verdict == Verdict::Met);
  CHECK_EQUAL(1u, o.result.stats.max_wasted);
}

TEST(HerdVerdict, AboveTheTotalBoundIsAThunderingHerdOnTheWorstExecution) {
  const CheckOutcome o = outcome_of(std::string(kHerd) + "max_wasted_wakeups = 0\n");
  STRCMP_EQUAL("thundering-herd", finding_name(o.found));
  CHECK(o.verdict == Verdict::NotMet);
  const Finding& f = o.result.failure->finding;
  STRCMP_EQUAL("consumers_wq", o.result.failure->objects[f.object].name.c_str());
  STRCMP_CONTAINS("1 wasted wakeups in one execution (1 on consumers_wq), more than the 0 allowed",
                  f.summary.c_str());
  // The window runs from the wake_up to the wasted wakeup it caused.
  const auto& trace = o.result.failure->trace;
  CHECK(f.window_first >= 1 && f.window_first < f.window_last && f.entry == f.window_last);
  STRCMP_EQUAL("wake-up", op_kind_name(trace[f.window_first - 1].kind));
  STRCMP_EQUAL("wasted-wakeup", op_kind_name(trace[f.entry - 1].kind));
  STRCMP_CONTAINS("the herd: wake_up_all(consumers_wq) at #", f.explanation.c_str());
  STRCMP_CONTAINS("found nothing and waited again: consumer", f.explanation.c_str());
}

TEST(HerdVerdict, AboveAQueueBoundNamesThatQueue) {
  const CheckOutcome o = outcome_of(std::string(kHerd) +
                                    "finding = \"thundering-herd\"\n"
                                    "[expect.max_wasted_wakeups_by_queue]\n"
                                    "producers_wq = 0\nconsumers_wq = 0\n");
  STRCMP_EQUAL("thundering-herd", finding_name(o.found));
  CHECK(o.verdict == Verdict::Met);
  STRCMP_CONTAINS("1 wasted wakeups on consumers_wq in one execution, more than the 0 allowed",
                  o.result.failure->finding.summary.c_str());
}

TEST_GROUP(HerdFigures){};

std::uint32_t on_queue(const CheckOutcome& o, const char* queue) {
  for (const WaitQueueName& q : o.wait_queues)
    if (q.name == queue && q.id < o.result.max_wasted_by_object.size())
      return o.result.max_wasted_by_object[q.id];
  return 0;
}

// The README's table, W1 and W2: exhaustive, and seeded random walks over the
// same scenarios never find more (W3 is not exhaustive yet: see the README).
TEST(HerdFigures, W1AndW2WorstCasesOnConsumersWq) {
  struct Row {
    const char* file;
    std::uint32_t consumers, producers;
  };
  for (const Row& row :
       {Row{"scenarios/boundedq/ok_w1.toml", 0, 0}, Row{"scenarios/boundedq/herd_w1.toml", 0, 0},
        Row{"scenarios/boundedq/ok_w2.toml", 1, 0}, Row{"scenarios/boundedq/herd_w2.toml", 1, 0}}) {
    const Scenario s = load_scenario(row.file);
    const CheckOutcome exact = check_scenario(s);
    CHECK_TEXT(exact.result.stats.exhausted, row.file);
    LONGS_EQUAL_TEXT(row.consumers, on_queue(exact, "consumers_wq"), row.file);
    LONGS_EQUAL_TEXT(row.producers, on_queue(exact, "producers_wq"), row.file);
    LONGS_EQUAL_TEXT(row.consumers + row.producers, exact.result.stats.max_wasted, row.file);
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
      Scenario walk = s;
      walk.seed = seed;
      walk.max_executions = 20000;
      const CheckOutcome sampled = check_scenario(walk, "random");
      CHECK_TEXT(sampled.result.stats.max_wasted <= exact.result.stats.max_wasted, row.file);
      CHECK_TEXT(on_queue(sampled, "consumers_wq") <= row.consumers, row.file);
    }
  }
}

TEST_GROUP(Inconclusive){};

TEST(Inconclusive, ABoundedDfsExpectingNoneIsInconclusive) {
  const CheckOutcome o = outcome_of(std::string(kHerd) + "[search]\nmax_executions = 10\n");
  CHECK(o.verdict == Verdict::Inconclusive);
  STRCMP_EQUAL("max-executions", o.stop.c_str());
  STRCMP_CONTAINS("INCONCLUSIVE: the search stopped at max_executions", verdict_text(o).c_str());
}

TEST(Inconclusive, ExhaustiveFalseAcceptsABoundedSearch) {
  const CheckOutcome o =
      outcome_of(std::string(kHerd) + "exhaustive = false\n[search]\nmax_executions = 10\n");
  CHECK(o.verdict == Verdict::Met);
}

TEST(Inconclusive, ABoundedStrategyIsAcceptedUnlessExhaustiveIsAsked) {
  const std::string random = "[search]\nstrategy = \"random\"\nmax_executions = 10\n";
  CHECK(outcome_of(std::string(kHerd) + random).verdict == Verdict::Met);
  CHECK(outcome_of(std::string(kHerd) + "exhaustive = true\n" + random).verdict ==
        Verdict::Inconclusive);
}

// pb finishes, but covers only the schedules within its bound.
TEST(Inconclusive, AFinishedBoundedStrategyIsNotAnExhaustiveSearch) {
  const std::string pb = "[search]\nstrategy = \"pb\"\n";
  const CheckOutcome o = outcome_of(std::string(kHerd) + "exhaustive = true\n" + pb);
  STRCMP_EQUAL("exhausted", o.stop.c_str());
  CHECK(o.verdict == Verdict::Inconclusive);
  CHECK(outcome_of(std::string(kHerd) + pb).verdict == Verdict::Met);
}

TEST(Inconclusive, TheStepBoundIsInconclusiveNotALivelock) {
  const CheckOutcome o = outcome_of(std::string(kHerd) + "[search]\nmax_steps = 5\n");
  STRCMP_EQUAL("none", finding_name(o.found));
  STRCMP_EQUAL("step-bound", o.stop.c_str());
  CHECK(o.verdict == Verdict::Inconclusive);
  STRCMP_CONTAINS("INCONCLUSIVE: step bound", verdict_text(o).c_str());
}

TEST_GROUP(Explain){};

// `wakecheck explain KIND` knows every finding kind there is.
TEST(Explain, EveryFindingKindIsExplained) {
  for (const std::string_view name : finding_names()) {
    if (name == "none") continue;
    Streams s;
    LONGS_EQUAL(kExitMet, explain_command(s.io, std::string(name)));
    STRCMP_CONTAINS("fix: ", s.out.str().c_str());
  }
}

TEST(Explain, AnUnknownKindGetsDidYouMean) {
  Streams s;
  LONGS_EQUAL(kExitBadInput, explain_command(s.io, "thundering_herd"));
  STRCMP_CONTAINS("unknown finding kind 'thundering_herd'; did you mean 'thundering-herd'?",
                  s.err.str().c_str());
}

}  // namespace wakecheck
