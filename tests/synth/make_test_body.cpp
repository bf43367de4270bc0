// Writes the synth tests' mannequin body (test_body.hpp) as an SMPL-layout .npz that
// hifa::SmplModel loads, so `hifa synth --body` runs in the tests without data/ (mannequin_model).
//   make_test_body OUT.npz
#include "synth/test_body.hpp"

#include "hifa/body/smpl_model.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_test_body OUT.npz\n");
    return 2;
  }
  Kokkos::ScopeGuard kokkos(argc, argv);
  hifa::write_body_npz(argv[1], hifa::test::mannequin_model());
  return 0;
}
