#pragma once
// NumPy's .npy array format (numpy.lib.format, versions 1.0, 2.0 and 3.0): parse, convert, encode.
// No dependency beyond the standard library; hifa/io/npz.hpp builds .npz archives on top of it.
//
//   hifa::NpyArray a = hifa::read_npy("v.npy");            // any supported dtype, C or Fortran order
//   std::vector<double> v = a.values<double>("v.npy");     // converted, always in C (row-major) order
//   hifa::write_npy("out.npy", hifa::make_npy<float>(v32, {n, 3}));   // atomically
//
// NpyArray, the array as stored:
//   descr          the dtype string: "<f4", "<f8", "<i4", "<i8", "<u4", "|u1", "|b1", "|S16", ...
//                  Byte orders '<', '|', '=' (little-endian here) and '>' (big-endian: swapped on
//                  conversion) are read; kinds f (4, 8 bytes), i and u (1, 2, 4, 8), b (1) and, for
//                  strings(), S (bytes, zero-padded).
//   shape          the extents; {} is a 0-d array with one element
//   fortran_order  whether `data` holds the elements in column-major order
//   data           the raw element bytes exactly as in the file (size() x item_size())
// values<T>(where): every element converted to T (float, double or a standard integer type), in C
//   order whatever the file's order. Conversions that would change a value are refused: a
//   non-integral or out-of-range value to an integer type, a negative one to an unsigned type;
//   float64 -> float32 rounds, as numpy's astype does; NaN passes through to floating types.
// make_npy<T>(values, shape): an array of T (C order) to write; T float, double or a standard
//   integer type.
// Errors: hifa::Error naming `where` (the file, or "archive.npz:name" inside an .npz): bad magic,
//   unknown version, a header that is not numpy's dict, an unsupported dtype (named), a data size
//   that does not match the shape, a failed conversion (the element's index and value).

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace hifa {

static_assert(std::endian::native == std::endian::little,
              "hifa/io/npy.hpp: little-endian hosts only (every platform hifa builds for)");

struct NpyArray {
  std::string descr;
  std::vector<std::size_t> shape;
  bool fortran_order = false;
  std::vector<std::byte> data;

  std::size_t size() const {
    std::size_t n = 1;
    for (const std::size_t e : shape) n *= e;
    return n;
  }
  char kind() const { return descr.size() > 1 ? descr[1] : '\0'; }
  // The bytes per element (the digits after the kind), 0 when descr has none.
  std::size_t item_size() const {
    std::size_t n = 0;
    for (std::size_t i = 2; i < descr.size() && descr[i] >= '0' && descr[i] <= '9'; ++i) n = 10 * n + std::size_t(descr[i] - '0');
    return n;
  }
  bool big_endian() const { return !descr.empty() && descr[0] == '>'; }

  // The shape as numpy prints it, e.g. "(6890, 3)".
  std::string shape_string() const {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
  }

  template <class T>
  std::vector<T> values(std::string_view where) const;

  // The elements of a bytes array (dtype |Sn), trailing zero bytes removed, in C order.
  std::vector<std::string> strings(std::string_view where) const;
};

namespace detail {

// Visits the storage positions of the elements in C order: 0, 1, 2, ... for C-ordered data; for
// Fortran-ordered data an odometer over the C-order index (last extent fastest) keeps the
// column-major offset, so each step costs O(1) amortized and nothing is allocated per element.
template <class Visit>
void npy_for_each_offset(const std::vector<std::size_t>& shape, bool fortran_order, std::size_t count, Visit&& visit) {
  if (!fortran_order || shape.size() < 2) {
    for (std::size_t c = 0; c < count; ++c) visit(c, c);
    return;
  }
  const std::size_t rank = shape.size();
  std::vector<std::size_t> stride(rank), index(rank, 0);
  std::size_t s = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    stride[d] = s;
    s *= shape[d];
  }
  std::size_t offset = 0;
  for (std::size_t c = 0; c < count; ++c) {
    visit(c, offset);
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < shape[d]) {
        offset += stride[d];
        break;
      }
      offset -= (shape[d] - 1) * stride[d];
      index[d] = 0;
    }
  }
}

template <class S>
S npy_load(const std::byte* p, bool swap) {
  std::byte b[sizeof(S)];
  std::memcpy(b, p, sizeof(S));
  if (swap) std::reverse(std::begin(b), std::end(b));
  S s;
  std::memcpy(&s, b, sizeof(S));
  return s;
}

