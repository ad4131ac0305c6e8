#include "reports/perfetto_report.hpp"

#include <nlohmann/json.hpp>

#include <map>

#include "checker/diagnose.hpp"

namespace wakecheck {
namespace {

using json = nlohmann::ordered_json;

constexpr int kPid = 1;
constexpr int kLockTrackBase = 1000;  // tid of task t's lock track: 1000 + t
constexpr std::int64_t kTick = 10;    // µs per operation

std::int64_t ts(std::size_t i) {
  return static_cast<std::int64_t>(i) * kTick;
}

json slice(const std::string& name, const char* cat, std::size_t tid, std::int64_t begin,
           std::int64_t end, json args = json::object()) {
  return {{"name", name},       {"cat", cat},  {"ph", "X"},  {"ts", begin},
          {"dur", end - begin}, {"pid", kPid}, {"tid", tid}, {"args", std::move(args)}};
}

json metadata(const char* what, std::size_t tid, const std::string& name) {
  json j = {{"name", what}, {"ph", "M"}, {"pid", kPid}, {"args", {{"name", name}}}};
  if (tid != 0) j["tid"] = tid;
  return j;
}

// Operations, "running" bursts and "sleeping" spans on each task's track.
void task_slices(const ExecutionRecord& r, json& events) {
  std::size_t burst = 0;
  std::map<TaskId, std::pair<std::size_t, std::string>> asleep;  // since, on what
  std::map<TaskId, std::string> queued_on;  // the wait queue it was last enqueued on
  std::map<TaskId, std::string> falling_asleep;
  for (std::size_t i = 0; i < r.trace.size(); ++i) {
    const TraceEntry& e = r.trace[i];
    const std::size_t tid = e.task + 1;
    const std::string op = describe_entry(r, e);
    events.push_back(slice(op_kind_name(e.kind), "op", tid, ts(i), ts(i + 1),
                           {{"entry", i + 1}, {"op", op}, {"where", where(e.loc)}}));
    const bool last = i + 1 == r.trace.size() || r.trace[i + 1].task != e.task;
    if (last) {
      events.push_back(slice("running", "running", tid, ts(burst), ts(i + 1)));
      burst = i + 1;
    }
    if (e.kind == OpKind::WaitQueueAdd && e.b >= 0)
      queued_on[static_cast<TaskId>(e.b)] = r.objects[e.object].name;
    // Asleep from the end of the burst that called schedule() (the wasted
    // wakeup count is recorded after it) to its Resume.
    if (e.kind == OpKind::Schedule && e.a == 1)
      falling_asleep[e.task] =
          queued_on.count(e.task) ? "sleeping on " + queued_on[e.task] : std::string("sleeping");
    if (last && falling_asleep.count(e.task)) {
      asleep[e.task] = {i + 1, falling_asleep[e.task]};
      falling_asleep.erase(e.task);
    }
    if (e.kind == OpKind::Resume && asleep.count(e.task)) {
      events.push_back(slice(asleep[e.task].second, "sleep", tid, ts(asleep[e.task].first), ts(i)));
      asleep.erase(e.task);
    }
  }
  for (const auto& [task, since] : asleep)  // asleep at the end
    events.push_back(slice(since.second + " (never woken)", "sleep", task + 1, ts(since.first),
                           ts(r.trace.size())));
}

// "holding LOCK" from each acquire to its release, on the task's lock track.
void lock_slices(const ExecutionRecord& r, json& events) {
  std::map<std::pair<TaskId, ObjectId>, std::size_t> held;
  for (std::size_t i = 0; i < r.trace.size(); ++i) {
    const TraceEntry& e = r.trace[i];
    const auto key = std::make_pair(e.task, e.object);
    if (e.kind == OpKind::LockAcquire && e.a != kLockQueued) held[key] = i;
    if (e.kind == OpKind::LockRelease && held.count(key)) {
      events.push_back(slice("holding " + r.objects[e.object].name, "lock", kLockTrackBase + e.task,
                             ts(held[key]), ts(i + 1)));
      held.erase(key);
    }
  }
  for (const auto& [key, since] : held)
    events.push_back(slice("holding " + r.objects[key.second].name + " (never released)", "lock",
                           kLockTrackBase + key.first, ts(since), ts(r.trace.size())));
}

// An arrow from each Wake (in the waker's slice) to the woken task's next operation.
void wake_flows(const ExecutionRecord& r, json& events) {
  int id = 0;
  for (std::size_t i = 0; i < r.trace.size(); ++i) {
    const TraceEntry& e = r.trace[i];
    if (e.kind != OpKind::Wake || e.b < 0) continue;
    const auto woken = static_cast<TaskId>(e.b);
    std::size_t next = i + 1;
    while (next < r.trace.size() && r.trace[next].task != woken) ++next;
    if (next == r.trace.size()) continue;
    ++id;
    events.push_back({{"name", "wake"},
                      {"cat", "wake"},
                      {"ph", "s"},
                      {"id", id},
                      {"ts", ts(i)},
                      {"pid", kPid},
                      {"tid", e.task + 1}});
    events.push_back({{"name", "wake"},
                      {"cat", "wake"},
                      {"ph", "f"},
                      {"bp", "e"},
                      {"id", id},
                      {"ts", ts(next)},
                      {"pid", kPid},
                      {"tid", woken + 1}});
  }
}

}  // namespace

std::string format_perfetto(const ExecutionRecord& r, const ScenarioIdentity& scenario) {
  json events = json::array();
  events.push_back(metadata("process_name", 0, "wakecheck: " + scenario.name));
  for (std::size_t t = 0; t < r.task_names.size(); ++t) {
    events.push_back(metadata("thread_name", t + 1, r.task_names[t]));
    events.push_back(metadata("thread_name", kLockTrackBase + t, r.task_names[t] + " locks"));
  }
  task_slices(r, events);
  lock_slices(r, events);
  wake_flows(r, events);
  json doc = {{"traceEvents", events}, {"displayTimeUnit", "ms"}};
  if (r.finding)
    doc["metadata"] = {{"finding", finding_name(r.finding.kind)}, {"summary", r.finding.summary}};
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wakecheck
