#pragma once
// SMPL's 24 joints placed on a body mesh from documented landmarks: cross-sections at heights
// relative to the body's height for the legs, torso and head, and sections across the arm found
// from the arm's own geometry. This is how hifa's OpenBody gets its skeleton (docs/open_body.md).
//
//   hifa::BodyLandmarks marks = hifa::smpl_landmarks(mesh);
//   marks.joints;                                // 24 x 3, SMPL's order (skinning/skeleton.hpp)
//   auto bones = hifa::smpl_bone_segments(marks); // for hifa/skinning/bone_heat.hpp
//
// Inputs:  mesh  TriMesh<float>, closed (or nearly), standing in an A-pose (arms down and out, away
//                from the torso below the armpits; legs apart below the crotch), y up, facing +z,
//                its left side at +x (SMPL's frame), any units and floor height. A section of the
//                mesh is hifa/mesh/cross_section.hpp's loop; H = height (y extent), y(f) = floor +
//                f · H; "central loop" = the loop of a horizontal section whose x range contains 0.
// Rules (s = +1 for the left side, -1 for the right; fractions from SMPL's mean template and
//        anthropometric tables, e.g. Drillis & Contini 1966 segment lengths):
//   crotch y_c     lowest height from 0.25 H up (steps of 0.002 H) with a central loop
//   hip            x, z: centroid of that side's thigh loop 0.02 H below the crotch (x), of the
//                  central loop at the hip height (z); y = y_c + 0.04 H
//   pelvis         x = 0, y = hip y + 0.05 H, z: central loop centroid there
//   knee           centroid of that side's (most medial) leg loop at 0.285 H
//   ankle          on the line from the knee through the shin loop centroid at 0.12 H, at 0.045 H
//   foot           (SMPL's joint at the ball of the foot) centroid of the foot's vertices (that
//                  side, below the ankle) in the front 30% of the foot's z extent; the toe end
//                  (foot bone end) = that side's foremost foot vertex, at the foot joint's height
//   neck           centroid of the central loop of least length in [0.80 H, 0.95 H]
//   spine1..3      x = 0, y = pelvis y + 0.20 / 0.45 / 0.55 of (neck y - pelvis y) (SMPL's
//                  spacing), z: central loop centroid at that height
//   head           x = 0, y = neck y + 0.30 (top - neck y), z at 0.35 of the central loop's z extent
//                  from the back (the skull base, behind the mouth); the head end = (0, top, head z)
//   armpit y_a     scanning up from 0.6 H, the last height (before the neck) where that side has a
//                  loop lateral of the central loop (the arm, not yet joined to the torso); the
//                  gap x_g = midway between the central loop's extreme x on that side and the arm
//                  loop's medial x there
//   shoulder       x = x_g, y = 0.65 of the way from y_a to the top of the shoulder (the highest point
//                  of the section x = x_g below the neck), z: mean z of that section's points
//                  between those heights
//   fingertip      that side's most lateral vertex (A-pose: the middle fingertip); the hand end
//   elbow, wrist, hand  at 0.373, 0.725, 0.847 of the way from the shoulder to the fingertip
//                  (SMPL's T-pose arm proportions), each moved to the centroid of the section across
//                  the arm there (plane normal to shoulder -> fingertip) nearest that point
//   collar         x = 0.45 shoulder x, y = spine3 y + 0.75 (shoulder y - spine3 y), z = the mean of
//                  spine3's and the shoulder's z (SMPL's collar sits medial of and below the
//                  shoulder)
// Outputs: BodyLandmarks{joints (24 x 3), head_top, fingertip[2], toe[2], floor, height}; left/right
//          arrays are indexed 0 = left, 1 = right. Same bytes for the same mesh.
// Errors:  hifa::Error naming "smpl_landmarks" and the landmark that was not found (no crotch, no
//          armpit, no section at the knee, ...): the mesh is not an upright A-pose body.
// Cost:    a few hundred plane sections, each O(F): about 0.3 s for 30k faces.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/cross_section.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/skinning/bone_heat.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace hifa {

