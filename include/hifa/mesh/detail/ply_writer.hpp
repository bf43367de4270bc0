#pragma once
// Appends PLY body values in either encoding (hifa::detail): binary little-endian bytes, or ascii
// numbers (shortest exact decimals) separated by spaces with one item per line.
//
//   PlyWriter out(os, binary);
//   out.put(1.5f); out.put(std::uint8_t{255}); out.end_item();
//   out.finish();                            // writes what is still buffered

#include "hifa/mesh/detail/ply_header.hpp"

#include <charconv>
#include <cstring>
#include <ostream>
#include <string>

namespace hifa::detail {

class PlyWriter {
 public:
  PlyWriter(std::ostream& os, bool binary) : os_(os), binary_(binary) {}

  template <class V>
  void put(V value) {
    if (binary_) {
      unsigned char bytes[sizeof value];
      std::memcpy(bytes, &value, sizeof value);
      swap_if_big_endian(bytes, sizeof value);
      buffer_.append(reinterpret_cast<const char*>(bytes), sizeof value);
      return;
    }
    if (!first_in_item_) buffer_.push_back(' ');
    first_in_item_ = false;
    char text[64];
    // Widen bytes so an uint8 colour prints as a number, not as a character.
    const auto result = std::to_chars(text, text + sizeof text, +value);
    buffer_.append(text, static_cast<std::size_t>(result.ptr - text));
  }

  void end_item() {
    if (!binary_) buffer_.push_back('\n');
    first_in_item_ = true;
    if (buffer_.size() >= (1u << 16)) finish();  // bounded memory, few large writes
  }

  void finish() {
    os_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  std::ostream& os_;
  bool binary_;
  bool first_in_item_ = true;
  std::string buffer_;
};

}  // namespace hifa::detail
