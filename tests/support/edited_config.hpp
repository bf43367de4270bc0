#pragma once
// A shipped config (configs/*.yaml) with some of its text replaced, parsed: what the trainer tests
// train, small. Each `from` must occur in the file (its first occurrence is replaced), so a config
// that changes under a test fails it loudly instead of silently training something else.
//
//   Config c = test::edited_config("configs/car_tiny.yaml", {{"image_size: 64", "image_size: 32"}}, false);

#include "config/config.hpp"
#include "hifa/core/error.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace hifa::test {

// augment false also turns the colour, scale, shift and background augmentations off.
inline trainer::Config edited_config(const std::filesystem::path& file,
                                     std::vector<std::pair<std::string, std::string>> edits, bool augment) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  if (!augment) {
    for (const char* key : {"color_jitter", "scale_jitter", "translate_jitter", "background_swap"}) {
      edits.emplace_back(std::string(key) + ": true", std::string(key) + ": false");
    }
  }
  for (const auto& [from, to] : edits) {
    const std::size_t at = yaml.find(from);
    if (at == std::string::npos) throw Error(file.string(), "has no '" + from + "' to replace");
    yaml.replace(at, from.size(), to);
  }
  return trainer::parse_config(yaml, file.filename().string());
}

}  // namespace hifa::test