template <class T, class S>
T npy_convert(S s, std::string_view where, std::size_t index) {
  if constexpr (std::is_floating_point_v<T>) {
    return T(s);
  } else {
    auto refuse = [&](const char* why) {
      std::ostringstream os;
      os << "element " << index << " (" << +s << ") " << why;
      throw Error(where, os.str());
    };
    if constexpr (std::is_floating_point_v<S>) {
      if (!(s == std::floor(s))) refuse("is not an integer");
      // Compare in long double: the bounds of 64-bit types are exact there.
      if (static_cast<long double>(s) < static_cast<long double>(std::numeric_limits<T>::min()) ||
          static_cast<long double>(s) > static_cast<long double>(std::numeric_limits<T>::max())) {
        refuse("does not fit the integer type asked for");
      }
    } else if (!std::in_range<T>(s)) {
      refuse("does not fit the integer type asked for");
    }
    return T(s);
  }
}

template <class T, class S>
void npy_convert_all(const NpyArray& a, std::string_view where, std::vector<T>& out) {
  const bool swap = a.big_endian() && sizeof(S) > 1;
  npy_for_each_offset(a.shape, a.fortran_order, out.size(), [&](std::size_t c, std::size_t at) {
    out[c] = npy_convert<T>(npy_load<S>(a.data.data() + at * sizeof(S), swap), where, c);
  });
}

template <class T>
constexpr const char* npy_descr() {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, long double>,
                "hifa::make_npy: the element type must be float, double or a standard integer type");
  if constexpr (std::is_floating_point_v<T>) return sizeof(T) == 4 ? "<f4" : "<f8";
  else if constexpr (sizeof(T) == 1) return std::is_signed_v<T> ? "|i1" : "|u1";
  else if constexpr (sizeof(T) == 2) return std::is_signed_v<T> ? "<i2" : "<u2";
  else if constexpr (sizeof(T) == 4) return std::is_signed_v<T> ? "<i4" : "<u4";
  else return std::is_signed_v<T> ? "<i8" : "<u8";
}

// The value of `key` in numpy's header dict, e.g. "'<f4'", "False", "(3, 4)".
inline std::string_view npy_header_value(std::string_view header, std::string_view key, std::string_view where) {
  const std::string quoted = "'" + std::string(key) + "'";
  const std::size_t k = header.find(quoted);
  if (k == std::string_view::npos) throw Error(where, "npy header has no '" + std::string(key) + "' entry");
  std::size_t p = header.find(':', k + quoted.size());
  if (p == std::string_view::npos) throw Error(where, "npy header entry '" + std::string(key) + "' has no value");
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  std::size_t end = p;
  if (p < header.size() && (header[p] == '(' || header[p] == '\'' || header[p] == '"')) {
    const char close = header[p] == '(' ? ')' : header[p];
    end = header.find(close, p + 1);
    if (end == std::string_view::npos) throw Error(where, "npy header entry '" + std::string(key) + "' is not closed");
    ++end;
  } else {
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  }
  return header.substr(p, end - p);
}

inline bool npy_descr_supported(const std::string& d) {
  if (d.size() < 3 || (d[0] != '<' && d[0] != '>' && d[0] != '|' && d[0] != '=')) return false;
  for (std::size_t i = 2; i < d.size(); ++i)
    if (d[i] < '0' || d[i] > '9') return false;
  const std::string size = d.substr(2);
  switch (d[1]) {
    case 'f': return size == "4" || size == "8";
    case 'i':
    case 'u': return size == "1" || size == "2" || size == "4" || size == "8";
    case 'b': return size == "1";
    case 'S': return size.size() <= 9 && std::stoul(size) > 0;
    default: return false;
  }
}

}  // namespace detail

