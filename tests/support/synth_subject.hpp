#pragma once
// One `hifa synth` subject on the mannequin body (tests/synth/test_body.hpp), made once per test
// process, the small `hifa prepare` options the canonical, body-estimator and CAR tests prepare it
// with, and that dataset, prepared once per process. Needs hifa::synth and hifa::prepare.

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

// The synth subject prepared once (small_prepare) with its fit and canonical data: 2 views at 32^2.
inline const std::filesystem::path& prepared_synth_dataset() {
  static const TempDir dir;
  static const std::filesystem::path data = [] {
    const SynthFixture& synth = synth_subject();
    prepare::run_prepare(small_prepare(synth.subject.parent_path(), dir / "data", synth.body));
    return dir / "data";
  }();
  return data;
}

}  // namespace hifa::test
