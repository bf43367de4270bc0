#pragma once
// The PLY header (hifa::detail): property types, elements and their properties, and a parser that
// checks everything the body reader later relies on. See hifa/mesh/ply_io.hpp for the public API.
//
//   parse_ply_header(bytes, name) -> PlyHeader{encoding, elements, body_offset}
// Errors: hifa::Error "<name>: header line <n>: <problem>" (not a PLY, unknown format or type,
// a negative or non-numeric count, a property outside an element, no end_header).

#include "hifa/core/error.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hifa::detail {

enum class PlyType { int8, uint8, int16, uint16, int32, uint32, float32, float64 };

inline std::optional<PlyType> ply_type_from_name(std::string_view name) {
  struct Entry {
    std::string_view name;
    PlyType type;
  };
  // Both spellings of the PLY spec (the old "uchar" and the sized "uint8") are in use.
  static constexpr Entry table[] = {
      {"char", PlyType::int8},     {"int8", PlyType::int8},     {"uchar", PlyType::uint8},
      {"uint8", PlyType::uint8},   {"short", PlyType::int16},   {"int16", PlyType::int16},
      {"ushort", PlyType::uint16}, {"uint16", PlyType::uint16}, {"int", PlyType::int32},
      {"int32", PlyType::int32},   {"uint", PlyType::uint32},   {"uint32", PlyType::uint32},
      {"float", PlyType::float32}, {"float32", PlyType::float32}, {"double", PlyType::float64},
      {"float64", PlyType::float64}};
  for (const auto& entry : table) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

inline std::size_t ply_size(PlyType type) {
  switch (type) {
    case PlyType::int8:
    case PlyType::uint8: return 1;
    case PlyType::int16:
    case PlyType::uint16: return 2;
    case PlyType::int32:
    case PlyType::uint32:
    case PlyType::float32: return 4;
    case PlyType::float64: return 8;
  }
  return 0;
}

// PLY binary bodies here are little-endian; on a big-endian host the bytes of each value are reversed.
inline void swap_if_big_endian(unsigned char* bytes, std::size_t size) {
  if constexpr (std::endian::native == std::endian::big) std::reverse(bytes, bytes + size);
}

inline bool ply_is_integer(PlyType type) { return type != PlyType::float32 && type != PlyType::float64; }

struct PlyProperty {
  std::string name;
  PlyType type = PlyType::float32;  // the value type (of each item, for a list)
  bool is_list = false;
  PlyType count_type = PlyType::uint8;  // lists only
};

struct PlyElement {
  std::string name;
  std::uint64_t count = 0;
  std::vector<PlyProperty> properties;

  const PlyProperty* find(std::string_view property) const {
    for (const auto& p : properties) {
      if (p.name == property) return &p;
    }
    return nullptr;
  }
  // The fewest bytes one item can take: binary, every scalar and list count; ascii, one character
  // and one separator per property. Used to refuse counts the remaining bytes cannot hold.
  std::size_t min_item_bytes(bool binary) const {
    std::size_t bytes = 0;
    for (const auto& p : properties) bytes += binary ? ply_size(p.is_list ? p.count_type : p.type) : 2;
    return bytes;
  }
};

enum class PlyEncoding { ascii, binary_little_endian };

struct PlyHeader {
  PlyEncoding encoding = PlyEncoding::ascii;
  std::vector<PlyElement> elements;
  std::size_t body_offset = 0;  // first byte after the "end_header" line
};

inline std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

inline PlyHeader parse_ply_header(std::string_view bytes, std::string_view name) {
  PlyHeader header;
  bool have_format = false;
  std::size_t pos = 0;
  for (int line_number = 1;; ++line_number) {
    const auto fail = [&](const std::string& problem) {
      return Error(name, "header line " + std::to_string(line_number) + ": " + problem);
    };
    const std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) {
      throw Error(name, pos == 0 && bytes.empty() ? "empty file" : "the header has no end_header line (truncated?)");
    }
    std::string_view line = bytes.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    const auto words = split_words(line);
    if (line_number == 1) {
      if (words.size() != 1 || words[0] != "ply") throw fail("not a PLY file (the first line is not \"ply\")");
      continue;
    }
    if (words.empty() || words[0] == "comment" || words[0] == "obj_info") continue;
    const auto keyword = words[0];
    if (keyword == "end_header") {
      if (!have_format) throw fail("end_header before any format line");
      header.body_offset = pos;
      return header;
    }
    if (keyword == "format") {
      if (words.size() != 3) throw fail("expected \"format <encoding> 1.0\"");
      if (words[1] == "ascii") {
        header.encoding = PlyEncoding::ascii;
      } else if (words[1] == "binary_little_endian") {
        header.encoding = PlyEncoding::binary_little_endian;
      } else if (words[1] == "binary_big_endian") {
        throw fail("binary_big_endian PLY is not supported; convert it to binary_little_endian or ascii");
      } else {
        throw fail("unknown format '" + std::string(words[1]) + "'");
      }
      have_format = true;
    } else if (keyword == "element") {
      if (words.size() != 3) throw fail("expected \"element <name> <count>\"");
      const auto text = words[2];
      if (!text.empty() && text[0] == '-') throw fail("element '" + std::string(words[1]) + "' has a negative count");
      std::uint64_t count = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        throw fail("element '" + std::string(words[1]) + "' has a bad count '" + std::string(text) + "'");
      }
      header.elements.push_back(PlyElement{std::string(words[1]), count, {}});
    } else if (keyword == "property") {
      if (header.elements.empty()) throw fail("property before any element");
      PlyProperty property;
      const auto type_of = [&](std::string_view word) {
        const auto type = ply_type_from_name(word);
        if (!type) throw fail("unknown property type '" + std::string(word) + "'");
        return *type;
      };
      if (words.size() == 5 && words[1] == "list") {
        property.is_list = true;
        property.count_type = type_of(words[2]);
        if (!ply_is_integer(property.count_type)) throw fail("a list count must have an integer type");
        property.type = type_of(words[3]);
        property.name = std::string(words[4]);
      } else if (words.size() == 3) {
        property.type = type_of(words[1]);
        property.name = std::string(words[2]);
      } else {
        throw fail("expected \"property <type> <name>\" or \"property list <count type> <type> <name>\"");
      }
      header.elements.back().properties.push_back(std::move(property));
    } else {
      throw fail("unknown keyword '" + std::string(keyword) + "'");
    }
  }
}

}  // namespace hifa::detail
