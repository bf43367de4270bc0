#pragma once
// hifa synth's run as the command shows it: a progress line over the subjects, labelled `label`.
// Shared by `hifa synth` and `hifa demo` (defined in verb_synth.cpp).

#include "synth/synth.hpp"

#include <string>

namespace hifa::app {

synth::SynthSummary run_synth_with_progress(const synth::SynthOptions& options, const std::string& label);

}  // namespace hifa::app
