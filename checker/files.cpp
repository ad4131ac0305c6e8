#include "checker/files.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, CloseFile>;

FileError cannot(const char* verb, const std::string& path, int error) {
  return FileError(
      fmt::format("{}: cannot {}: {}", path, verb, std::generic_category().message(error)));
}

void write_one(const std::string& path, const std::string& content) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) throw cannot("write", path, errno);
  if (std::fwrite(content.data(), 1, content.size(), f.get()) != content.size())
    throw cannot("write", path, errno);
  if (std::fclose(f.release()) != 0) throw cannot("write", path, errno);
}

void remove_quietly(const std::vector<std::string>& paths) {
  std::error_code ignored;
  for (const std::string& p : paths) fs::remove(p, ignored);
}

}  // namespace

std::string read_text_file(const std::string& path, std::size_t max_bytes, const char* what) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) throw FileError(fmt::format("{}: cannot read: {}", path, ec.message()));
  if (fs::is_directory(status))
    throw FileError(fmt::format("{}: cannot read: it is a directory", path));
  if (!fs::is_regular_file(status))
    throw FileError(fmt::format("{}: cannot read: not a regular file", path));
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) throw cannot("read", path, errno);
  std::string bytes;
  std::array<char, 1 << 16> buffer;
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get())) {
    bytes.append(buffer.data(), n);
    if (bytes.size() > max_bytes)
      throw FileError(
          fmt::format("{}: too large for {} (more than {} bytes)", path, what, max_bytes));
  }
  if (std::ferror(file.get())) throw cannot("read", path, errno);
  return bytes;
}

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> temporaries;
  try {
    for (const auto& [path, content] : files) {
      temporaries.push_back(path + ".tmp");
      write_one(temporaries.back(), content);
    }
    // A directory in the way would fail its rename after the others landed.
    for (const auto& [path, content] : files)
      if (std::error_code ec; fs::is_directory(path, ec))
        throw FileError(fmt::format("{}: cannot write: it is a directory", path));
  } catch (...) {
    remove_quietly(temporaries);
    throw;
  }
  std::vector<std::string> placed;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    fs::rename(temporaries[i], files[i].first, ec);
    if (ec) {
      remove_quietly(placed);  // all or none
      remove_quietly(temporaries);
      throw FileError(fmt::format("{}: cannot write: {}", files[i].first, ec.message()));
    }
    placed.push_back(files[i].first);
  }
}

}  // namespace wakecheck
