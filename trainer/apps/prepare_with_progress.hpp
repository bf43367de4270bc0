#pragma once
// hifa prepare's run as the command shows it: a progress line over the views and one stderr line
// per skipped scan. Shared by `hifa prepare` and `hifa demo` (defined in verb_prepare.cpp).

#include "prepare/prepare.hpp"

namespace hifa::app {

prepare::PrepareSummary run_prepare_with_progress(const prepare::PrepareOptions& options);

}  // namespace hifa::app
