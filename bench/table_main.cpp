// The benchmark table: `make bench` (or build/bench/wakecheck_table --help).
//
// For each variant, workload and strategy it runs one search in a child
// process of its own (this binary again, with --row-*), so that each row's
// peak RSS is that row's alone: the child reads its own getrusage() and
// reports one JSON line on its stdout. A row stops at the first of: the
// search ends (exhaustive, a finding, the strategy's own end), its executions
// budget, or its wall budget (a SIGINT to itself, which a search takes as
// "stop between two executions", as Ctrl-C on `wakecheck run`). The table is
// Markdown, printed row by row as they finish.
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/table.hpp"
#include "checker/finding.hpp"
#include "checker/strategies.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A number of executions large enough never to be the limit (the scenario
// loader wants one).
constexpr std::uint64_t kNoExecutionLimit = 1'000'000'000'000'000ULL;

bool is_number_or_bool(const std::string& v) {
  if (v == "true" || v == "false") return true;
  if (v.empty()) return false;
  for (char c : v)
    if (c < '0' || c > '9') return false;
  return true;
}

// The scenario a row searches: boundedq with the row's variant and workload,
// the strategy's [search] keys, no minimising (the table measures the search).
std::string row_scenario(const std::string& variant, const BenchWorkload& w, const StrategySpec& s,
                         std::uint64_t max_executions) {
  std::vector<std::pair<std::string, std::string>> search = {
      {"strategy", fmt::format("\"{}\"", s.name)},
      {"max_executions", std::to_string(max_executions == 0 ? kNoExecutionLimit : max_executions)},
      {"minimise_budget", "0"},
  };
  for (const auto& [key, value] : s.search) {
    const std::string v = is_number_or_bool(value) ? value : fmt::format("\"{}\"", value);
    bool replaced = false;
    for (auto& kv : search)
      if (kv.first == key) kv.second = v, replaced = true;
    if (!replaced) search.emplace_back(key, v);
  }
  std::string text = fmt::format(
      "[scenario]\nname = \"bench {} {} {}\"\nmodel = \"boundedq\"\nvariant = \"{}\"\n"
      "[workload]\nproducers = {}\nconsumers = {}\nitems = {}\ncapacity = {}\n[search]\n",
      variant, w.name, s.text, variant, w.producers, w.consumers, w.items, w.capacity);
  for (const auto& [key, value] : search) text += fmt::format("{} = {}\n", key, value);
  // Nothing is expected of the search: the table reports what it met.
  text += "[expect]\nexhaustive = false\n";
  return text;
}

std::uint64_t own_peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss);  // KiB on Linux
}

// Child mode: runs one row and prints its RowResult as one JSON line.
int run_row(const std::string& variant, const std::string& workload_name,
            const std::string& strategy_text, double seconds, std::uint64_t max_executions) {
  RowResult r;
  try {
    const auto workload = find_workload(workload_name);
    if (!workload) throw std::invalid_argument("unknown workload " + workload_name);
    const StrategySpec spec = parse_strategy(strategy_text);
    const StrategyInfo* info = find_strategy(spec.name);
    if (info == nullptr) throw std::invalid_argument("unknown strategy " + spec.name);
    r.exhaustive_strategy = info->exhaustive;
    const std::string text = row_scenario(variant, *workload, spec, max_executions);
    const Scenario s = parse_scenario(text, "bench row");
    r.max_executions = s.max_executions;

    install_interrupt_handlers();  // SIGINT stops the search between two executions
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    std::atomic<bool> fired = false;
    std::thread timer;
    if (seconds > 0) {
      timer = std::thread([&] {
        std::unique_lock lock(m);
        if (cv.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return done; })) return;
        if (interrupted()) return;  // a person's Ctrl-C came first: a second signal would kill
        fired = true;
        kill(getpid(), SIGINT);
      });
    }
    RunOptions run;
    run.jobs = spec.jobs;  // a row's jobs=N: the parallel search on N threads
    const CheckOutcome o = check_scenario(s, "", run);
    {
      std::lock_guard lock(m);
      done = true;
    }
    cv.notify_all();
    if (timer.joinable()) timer.join();

    const SearchStats& st = o.result.stats;
    r.stop = o.stop;
    r.timed_out = o.stop == "interrupted" && fired;
    r.coverage = o.coverage;
    r.message = o.result.problem;
    r.executions = st.executions;
    r.states = st.states;
    r.seconds = o.seconds;
    r.max_wasted = st.max_wasted;
    if (o.stop == "finding" && o.result.failure) {
      r.finding = finding_name(o.result.failure->finding.kind);
      r.operations = static_cast<std::uint32_t>(o.result.failure->trace.size());
    }
  } catch (const std::bad_alloc&) {
    r.stop = "killed";
    r.message = "out of memory";
  } catch (const std::exception& e) {  // ScenarioError, a bad spec
    r.stop = "error";
    r.message = e.what();
  }
  r.rss_kb = own_peak_rss_kb();
  std::cout << to_json(r) << std::endl;
  return 0;
}

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_parent_signal(int) {
  g_stop = 1;
}

