#include "bench/table.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace wakecheck::bench {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(trim(s.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A Markdown cell: '|' would end it.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> string_pairs(const toml::table* t) {
  std::vector<std::pair<std::string, std::string>> out;
  if (t == nullptr) return out;
  for (const auto& [key, value] : *t) {
    const auto* text = value.as_string();
    if (text == nullptr)
      throw std::invalid_argument(fmt::format("reference: `{}` is not a string", key.str()));
    out.emplace_back(std::string(key.str()), text->get());
  }
  return out;
}

std::string required_string(const toml::table& t, std::string_view key, std::string_view where) {
  const auto* value = t.get_as<std::string>(key);
  if (value == nullptr)
    throw std::invalid_argument(fmt::format("reference: {} needs a string `{}`", where, key));
  return value->get();
}

}  // namespace

const std::vector<BenchWorkload>& standard_workloads() {
  static const std::vector<BenchWorkload> kWorkloads = {
      {"W1", 1, 1, 2, 1}, {"W2", 2, 2, 1, 1}, {"W3", 2, 2, 2, 1},      {"W4", 3, 3, 1, 1},
      {"W5", 2, 2, 3, 2}, {"W6", 3, 3, 2, 2}, {"4x4x2x2", 4, 4, 2, 2},
  };
  return kWorkloads;
}

std::optional<BenchWorkload> find_workload(std::string_view name) {
  for (const BenchWorkload& w : standard_workloads())
    if (w.name == name) return w;
  const std::vector<std::string> parts = split(name, 'x');
  if (parts.size() != 4) return std::nullopt;
  int v[4];
  for (int i = 0; i < 4; ++i) {
    if (!all_digits(parts[i]) || parts[i].size() > 3) return std::nullopt;
    v[i] = std::stoi(parts[i]);
  }
  return BenchWorkload{std::string(name), v[0], v[1], v[2], v[3]};
}

StrategySpec parse_strategy(std::string_view text) {
  const std::vector<std::string> parts = split(text, ':');
  StrategySpec spec;
  spec.text = trim(text);
  spec.name = parts[0];
  if (spec.name.empty())
    throw std::invalid_argument(fmt::format("strategy `{}`: no strategy name", text));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t eq = parts[i].find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == parts[i].size())
      throw std::invalid_argument(
          fmt::format("strategy `{}`: `{}` is not KEY=VALUE", text, parts[i]));
    std::string key = trim(parts[i].substr(0, eq));
    std::string value = trim(parts[i].substr(eq + 1));
    if (key == "strategy" || key == "minimise_budget")
      throw std::invalid_argument(fmt::format("strategy `{}`: `{}` is the table's own", text, key));
    if (key == "jobs") {
      if (!all_digits(value) || value.size() > 4 || std::stoi(value) < 1)
        throw std::invalid_argument(
            fmt::format("strategy `{}`: jobs must be a number of threads, 1 or more", text));
      spec.jobs = static_cast<unsigned>(std::stoi(value));
      continue;
    }
    spec.search.emplace_back(std::move(key), std::move(value));
  }
  return spec;
}

std::vector<StrategySpec> parse_strategies(std::string_view list) {
  std::vector<StrategySpec> specs;
  for (const std::string& item : split_list(list)) specs.push_back(parse_strategy(item));
  return specs;
}

std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> items;
  for (std::string& item : split(list, ','))
    if (!item.empty()) items.push_back(std::move(item));
  if (items.empty()) throw std::invalid_argument(fmt::format("`{}`: an empty list", list));
  return items;
}

std::string to_json(const RowResult& r) {
  const nlohmann::json j = {
      {"stop", r.stop},
      {"timed_out", r.timed_out},
      {"exhaustive_strategy", r.exhaustive_strategy},
      {"finding", r.finding},
      {"coverage", r.coverage},
      {"message", r.message},
      {"executions", r.executions},
      {"max_executions", r.max_executions},
      {"states", r.states},
      {"seconds", r.seconds},
      {"rss_kb", r.rss_kb},
      {"max_wasted", r.max_wasted},
      {"operations", r.operations},
  };
  return j.dump();
}

