#include "hifa/io/npz.hpp"

#include "hifa/core/error.hpp"
#include "hifa/io/npy.hpp"
#include "support/numpy_peer.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

const std::string data = HIFA_TEST_DATA "/npy/";

const std::vector<float> v_values = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.25f};

std::string file_text(const std::filesystem::path& p) {
  std::ifstream is(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(is), std::istreambuf_iterator<char>()};
}

void write_text(const std::filesystem::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary) << s;
}

}  // namespace

TEST_CASE("numpy.savez's stored archive lists and reads its arrays") {
  const hifa::NpzArchive npz(data + "stored.npz");
  CHECK(npz.names() == std::vector<std::string>{"v", "f", "names"});
  CHECK(npz.contains("f"));
  CHECK_FALSE(npz.contains("g"));
  CHECK(npz.read("v").values<float>("v") == v_values);
  const hifa::NpyArray f = npz.read("f");
  CHECK(f.shape == std::vector<std::size_t>{1, 3});
  CHECK(f.values<int>("f") == std::vector<int>{0, 1, 2});
  CHECK(npz.read("names").strings("names") == std::vector<std::string>{"a", "bc"});
}

TEST_CASE("numpy.savez_compressed's deflated archive reads, Fortran order included") {
  CHECK(hifa::read_npz_array(data + "deflated.npz", "v").values<float>("v") == v_values);
  const hifa::NpyArray w = hifa::read_npz_array(data + "deflated.npz", "w");
  CHECK(w.fortran_order);
  const std::vector<double> values = w.values<double>("w");
  for (std::size_t c = 0; c < values.size(); ++c) CHECK(values[c] == double(c) - 5.5);
}

TEST_CASE("write_npz round trips stored and deflated archives") {
  const hifa::test::TempDir dir;
  std::vector<double> big(3000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = double(i % 17) * 0.5;
  const std::vector<hifa::NpzEntry> arrays = {{"v", hifa::make_npy(v_values, {2, 3})},
                                              {"big", hifa::make_npy(big, {1000, 3})},
                                              {"f", hifa::make_npy(std::vector<std::int32_t>{2, 1, 0}, {1, 3})}};
  for (const auto compression : {hifa::NpzCompression::stored, hifa::NpzCompression::deflated}) {
    const std::filesystem::path path = dir / "a.npz";
    hifa::write_npz(path, arrays, compression);
    const hifa::NpzArchive npz(path);
    CHECK(npz.names() == std::vector<std::string>{"v", "big", "f"});
    CHECK(npz.read("v").values<float>("v") == v_values);
    CHECK(npz.read("big").values<double>("big") == big);
    CHECK(npz.read("f").values<int>("f") == std::vector<int>{2, 1, 0});
    const std::uintmax_t size = std::filesystem::file_size(path);
    if (compression == hifa::NpzCompression::stored) CHECK(size > big.size() * sizeof(double));
    else CHECK(size < big.size() * sizeof(double) / 4);  // 17 distinct values deflate well
  }
  CHECK_THROWS_WITH(hifa::write_npz(dir / "b.npz", {{"v", arrays[0].array}, {"v", arrays[1].array}}),
                    Catch::Contains("b.npz") && Catch::Contains("'v' given twice"));
  CHECK_FALSE(std::filesystem::exists(dir / "b.npz"));
  CHECK_THROWS_WITH(hifa::write_npz(dir / "no" / "c.npz", arrays), Catch::Contains("c.npz"));
}

TEST_CASE("an archive without arrays is written and read as numpy writes it") {
  const hifa::test::TempDir dir;
  hifa::write_npz(dir / "empty.npz", std::vector<hifa::NpzEntry>{});
  CHECK(std::filesystem::file_size(dir / "empty.npz") == 22);
  const hifa::NpzArchive npz(dir / "empty.npz");
  CHECK(npz.names().empty());
  CHECK_THROWS_WITH(npz.read("v"), Catch::Contains("empty.npz:v") && Catch::Contains("it has: none"));
}

TEST_CASE("a missing array is named with the arrays the archive has") {
  CHECK_THROWS_WITH(hifa::read_npz_array(data + "stored.npz", "posedirs"),
                    Catch::Contains("stored.npz:posedirs") && Catch::Contains("it has: v, f, names"));
}

TEST_CASE("missing, foreign and damaged archives are refused with the file named") {
  const hifa::test::TempDir dir;
  CHECK_THROWS_WITH(hifa::NpzArchive(dir / "none.npz"), Catch::Contains("none.npz") && Catch::Contains("no such file"));
  write_text(dir / "text.npz", "this is not a zip archive\n");
  CHECK_THROWS_WITH(hifa::NpzArchive(dir / "text.npz"), Catch::Contains("text.npz") && Catch::Contains("not a zip"));
  const std::string stored = file_text(data + "stored.npz");
  write_text(dir / "cut.npz", stored.substr(0, stored.size() / 2));
  CHECK_THROWS_WITH(hifa::NpzArchive(dir / "cut.npz"), Catch::Contains("cut.npz") && Catch::Contains("not a zip"));
  // One flipped byte inside the stored data of "v": the member's CRC no longer matches.
  std::string flipped = stored;
  const std::size_t at = flipped.find("\x93NUMPY") + 130;
  flipped[at] = char(flipped[at] ^ 0x5a);
  write_text(dir / "flipped.npz", flipped);
  CHECK_THROWS_WITH(hifa::NpzArchive(dir / "flipped.npz").read("v"),
                    Catch::Contains("flipped.npz:v") && Catch::Contains("damaged"));
}

TEST_CASE("numpy.load reads what write_npz writes") {
  if (!hifa::test::numpy_available()) HIFA_SKIP("/usr/bin/python3 with numpy is not installed (Debian: python3-numpy)");
  const hifa::test::TempDir dir;
  const std::vector<hifa::NpzEntry> arrays = {{"v", hifa::make_npy(v_values, {2, 3})},
                                              {"i", hifa::make_npy(std::vector<std::int64_t>{-3, 4}, {2})},
                                              {"s", hifa::make_npy_strings(std::vector<std::string>{"ab", "c"}, {2})}};
  hifa::write_npz(dir / "stored.npz", arrays, hifa::NpzCompression::stored);
  hifa::write_npz(dir / "deflated.npz", arrays, hifa::NpzCompression::deflated);
  hifa::write_npz(dir / "empty.npz", std::vector<hifa::NpzEntry>{});
  CHECK(hifa::test::run_numpy_script(dir.path(), R"(
assert np.load('empty.npz').files == []
import zipfile
for name, method in (('stored.npz', zipfile.ZIP_STORED), ('deflated.npz', zipfile.ZIP_DEFLATED)):
    assert all(i.compress_type == method for i in zipfile.ZipFile(name).infolist()), name
    z = np.load(name)
    assert sorted(z.files) == ['i', 's', 'v'], z.files
    assert z['v'].dtype == np.float32 and (z['v'] == np.arange(6, dtype=np.float32).reshape(2, 3) * 0.25).all()
    assert z['i'].dtype == np.int64 and list(z['i']) == [-3, 4]
    assert list(z['s']) == [b'ab', b'c']
)"));
}
