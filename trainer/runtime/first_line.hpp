#pragma once
// The first line of a library's message: LibTorch's and c10d's run on with context and C++ frames,
// and hifa's errors are one line.

#include <string>
#include <string_view>

namespace hifa::trainer {

inline std::string first_line(std::string_view message) { return std::string(message.substr(0, message.find('\n'))); }

}  // namespace hifa::trainer