RowResult row_from_json(std::string_view text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    RowResult r;
    r.stop = j.at("stop").get<std::string>();
    r.timed_out = j.at("timed_out").get<bool>();
    r.exhaustive_strategy = j.at("exhaustive_strategy").get<bool>();
    r.finding = j.at("finding").get<std::string>();
    r.coverage = j.at("coverage").get<std::string>();
    r.message = j.at("message").get<std::string>();
    r.executions = j.at("executions").get<std::uint64_t>();
    r.max_executions = j.at("max_executions").get<std::uint64_t>();
    r.states = j.at("states").get<std::uint64_t>();
    r.seconds = j.at("seconds").get<double>();
    r.rss_kb = j.at("rss_kb").get<std::uint64_t>();
    r.max_wasted = j.at("max_wasted").get<std::uint32_t>();
    r.operations = j.at("operations").get<std::uint32_t>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("not a row result: {}", e.what()));
  }
}

// A budget as people set it: "30 s", "2.5 s".
std::string budget_seconds(double s) {
  if (s == std::floor(s) && s < 1e9) return fmt::format("{:.0f} s", s);
  return seconds_text(s);
}

std::string outcome_text(const RowResult& r, const Budget& budget) {
  const std::string not_done = r.exhaustive_strategy ? "not done in " : "budget: ";
  if (r.stop == "exhausted") {
    if (r.exhaustive_strategy) return "exhaustive";
    // pb and db say when no schedule needed more than their bound.
    if (r.coverage.starts_with("every schedule (")) return "exhaustive";
    return "bound covered";
  }
  if (r.stop == "finding") return "found " + r.finding;
  if (r.stop == "interrupted")
    return r.timed_out ? not_done + budget_seconds(budget.seconds) : "interrupted";
  if (r.stop == "max-executions") return not_done + thousands(r.max_executions) + " executions";
  if (r.stop == "step-bound") return "step bound hit";
  return r.stop + (r.message.empty() ? "" : ": " + r.message);
}

std::string thousands(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string seconds_text(double s) {
  if (s < 0.01) return fmt::format("{:.3f} s", s);
  if (s < 1) return fmt::format("{:.2f} s", s);
  if (s < 100) return fmt::format("{:.1f} s", s);
  return fmt::format("{:.0f} s", s);
}

std::string rate_text(std::uint64_t executions, double seconds) {
  if (executions == 0 || seconds < 0.01) return "-";
  return thousands(
      static_cast<std::uint64_t>(std::llround(static_cast<double>(executions) / seconds)));
}

std::string rss_text(std::uint64_t kb) {
  if (kb == 0) return "-";
  const double mb = static_cast<double>(kb) / 1024;
  if (mb < 10) return fmt::format("{:.1f} MB", mb);
  if (mb < 1024) return fmt::format("{:.0f} MB", mb);
  return fmt::format("{:.1f} GB", mb / 1024);
}

std::string Reference::ok_figure(const ReferenceTool& tool, std::string_view workload) const {
  for (const auto& [w, figure] : tool.ok)
    if (w == workload) return figure;
  return "";
}

Reference parse_reference(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(fmt::format("{}: {}", source_name, e.description()));
  }
  Reference ref;
  const toml::table* source = root["source"].as_table();
  if (source == nullptr) throw std::invalid_argument("reference: no [source]");
  ref.document = required_string(*source, "document", "[source]");
  ref.machine = required_string(*source, "machine", "[source]");
  if (const toml::array* tools = root["tool"].as_array()) {
    for (const toml::node& node : *tools) {
      const toml::table* t = node.as_table();
      if (t == nullptr) throw std::invalid_argument("reference: [[tool]] is not a table");
      ReferenceTool tool;
      tool.id = required_string(*t, "id", "[[tool]]");
      tool.name = required_string(*t, "name", "[[tool]]");
      tool.counts = required_string(*t, "counts", "[[tool]]");
      tool.how = required_string(*t, "how", "[[tool]]");
      tool.ok = string_pairs((*t)["ok"].as_table());
      ref.tools.push_back(std::move(tool));
    }
  }
  if (const toml::table* notes = root["notes"].as_table()) {
    for (const auto& [variant, node] : *notes) {
      const toml::array* list = node.as_array();
      if (list == nullptr)
        throw std::invalid_argument(
            fmt::format("reference: notes.{} is not a list", variant.str()));
      std::vector<std::string> facts;
      for (const toml::node& fact : *list) {
        const auto* text = fact.as_string();
        if (text == nullptr)
          throw std::invalid_argument(
              fmt::format("reference: notes.{} holds a non-string", variant.str()));
        facts.push_back(text->get());
      }
      ref.notes.emplace_back(std::string(variant.str()), std::move(facts));
    }
  }
  return ref;
}

