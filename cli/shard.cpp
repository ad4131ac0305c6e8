#include "cli/shard.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "checker/files.hpp"
#include "cli/commands.hpp"

namespace wakecheck {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxShardFile = 1U << 30;

// A whole decimal number, or nullopt.
std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

json decisions_json(const std::optional<ExecutionRecord>& r) {
  return r ? json(r->decisions) : json(nullptr);
}

json unit_json(const UnitResult& u) {
  const SearchResult& r = u.result;
  json by_object = json::array();
  for (const auto& w : r.worst_waste_by_object) by_object.push_back(decisions_json(w));
  return {{"unit", u.unit},
          {"executions", r.stats.executions},
          {"cut", r.stats.cut},
          {"states", r.stats.states},
          {"steps", r.stats.steps},
          {"exhausted", r.stats.exhausted},
          {"max_wasted", r.stats.max_wasted},
          {"max_wasted_by_object", r.max_wasted_by_object},
          {"problem", r.problem},
          {"memory", r.memory == MemoryVerdict::ok ? "ok" : "over-budget"},
          {"coverage", u.coverage},
          {"failure", decisions_json(r.failure)},
          {"worst_waste", decisions_json(r.worst_waste)},
          {"worst_waste_by_object", by_object}};
}

json identity_json(const Scenario& s, const SplitSearch& search, std::uint32_t units,
                   std::uint32_t shards) {
  json workload = json::object();
  for (const auto& [k, v] : s.params.values()) workload[k] = v;
  const StrategyOptions& o = search.options;
  const SearchLimits& l = search.limits;
  return {{"format", kShardFormat},
          {"version", kShardVersion},
          {"wakecheck", kWakecheckVersion},
          {"scenario",
           {{"path", s.path},
            {"name", s.name},
            {"content_hash", fmt::format("{:016x}", s.content_hash)},
            {"model", s.model},
            {"model_version", find_model(s.model)->version()},
            {"variant", s.variant},
            {"workload", workload}}},
          {"search",
           {{"strategy", std::string(search.strategy->name)},
            {"max_executions", l.max_executions},
            {"max_steps", l.max_steps},
            {"seed", o.seed},
            {"state_caching", o.state_caching},
            {"bound", o.bound},
            {"pct_depth", o.pct_depth},
            {"timeouts", l.choices.timeouts},
            {"signals", l.choices.signals},
            {"spurious_wakeups", l.choices.spurious}}},
          {"units", units},
          {"shards", shards}};
}

[[noreturn]] void bad_file(const std::string& path, const std::string& why) {
  throw UsageError(fmt::format("{}: {}", path, why));
}

std::optional<ExecutionRecord> rebuilt(const json& decisions, Program& program,
                                       const SearchLimits& limits) {
  if (decisions.is_null()) return std::nullopt;
  return rerun_decisions(program, limits, decisions.get<std::vector<TaskId>>());
}

UnitResult unit_from(const json& j, Program& program, const SearchLimits& limits) {
  UnitResult u;
  u.unit = j.at("unit").get<std::uint32_t>();
  SearchResult& r = u.result;
  r.stats.executions = j.at("executions").get<std::uint64_t>();
  r.stats.cut = j.at("cut").get<std::uint64_t>();
  r.stats.states = j.at("states").get<std::uint64_t>();
  r.stats.steps = j.at("steps").get<std::uint64_t>();
  r.stats.exhausted = j.at("exhausted").get<bool>();
  r.stats.max_wasted = j.at("max_wasted").get<std::uint32_t>();
  r.max_wasted_by_object = j.at("max_wasted_by_object").get<std::vector<std::uint32_t>>();
  r.problem = j.at("problem").get<std::string>();
  r.memory = j.at("memory") == "ok" ? MemoryVerdict::ok : MemoryVerdict::over_budget;
  u.coverage = j.at("coverage").get<std::string>();
  r.failure = rebuilt(j.at("failure"), program, limits);
  r.worst_waste = rebuilt(j.at("worst_waste"), program, limits);
  for (const json& w : j.at("worst_waste_by_object"))
    r.worst_waste_by_object.push_back(rebuilt(w, program, limits));
  return u;
}

// The first key (a JSON pointer) where two identities differ.
std::string first_difference(const json& a, const json& b, std::string& in_a, std::string& in_b) {
  const json fa = a.flatten();
  const json fb = b.flatten();
  // What tells two searches apart best first, then every key.
  for (const char* key : {"/wakecheck", "/scenario/path", "/scenario/model", "/scenario/variant"}) {
    const json va = fa.contains(key) ? fa.at(key) : json(nullptr);
    const json vb = fb.contains(key) ? fb.at(key) : json(nullptr);
    if (va == vb) continue;
    in_a = va.dump();
    in_b = vb.dump();
    return key;
  }
  for (const auto& [key, value] : fa.items()) {
    const json other = fb.contains(key) ? fb.at(key) : json(nullptr);
    if (value == other) continue;
    in_a = value.dump();
    in_b = other.dump();
    return key;
  }
  for (const auto& [key, value] : fb.items())
    if (!fa.contains(key)) {
      in_a = "null";
      in_b = value.dump();
      return key;
    }
  return "";
}

}  // namespace

