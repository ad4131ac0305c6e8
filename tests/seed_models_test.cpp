// What the seed models' findings say about their cause, beyond the kind,
// task, object and summary that their golden files keep: the boundedq seed_*
// variants (seeds/000) and the xv6 Queue family (seeds/003).
#include <string>

#include "cli/commands.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

const ExecutionRecord& failure_of(const CheckOutcome& o, FindingKind kind) {
  CHECK(o.found == kind);
  CHECK(o.result.failure.has_value());
  return *o.result.failure;
}

std::string task_of(const ExecutionRecord& r) {
  return r.task_names[r.finding.task];
}

std::string object_of(const ExecutionRecord& r) {
  return r.objects[r.finding.object].name;
}

}  // namespace

TEST_GROUP(SeedModels){};

// The seed's `if (consumers_wq != NULL) wakeup(consumers_wq)`: the report
// names the skipped wake and the unlocked word it was decided on.
TEST(SeedModels, NullTestNamesTheSkippedWakeAndTheWordItRead) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/boundedq/seed_null_test.toml"));
  const ExecutionRecord& r = failure_of(o, FindingKind::LostWakeup);
  STRCMP_EQUAL("consumer0", task_of(r).c_str());
  STRCMP_EQUAL("consumers_wq", object_of(r).c_str());
  const std::string& why = r.finding.explanation;
  STRCMP_CONTAINS("producer0 skipped its wake_up: it read consumers_waiting = 0", why.c_str());
  STRCMP_CONTAINS("consumer0 set it to 1 only at", why.c_str());
}

// The uninitialised item is caught where the seed processes it.
TEST(SeedModels, UninitialisedItemIsCaughtAtProcessItem) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/boundedq/seed_uninit_item.toml"));
  const ExecutionRecord& r = failure_of(o, FindingKind::Invariant);
  STRCMP_EQUAL("consumer0", task_of(r).c_str());
  STRCMP_CONTAINS("never produced", r.finding.summary.c_str());
  STRCMP_CONTAINS("checked at model/queues/boundedq_seed.cpp:", r.finding.explanation.c_str());
}

// A wakeup(chan) between the consumer's test and its sleep(): the report
// reads the Queue as the wait queue, names the wake that found no one and
// both ends of the window.
TEST(SeedModels, Xv6TestThenSleepNamesTheWakeAndTheWindowOnTheQueue) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/xv6/sleep_test_then_sleep.toml"));
  const ExecutionRecord& r = failure_of(o, FindingKind::LostWakeup);
  STRCMP_EQUAL("consumer0", task_of(r).c_str());
  STRCMP_EQUAL("chan", object_of(r).c_str());
  const std::string& why = r.finding.explanation;
  STRCMP_CONTAINS("enqueued on chan at #", why.c_str());
  STRCMP_CONTAINS("the last wake_up on chan was #", why.c_str());
  STRCMP_CONTAINS("by producer (model/queues/xv6_sleep.cpp:", why.c_str());
  STRCMP_CONTAINS("it found no one to wake", why.c_str());
  STRCMP_CONTAINS("consumer0 tested its condition at #", why.c_str());
}

// A plain Queue operation without the Queue's lock: both sites, one with the
// lock and one without.
TEST(SeedModels, Xv6PlainQueueOperationNamesBothSites) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/xv6/sleep_wakeup_plain.toml"));
  const ExecutionRecord& r = failure_of(o, FindingKind::DataRace);
  STRCMP_EQUAL("chan", object_of(r).c_str());
  const std::string& why = r.finding.explanation;
  // Either access may come first ("read"/"reads", "wrote"/"writes").
  STRCMP_CONTAINS("producer read", why.c_str());
  STRCMP_CONTAINS(" chan at model/queues/xv6_sleep.cpp:54, without chan.lock", why.c_str());
  STRCMP_CONTAINS("consumer0 wr", why.c_str());
  STRCMP_CONTAINS(" chan at model/queues/xv6_sleep.cpp:136, holding chan.lock", why.c_str());
}

// An _atomic operation under the lock it takes: the deadlock names the lock
// and where it was first taken.
TEST(SeedModels, Xv6AtomicOperationUnderItsLockIsARecursiveLock) {
  const CheckOutcome o =
      check_scenario(load_scenario("scenarios/xv6/sleep_wakeup_atomic_locked.toml"));
  const ExecutionRecord& r = failure_of(o, FindingKind::Deadlock);
  STRCMP_EQUAL("producer", task_of(r).c_str());
  STRCMP_EQUAL("chan.lock", object_of(r).c_str());
  STRCMP_CONTAINS("recursive locking", r.finding.summary.c_str());
  STRCMP_CONTAINS("spin_lock() at model/queues/xv6_sleep.cpp:", r.finding.explanation.c_str());
}

// futex_wait testing the user word before the futex's lock: the report says
// what the sleeper read and who changed it.
TEST(SeedModels, Xv6FutexUnlockedTestNamesTheWordAndItsChange) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/xv6/futex_unlocked_test.toml"));
  const ExecutionRecord& r = failure_of(o, FindingKind::LostWakeup);
  STRCMP_EQUAL("waiter0", task_of(r).c_str());
  STRCMP_EQUAL("futex.waiting_queue", object_of(r).c_str());
  const std::string& why = r.finding.explanation;
  STRCMP_CONTAINS("it decided to sleep after reading word = 0", why.c_str());
  STRCMP_CONTAINS("waker set it to 1", why.c_str());
}

}  // namespace wakecheck