struct BodyLandmarks {
  RowMatrix3<float> joints;         // 24 x 3, SMPL order
  Vec3f head_top = Vec3f::Zero();    // end of the head bone
  std::array<Vec3f, 2> fingertip{};  // ends of the hand bones (left, right)
  std::array<Vec3f, 2> toe{};        // ends of the foot bones (left, right)
  float floor = 0;                   // lowest y of the mesh
  float height = 0;                  // y extent
};

namespace detail {

struct LandmarkFinder {
  const TriMesh<float>& mesh;
  float floor, top, height;

  float at(float f) const { return floor + f * height; }

  std::vector<SectionLoop> horizontal(float y) const { return cross_sections(mesh, Vec3f(0, y, 0), Vec3f(0, 1, 0)); }

  static std::pair<float, float> x_range(const SectionLoop& loop) {
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (const Vec3f& p : loop.points) {
      lo = std::min(lo, p.x());
      hi = std::max(hi, p.x());
    }
    return {lo, hi};
  }

  static const SectionLoop* central(const std::vector<SectionLoop>& loops) {
    const SectionLoop* best = nullptr;
    for (const SectionLoop& loop : loops) {
      const auto [lo, hi] = x_range(loop);
      if (lo < 0.0f && hi > 0.0f && (best == nullptr || loop.length > best->length)) best = &loop;
    }
    return best;
  }

  SectionLoop central_at(float y, const char* what) const {
    const auto loops = horizontal(y);
    const SectionLoop* c = central(loops);
    if (c == nullptr) throw Error("smpl_landmarks", std::string("no central section at the ") + what);
    return *c;
  }

  // That side's loop (entirely beyond x = 0) with the smallest |x| centroid, at height y.
  std::optional<SectionLoop> side_loop(float y, float s) const {
    std::optional<SectionLoop> best;
    for (SectionLoop& loop : horizontal(y)) {
      const auto [lo, hi] = x_range(loop);
      if (!(s > 0 ? lo > 0.0f : hi < 0.0f)) continue;
      if (!best || std::abs(loop.centroid.x()) < std::abs(best->centroid.x())) best = std::move(loop);
    }
    return best;
  }

  SectionLoop require_side_loop(float y, float s, const char* what) const {
    auto loop = side_loop(y, s);
    if (!loop) throw Error("smpl_landmarks", std::string("no ") + (s > 0 ? "left " : "right ") + what + " section");
    return *loop;
  }
};

}  // namespace detail

