#include "hifa/io/npy.hpp"

#include "hifa/core/error.hpp"
#include "support/numpy_peer.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

const std::string data = HIFA_TEST_DATA "/npy/";

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

}  // namespace

TEST_CASE("numpy's float32 C-order array reads with its dtype, shape and values") {
  const hifa::NpyArray a = hifa::read_npy(data + "f4_c.npy");
  CHECK(a.descr == "<f4");
  CHECK(a.shape == std::vector<std::size_t>{2, 3});
  CHECK_FALSE(a.fortran_order);
  CHECK(a.values<float>("f4") == std::vector<float>{0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.25f});
  CHECK(a.values<double>("f4") == std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0, 1.25});
}

TEST_CASE("a Fortran-order array is returned in C order") {
  const hifa::NpyArray a = hifa::read_npy(data + "f8_fortran.npy");
  CHECK(a.descr == "<f8");
  CHECK(a.fortran_order);
  CHECK(a.shape == std::vector<std::size_t>{2, 3, 4});
  const std::vector<double> v = a.values<double>("f8_fortran");
  REQUIRE(v.size() == 24);
  // numpy wrote np.arange(24).reshape(2, 3, 4) - 5.5: the C-order element c is c - 5.5.
  for (std::size_t c = 0; c < v.size(); ++c) CHECK(v[c] == double(c) - 5.5);
}

TEST_CASE("version 2.0 and 3.0 headers and big-endian data are read") {
  const hifa::NpyArray big = hifa::read_npy(data + "f8_big_v2.npy");
  CHECK(big.descr == ">f8");
  CHECK(big.values<double>("big") == std::vector<double>{-0.0, -1.5, -3.0, -4.5});
  const hifa::NpyArray v3 = hifa::read_npy(data + "i4_v3.npy");
  CHECK(v3.shape == std::vector<std::size_t>{1, 3});
  CHECK(v3.values<std::int64_t>("v3") == std::vector<std::int64_t>{-7, 0, 2147483647});
}

TEST_CASE("integer, boolean, bytes and 0-d arrays read") {
  CHECK(hifa::read_npy(data + "u1.npy").values<int>("u1") == std::vector<int>{0, 1, 255});
  CHECK(hifa::read_npy(data + "b1.npy").values<int>("b1") == std::vector<int>{1, 0, 1});
  const hifa::NpyArray names = hifa::read_npy(data + "s_names.npy");
  CHECK(names.strings("names") == std::vector<std::string>{"pelvis", "left_hip", "x"});
  const hifa::NpyArray scalar = hifa::read_npy(data + "scalar_i8.npy");
  CHECK(scalar.shape.empty());
  CHECK(scalar.values<int>("scalar") == std::vector<int>{-42});
  const hifa::NpyArray tree = hifa::read_npy(data + "u4_kintree.npy");
  CHECK(tree.values<std::int64_t>("tree") == std::vector<std::int64_t>{4294967295LL, 0, 0, 1, 0, 1, 2, 3});
}

TEST_CASE("conversions that would change a value are refused, naming the element") {
  // SMPL's uint32 root parent does not fit an int.
  const hifa::NpyArray tree = hifa::read_npy(data + "u4_kintree.npy");
  CHECK_THROWS_WITH(tree.values<int>("tree"), Catch::Contains("tree") && Catch::Contains("element 0") &&
                                                   Catch::Contains("4294967295"));
  const hifa::NpyArray f = hifa::read_npy(data + "f4_c.npy");
  CHECK_THROWS_WITH(f.values<int>("f"), Catch::Contains("element 1") && Catch::Contains("not an integer"));
  const hifa::NpyArray v3 = hifa::read_npy(data + "i4_v3.npy");
  CHECK_THROWS_WITH(v3.values<std::uint32_t>("v3"), Catch::Contains("element 0") && Catch::Contains("does not fit"));
  CHECK_THROWS_WITH(v3.values<std::int16_t>("v3"), Catch::Contains("element 2"));
  CHECK_THROWS_WITH(f.strings("f"), Catch::Contains("not a bytes array"));
}

TEMPLATE_TEST_CASE("encode_npy and parse_npy round trip every element type", "", float, double, std::int8_t,
                   std::uint8_t, std::int16_t, std::uint16_t, std::int32_t, std::uint32_t, std::int64_t,
                   std::uint64_t) {
  std::vector<TestType> v = {std::numeric_limits<TestType>::lowest(), TestType(0), TestType(1), TestType(7),
                             std::numeric_limits<TestType>::max(), TestType(3)};
  const hifa::NpyArray a = hifa::make_npy(v, {3, 2});
  const std::vector<std::byte> bytes = hifa::encode_npy(a);
  CHECK(bytes.size() % 64 == (v.size() * sizeof(TestType)) % 64);  // header padded to 64 bytes
  const hifa::NpyArray b = hifa::parse_npy(bytes, "round trip");
  CHECK(b.descr == a.descr);
  CHECK(b.shape == a.shape);
  CHECK(b.values<TestType>("b") == v);
}

