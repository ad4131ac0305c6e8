#include "scenarios/did_you_mean.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace wakecheck {
namespace {

// ASCII only: names in scenario files are ASCII, and a locale-dependent
// tolower would make suggestions differ between machines.
char fold_case(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Levenshtein distance that also counts swapping two adjacent letters as one
// edit (optimal string alignment): "dsf" is one slip from "dfs", not two.
// Three rows: O(|a| * |b|) time, O(|b|) space.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1);
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = fold_case(a[i - 1]) == fold_case(b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && fold_case(a[i - 1]) == fold_case(b[j - 2]) &&
          fold_case(a[i - 2]) == fold_case(b[j - 1]))
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string_view best;
  std::size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {  // strict: the first of equally close candidates wins
      best = candidate;
      best_distance = d;
    }
  }
  return std::string(best);
}

}  // namespace wakecheck