template <class T>
std::vector<T> NpyArray::values(std::string_view where) const {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                "hifa::NpyArray::values: T must be float, double or a standard integer type");
  std::vector<T> out(size());
  const std::size_t bytes = item_size();
  const char k = kind();
  if (k == 'f' && bytes == 4) detail::npy_convert_all<T, float>(*this, where, out);
  else if (k == 'f' && bytes == 8) detail::npy_convert_all<T, double>(*this, where, out);
  else if (k == 'i' && bytes == 1) detail::npy_convert_all<T, std::int8_t>(*this, where, out);
  else if (k == 'i' && bytes == 2) detail::npy_convert_all<T, std::int16_t>(*this, where, out);
  else if (k == 'i' && bytes == 4) detail::npy_convert_all<T, std::int32_t>(*this, where, out);
  else if (k == 'i' && bytes == 8) detail::npy_convert_all<T, std::int64_t>(*this, where, out);
  else if ((k == 'u' || k == 'b') && bytes == 1) detail::npy_convert_all<T, std::uint8_t>(*this, where, out);
  else if (k == 'u' && bytes == 2) detail::npy_convert_all<T, std::uint16_t>(*this, where, out);
  else if (k == 'u' && bytes == 4) detail::npy_convert_all<T, std::uint32_t>(*this, where, out);
  else if (k == 'u' && bytes == 8) detail::npy_convert_all<T, std::uint64_t>(*this, where, out);
  else throw Error(where, "dtype '" + descr + "' holds no numbers");
  return out;
}

inline std::vector<std::string> NpyArray::strings(std::string_view where) const {
  if (kind() != 'S') throw Error(where, "dtype '" + descr + "' is not a bytes array (|S)");
  const std::size_t bytes = item_size();
  std::vector<std::string> out(size());
  detail::npy_for_each_offset(shape, fortran_order, out.size(), [&](std::size_t c, std::size_t at) {
    const char* p = reinterpret_cast<const char*>(data.data() + at * bytes);
    out[c].assign(p, strnlen(p, bytes));
  });
  return out;
}

// Parses the bytes of a .npy file. `where` names it in errors.
inline NpyArray parse_npy(std::span<const std::byte> bytes, std::string_view where) {
  static constexpr unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10 || std::memcmp(bytes.data(), magic, 6) != 0) {
    throw Error(where, "not a .npy file (no \\x93NUMPY magic)");
  }
  const unsigned major = unsigned(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = std::size_t(bytes[8]) | std::size_t(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw Error(where, "truncated .npy header");
    header_len = std::size_t(bytes[8]) | std::size_t(bytes[9]) << 8 | std::size_t(bytes[10]) << 16 |
                 std::size_t(bytes[11]) << 24;
    offset = 12;
  } else {
    throw Error(where, "unsupported .npy format version " + std::to_string(major) + "." +
                           std::to_string(unsigned(bytes[7])) + " (1.0, 2.0 and 3.0 are read)");
  }
  if (bytes.size() < offset + header_len) throw Error(where, "truncated .npy header");
  // Version 3.0 only differs by allowing UTF-8 in the header; the keys read here are ASCII.
  const std::string header(reinterpret_cast<const char*>(bytes.data() + offset), header_len);
  NpyArray a;
  std::string_view descr = detail::npy_header_value(header, "descr", where);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"')) {
    throw Error(where, "npy dtype " + std::string(descr) + " is a structured dtype; only plain dtypes are read");
  }
  a.descr = std::string(descr.substr(1, descr.size() - 2));
  if (a.kind() == 'O') {
    throw Error(where, "dtype '" + a.descr + "' holds pickled Python objects (e.g. a scipy.sparse matrix), which "
                       "are not read; store the array as plain numbers (scipy: .toarray())");
  }
  if (!detail::npy_descr_supported(a.descr)) {
    throw Error(where, "unsupported dtype '" + a.descr + "' (f4 f8 i1-i8 u1-u8 b1 S are read)");
  }
  const std::string_view order = detail::npy_header_value(header, "fortran_order", where);
  if (order == "True") a.fortran_order = true;
  else if (order != "False") throw Error(where, "npy fortran_order is '" + std::string(order) + "'");
  std::string_view shape = detail::npy_header_value(header, "shape", where);
  if (shape.size() < 2 || shape.front() != '(') throw Error(where, "npy shape '" + std::string(shape) + "' is not a tuple");
  shape = shape.substr(1, shape.size() - 2);
  std::size_t p = 0;
  while (p < shape.size()) {
    while (p < shape.size() && (shape[p] == ' ' || shape[p] == ',')) ++p;
    if (p == shape.size()) break;
    std::size_t end = p;
    while (end < shape.size() && shape[end] >= '0' && shape[end] <= '9') ++end;
    if (end == p) throw Error(where, "npy shape has a non-integer extent: (" + std::string(shape) + ")");
    a.shape.push_back(std::size_t(std::stoull(std::string(shape.substr(p, end - p)))));
    p = end;
  }
  const std::size_t item = a.item_size();
  std::size_t count = 1;
  for (const std::size_t e : a.shape) {
    if (e != 0 && count > std::numeric_limits<std::size_t>::max() / e / item) {
      throw Error(where, "npy shape " + a.shape_string() + " is too large");
    }
    count *= e;
  }
  const std::size_t data_bytes = count * item;
  const std::size_t begin = offset + header_len;
  if (bytes.size() - begin != data_bytes) {
    throw Error(where, "npy data is " + std::to_string(bytes.size() - begin) + " bytes, shape " + a.shape_string() +
                           " of '" + a.descr + "' needs " + std::to_string(data_bytes));
  }
  a.data.assign(bytes.begin() + std::ptrdiff_t(begin), bytes.end());
  return a;
}