std::string variant_title(std::string_view variant) {
  if (variant == "ok") return "Q-ok";
  if (variant == "herd") return "B-herd";
  if (variant == "nowake") return "B-nowake";
  if (variant == "leak") return "B-leak";
  if (variant == "sleep_on") return "B-sleepon";
  return std::string(variant);
}

MarkdownTable::MarkdownTable(std::string variant, const Reference& reference)
    : variant_(std::move(variant)), reference_(reference) {}

std::string MarkdownTable::title() const {
  return fmt::format("### {} (boundedq variant `{}`)\n", variant_title(variant_), variant_);
}

std::string MarkdownTable::header() const {
  std::string names =
      "| workload | strategy | jobs | result | executions | states | wall | executions/s | peak "
      "RSS | worst waste |";
  std::string rule = "|---|---|---:|---|---:|---:|---:|---:|---:|---:|";
  if (with_tools()) {
    for (const ReferenceTool& tool : reference_.tools) {
      names += fmt::format(" {} {} / wall |", cell(tool.name), cell(tool.counts));
      rule += "---|";
    }
  } else {
    names += " counterexample (not minimised) |";
    rule += "---:|";
  }
  return names + "\n" + rule + "\n";
}

// "W3 (2x2x2x1)"; a workload named by its dimensions is not named twice.
std::string workload_label(const BenchWorkload& w) {
  const std::string dims =
      fmt::format("{}x{}x{}x{}", w.producers, w.consumers, w.items, w.capacity);
  return w.name == dims ? dims : fmt::format("{} ({})", w.name, dims);
}

std::string MarkdownTable::row(const BenchWorkload& w, const StrategySpec& s, const RowResult& r,
                               const Budget& budget, bool first_of_workload) const {
  // An error ran nothing; a killed row's process died before it could count.
  const bool measured = r.stop != "error" && r.stop != "killed";
  std::string line = fmt::format(
      "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
      first_of_workload ? workload_label(w) : "", cell(s.text), s.jobs,
      cell(outcome_text(r, budget)), measured ? thousands(r.executions) : "-",
      r.states == 0 ? "-" : thousands(r.states), r.stop != "error" ? seconds_text(r.seconds) : "-",
      measured ? rate_text(r.executions, r.seconds) : "-", rss_text(r.rss_kb),
      measured ? std::to_string(r.max_wasted) : "-");
  if (with_tools()) {
    for (const ReferenceTool& tool : reference_.tools) {
      const std::string figure = first_of_workload ? reference_.ok_figure(tool, w.name) : "";
      line += fmt::format(" {} |", figure.empty() ? "" : cell(figure));
    }
  } else {
    line += r.stop == "finding" ? fmt::format(" {} ops |", r.operations) : "  |";
  }
  return line + "\n";
}

std::string MarkdownTable::notes() const {
  std::string out;
  if (with_tools()) {
    out += "Other tools' figures, from " + reference_.document + ", measured on " +
           reference_.machine + ":\n";
    for (const ReferenceTool& tool : reference_.tools)
      out += fmt::format("- {}: {}.\n", tool.name, tool.how);
  }
  const bool bug = variant_ != "ok" && variant_ != "herd";
  for (const auto& [variant, facts] : reference_.notes)
    if (variant == variant_ || (bug && variant == "bugs"))
      for (const std::string& fact : facts) out += fmt::format("- {}.\n", fact);
  return out;
}

}  // namespace wakecheck::bench