ShardSpec parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  const auto i = slash == std::string::npos ? std::nullopt : number(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : number(text.substr(slash + 1));
  if (!i || !n)
    throw UsageError(fmt::format("--shard '{}': expected I/N, e.g. 1/4 (shard I of N)", text));
  if (*n < 1 || *n > 1'000'000)
    throw UsageError(fmt::format("--shard '{}': N must be 1..1000000, is {}", text, *n));
  if (*i < 1 || *i > *n)
    throw UsageError(fmt::format("--shard '{}': I must be 1..{} (the shards are 1/{} to {}/{})",
                                 text, *n, *n, *n, *n));
  return {static_cast<std::uint32_t>(*i), static_cast<std::uint32_t>(*n)};
}

std::uint64_t parse_memory_size(const std::string& text) {
  static const std::map<char, unsigned> kShift = {{'K', 10}, {'M', 20}, {'G', 30}, {'T', 40}};
  std::string digits = text;
  unsigned shift = 0;
  if (!digits.empty()) {
    const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(digits.back())));
    if (auto it = kShift.find(last); it != kShift.end()) {
      shift = it->second;
      digits.pop_back();
    }
  }
  const auto v = number(digits);
  if (!v || *v == 0 || *v > (UINT64_MAX >> shift))
    throw UsageError(fmt::format(
        "--memory '{}': expected a size such as 512M, 2G, 64K or a number of bytes", text));
  return *v << shift;
}

std::string shard_file_name(const ShardSpec& spec) {
  return fmt::format("shard-{}-of-{}.json", spec.index, spec.count);
}

std::string shard_file_text(const Scenario& s, const SplitSearch& search, std::uint32_t units,
                            const ShardSpec& spec, const std::vector<UnitResult>& results) {
  json j = identity_json(s, search, units, spec.count);
  j["shard"] = spec.index;
  json list = json::array();
  for (const UnitResult& u : results) list.push_back(unit_json(u));
  j["results"] = list;
  return j.dump(1) + "\n";
}

std::string tree_shard_file_text(const Scenario& s, const SplitSearch& search, std::uint32_t units,
                                 const ShardSpec& spec, const TreeShard& tree) {
  json j = identity_json(s, search, units, spec.count);
  j["shard"] = spec.index;
  std::string states;
  states.reserve(tree.logged.size() * 40);
  for (const auto& [f, options] : tree.logged)
    states += fmt::format("{:016x}{:016x}{:08x}", f.hi, f.lo, options);
  j["results"] = {{"units_run", tree.units_run},
                  {"executions", tree.executions},
                  {"cut", tree.cut},
                  {"steps", tree.steps},
                  {"states", tree.states},
                  {"exhausted", tree.exhausted},
                  {"stopped", tree.stopped},
                  {"max_wasted", tree.max_wasted},
                  {"max_wasted_by_object", tree.max_wasted_by_object},
                  {"reached", states}};
  return j.dump(1) + "\n";
}

