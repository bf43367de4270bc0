#pragma once
// The one exception type of hifa. Its message names what was wrong and where:
// "<where>: <problem>", e.g. "scan.obj: face 12 uses vertex 900 but there are 850 vertices".

#include <stdexcept>
#include <string>
#include <string_view>

namespace hifa {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  // `where`: a file path, a config key or a parameter name; `problem`: what is wrong with it.
  Error(std::string_view where, std::string_view problem)
      : std::runtime_error(std::string(where) + ": " + std::string(problem)) {}
};

}  // namespace hifa
