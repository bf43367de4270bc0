#pragma once
// hifa fit-body --image: the body from one image (trainer/inference/body_run.hpp's estimate, then
// trainer/body/image_fit.hpp's test-time fit), written as hifa-body-fit JSON in the view's frame.

#include <filesystem>

namespace hifa::app {

struct FitBodyImageArgs {
  std::filesystem::path image, run, mask, normals_run, out, sheet;
  int iterations = 150;
};

void run_fit_body_image(const FitBodyImageArgs& args);

}  // namespace hifa::app
