// "Did you mean" suggestions for names a user got slightly wrong (a key, a
// section, a model, a variant, a strategy, a finding).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace wakecheck {

// The closest candidate to `word` by edit distance (Levenshtein, ASCII
// case-insensitive, an adjacent transposition counting as one edit), if it is
// close enough: distance <= max(1, word.size() / 3).
// Otherwise "". Ties go to the first candidate in order, so a table's order
// decides and the answer is the same on every run.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace wakecheck