struct Options {
  Budget budget;
  std::uint64_t memory_mb = 4096;  // per row (RLIMIT_AS); 0: none
  std::vector<std::string> variants{"ok", "herd", "nowake"};
  std::vector<std::string> workloads;
  std::vector<StrategySpec> strategies;
  std::string json;
  bool quick = false;
};

// Runs one row in a child process and waits for it (killing it if it overruns
// its wall budget by much: a search polls its stop flag between executions only).
RowResult run_child(const Options& opt, const std::string& variant, const BenchWorkload& w,
                    const StrategySpec& s) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string seconds = fmt::format("{}", opt.budget.seconds);
  const std::string executions = std::to_string(opt.budget.executions);
  std::vector<std::string> args = {
      "wakecheck_table", "--row-variant", variant,     "--row-workload", w.name,
      "--row-strategy",  s.text,          "--seconds", seconds,          "--max-executions",
      executions};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    if (opt.memory_mb > 0) {
      const rlim_t bytes = static_cast<rlim_t>(opt.memory_mb) << 20;
      const rlimit limit{bytes, bytes};
      setrlimit(RLIMIT_AS, &limit);
    }
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  const double grace = opt.budget.seconds > 0 ? std::max(30.0, opt.budget.seconds) : 0;
  bool killed = false;
  while (true) {
    int timeout_ms = -1;
    if (opt.budget.seconds > 0) {
      const double left =
          opt.budget.seconds + grace - std::chrono::duration<double>(Clock::now() - start).count();
      if (left <= 0) {
        kill(pid, SIGKILL);
        killed = true;
        break;
      }
      timeout_ms = static_cast<int>(left * 1000) + 1;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int n = poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;  // Ctrl-C: the child stops on its own
    if (n <= 0) continue;
    char buf[4096];
    const ssize_t got = read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    out.append(buf, static_cast<std::size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  RowResult r;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !killed) {
    try {
      r = row_from_json(out);
      if (r.stop == "killed" && r.message == "out of memory")
        r.message = fmt::format("out of memory (limit {} MB)", opt.memory_mb);
      return r;
    } catch (const std::invalid_argument&) {
    }
  }
  r.stop = "killed";
  r.seconds = elapsed;
  r.rss_kb = static_cast<std::uint64_t>(ru.ru_maxrss);
  if (killed)
    r.message = fmt::format("overran its {} s budget by {:.0f} s", opt.budget.seconds, grace);
  else if (WIFSIGNALED(status))
    r.message = fmt::format(
        "{}{}", strsignal(WTERMSIG(status)),
        opt.memory_mb > 0 ? fmt::format(" under a {} MB memory limit", opt.memory_mb) : "");
  else
    r.message = fmt::format("exit status {}", WEXITSTATUS(status));
  return r;
}

std::string first_line_of(const char* path, std::string_view prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(prefix)) return line;
  return "";
}

std::string cpu_model() {
  std::string line = first_line_of("/proc/cpuinfo", "model name");
  const std::size_t colon = line.find(':');
  return colon == std::string::npos ? "unknown CPU" : line.substr(colon + 2);
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  in >> a >> b >> c;
  return fmt::format("{:.2f} {:.2f} {:.2f}", a, b, c);
}

