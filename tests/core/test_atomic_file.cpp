#include "hifa/core/atomic_file.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

static std::string read_all(const fs::path& p) {
  std::ifstream is(p, std::ios::binary);
  std::stringstream ss;
  ss << is.rdbuf();
  return ss.str();
}

TEST_CASE("an atomic write leaves exactly the new content and no temporary file") {
  hifa::test::TempDir dir;
  const auto path = dir / "a.txt";
  hifa::write_file_atomically(path, [](std::ostream& os) { os << "first"; });
  hifa::write_file_atomically(path, [](std::ostream& os) { os << "second"; });
  CHECK(read_all(path) == "second");
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}) == 1);
}

TEST_CASE("a writer that throws leaves the previous file untouched") {
  hifa::test::TempDir dir;
  const auto path = dir / "keep.txt";
  hifa::write_file_atomically(path, [](std::ostream& os) { os << "old"; });
  CHECK_THROWS_AS(hifa::write_file_atomically(path,
                                              [](std::ostream& os) {
                                                os << "half";
                                                throw hifa::Error("test", "interrupted");
                                              }),
                  hifa::Error);
  CHECK(read_all(path) == "old");
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}) == 1);
}

TEST_CASE("writing into a missing folder is an error naming the file") {
  hifa::test::TempDir dir;
  const auto path = dir / "no-such-folder" / "x.obj";
  CHECK_THROWS_WITH(hifa::write_file_atomically(path, [](std::ostream& os) { os << "x"; }),
                    Catch::Contains(path.string()) && Catch::Contains("cannot open"));
}