inline BodyLandmarks smpl_landmarks(const TriMesh<float>& mesh) {
  if (mesh.empty()) throw Error("smpl_landmarks", "the mesh has no faces");
  BodyLandmarks out;
  out.floor = mesh.vertices.col(1).minCoeff();
  const float top = mesh.vertices.col(1).maxCoeff();
  out.height = top - out.floor;
  if (!(out.height > 0.0f)) throw Error("smpl_landmarks", "the mesh has no height");
  const detail::LandmarkFinder find{mesh, out.floor, top, out.height};
  const float h = out.height;
  RowMatrix3<float> j(smpl_joint_count, 3);
  const auto set = [&j](int k, const Vec3f& p) { j.row(k) = p.transpose(); };

  // Crotch: the legs merge into the central loop.
  float crotch = std::numeric_limits<float>::quiet_NaN();
  for (float f = 0.25f; f < 0.75f; f += 0.002f) {
    if (detail::LandmarkFinder::central(find.horizontal(find.at(f))) != nullptr) {
      crotch = find.at(f);
      break;
    }
  }
  if (std::isnan(crotch)) throw Error("smpl_landmarks", "no crotch (legs never join) between 0.25 H and 0.75 H");
  const float hip_y = crotch + 0.04f * h;
  const float hip_z = find.central_at(hip_y, "hips").centroid.z();
  const float pelvis_y = hip_y + 0.05f * h;
  set(0, Vec3f(0, pelvis_y, find.central_at(pelvis_y, "pelvis").centroid.z()));

  const std::array<float, 2> sides = {1.0f, -1.0f};
  for (int side = 0; side < 2; ++side) {
    const float s = sides[std::size_t(side)];
    const SectionLoop thigh = find.require_side_loop(crotch - 0.02f * h, s, "thigh");
    set(1 + side, Vec3f(thigh.centroid.x(), hip_y, hip_z));
    const Vec3f knee = find.require_side_loop(find.at(0.285f), s, "knee").centroid;
    set(4 + side, knee);
    const Vec3f shin = find.require_side_loop(find.at(0.12f), s, "shin").centroid;
    const float ankle_y = find.at(0.045f);
    const Vec3f ankle = knee + (shin - knee) * ((ankle_y - knee.y()) / (shin.y() - knee.y()));
    set(7 + side, ankle);
    // The foot: vertices of this side below the ankle.
    float z_heel = std::numeric_limits<float>::infinity(), z_toe = -z_heel;
    Eigen::Index toe_vertex = -1;
    for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
      const Vec3f p = mesh.vertex(v);
      if (p.y() >= ankle_y || p.x() * s <= 0.0f) continue;
      z_heel = std::min(z_heel, p.z());
      if (p.z() > z_toe) {
        z_toe = p.z();
        toe_vertex = v;
      }
    }
    if (toe_vertex < 0) throw Error("smpl_landmarks", std::string("no ") + (s > 0 ? "left" : "right") + " foot below the ankle");
    Vec3f ball = Vec3f::Zero();
    int count = 0;
    for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
      const Vec3f p = mesh.vertex(v);
      if (p.y() >= ankle_y || p.x() * s <= 0.0f || p.z() < z_heel + 0.7f * (z_toe - z_heel)) continue;
      ball += p;
      ++count;
    }
    ball /= float(count);
    set(10 + side, ball);
    out.toe[std::size_t(side)] = Vec3f(mesh.vertex(toe_vertex).x(), ball.y(), z_toe);
  }

  // Neck: the narrowest central section between the shoulders and the head.
  float neck_y = std::numeric_limits<float>::quiet_NaN(), neck_length = std::numeric_limits<float>::infinity();
  Vec3f neck = Vec3f::Zero();
  for (float f = 0.80f; f <= 0.95f; f += 0.002f) {
    const auto loops = find.horizontal(find.at(f));
    const SectionLoop* c = detail::LandmarkFinder::central(loops);
    if (c != nullptr && c->length < neck_length) {
      neck_length = c->length;
      neck_y = find.at(f);
      neck = c->centroid;
    }
  }
  if (std::isnan(neck_y)) throw Error("smpl_landmarks", "no neck section between 0.80 H and 0.95 H");
  set(12, Vec3f(0, neck_y, neck.z()));
  const std::array<float, 3> spine_fraction = {0.20f, 0.45f, 0.55f};
  const std::array<int, 3> spine_joint = {3, 6, 9};
  for (int i = 0; i < 3; ++i) {
    const float y = pelvis_y + spine_fraction[std::size_t(i)] * (neck_y - pelvis_y);
    set(spine_joint[std::size_t(i)], Vec3f(0, y, find.central_at(y, "spine").centroid.z()));
  }
  const float head_y = neck_y + 0.30f * (top - neck_y);
  // Towards the back of the head's section (SMPL's head joint sits at the skull base, and the
  // mouth's cavity can reach the section's centroid).
  const SectionLoop head_loop = find.central_at(head_y, "head");
  float head_back = std::numeric_limits<float>::infinity(), head_front = -head_back;
  for (const Vec3f& p : head_loop.points) {
    head_back = std::min(head_back, p.z());
    head_front = std::max(head_front, p.z());
  }
  const float head_z = head_back + 0.35f * (head_front - head_back);
  set(15, Vec3f(0, head_y, head_z));
  out.head_top = Vec3f(0, top, head_z);

  for (int side = 0; side < 2; ++side) {
    const float s = sides[std::size_t(side)];
    const char* name = s > 0 ? "left" : "right";
    // Armpit: scanning up from 0.6 H (where the A-pose arm is its own loop), the last height
    // before the arm's loop joins the central one.
    float armpit = std::numeric_limits<float>::quiet_NaN(), gap_x = 0;
    for (float y = find.at(0.6f); y < neck_y; y += 0.002f * h) {
      const auto loops = find.horizontal(y);
      const SectionLoop* c = detail::LandmarkFinder::central(loops);
      if (c == nullptr) break;
      const auto [clo, chi] = detail::LandmarkFinder::x_range(*c);
      const float torso_edge = s > 0 ? chi : clo;
      std::optional<float> arm_medial;
      for (const SectionLoop& loop : loops) {
        if (&loop == c) continue;
        const auto [lo, hi] = detail::LandmarkFinder::x_range(loop);
        if (s > 0 && lo > torso_edge) arm_medial = arm_medial ? std::min(*arm_medial, lo) : lo;
        if (s < 0 && hi < torso_edge) arm_medial = arm_medial ? std::max(*arm_medial, hi) : hi;
      }
      if (!arm_medial) break;
      armpit = y;
      gap_x = 0.5f * (torso_edge + *arm_medial);
    }
    if (std::isnan(armpit)) {
      throw Error("smpl_landmarks", std::string("no ") + name + " arm: no loop lateral of the torso at 0.6 H (not an A-pose?)");
    }
    float shoulder_top = -std::numeric_limits<float>::infinity();
    const auto vertical = cross_sections(mesh, Vec3f(gap_x, 0, 0), Vec3f(1, 0, 0));
    for (const SectionLoop& loop : vertical)
      for (const Vec3f& p : loop.points)
        if (p.y() < neck_y) shoulder_top = std::max(shoulder_top, p.y());
    float z_sum = 0;
    int z_count = 0;
    for (const SectionLoop& loop : vertical)
      for (const Vec3f& p : loop.points)
        if (p.y() >= armpit && p.y() <= shoulder_top) {
          z_sum += p.z();
          ++z_count;
        }
    if (z_count == 0) throw Error("smpl_landmarks", std::string("no ") + name + " shoulder section");
    const Vec3f shoulder(gap_x, armpit + 0.65f * (shoulder_top - armpit), z_sum / float(z_count));
    set(16 + side, shoulder);
    Eigen::Index tip = 0;
    for (Eigen::Index v = 1; v < mesh.vertex_count(); ++v)
      if (mesh.vertices(v, 0) * s > mesh.vertices(tip, 0) * s) tip = v;
    const Vec3f fingertip = mesh.vertex(tip);
    out.fingertip[std::size_t(side)] = fingertip;
    const Vec3f axis = (fingertip - shoulder).normalized();
    const std::array<float, 3> arm_fraction = {0.373f, 0.725f, 0.847f};
    const std::array<int, 3> arm_joint = {18, 20, 22};
    for (int i = 0; i < 3; ++i) {
      const Vec3f guess = shoulder + arm_fraction[std::size_t(i)] * (fingertip - shoulder);
      const SectionLoop* best = nullptr;
      const auto loops = cross_sections(mesh, guess, axis);
      for (const SectionLoop& loop : loops)
        if (best == nullptr || (loop.centroid - guess).norm() < (best->centroid - guess).norm()) best = &loop;
      if (best == nullptr) throw Error("smpl_landmarks", std::string("no ") + name + " arm section");
      set(arm_joint[std::size_t(i)] + side, best->centroid);
    }
    const Vec3f spine3 = j.row(9).transpose();
    set(13 + side, Vec3f(0.45f * shoulder.x(), spine3.y() + 0.75f * (shoulder.y() - spine3.y()),
                         0.5f * (spine3.z() + shoulder.z())));
  }
  out.joints = j;
  return out;
}

// The segments bone heat diffuses from (hifa/skinning/bone_heat.hpp): each joint owns the segments
// from itself to each of its children (its rigid part under LBS); the leaves (head, hands, feet) own
// the segment to their end point (head top, fingertip, toe).
inline std::vector<BoneSegment> smpl_bone_segments(const BodyLandmarks& marks) {
  std::vector<BoneSegment> bones;
  const auto joint = [&marks](int k) -> Vec3f { return marks.joints.row(k).transpose(); };
  for (int k = 1; k < smpl_joint_count; ++k) {
    const int p = smpl_parents[std::size_t(k)];
    bones.push_back({p, joint(p), joint(k)});
  }
  bones.push_back({15, joint(15), marks.head_top});
  bones.push_back({22, joint(22), marks.fingertip[0]});
  bones.push_back({23, joint(23), marks.fingertip[1]});
  bones.push_back({10, joint(10), marks.toe[0]});
  bones.push_back({11, joint(11), marks.toe[1]});
  return bones;
}

}  // namespace hifa
