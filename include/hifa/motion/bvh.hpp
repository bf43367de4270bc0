#pragma once
// Biovision Hierarchy (.bvh) motion files: the joint tree and its per-frame channels, and the poses
// they describe (forward kinematics). The format as the CMU motion-capture database, Blender and
// assimp use it:
//
//   HIERARCHY
//   ROOT Hips {                                   a joint: name, then a block
//     OFFSET 0 0 0                                its origin in the parent's frame (file units)
//     CHANNELS 6 Xposition Yposition Zposition Zrotation Yrotation Xrotation
//     JOINT LeftUpLeg { OFFSET ... CHANNELS 3 Zrotation Yrotation Xrotation ... }
//     End Site { OFFSET ... }                     a leaf point without channels
//   }
//   MOTION
//   Frames: 2752
//   Frame Time: .0083333                          seconds per frame
//   9.37 17.87 -17.32 0 0 0 ...                   one line per frame: every joint's channels, in
//                                                 the order the joints and their CHANNELS appear
//
//   auto motion = hifa::load_bvh("01_01.bvh");
//   auto pose = hifa::bvh_pose(motion, 10);        // frame 10: local and global joint transforms
//   pose.position(motion.find("LeftHand"))         // global position (file units)
//
// Pose of a frame (the convention of the BVH specification and of Blender's and assimp's importers):
//   joint j's local transform L_j = [R_j | offset_j + p_j], where p_j = (Xposition, Yposition,
//   Zposition) of its position channels (0 when it has none) and R_j the product of its rotation
//   channels in the file's order, each an angle in degrees about the named axis: "Zrotation
//   Yrotation Xrotation" gives R = Rz(z) · Ry(y) · Rx(x) (rotations act on column vectors, so the
//   last listed is applied first). Global transforms G_root = L_root, G_j = G_parent(j) · L_j; a joint's
//   rotation turns its children, so the bone from joint j to a child c points along
//   G_j's rotation · offset_c. The rest pose is every channel 0.
//
// BvhMotion:
//   joints       every ROOT/JOINT and End Site in file order (parents before children); joint names
//                are unique; an End Site is named "<parent>_end" (unless a joint has that name: then
//                "<parent>_end2", ...) and has no channels
//   channel_count  the number of values per frame (the sum of the CHANNELS counts)
//   frame_count, frame_time (seconds, > 0)
//   values       frame_count x channel_count, row-major, as in the file (degrees and file units)
// Errors: hifa::Error naming "<file>:<line>" and the problem: a missing or unexpected keyword, a
//   missing or extra brace, a CHANNELS count that does not match its names, an unknown channel, a
//   number that does not parse or is not finite (nan, inf), two joints of one name, a frame row with the wrong number of
//   values, fewer frame rows than "Frames:" says (rows after those are ignored), no ROOT, a second
//   ROOT.
// Cost: O(file size) to read; bvh_pose is O(joints).

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/detail/text_io.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Eigen/Core>
#include <Eigen/Geometry>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <istream>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace hifa {

enum class BvhChannel { x_position, y_position, z_position, x_rotation, y_rotation, z_rotation };

struct BvhJoint {
  std::string name;
  int parent = -1;                  // index into BvhMotion::joints; -1 for the root
  Vec3d offset = Vec3d::Zero();     // origin in the parent's frame
  std::vector<BvhChannel> channels; // in the file's order; empty for an End Site
  int first_channel = 0;            // column of channels[0] in a frame row
  bool end_site = false;
};

struct BvhMotion {
  std::vector<BvhJoint> joints;
  int channel_count = 0;
  int frame_count = 0;
  double frame_time = 0.0;
  std::vector<double> values;  // frame_count x channel_count

  int joint_count() const { return int(joints.size()); }

  // The index of the joint called `name`, or -1.
  int find(std::string_view name) const {
    for (std::size_t j = 0; j < joints.size(); ++j)
      if (joints[j].name == name) return int(j);
    return -1;
  }

  std::span<const double> frame(int f) const {
    if (f < 0 || f >= frame_count) {
      throw Error("BvhMotion::frame", "frame " + std::to_string(f) + " of " + std::to_string(frame_count));
    }
    return {values.data() + std::size_t(f) * std::size_t(channel_count), std::size_t(channel_count)};
  }
};