TEST_CASE("write_npy writes a file that reads back, Fortran order included") {
  const hifa::test::TempDir dir;
  hifa::NpyArray a = hifa::make_npy(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
  a.fortran_order = true;  // the same bytes, now meaning columns first: [[1, 3, 5], [2, 4, 6]]
  hifa::write_npy(dir / "a.npy", a);
  const hifa::NpyArray b = hifa::read_npy(dir / "a.npy");
  CHECK(b.fortran_order);
  CHECK(b.values<double>("b") == std::vector<double>{1, 3, 5, 2, 4, 6});
  CHECK_FALSE(std::filesystem::exists(dir.path() / "missing" / "a.npy"));
  CHECK_THROWS_WITH(hifa::write_npy(dir.path() / "missing" / "a.npy", a), Catch::Contains("missing"));
  CHECK_THROWS_WITH(hifa::make_npy(std::vector<float>{1, 2}, {3}), Catch::Contains("2 values for shape (3,)"));
}

TEST_CASE("malformed .npy data are refused with the file named") {
  CHECK_THROWS_WITH(hifa::read_npy(data + "no-such.npy"), Catch::Contains("no-such.npy") && Catch::Contains("cannot open"));
  CHECK_THROWS_WITH(hifa::parse_npy(bytes_of("PK\x03\x04 not numpy at all"), "x.npy"),
                    Catch::Contains("x.npy") && Catch::Contains("magic"));
  CHECK_THROWS_WITH(hifa::read_npy(data + "object.npy"),
                    Catch::Contains("object.npy") && Catch::Contains("pickled") && Catch::Contains("toarray"));
  std::vector<std::byte> good = hifa::encode_npy(hifa::make_npy(std::vector<float>{1, 2, 3}, {3}));
  std::vector<std::byte> truncated(good.begin(), good.end() - 1);
  CHECK_THROWS_WITH(hifa::parse_npy(truncated, "t.npy"), Catch::Contains("t.npy") && Catch::Contains("11 bytes"));
  std::vector<std::byte> version = good;
  version[6] = std::byte(4);
  CHECK_THROWS_WITH(hifa::parse_npy(version, "v.npy"), Catch::Contains("version 4.0"));
  auto with_header = [&](const std::string& from, const std::string& to) {
    std::string s(reinterpret_cast<const char*>(good.data()), good.size());
    s.replace(s.find(from), from.size(), to);
    return bytes_of(s);
  };
  CHECK_THROWS_WITH(hifa::parse_npy(with_header("<f4", "<c8"), "c.npy"), Catch::Contains("unsupported dtype '<c8'"));
  CHECK_THROWS_WITH(hifa::parse_npy(with_header("(3,)", "(x,)"), "s.npy"), Catch::Contains("non-integer extent"));
  CHECK_THROWS_WITH(hifa::parse_npy(with_header("False", "Maybe"), "o.npy"), Catch::Contains("fortran_order"));
}

TEST_CASE("numpy reads what write_npy writes and hifa reads what numpy writes") {
  if (!hifa::test::numpy_available()) HIFA_SKIP("/usr/bin/python3 with numpy is not installed (Debian: python3-numpy)");
  const hifa::test::TempDir dir;
  hifa::write_npy(dir / "h_f4.npy", hifa::make_npy(std::vector<float>{0.5f, -1.0f, 2.0f, 3.5f, 4.0f, -5.0f}, {3, 2}));
  hifa::write_npy(dir / "h_i8.npy", hifa::make_npy(std::vector<std::int64_t>{-1, 0, 1LL << 40}, {3}));
  REQUIRE(hifa::test::run_numpy_script(dir.path(), R"(
a = np.load('h_f4.npy')
assert a.dtype == np.float32 and a.shape == (3, 2), (a.dtype, a.shape)
assert (a == np.array([[0.5, -1], [2, 3.5], [4, -5]], np.float32)).all()
b = np.load('h_i8.npy')
assert b.dtype == np.int64 and (b == [-1, 0, 1 << 40]).all()
rng = np.random.default_rng(7)
x = rng.standard_normal((5, 4, 3))
np.save('p_f8_c.npy', x)
np.save('p_f8_f.npy', np.asfortranarray(x))
np.save('p_f4_f.npy', np.asfortranarray(x.astype(np.float32)))
np.savetxt('p_values.txt', x.ravel(), fmt='%.17g')
)"));
  std::vector<double> expected;
  std::ifstream txt(dir / "p_values.txt");
  for (double d; txt >> d;) expected.push_back(d);
  REQUIRE(expected.size() == 60);
  CHECK(hifa::read_npy(dir / "p_f8_c.npy").values<double>("c") == expected);
  CHECK(hifa::read_npy(dir / "p_f8_f.npy").values<double>("f") == expected);
  const std::vector<float> f4 = hifa::read_npy(dir / "p_f4_f.npy").values<float>("f4");
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(f4[i] == float(expected[i]));
}
