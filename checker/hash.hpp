// Hashing for state fingerprints and content identities. In-tree and fixed, so
// the same state gives the same fingerprint in every process and on every libc.
#pragma once

#include <cstdint>
#include <string_view>

namespace wakecheck {

// The splitmix64 / murmur3 finaliser: a bijective, well-avalanching 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Order-dependent combination: fold(fold(h, a), b) != fold(fold(h, b), a).
constexpr std::uint64_t fold(std::uint64_t h, std::uint64_t v) {
  return mix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

constexpr std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// A 128-bit state fingerprint: two independent 64-bit lanes. It is a sum of
// per-component terms, so a component that changes is swapped out in O(1).
struct Fingerprint {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

// The term a component (salted by its kind and id) contributes to a Fingerprint.
inline Fingerprint fingerprint_term(std::uint64_t salt, std::uint64_t value) {
  return {mix64(fold(salt, value)), mix64(fold(salt ^ 0x6a09e667f3bcc909ULL, ~value))};
}

// The salts of the engine's terms (checker/execution.cpp, and
// checker/symmetry.cpp, which renames them: both must agree).
inline constexpr std::uint64_t kTaskSalt = 0x7461736b00000000ULL;    // "task"
inline constexpr std::uint64_t kObjectSalt = 0x6f626a0000000000ULL;  // "obj"
inline constexpr std::uint64_t kRaceSalt = 0x7261636500000000ULL;    // "race"

// An object's term value: its hash, and the wasted wakeups counted against it.
constexpr std::uint64_t object_term_value(std::uint64_t hash, std::uint32_t wasted) {
  return wasted == 0 ? hash : fold(hash, wasted);
}

inline void add_term(Fingerprint& f, Fingerprint t) {
  f.lo += t.lo;
  f.hi += t.hi;
}

inline void remove_term(Fingerprint& f, Fingerprint t) {
  f.lo -= t.lo;
  f.hi -= t.hi;
}

}  // namespace wakecheck
