// --shard I/N and the shard result file `merge` reads.
//
// A result file (JSON) holds the scenario's identity (path, content hash,
// model and its version, variant, workload), the search's settings, the
// number of work units, which shard it is, and per work unit it ran: the
// counts, and the decisions of the executions a report shows (the finding,
// the worst for wasted wakeups), which merge re-runs to rebuild them.
//   {"format": "wakecheck-shard", "version": 1, "wakecheck": "0.1",
//    "scenario": {...}, "search": {...}, "units": 64, "shard": 1, "shards": 2,
//    "results": [{"unit": 0, "executions": ..., "failure": [3, 1, ...] | null, ...}]}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/parallel.hpp"
#include "checker/tree_search.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck {

inline constexpr const char* kShardFormat = "wakecheck-shard";
inline constexpr int kShardVersion = 1;

// Thrown for a bad --shard or --memory value, or a bad set of result files;
// what() is the one-line message.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ShardSpec {
  std::uint32_t index = 1;  // 1-based
  std::uint32_t count = 1;
};
// "I/N" with 1 <= I <= N; anything else throws UsageError.
ShardSpec parse_shard(const std::string& text);
// "512M", "2G", "64K", "1048576" (bytes); anything else, or 0, throws UsageError.
std::uint64_t parse_memory_size(const std::string& text);

// "shard-1-of-2.json"
std::string shard_file_name(const ShardSpec& spec);

// The result file's text for one shard's units.
std::string shard_file_text(const Scenario& s, const SplitSearch& search, std::uint32_t units,
                            const ShardSpec& spec, const std::vector<UnitResult>& results);

// The result file's text for one shard of a dfs search: its counts and every
// state its units reached first, with its options ("states": 40 hex digits
// each, the fingerprint's 32 and the options' 8, ordered by fingerprint).
std::string tree_shard_file_text(const Scenario& s, const SplitSearch& search, std::uint32_t units,
                                 const ShardSpec& spec, const TreeShard& tree);

// A result file as merge reads it: its identity (everything two shards of one
// search share) and its units' results, executions rebuilt on `program`.
struct ShardFile {
  std::string path;
  std::string identity;  // the shared part, as canonical JSON text
  std::string scenario_path;
  std::uint64_t content_hash = 0;
  std::string strategy;
  ShardSpec spec;
  std::uint32_t units = 0;
  std::string results;  // the "results" array, as JSON text
};
// Reads and checks one file; throws UsageError naming the file and the problem.
ShardFile read_shard_file(const std::string& path);
// Checks that the files are the shards 1..N of one search, each once;
// throws UsageError naming the mismatch.
void check_shard_set(const std::vector<ShardFile>& files);
// A dfs shard's part; throws UsageError for a damaged file.
TreeShard tree_shard(const ShardFile& file);
// The units' results of one file, their executions re-run on `program`.
std::vector<UnitResult> shard_results(const ShardFile& file, Program& program,
                                      const SearchLimits& limits);

}  // namespace wakecheck
