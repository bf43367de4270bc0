#pragma once
// Writes a file completely or not at all. The content goes to a temporary name in the same folder
// ("<name>.tmp-<pid>"), is flushed and closed, and only then renamed over the destination, so a
// crash or an exception never leaves a half-written file under the real name.
//
//   hifa::write_file_atomically("out/shape.obj", [&](std::ostream& os) { os << ...; });
//
// Errors: hifa::Error naming the destination (folder missing, not writable, disk full, ...).

#include "hifa/core/error.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace hifa {

template <class Writer>
void write_file_atomically(const std::filesystem::path& path, Writer&& write) {
  namespace fs = std::filesystem;
  const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
  std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
  if (!os) {
    throw Error(path.string(), std::string("cannot open for writing: ") + std::strerror(errno));
  }
  try {
    write(static_cast<std::ostream&>(os));
    os.flush();
    if (!os) throw Error(path.string(), "write failed (disk full or I/O error)");
    os.close();
    if (os.fail()) throw Error(path.string(), "closing the file failed");
  } catch (...) {
    os.close();
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw Error(path.string(), "cannot rename the finished file into place: " + ec.message());
  }
}

}  // namespace hifa
