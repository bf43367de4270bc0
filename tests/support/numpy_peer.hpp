#pragma once
// Runs a Python script with Debian's /usr/bin/python3 and numpy, for tests that check hifa's files
// against numpy's own reader and writer. Tests skip (HIFA_SKIP) where numpy is not installed.

#include "support/skip.hpp"
#include "support/temp_dir.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace hifa::test {

inline bool numpy_available() {
  static const bool available = std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
  return available;
}

// Runs `script` with the working directory `dir`; true when it exits with status 0. Its output
// goes to the test's output, so a failed assertion in the script shows there.
inline bool run_numpy_script(const std::filesystem::path& dir, const std::string& script) {
  const std::filesystem::path file = dir / "peer.py";
  std::ofstream(file) << "import numpy as np\n" << script;
  const std::string command = "cd '" + dir.string() + "' && /usr/bin/python3 '" + file.string() + "'";
  return std::system(command.c_str()) == 0;
}

}  // namespace hifa::test
