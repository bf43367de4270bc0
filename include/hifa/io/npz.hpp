#pragma once
// NumPy's .npz archives (a zip of .npy files, as numpy.savez writes them stored and
// numpy.savez_compressed deflated), through libzip. Optional toolkit component: link hifa::body
// (needs Debian's libzip-dev); hifa::geometry never depends on libzip.
//
//   hifa::NpzArchive npz("model.npz");                 // opened once, read many
//   npz.names();                                       // {"v_template", "f", ...} in archive order
//   hifa::NpyArray v = npz.read("v_template");         // see hifa/io/npy.hpp for converting it
//   hifa::write_npz("out.npz", {{"v", hifa::make_npy<float>(v, {n, 3})}}, hifa::NpzCompression::deflated);
//
// Names: an archive member "<name>.npy" is the array <name> (numpy's convention); members that are
//   not .npy files are ignored.
// Writing: every array becomes "<name>.npy" (encode_npy), stored or deflated; the archive is built
//   in memory and written atomically (hifa/core/atomic_file.hpp), so a failed write never leaves a
//   truncated .npz under the real name; no arrays give the empty archive numpy writes. numpy.load
//   reads the result.
// Errors: hifa::Error naming the archive ("no such file", "not a zip archive or damaged: <libzip's
//   reason>"), "<archive>:<name>" for an array that is missing (the names present are listed) or
//   whose .npy is invalid (see parse_npy), duplicate or empty names when writing.

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/io/npy.hpp"

#include <zip.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hifa {

class NpzArchive {
 public:
  explicit NpzArchive(const std::filesystem::path& path) : path_(path.string()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path_, "no such file");
    int code = 0;
    zip_ = zip_open(path_.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (zip_ == nullptr) {
      zip_error_t error;
      zip_error_init_with_code(&error, code);
      const std::string why = zip_error_strerror(&error);
      zip_error_fini(&error);
      throw Error(path_, "not a zip archive or damaged: " + why);
    }
    const zip_int64_t count = zip_get_num_entries(zip_, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
      const char* name = zip_get_name(zip_, zip_uint64_t(i), ZIP_FL_ENC_GUESS);
      if (name == nullptr) continue;
      const std::string_view member(name);
      if (member.size() > 4 && member.ends_with(".npy")) {
        names_.emplace_back(member.substr(0, member.size() - 4));
        indices_.push_back(zip_uint64_t(i));
      }
    }
  }
  NpzArchive(const NpzArchive&) = delete;
  NpzArchive& operator=(const NpzArchive&) = delete;
  ~NpzArchive() {
    if (zip_ != nullptr) zip_discard(zip_);
  }

  const std::string& path() const { return path_; }
  // The arrays' names, in archive order.
  const std::vector<std::string>& names() const { return names_; }
  bool contains(std::string_view name) const { return find(name) >= 0; }

  // The array `name`; Error "<archive>:<name>" when it is missing or not a valid .npy.
  NpyArray read(std::string_view name) const {
    const std::string where = path_ + ":" + std::string(name);
    const int at = find(name);
    if (at < 0) {
      std::string present;
      for (const std::string& n : names_) present += (present.empty() ? "" : ", ") + n;
      throw Error(where, "no such array in the archive (it has: " + (present.empty() ? "none" : present) + ")");
    }
    const zip_uint64_t index = indices_[std::size_t(at)];
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
      throw Error(where, std::string("cannot read the member's size: ") + zip_strerror(zip_));
    }
    zip_file_t* file = zip_fopen_index(zip_, index, 0);
    if (file == nullptr) throw Error(where, std::string("cannot open the member: ") + zip_strerror(zip_));
    std::vector<std::byte> bytes(std::size_t(st.size));
    std::size_t got = 0;
    while (got < bytes.size()) {
      const zip_int64_t n = zip_fread(file, bytes.data() + got, bytes.size() - got);
      if (n <= 0) break;
      got += std::size_t(n);
    }
    // libzip checks the member's CRC when a read reaches its end: one more read must return 0
    // (and fails on damaged data).
    std::byte extra;
    const bool failed = got != bytes.size() || zip_fread(file, &extra, 1) != 0;
    const std::string why = failed ? zip_file_strerror(file) : "";
    const int closed = zip_fclose(file);
    if (failed || closed != 0) {
      throw Error(where, "the member's data are damaged: " + (failed ? why : std::string(zip_strerror(zip_))));
    }
    return parse_npy(bytes, where);
  }

 private:
  int find(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return int(i);
    return -1;
  }

  std::string path_;
  zip_t* zip_ = nullptr;
  std::vector<std::string> names_;
  std::vector<zip_uint64_t> indices_;
};

