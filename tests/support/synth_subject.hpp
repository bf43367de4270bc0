#pragma once
// One `hifa synth` subject on the mannequin body (tests/synth/test_body.hpp), made once per test
// process, and the small `hifa prepare` options the canonical and body-estimator tests prepare it
// with. Needs hifa::synth and hifa::prepare.

#include "prepare/prepare.hpp"
#include "support/temp_dir.hpp"
#include "synth/synth.hpp"
#include "synth/test_body.hpp"

#include "hifa/body/smpl_model.hpp"

#include <filesystem>

namespace hifa::test {

struct SynthFixture {
  TempDir dir;
  std::filesystem::path body, subject;
  SynthFixture() {
    body = dir / "mannequin.npz";
    write_body_npz(body, mannequin_model());
    synth::SynthOptions o;
    o.out = dir / "synth";
    o.count = 1;
    o.seed = 3;
    o.jobs = 1;
    o.resolution = 48;
    o.body = body;
    o.thumbnail = 32;
    synth::run_synth(o);
    subject = o.out / "subject_00000";
  }
};

inline const SynthFixture& synth_subject() {
  static const SynthFixture fixture;
  return fixture;
}

inline prepare::PrepareOptions small_prepare(const std::filesystem::path& scans, const std::filesystem::path& out,
                                             const std::filesystem::path& body) {
  prepare::PrepareOptions o;
  o.scans = {scans};
  o.out = out;
  o.views = 2;
  o.resolution = 32;
  o.samples = 400;
  o.lighting = false;
  o.jobs = 1;
  o.body_model = body;
  return o;
}

}  // namespace hifa::test
