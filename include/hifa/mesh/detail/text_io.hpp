#pragma once
// Shared by the OBJ and PLY readers/writers (hifa::detail, not a public API):
//   require_readable_file(path)  throws hifa::Error "<path>: no such file" (or "is a folder")
//   read_all(in, name)           the whole stream as bytes; hifa::Error naming `name` on a read error
//   write_number(os, value)      the shortest decimal that parses back to exactly `value`
//                                (std::to_chars), so text formats round-trip floats bit for bit

#include "hifa/core/error.hpp"

#include <charconv>
#include <filesystem>
#include <istream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

namespace hifa::detail {

inline void require_readable_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw Error(path.string(), "no such file");
  if (std::filesystem::is_directory(status)) throw Error(path.string(), "is a folder, not a file");
}

inline std::string read_all(std::istream& in, std::string_view name) {
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw Error(name, "read error");
  return bytes;
}

template <class Number>
void write_number(std::ostream& os, Number value) {
  char buffer[64];  // the longest shortest-form double is 24 characters
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  os.write(buffer, result.ptr - buffer);
}

}  // namespace hifa::detail
