// One recorded operation, and the record of a whole execution that a report is
// made from. Trace entries are plain data: appending one is the hot path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/event.hpp"
#include "checker/finding.hpp"
#include "checker/types.hpp"

namespace wakecheck {

struct TraceEntry {
  TaskId task = kNoTask;
  ObjectId object = kNoObject;
  OpKind kind = OpKind::Note;
  Access access = Access::None;
  bool scheduling_point = false;  // the scheduler chose to run `task` just before it
  bool guarded = false;           // data access made holding the object's declared guard
  // A step the reduction ran without a scheduling point of its own (a lock
  // release, or the operation right after an acquisition or a Resume):
  // visible to others all the same, unlike a record().
  bool moved = false;
  std::int64_t a = 0;  // result or argument; meaning per OpKind (event.hpp)
  std::int64_t b = 0;
  const char* label = "";  // the facade's name: "spin_lock", "prepare_to_wait", ...
  SourceLoc loc;
};

struct ObjectInfo {
  std::string name;
  ObjectKind kind;
  std::uint32_t wasted = 0;  // wasted wakeups counted against it in this execution
};

// Everything a report needs about one finished execution, copied out before
// its fibers (and the wait-queue entries on their stacks) are torn down.
struct ExecutionRecord {
  Finding finding;
  std::vector<TraceEntry> trace;
  std::vector<TaskId> decisions;  // one per scheduling point with two or more enabled tasks
  std::vector<std::string> task_names;
  std::vector<ObjectInfo> objects;
  std::string final_state;  // one line per task, lock and wait queue
  std::uint32_t steps = 0;  // scheduling points taken
};

}  // namespace wakecheck