TreeShard tree_shard(const ShardFile& file) {
  TreeShard t;
  try {
    const json j = json::parse(file.results);
    t.units_run = j.at("units_run").get<std::uint32_t>();
    t.executions = j.at("executions").get<std::uint64_t>();
    t.cut = j.at("cut").get<std::uint64_t>();
    t.steps = j.at("steps").get<std::uint64_t>();
    t.states = j.at("states").get<std::uint64_t>();
    t.exhausted = j.at("exhausted").get<bool>();
    t.stopped = j.at("stopped").get<bool>();
    t.max_wasted = j.at("max_wasted").get<std::uint32_t>();
    t.max_wasted_by_object = j.at("max_wasted_by_object").get<std::vector<std::uint32_t>>();
    const std::string reached = j.at("reached").get<std::string>();
    if (reached.size() % 40 != 0) throw std::invalid_argument("a state is cut short");
    const auto hex = [&](std::size_t at, std::size_t n) {
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(reached.data() + at, reached.data() + at + n, v, 16);
      if (ec != std::errc() || end != reached.data() + at + n)
        throw std::invalid_argument("a state is not hex digits");
      return v;
    };
    t.logged.reserve(reached.size() / 40);
    for (std::size_t at = 0; at < reached.size(); at += 40)
      t.logged.emplace_back(Fingerprint{hex(at + 16, 16), hex(at, 16)},
                            static_cast<std::uint32_t>(hex(at + 32, 8)));
  } catch (const std::exception& e) {
    bad_file(file.path, fmt::format("a damaged shard result file ({})", e.what()));
  }
  return t;
}

ShardFile read_shard_file(const std::string& path) {
  json j;
  try {
    j = json::parse(read_text_file(path, kMaxShardFile, "a shard result file"));
  } catch (const json::exception& e) {
    bad_file(path, fmt::format("not a shard result file (JSON: {})", e.what()));
  } catch (const FileError& e) {
    throw UsageError(e.what());
  }
  if (!j.is_object() || j.value("format", json()) != kShardFormat)
    bad_file(path, fmt::format("not a shard result file (format is not \"{}\")", kShardFormat));
  if (j.value("version", json()) != kShardVersion)
    bad_file(path, fmt::format("result file format version {}, this wakecheck reads version {}",
                               j.value("version", json()).dump(), kShardVersion));
  if (j.value("wakecheck", json()) != kWakecheckVersion)
    bad_file(path, fmt::format("made by wakecheck {}, this is wakecheck {}",
                               j.value("wakecheck", json()).dump(), kWakecheckVersion));
  try {
    ShardFile f;
    f.path = path;
    f.spec = {j.at("shard").get<std::uint32_t>(), j.at("shards").get<std::uint32_t>()};
    f.units = j.at("units").get<std::uint32_t>();
    f.scenario_path = j.at("scenario").at("path").get<std::string>();
    f.content_hash =
        std::stoull(j.at("scenario").at("content_hash").get<std::string>(), nullptr, 16);
    f.strategy = j.at("search").at("strategy").get<std::string>();
    f.results = j.at("results").dump();
    j.erase("shard");
    j.erase("results");
    f.identity = j.dump();
    return f;
  } catch (const std::exception& e) {
    bad_file(path, fmt::format("a damaged shard result file ({})", e.what()));
  }
}

void check_shard_set(const std::vector<ShardFile>& files) {
  const ShardFile& first = files.front();
  const json id = json::parse(first.identity);
  std::vector<const ShardFile*> by_index(first.spec.count + 1, nullptr);
  for (const ShardFile& f : files) {
    std::string a, b;
    const std::string key = first_difference(id, json::parse(f.identity), a, b);
    if (!key.empty())
      throw UsageError(
          fmt::format("{} and {} are not shards of one search: {} is {} in the first "
                      "and {} in the second",
                      first.path, f.path, key, a, b));
    if (f.spec.index < 1 || f.spec.index > f.spec.count)
      bad_file(f.path, fmt::format("shard {} of {} is out of range", f.spec.index, f.spec.count));
    if (const ShardFile* twin = by_index[f.spec.index])
      throw UsageError(fmt::format("{} and {} are both shard {}/{}", twin->path, f.path,
                                   f.spec.index, f.spec.count));
    by_index[f.spec.index] = &f;
  }
  for (std::uint32_t i = 1; i <= first.spec.count; ++i)
    if (by_index[i] == nullptr)
      throw UsageError(fmt::format("shard {}/{} is missing (give every shard's result file)", i,
                                   first.spec.count));
}

std::vector<UnitResult> shard_results(const ShardFile& file, Program& program,
                                      const SearchLimits& limits) {
  std::vector<UnitResult> out;
  try {
    for (const json& u : json::parse(file.results)) out.push_back(unit_from(u, program, limits));
  } catch (const json::exception& e) {
    bad_file(file.path, fmt::format("a damaged shard result file ({})", e.what()));
  }
  return out;
}

}  // namespace wakecheck