// One array of `path` (opens the archive for just this one).
inline NpyArray read_npz_array(const std::filesystem::path& path, std::string_view name) {
  return NpzArchive(path).read(name);
}

struct NpzEntry {
  std::string name;
  NpyArray array;
};

enum class NpzCompression { stored, deflated };

namespace detail {

// Owns a zip_source_t (its reference count).
struct ZipSourceRef {
  zip_source_t* source;
  ~ZipSourceRef() { zip_source_free(source); }
};

}  // namespace detail

inline void write_npz(const std::filesystem::path& path, std::span<const NpzEntry> arrays,
                      NpzCompression compression = NpzCompression::stored) {
  const std::string where = path.string();
  std::set<std::string_view> seen;
  for (const NpzEntry& e : arrays) {
    if (e.name.empty()) throw Error(where, "an array without a name");
    if (!seen.insert(e.name).second) throw Error(where, "array '" + e.name + "' given twice");
  }
  if (arrays.empty()) {
    // libzip drops an archive without members instead of writing one; numpy.savez() writes the
    // bare end-of-central-directory record, 22 bytes: the signature and zero counts and offsets.
    write_file_atomically(path, [](std::ostream& os) {
      const char record[22] = {'P', 'K', 5, 6};
      os.write(record, sizeof(record));
    });
    return;
  }
  // The archive is assembled in a memory buffer source (libzip's in-memory pattern), kept alive
  // past zip_close so its bytes can be read back and written atomically.
  zip_error_t error;
  zip_error_init(&error);
  detail::ZipSourceRef buffer{zip_source_buffer_create(nullptr, 0, 0, &error)};
  if (buffer.source == nullptr) throw Error(where, std::string("libzip: ") + zip_error_strerror(&error));
  zip_source_keep(buffer.source);
  zip_t* zip = zip_open_from_source(buffer.source, ZIP_TRUNCATE, &error);
  if (zip == nullptr) {
    zip_source_free(buffer.source);  // the reference zip_open_from_source did not take
    throw Error(where, std::string("libzip: ") + zip_error_strerror(&error));
  }
  std::vector<std::vector<std::byte>> encoded;  // must live until zip_close reads them
  encoded.reserve(arrays.size());
  auto fail = [&](const std::string& what) {
    const std::string why = zip_strerror(zip);
    zip_discard(zip);
    throw Error(where, what + ": " + why);
  };
  for (const NpzEntry& e : arrays) {
    encoded.push_back(encode_npy(e.array));
    const std::vector<std::byte>& bytes = encoded.back();
    zip_source_t* member = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
    if (member == nullptr) fail("cannot add array '" + e.name + "'");
    const zip_int64_t index = zip_file_add(zip, (e.name + ".npy").c_str(), member, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(member);
      fail("cannot add array '" + e.name + "'");
    }
    const zip_int32_t method = compression == NpzCompression::deflated ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
    if (zip_set_file_compression(zip, zip_uint64_t(index), method, 0) != 0) fail("cannot set the compression");
  }
  if (zip_close(zip) != 0) fail("cannot finish the archive");
  std::vector<std::byte> bytes;
  if (zip_source_open(buffer.source) != 0 || zip_source_seek(buffer.source, 0, SEEK_END) != 0) {
    throw Error(where, "libzip: cannot read back the archive");
  }
  const zip_int64_t size = zip_source_tell(buffer.source);
  bytes.resize(size > 0 ? std::size_t(size) : 0);
  const bool read_ok = size >= 0 && zip_source_seek(buffer.source, 0, SEEK_SET) == 0 &&
                       zip_source_read(buffer.source, bytes.data(), zip_uint64_t(bytes.size())) == size;
  zip_source_close(buffer.source);
  if (!read_ok) throw Error(where, "libzip: cannot read back the archive");
  write_file_atomically(path, [&](std::ostream& os) {
    os.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  });
}

inline void write_npz(const std::filesystem::path& path, const std::vector<NpzEntry>& arrays,
                      NpzCompression compression = NpzCompression::stored) {
  write_npz(path, std::span<const NpzEntry>(arrays), compression);
}

}  // namespace hifa
