// Reading and writing whole files in tests, through the product's own I/O.
#pragma once

#include <string>

#include "checker/files.hpp"

namespace wakecheck {

inline std::string read_file(const std::string& path) {
  return read_text_file(path, std::size_t{1} << 30, "a test file");
}

inline void write_file_atomically(const std::string& path, const std::string& content) {
  write_files_atomically({{path, content}});
}

}  // namespace wakecheck
