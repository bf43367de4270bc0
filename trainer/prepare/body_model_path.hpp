#pragma once
// The body model a verb's --body or a config's body_net.body_model names: "open" is hifa's OpenBody in SMPL's layout at
// $HIFA_DATA/body/open_body.npz (HIFA_DATA defaults to ./data, where scripts/fetch-data builds it);
// anything else is the path of an SMPL-layout .npz (a user's own SMPL file, hifa make-body's output).
//
//   const std::filesystem::path body = body_model_path(args.body);          // errors name "--body"
//   body_model_path(config.body_net->body_model, "configs/x.yaml: body_net.body_model");
//
// Errors: hifa::Error naming `what` ("--body open") when OpenBody is not built yet (saying how to
//   get it), or the file when it does not exist.

#include <filesystem>
#include <string>

namespace hifa::prepare {

inline constexpr const char* body_option_help = "Body model: 'open' (OpenBody, $HIFA_DATA/body/open_body.npz, HIFA_DATA "
                                                "defaulting to ./data) or an SMPL-layout .npz";

std::filesystem::path body_model_path(const std::string& body, const std::string& what = "--body");

// Where OpenBody is read from, whether or not it is there yet.
std::filesystem::path open_body_path();

}  // namespace hifa::prepare
