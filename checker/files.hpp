// Reading user input and writing artifacts, safely: the one place that touches
// files for scenarios, schedules and reports.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wakecheck {

// Why a file could not be read or written; what() is one line starting with the path.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a whole regular file of at most `max_bytes`. A directory, FIFO or
// device is refused before it is opened, so nothing blocks or grows without
// bound. `what` names the kind of file in messages ("a scenario file").
std::string read_text_file(const std::string& path, std::size_t max_bytes, const char* what);

// Writes every file whole or none of them: each goes to a temporary file
// first, and only when all are written are they renamed into place. On any
// failure the temporaries are removed.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace wakecheck
