// Finding and reading scenario files: the part of the loader that touches the
// file system.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "checker/files.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck {
namespace {

// Scenario files are a few hundred bytes: the cap only stops `check /dev/zero`.
constexpr std::size_t kMaxFileBytes = 1 << 20;

std::string read_file(const std::string& path) {
  try {
    return read_text_file(path, kMaxFileBytes, "a scenario file");
  } catch (const FileError& e) {
    throw ScenarioError(e.what());
  }
}

void add_scenario_files(const std::string& path, std::vector<std::string>& found) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error) throw ScenarioError(fmt::format("{}: cannot read: {}", path, error.message()));
  if (!fs::is_directory(status)) {
    found.push_back(path);
    return;
  }
  try {
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(path))
      if (entry.path().extension() == ".toml" && entry.is_regular_file(error))
        found.push_back(entry.path().string());
  } catch (const fs::filesystem_error& e) {
    const std::string where = e.path1().empty() ? path : e.path1().string();
    throw ScenarioError(fmt::format("{}: cannot list: {}", where, e.code().message()));
  }
}

}  // namespace

Scenario load_scenario(const std::string& path) {
  return parse_scenario(read_file(path), path);
}

std::vector<std::string> find_scenarios(const std::vector<std::string>& paths) {
  std::vector<std::string> found;
  for (const std::string& path : paths) add_scenario_files(path, found);
  std::sort(found.begin(), found.end());
  // "dir" and "dir/a.toml", or "./a.toml" and "a.toml", name the same file once.
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (std::string& path : found)
    if (seen.insert(std::filesystem::path(path).lexically_normal().string()).second)
      unique.push_back(std::move(path));
  return unique;
}

}  // namespace wakecheck