// One frame's joint transforms (see the top of this file).
struct BvhPose {
  std::vector<Mat3<double>> local_rotation;     // R_j
  std::vector<Vec3d> local_translation;  // offset_j + p_j
  std::vector<Mat4<double>> global;             // G_j

  Vec3d position(int j) const { return global[std::size_t(j)].block<3, 1>(0, 3); }
  Mat3<double> global_rotation(int j) const { return global[std::size_t(j)].block<3, 3>(0, 0); }
};

// The rotation of `degrees` about axis 0 (x), 1 (y) or 2 (z).
inline Mat3<double> axis_rotation(int axis, double degrees) {
  return Eigen::AngleAxisd(degrees * std::numbers::pi / 180.0, Vec3d::Unit(axis)).toRotationMatrix();
}

// The pose of frame `f` (0 <= f < frame_count), or the rest pose (every channel 0) for f = -1.
inline BvhPose bvh_pose(const BvhMotion& motion, int f) {
  const std::span<const double> row = f < 0 ? std::span<const double>() : motion.frame(f);
  const std::size_t n = motion.joints.size();
  BvhPose pose{std::vector<Mat3<double>>(n, Mat3<double>::Identity()), std::vector<Vec3d>(n), std::vector<Mat4<double>>(n)};
  for (std::size_t j = 0; j < n; ++j) {
    const BvhJoint& joint = motion.joints[j];
    Vec3d translation = joint.offset;
    Mat3<double>& rotation = pose.local_rotation[j];
    for (std::size_t c = 0; c < joint.channels.size() && !row.empty(); ++c) {
      const double v = row[std::size_t(joint.first_channel) + c];
      const int kind = int(joint.channels[c]);
      if (kind < 3) {
        translation[kind] += v;
      } else {
        rotation = rotation * axis_rotation(kind - 3, v);  // file order: the first listed is outermost
      }
    }
    pose.local_translation[j] = translation;
    Mat4<double> local = Mat4<double>::Identity();
    local.block<3, 3>(0, 0) = rotation;
    local.block<3, 1>(0, 3) = translation;
    pose.global[j] = joint.parent < 0 ? local : Mat4<double>(pose.global[std::size_t(joint.parent)] * local);
  }
  return pose;
}

// Global positions of every joint (End Sites included) at frame f (-1: rest), joint_count x 3.
inline RowMatrix3<double> bvh_positions(const BvhMotion& motion, int f) {
  const BvhPose pose = bvh_pose(motion, f);
  RowMatrix3<double> out(motion.joint_count(), 3);
  for (int j = 0; j < motion.joint_count(); ++j) out.row(j) = pose.position(j).transpose();
  return out;
}

namespace detail {

// Whitespace-separated words with their line numbers; '{' and '}' are words even when glued to
// others ("ROOT Hips{").
class BvhScanner {
 public:
  BvhScanner(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}

  [[noreturn]] void fail(std::size_t line, const std::string& problem) const {
    throw Error(name_ + ":" + std::to_string(line), problem);
  }
  [[noreturn]] void fail(const std::string& problem) const { fail(line_, problem); }

  // The next word, or empty at the end of the text; line() is then its line.
  std::string_view next() {
    skip_space();
    if (pos_ >= text_.size()) return {};
    const std::size_t start = pos_;
    if (text_[pos_] == '{' || text_[pos_] == '}') {
      ++pos_;
    } else {
      while (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != '{' && text_[pos_] != '}') ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  std::string_view expect_word(const char* what) {
    const std::string_view w = next();
    if (w.empty()) fail(std::string("unexpected end of file, expected ") + what);
    return w;
  }

  void expect(std::string_view keyword) {
    const std::string_view w = next();
    if (w != keyword) {
      fail("expected '" + std::string(keyword) + "', got " + (w.empty() ? std::string("the end of the file") : "'" + std::string(w) + "'"));
    }
  }

  double number(std::string_view w) const { return number(w, line_); }
  double number(std::string_view w, std::size_t line) const {
    double v = 0.0;
    const char* first = w.data();
    const char* last = w.data() + w.size();
    if (first != last && *first == '+') ++first;  // from_chars takes no '+'
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || ptr != last) fail(line, "'" + std::string(w) + "' is not a number");
    if (!std::isfinite(v)) fail(line, "'" + std::string(w) + "' is not a finite number");
    return v;
  }

  double next_number(const char* what) { return number(expect_word(what)); }

  // The rest of the current line (without the newline), and the position moves past it.
  std::string_view rest_of_line() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    std::string_view out = text_.substr(start, pos_ - start);
    if (pos_ < text_.size()) {
      ++pos_;
      ++line_;
    }
    return out;
  }

