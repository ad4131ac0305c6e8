// The README's "Linux rules modelled" table names a test for every rule:
// each name must be a TEST in tests/, so the table cannot point at a test
// that was renamed or removed.
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "tests/test_files.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

// "Group.Name" of every TEST(Group, Name) in tests/*_test.cpp.
std::set<std::string> defined_tests() {
  std::set<std::string> names;
  const std::regex test(R"(\nTEST\((\w+), (\w+)\))");
  for (const auto& f : std::filesystem::directory_iterator("tests")) {
    if (f.path().extension() != ".cpp") continue;
    const std::string text = "\n" + read_file(f.path().string());
    for (std::sregex_iterator m(text.begin(), text.end(), test), end; m != end; ++m)
      names.insert((*m)[1].str() + "." + (*m)[2].str());
  }
  return names;
}

// The `Group.Name` cells of the README section "## Linux rules modelled".
std::set<std::string> cited_tests() {
  const std::string readme = read_file("README.md");
  const std::size_t from = readme.find("## Linux rules modelled");
  const std::size_t to = readme.find("\n## ", from + 1);
  const std::string section = readme.substr(from, to - from);
  std::set<std::string> names;
  const std::regex cited(R"(`([A-Z]\w+)\.([A-Z]\w+)`)");
  for (std::sregex_iterator m(section.begin(), section.end(), cited), end; m != end; ++m)
    names.insert((*m)[1].str() + "." + (*m)[2].str());
  return names;
}

TEST_GROUP(ReadmeRules){};

TEST(ReadmeRules, EveryCitedTestExists) {
  const std::set<std::string> defined = defined_tests();
  const std::set<std::string> cited = cited_tests();
  CHECK(cited.size() > 50);
  for (const std::string& name : cited) CHECK_TEXT(defined.count(name) == 1, name.c_str());
}

}  // namespace
}  // namespace wakecheck