std::string budget_text(const Options& opt) {
  std::string t;
  if (opt.budget.seconds > 0) t = budget_seconds(opt.budget.seconds) + " wall";
  if (opt.budget.executions > 0)
    t += (t.empty() ? "" : " or ") + thousands(opt.budget.executions) + " executions";
  return t.empty() ? "none" : t;
}

int run_table(const Options& opt) {
  struct sigaction action {};
  action.sa_handler = on_parent_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  const Reference reference = parse_reference(builtin_reference_text(), "bench/reference.toml");
  std::vector<BenchWorkload> workloads;
  for (const std::string& name : opt.workloads) workloads.push_back(*find_workload(name));

  const auto start = Clock::now();
  fmt::print(
      "## wakecheck benchmark{}\n\n"
      "Budget per row: {}. Memory limit per row: {}. Each row is its own process; peak RSS is "
      "that process's. Machine: {}, {} cores online, load average {} at the start.\n\n",
      opt.quick ? " (quick)" : "", budget_text(opt),
      opt.memory_mb > 0 ? fmt::format("{} MB", opt.memory_mb) : "none", cpu_model(),
      sysconf(_SC_NPROCESSORS_ONLN), load_average());
  std::fflush(stdout);

  const bool show_running = isatty(STDERR_FILENO) != 0;
  nlohmann::json rows = nlohmann::json::array();
  std::size_t done = 0;
  const std::size_t total = opt.variants.size() * workloads.size() * opt.strategies.size();
  for (const std::string& variant : opt.variants) {
    if (g_stop) break;
    MarkdownTable table(variant, reference);
    fmt::print("{}\n{}", table.title(), table.header());
    std::fflush(stdout);
    for (const BenchWorkload& w : workloads) {
      for (std::size_t i = 0; i < opt.strategies.size() && !g_stop; ++i) {
        const StrategySpec& s = opt.strategies[i];
        if (show_running)
          fmt::print(stderr, "\r[{}/{}] {} {} {} ...\033[K", done + 1, total, variant, w.name,
                     s.text);
        const RowResult r = run_child(opt, variant, w, s);
        ++done;
        if (show_running) fmt::print(stderr, "\r\033[K");
        fmt::print("{}", table.row(w, s, r, opt.budget, i == 0));
        std::fflush(stdout);
        nlohmann::json row = nlohmann::json::parse(to_json(r));
        row["variant"] = variant;
        row["workload"] = w.name;
        row["strategy"] = s.text;
        row["jobs"] = s.jobs;
        row["outcome"] = outcome_text(r, opt.budget);
        rows.push_back(std::move(row));
      }
    }
    fmt::print("\n{}\n", table.notes());
  }
  fmt::print("{} row{} in {}; load average {} at the end.{}\n", done, done == 1 ? "" : "s",
             seconds_text(std::chrono::duration<double>(Clock::now() - start).count()),
             load_average(), g_stop ? fmt::format(" Interrupted: {} not run.", total - done) : "");
  if (!opt.json.empty()) {
    std::ofstream out(opt.json);
    out << rows.dump(1) << "\n";
    if (!out) {
      fmt::print(stderr, "wakecheck_table: cannot write {}\n", opt.json);
      return 2;
    }
  }
  return g_stop ? 130 : 0;
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

}  // namespace
}  // namespace wakecheck::bench

