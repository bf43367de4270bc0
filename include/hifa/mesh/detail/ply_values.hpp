#pragma once
// Reads the values of a PLY body one at a time with every read bounds-checked (hifa::detail).
//
//   PlyValues in(body, encoding, name);
//   in.at("vertex", 12);                 // what errors name: "<name>: vertex 12: <problem>"
//   double x = in.read(PlyType::float32);
//   in.fail("has a non-finite coordinate");
//
// Every PLY type converts to double exactly (the widest integer is 32 bits), so callers handle one
// number type. Binary bodies are little-endian; ascii bodies are whitespace-separated numbers.

#include "hifa/core/error.hpp"
#include "hifa/mesh/detail/ply_header.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace hifa::detail {

class PlyValues {
 public:
  PlyValues(std::string_view body, PlyEncoding encoding, std::string_view name)
      : body_(body), binary_(encoding == PlyEncoding::binary_little_endian), name_(name) {}

  void at(std::string_view element, std::uint64_t index) {
    element_ = element;
    index_ = index;
  }
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(name_, std::string(element_) + " " + std::to_string(index_) + ": " + problem);
  }

  bool binary() const { return binary_; }
  std::size_t remaining() const { return body_.size() - pos_; }

  double read(PlyType type) { return binary_ ? read_binary(type) : read_ascii(type); }

  // A list length of items of `item_type`: non-negative, and no more items than the remaining bytes
  // could hold, so a lying length is refused before anything is allocated or looped over.
  std::size_t read_count(PlyType count_type, PlyType item_type) {
    const double count = read(count_type);
    if (!(count >= 0)) fail("negative list length");
    const std::size_t min_item_bytes = binary_ ? ply_size(item_type) : 2;  // ascii: a digit and a separator
    if (count > static_cast<double>((remaining() + 1) / min_item_bytes)) {
      fail("a list of " + std::to_string(static_cast<std::uint64_t>(count)) + " items runs past the end of the file (truncated, or a wrong length)");
    }
    return static_cast<std::size_t>(count);
  }

 private:
  template <class Stored>
  double load() {
    unsigned char bytes[sizeof(Stored)];
    std::memcpy(bytes, body_.data() + pos_, sizeof bytes);
    pos_ += sizeof bytes;
    swap_if_big_endian(bytes, sizeof bytes);
    Stored value;
    std::memcpy(&value, bytes, sizeof bytes);
    return static_cast<double>(value);
  }

  double read_binary(PlyType type) {
    if (ply_size(type) > remaining()) fail("the file ends early (truncated)");
    switch (type) {
      case PlyType::int8: return load<std::int8_t>();
      case PlyType::uint8: return load<std::uint8_t>();
      case PlyType::int16: return load<std::int16_t>();
      case PlyType::uint16: return load<std::uint16_t>();
      case PlyType::int32: return load<std::int32_t>();
      case PlyType::uint32: return load<std::uint32_t>();
      case PlyType::float32: return load<float>();
      case PlyType::float64: return load<double>();
    }
    fail("unknown property type");
  }

  static bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

  double read_ascii(PlyType type) {
    while (pos_ < body_.size() && space(body_[pos_])) ++pos_;
    if (pos_ == body_.size()) fail("the file ends early (truncated)");
    const std::size_t start = pos_;
    while (pos_ < body_.size() && !space(body_[pos_])) ++pos_;
    const std::string_view token = body_.substr(start, pos_ - start);
    const char* first = token.data();
    const char* last = first + token.size();
    const auto bad = [&](const char* why) { fail("'" + std::string(token.substr(0, 32)) + "' " + why); };
    if (ply_is_integer(type)) {
      std::int64_t value = 0;
      const auto [ptr, ec] = std::from_chars(first, last, value);
      if (ec != std::errc() || ptr != last) bad("is not an integer");
      if (value < integer_min(type) || value > integer_max(type)) bad("does not fit the property's type");
      return static_cast<double>(value);
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last) bad("is not a number");
    return value;
  }

  static std::int64_t integer_min(PlyType type) {
    switch (type) {
      case PlyType::int8: return std::numeric_limits<std::int8_t>::min();
      case PlyType::int16: return std::numeric_limits<std::int16_t>::min();
      case PlyType::int32: return std::numeric_limits<std::int32_t>::min();
      default: return 0;
    }
  }
  static std::int64_t integer_max(PlyType type) {
    switch (type) {
      case PlyType::int8: return std::numeric_limits<std::int8_t>::max();
      case PlyType::uint8: return std::numeric_limits<std::uint8_t>::max();
      case PlyType::int16: return std::numeric_limits<std::int16_t>::max();
      case PlyType::uint16: return std::numeric_limits<std::uint16_t>::max();
      case PlyType::int32: return std::numeric_limits<std::int32_t>::max();
      default: return std::numeric_limits<std::uint32_t>::max();
    }
  }

  std::string_view body_;
  std::size_t pos_ = 0;
  bool binary_;
  std::string_view name_;
  std::string_view element_;
  std::uint64_t index_ = 0;
};

}  // namespace hifa::detail
