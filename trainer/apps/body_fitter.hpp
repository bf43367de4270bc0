#pragma once
// hifa prepare --fit-body's fitter: trainer/body/scan_fit.hpp's fit of `body_model` to each scan
// without a body file, as the hifa-body-fit JSON hifa fit-body writes (defined in verb_fit_body.cpp,
// built with LibTorch and hifa::body). The model is loaded on the first fit.

#include "prepare/options.hpp"

#include <filesystem>

namespace hifa::app {

prepare::BodyFitter make_body_fitter(const std::filesystem::path& body_model);

}  // namespace hifa::app