  // Skips blank space up to the next line with content (newlines counted); false at the end.
  bool skip_blank_lines() {
    while (pos_ < text_.size() && is_space(text_[pos_])) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    return pos_ < text_.size();
  }

  std::size_t line() const { return line_; }
  const std::string& name() const { return name_; }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  std::string_view text_;
  std::string name_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

inline BvhChannel parse_bvh_channel(const BvhScanner& s, std::string_view w) {
  static constexpr std::array<std::string_view, 6> names = {"Xposition", "Yposition", "Zposition",
                                                            "Xrotation", "Yrotation", "Zrotation"};
  for (std::size_t i = 0; i < names.size(); ++i)
    if (w == names[i]) return BvhChannel(i);
  s.fail("unknown channel '" + std::string(w) + "' (expected Xposition .. Zrotation)");
}

// Reads the block after "ROOT name", "JOINT name" or "End Site": '{' OFFSET [CHANNELS] children '}'.
inline void parse_bvh_joint(BvhScanner& s, BvhMotion& m, std::string name, int parent, bool end_site, int depth) {
  // Deeper than any body; stops a malicious file from exhausting the stack.
  if (depth > 1000) s.fail("joints nested more than 1000 deep");
  const int index = int(m.joints.size());
  {
    BvhJoint joint;
    joint.name = std::move(name);
    joint.parent = parent;
    joint.end_site = end_site;
    joint.first_channel = m.channel_count;
    m.joints.push_back(std::move(joint));
  }
  s.expect("{");
  s.expect("OFFSET");
  Vec3d offset;
  for (int a = 0; a < 3; ++a) offset[a] = s.next_number("an OFFSET value");
  m.joints[std::size_t(index)].offset = offset;
  std::string_view w = s.expect_word("CHANNELS, JOINT, End Site or '}'");
  if (w == "CHANNELS") {
    if (end_site) s.fail("an End Site has no CHANNELS");
    const std::size_t line = s.line();
    const double count = s.next_number("the CHANNELS count");
    if (count < 0 || count > 6 || count != std::floor(count)) {
      s.fail(line, "CHANNELS count " + std::to_string(count) + " is not an integer from 0 to 6");
    }
    std::vector<BvhChannel> channels;
    for (int c = 0; c < int(count); ++c) {
      const std::string_view cw = s.expect_word("a channel name");
      if (s.line() != line) s.fail(line, "CHANNELS " + std::to_string(int(count)) + " lists " + std::to_string(c) + " channel names");
      channels.push_back(parse_bvh_channel(s, cw));
    }
    m.channel_count += int(channels.size());
    m.joints[std::size_t(index)].channels = std::move(channels);
    w = s.expect_word("JOINT, End Site or '}'");
  } else if (!end_site) {
    s.fail("joint '" + m.joints[std::size_t(index)].name + "' has no CHANNELS line");
  }
  while (w != "}") {
    if (w == "JOINT") {
      if (end_site) s.fail("an End Site has no children");
      const std::string_view child = s.expect_word("a joint name");
      if (child == "{" || child == "}") s.fail("JOINT without a name");
      if (m.find(child) >= 0) s.fail("a second joint named '" + std::string(child) + "'");
      parse_bvh_joint(s, m, std::string(child), index, false, depth + 1);
    } else if (w == "End") {
      if (end_site) s.fail("an End Site has no children");
      s.expect("Site");
      parse_bvh_joint(s, m, std::string(), index, true, depth + 1);  // named by name_end_sites
    } else if (w == "MOTION" || w == "ROOT" || w.empty()) {
      s.fail("missing '}' closing joint '" + m.joints[std::size_t(index)].name + "'");
    } else {
      s.fail("unexpected '" + std::string(w) + "' in joint '" + m.joints[std::size_t(index)].name +
             "' (expected JOINT, End Site or '}')");
    }
    w = s.next();
    if (w.empty()) s.fail("missing '}' closing joint '" + m.joints[std::size_t(index)].name + "'");
  }
}

// End Sites are named "<parent>_end" once every joint's name is known, so a JOINT that comes later
// never finds its name taken.
inline void name_end_sites(BvhMotion& m) {
  for (BvhJoint& joint : m.joints) {
    if (!joint.end_site) continue;
    const std::string base = m.joints[std::size_t(joint.parent)].name + "_end";
    std::string name = base;
    for (int k = 2; m.find(name) >= 0; ++k) name = base + std::to_string(k);
    joint.name = name;
  }
}

}  // namespace detail

// Parses BVH text; `name` (the file) is used in error messages.
inline BvhMotion read_bvh(std::string_view text, const std::string& name) {
  detail::BvhScanner s(text, name);
  BvhMotion m;
  s.expect("HIERARCHY");
  s.expect("ROOT");
  const std::string_view root = s.expect_word("the root's name");
  if (root == "{") s.fail("ROOT without a name");
  detail::parse_bvh_joint(s, m, std::string(root), -1, false, 0);
  detail::name_end_sites(m);
  std::string_view w = s.next();
  if (w == "ROOT") s.fail("a second ROOT: one skeleton per file is supported");
  if (w == "}") s.fail("an extra '}' after the hierarchy");
  if (w != "MOTION") s.fail("expected 'MOTION' after the hierarchy, got " + (w.empty() ? std::string("the end of the file") : "'" + std::string(w) + "'"));
  s.expect("Frames:");
  const double frames = s.next_number("the frame count");
  if (frames < 0 || frames != std::floor(frames) || frames > 1e8) s.fail("Frames: " + std::to_string(frames) + " is not a frame count");
  s.expect("Frame");
  s.expect("Time:");
  const double frame_time = s.next_number("the frame time");
  if (!(frame_time > 0)) s.fail("Frame Time: " + std::to_string(frame_time) + " must be positive");
  m.frame_count = int(frames);
  m.frame_time = frame_time;
  s.rest_of_line();
  const std::size_t cc = std::size_t(m.channel_count);
  m.values.reserve(std::size_t(m.frame_count) * cc);
  int rows = 0;
  // Rows after the first `Frames` are ignored, as assimp's reader does (Boxing_Toes.bvh of Debian's
  // assimp-testmodels has 3070 rows under "Frames: 3069").
  while (rows < m.frame_count && s.skip_blank_lines()) {
    const std::size_t line = s.line();
    const std::string_view row = s.rest_of_line();
    std::size_t count = 0, i = 0;
    while (i < row.size()) {
      while (i < row.size() && (row[i] == ' ' || row[i] == '\t' || row[i] == '\r')) ++i;
      if (i == row.size()) break;
      const std::size_t start = i;
      while (i < row.size() && row[i] != ' ' && row[i] != '\t' && row[i] != '\r') ++i;
      if (count < cc) {
        m.values.push_back(s.number(row.substr(start, i - start), line));
      }
      ++count;
    }
    if (count != cc) {
      s.fail(line, "frame " + std::to_string(rows) + " has " + std::to_string(count) + " values, the hierarchy has " +
                       std::to_string(cc) + " channels");
    }
    ++rows;
  }
  if (rows != m.frame_count) {
    s.fail("the file ends after " + std::to_string(rows) + " frame rows; 'Frames: " + std::to_string(m.frame_count) + "'");
  }
  return m;
}

inline BvhMotion load_bvh(const std::filesystem::path& path) {
  detail::require_readable_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string(), "cannot open");
  const std::string text = detail::read_all(in, path.string());
  return read_bvh(text, path.string());
}

}  // namespace hifa