// Reads a whole file into memory; Error naming the path when it cannot.
inline std::vector<std::byte> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream is(path, std::ios::binary | std::ios::ate);
  if (!is) throw Error(path.string(), "cannot open for reading");
  const std::streamoff size = is.tellg();
  if (size < 0) throw Error(path.string(), "cannot read its size");
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  is.seekg(0);
  if (!is.read(reinterpret_cast<char*>(bytes.data()), size)) throw Error(path.string(), "read failed");
  return bytes;
}

inline NpyArray read_npy(const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = read_file_bytes(path);
  return parse_npy(bytes, path.string());
}

// An array of T in C order with the given shape. Errors: values.size() is not the shape's product.
template <class T>
NpyArray make_npy(std::span<const T> values, std::vector<std::size_t> shape) {
  NpyArray a;
  a.descr = detail::npy_descr<T>();
  a.shape = std::move(shape);
  if (a.size() != values.size()) {
    throw Error("make_npy", std::to_string(values.size()) + " values for shape " + a.shape_string());
  }
  a.data.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

template <class T>
NpyArray make_npy(const std::vector<T>& values, std::vector<std::size_t> shape) {
  return make_npy(std::span<const T>(values), std::move(shape));
}

// A bytes array (dtype |Sn, n the longest string, at least 1) of `strings` in C order with the
// given shape, as numpy.array([b"...", ...]) stores it. Errors: a count not matching the shape.
inline NpyArray make_npy_strings(std::span<const std::string> strings, std::vector<std::size_t> shape) {
  std::size_t width = 1;
  for (const std::string& s : strings) width = std::max(width, s.size());
  NpyArray a;
  a.descr = "|S" + std::to_string(width);
  a.shape = std::move(shape);
  if (a.size() != strings.size()) {
    throw Error("make_npy_strings", std::to_string(strings.size()) + " strings for shape " + a.shape_string());
  }
  a.data.assign(strings.size() * width, std::byte(0));
  for (std::size_t i = 0; i < strings.size(); ++i) std::memcpy(a.data.data() + i * width, strings[i].data(), strings[i].size());
  return a;
}

// The .npy bytes of `a`: version 1.0 (2.0 when the header needs more than 65535 bytes), the header
// padded with spaces to a multiple of 64 bytes as numpy writes it, so the data are aligned.
inline std::vector<std::byte> encode_npy(const NpyArray& a) {
  std::string header = "{'descr': '" + a.descr + "', 'fortran_order': " + (a.fortran_order ? "True" : "False") +
                       ", 'shape': " + a.shape_string() + ", }";
  const bool v2 = header.size() + 11 > 65535;
  const std::size_t prefix = v2 ? 12 : 10;
  const std::size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header.push_back('\n');
  std::vector<std::byte> out(prefix + header.size() + a.data.size());
  static constexpr unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  std::memcpy(out.data(), magic, 6);
  out[6] = std::byte(v2 ? 2 : 1);
  out[7] = std::byte(0);
  const std::size_t len = header.size();
  for (std::size_t b = 0; b < prefix - 8; ++b) out[8 + b] = std::byte((len >> (8 * b)) & 0xff);
  std::memcpy(out.data() + prefix, header.data(), header.size());
  if (!a.data.empty()) std::memcpy(out.data() + prefix + header.size(), a.data.data(), a.data.size());
  return out;
}

// Writes `a` to `path` atomically (hifa/core/atomic_file.hpp).
inline void write_npy(const std::filesystem::path& path, const NpyArray& a) {
  const std::vector<std::byte> bytes = encode_npy(a);
  write_file_atomically(path, [&](std::ostream& os) {
    os.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  });
}

}  // namespace hifa
