#include "prepare/body_model_path.hpp"

#include "hifa/core/error.hpp"

#include <cstdlib>

namespace hifa::prepare {

std::filesystem::path open_body_path() {
  const char* data = std::getenv("HIFA_DATA");
  return std::filesystem::path(data != nullptr && *data != '\0' ? data : "data") / "body" / "open_body.npz";
}

std::filesystem::path body_model_path(const std::string& body, const std::string& what) {
  std::error_code ec;
  if (body != "open") {
    if (!std::filesystem::is_regular_file(body, ec)) throw Error(body, "no such body model file (" + what + ")");
    return body;
  }
  const std::filesystem::path path = open_body_path();
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(what + " open", "OpenBody not built yet (no " + path.string() +
                                    "); scripts/fetch-data builds it, or give an SMPL-layout body file instead");
  }
  return path;
}

}  // namespace hifa::prepare
