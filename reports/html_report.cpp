#include "reports/html_report.hpp"

#include <fmt/format.h>

#include <vector>

#include "checker/diagnose.hpp"
#include "reports/markup.hpp"

namespace wakecheck {
namespace {

constexpr const char* kStyle = R"(<style>
body{font:13px/1.4 monospace;margin:1em;color:#222}
h1{font-size:16px} pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}
table{border-collapse:collapse} th,td{border:1px solid #ddd;padding:1px 6px;vertical-align:top}
th.lane-head{background:#eee;position:sticky;top:0}
td.op{background:#fff} td.holding{background:#ffe9b3} td.sleeping{background:#cfe3ff}
td.holding.sleeping{background:#d8c9ff}
tr.window td{box-shadow:inset 0 0 0 9999px rgba(255,80,80,.18)} tr.finding td{font-weight:bold}
td.wake-path{border-bottom:2px solid #c00} td.wake-head{color:#c00}
.loc{color:#777;font-size:11px}
</style>)";

// Per task, at one row: does it hold a lock, is it asleep.
struct LaneState {
  int locks = 0;
  bool asleep = false;
};

std::string lane_class(const LaneState& s) {
  std::string c = s.locks > 0 ? "holding" : "";
  if (s.asleep) c += c.empty() ? "sleeping" : " sleeping";
  return c;
}

void advance(const TraceEntry& e, std::vector<LaneState>& lanes) {
  if (e.task >= lanes.size()) return;
  LaneState& s = lanes[e.task];
  if (e.kind == OpKind::LockAcquire && e.a != kLockQueued) ++s.locks;
  if (e.kind == OpKind::LockRelease && s.locks > 0) --s.locks;
  if (e.kind == OpKind::Schedule && e.a == 1) s.asleep = true;
  if (e.kind == OpKind::Resume) s.asleep = false;
}

// One row: the acting task's cell holds the operation; a Wake draws its
// arrow across the lanes between the waker and the woken task.
std::string row(const ExecutionRecord& r, std::size_t i, const std::vector<LaneState>& lanes) {
  const TraceEntry& e = r.trace[i];
  const Finding& f = r.finding;
  const std::size_t n = i + 1;
  std::string cls =
      f.window_first != 0 && f.window_first <= n && n <= f.window_last ? "window" : "";
  if (f && f.entry == n) cls += cls.empty() ? "finding" : " finding";
  const bool wake = e.kind == OpKind::Wake && e.b >= 0;
  const std::size_t from = e.task, to = wake ? static_cast<std::size_t>(e.b) : e.task;
  std::string out = fmt::format("<tr id=\"op{}\" class=\"{}\"><td>{}</td>", n, cls, n);
  for (std::size_t t = 0; t < lanes.size(); ++t) {
    std::string c = lane_class(lanes[t]);
    std::string text;
    if (t == e.task) {
      c += c.empty() ? "op" : " op";
      text = fmt::format("{}{} <span class=\"loc\">{}</span>", e.scheduling_point ? "* " : "",
                         markup_escape(describe_entry(r, e)), markup_escape(where(e.loc)));
    }
    const bool between = wake && t != e.task && ((from < t && t <= to) || (to <= t && t < from));
    if (between) c += t == to ? " wake-path wake-head" : " wake-path";
    if (wake && t == to && t != e.task)
      text = fmt::format(
          "<span class=\"wake-arrow\" data-from=\"{}\" data-to=\"{}\">{} woken by "
          "{}</span>",
          markup_escape(r.task_names[from]), markup_escape(r.task_names[to]),
          to > from ? "&#8594;" : "&#8592;", markup_escape(r.task_names[from]));
    out += fmt::format("<td class=\"{}\">{}</td>", c, text);
  }
  return out + "</tr>\n";
}

}  // namespace

std::string format_html(const ExecutionRecord& r, const ScenarioIdentity& scenario,
                        const std::string& replay_command) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>wakecheck: {}</title>\n{}\n"
      "</head><body>\n<h1>{} <span class=\"loc\">({})</span></h1>\n",
      markup_escape(scenario.name), kStyle, markup_escape(scenario.name),
      markup_escape(scenario.path));
  if (r.finding)
    out += fmt::format("<p id=\"finding\"><b>{}</b>: {}</p>\n<pre id=\"explanation\">{}</pre>\n",
                       finding_name(r.finding.kind), markup_escape(r.finding.summary),
                       markup_escape(r.finding.explanation));
  else
    out += "<p id=\"finding\"><b>none</b></p>\n";
  out += fmt::format(
      "<p>replay: <code id=\"replay\">{}</code></p>\n<p>lanes: one per task; shaded "
      "<span style=\"background:#ffe9b3\">holding a lock</span>, "
      "<span style=\"background:#cfe3ff\">sleeping</span>; red rows: the bug's window; "
      "<span style=\"color:#c00\">&#8594;</span> a wake; * the scheduler chose the task.</p>\n"
      "<p id=\"rendered\"></p>\n<table id=\"timeline\"><tr><th>#</th>",
      markup_escape(replay_command));
  for (const std::string& name : r.task_names)
    out += fmt::format("<th class=\"lane-head\">{}</th>", markup_escape(name));
  out += "</tr>\n";
  std::vector<LaneState> lanes(r.task_names.size());
  for (std::size_t i = 0; i < r.trace.size(); ++i) {
    advance(r.trace[i], lanes);
    out += row(r, i, lanes);
  }
  out +=
      fmt::format("</table>\n<h2>final state</h2>\n<pre>{}</pre>\n", markup_escape(r.final_state));
  // Proof for a browser test that the page was laid out and its script ran.
  out +=
      "<script>document.getElementById('rendered').textContent = "
      "document.querySelectorAll('th.lane-head').length + ' lanes, ' + "
      "(document.querySelectorAll('#timeline tr').length - 1) + ' operations, ' + "
      "document.querySelectorAll('tr.window').length + ' in the window';</script>\n"
      "</body></html>\n";
  return out;
}

}  // namespace wakecheck