int main(int argc, char** argv) {
  using namespace wakecheck::bench;
  CLI::App app{
      "The benchmark table: boundedq Q-ok, B-herd and B-nowake on W1..W6 and 4x4x2x2 under each "
      "strategy (executions, states, wall, executions/s, peak RSS, how it ended), in Markdown, "
      "beside SPIN's and GenMC's figures. Each row runs in a process of its own.\n"
      "Environment: BENCH_SECONDS, BENCH_EXECUTIONS, BENCH_QUICK=1, BENCH_MEMORY_MB (flags win)."};
  Options opt;
  std::string variants = "ok,herd,nowake", workloads, strategies(kDefaultStrategies);
  std::optional<double> seconds;
  std::optional<std::uint64_t> executions;
  std::optional<std::uint64_t> memory_mb;
  app.add_flag("--quick", opt.quick, "W1..W3 only, 2 s per row (unless --seconds)");
  app.add_option("--seconds", seconds, "wall budget per row, 0: none (default 30)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-executions", executions, "executions budget per row, 0: none (default)");
  app.add_option("--memory-mb", memory_mb, "address-space limit per row in MB, 0: none (4096)");
  app.add_option("--variants", variants, "comma-separated boundedq variants")
      ->capture_default_str();
  app.add_option("--workloads", workloads,
                 "comma-separated: W1..W6, 4x4x2x2 or PxCxKxM (default: all seven)");
  app.add_option("--strategies", strategies,
                 "comma-separated NAME[:KEY=VALUE...]: a strategy and its [search] keys, "
                 "e.g. pb:bound=3, random:seed=7:max_executions=100000, dfs:jobs=2")
      ->capture_default_str();
  app.add_option("--json", opt.json, "also write every row as JSON into this file");
  std::string row_variant, row_workload, row_strategy;
  app.add_option("--row-variant", row_variant)->group("");
  app.add_option("--row-workload", row_workload)->group("");
  app.add_option("--row-strategy", row_strategy)->group("");
  CLI11_PARSE(app, argc, argv);

  try {
    if (!seconds && env("BENCH_SECONDS")) seconds = std::stod(env("BENCH_SECONDS"));
    if (!executions && env("BENCH_EXECUTIONS")) executions = std::stoull(env("BENCH_EXECUTIONS"));
    if (!memory_mb && env("BENCH_MEMORY_MB")) memory_mb = std::stoull(env("BENCH_MEMORY_MB"));
    if (!opt.quick && env("BENCH_QUICK") && std::string(env("BENCH_QUICK")) != "0")
      opt.quick = true;
  } catch (const std::exception&) {
    std::fprintf(stderr, "wakecheck_table: a BENCH_* variable is not a number\n");
    return 2;
  }
  if (seconds && *seconds < 0) {
    std::fprintf(stderr, "wakecheck_table: seconds must be 0 or more\n");
    return 2;
  }
  opt.budget.seconds = seconds.value_or(opt.quick ? 2 : 30);
  opt.budget.executions = executions.value_or(0);
  if (memory_mb) opt.memory_mb = *memory_mb;

  if (!row_variant.empty())
    return run_row(row_variant, row_workload, row_strategy, opt.budget.seconds,
                   opt.budget.executions);

  try {
    opt.variants = split_list(variants);
    opt.workloads = workloads.empty() ? std::vector<std::string>{} : split_list(workloads);
    if (workloads.empty())
      for (const BenchWorkload& w : standard_workloads())
        if (!opt.quick || w.name == "W1" || w.name == "W2" || w.name == "W3")
          opt.workloads.push_back(w.name);
    for (const std::string& w : opt.workloads)
      if (!find_workload(w))
        throw std::invalid_argument(
            fmt::format("unknown workload `{}` (W1..W6, 4x4x2x2 or PxCxKxM)", w));
    opt.strategies = parse_strategies(strategies);
    // Every row's scenario is checked before the first runs: a misspelt
    // variant or [search] key is bad input now, with the loader's message.
    for (const std::string& v : opt.variants) {
      for (const StrategySpec& s : opt.strategies) {
        const std::string where = fmt::format("--variants {} --strategies {}", v, s.text);
        try {
          wakecheck::parse_scenario(row_scenario(v, *find_workload(opt.workloads.front()), s, 0),
                                    where);
        } catch (const wakecheck::ScenarioError& e) {
          // "<where>:<line>:<column>: <message>": the position is in text made here.
          const std::string what = e.what();
          const std::size_t message = what.find(": ", where.size());
          throw std::invalid_argument(message == std::string::npos ? what
                                                                   : where + what.substr(message));
        }
      }
    }
  } catch (const std::exception& e) {  // a bad list, a bad [search] key or value
    std::fprintf(stderr, "wakecheck_table: %s\n", e.what());
    return 2;
  }
  return run_table(opt);
}
