#pragma once
// DATASET/contact_sheet.png: the prepared subjects at a glance, so a person can check a dataset
// (upright, centred, textured, lit, normal maps and masks) without opening hundreds of files.
//
//   write_dataset_contact_sheet(layout, {"alice", "bob"}, options.views, options.resolution);
//
// Inputs:  the dataset's layout, the names of its complete subjects (subjects/<name>/ exist; in
//          the order they should appear), the views per subject and the coarse resolution.
// Outputs: one row per subject, for each of up to 4 views at yaw 0, 90, 180, 270 degrees (views
//          v = floor(k views / 4), k = 0..3, duplicates dropped: exactly those yaws when views is a
//          multiple of 4) four thumbnails: image, normal_front, normal_back, mask — read back from
//          the subject's PNGs, so a resumed run shows the subjects of earlier runs too. Labels:
//          "<name> <yaw>" under the image, "<yaw> front" / "<yaw> back" / "<yaw> mask" under the
//          others. Thumbnails are min(128, resolution) pixels square, 4 pixels of padding
//          (render/contact_sheet.hpp), so the sheet is (16 (t + 4) + 4) x (n (t + 13) + 4) pixels
//          for n subjects and >= 4 views. Written atomically (write_png); nothing when no subject.
// Errors:  hifa::Error naming the PNG that cannot be read, or the sheet that cannot be written.
// Cost:    16 PNG decodes per subject plus one encode (about 0.1 s per subject at 512²).

#include "prepare/dataset_writer.hpp"

#include <string>
#include <vector>

namespace hifa::prepare {

// The thumbnails per view: the folders read, in the order shown.
inline constexpr const char* contact_sheet_maps[] = {"image", "normal_front", "normal_back", "mask"};

// The views shown: up to 4, at yaw 0 / 90 / 180 / 270 degrees (or the nearest below).
std::vector<int> contact_sheet_views(int views);

void write_dataset_contact_sheet(const Layout& layout, const std::vector<std::string>& subjects, int views,
                                 int resolution);

// DATASET/canonical_sheet.png: every subject with canonical data (docs/dataset.md), one row each, its
// canonical/preview.png (the canonical scan over the rest body from 4 sides; red where the body
// pokes through, i.e. where scan vertices landed inside it) labelled with the fractions of its scan
// vertices caught where body parts touch (inside another part, on a torn face) and inside the rest
// body (canonical_scan.hpp), worst first by the touching fraction, so those subjects come on top.
// Read back from the subjects' files like the sheet above; nothing when no subject has canonical data.
void write_canonical_contact_sheet(const Layout& layout, const std::vector<std::string>& subjects);

}  // namespace hifa::prepare
