#pragma once
// One training batch of prepared views (docs/dataset.md), as tensors on the CPU. The data loader
// (trainer/data/) fills it; the training loop (trainer/train/) moves it to the device.
//
// Frames: `points` are in the view's normalized frame (docs/dataset.md "A view's normalized frame")
// of the coarse image; `fine_points_crop` are the same fine samples in the frame of the fine crop
// (the crop is a square window of the --fine-res image; its frame maps the window to [-1,1]^2 the
// way the view frame maps the whole image, z scaled alike), `fine_points` in the coarse frame (the
// coarse level is queried there for Omega). Images are in [-1, 1] (PIFu's Normalize(0.5, 0.5)),
// normals decoded n = 2 v - 1 (0 outside the mask), masks in [0, 1].

#include <torch/torch.h>

#include <string>
#include <vector>

namespace hifa::trainer {

// Items of a batch whose point draw fell back (view_loader.hpp, "points" and "fine"), counted so that
// training reports them (per epoch) instead of hiding them: a balanced draw that found one class
// (inside or outside) empty and drew from the other alone, and a fine crop in which no fine sample
// falls, whose points then come from the whole subject.
struct DrawFallbacks {
  int64_t coarse_unbalanced = 0, fine_unbalanced = 0, fine_outside_crop = 0;

  DrawFallbacks& operator+=(const DrawFallbacks& o) {
    coarse_unbalanced += o.coarse_unbalanced;
    fine_unbalanced += o.fine_unbalanced;
    fine_outside_crop += o.fine_outside_crop;
    return *this;
  }
  bool any() const { return coarse_unbalanced + fine_unbalanced + fine_outside_crop > 0; }
};

// This process's part of every batch in a data-parallel run (docs/distributed.md): of a global
// batch of B items, rank r of W takes positions [r B/W, (r + 1) B/W). B must be a multiple of W.
struct Shard {
  int rank = 0, world = 1;
  int64_t first(int64_t global_batch) const { return rank * (global_batch / world); }
  int64_t count(int64_t global_batch) const { return global_batch / world; }
};

struct ViewBatch {
  // Coarse level (--res of the dataset, resized to the config's coarse image_size if they differ).
  torch::Tensor image;         // B x 3 x R x R
  torch::Tensor mask;          // B x 1 x R x R
  torch::Tensor normal_front;  // B x 3 x R x R
  torch::Tensor normal_back;   // B x 3 x R x R
  torch::Tensor body_normals;  // B x 6 x R x R: the subject's fit drawn in the view, front then back
                               // normals (normal_net.body_normals; undefined otherwise)
  torch::Tensor points;        // B x 3 x N  coarse samples, view frame (undefined for model.type body)
  torch::Tensor labels;        // B x 1 x N  1 inside, 0 outside

  // Fine level (undefined when the dataset or the config has none): a crop of the fine image.
  torch::Tensor fine_image;         // B x 3 x C x C
  torch::Tensor fine_mask;          // B x 1 x C x C
  torch::Tensor fine_normal_front;  // B x 3 x C x C
  torch::Tensor fine_normal_back;   // B x 3 x C x C
  torch::Tensor fine_points;        // B x 3 x M  fine samples, coarse view frame
  torch::Tensor fine_points_crop;   // B x 3 x M  the same points, crop frame
  torch::Tensor fine_labels;        // B x 1 x M
  torch::Tensor fine_crop_origin;   // B x 2 int64: the crop's top-left pixel (x, y) in the fine image

  // Body targets (a config with body_net; undefined otherwise): the subject's fit in the view frame,
  // n = body_scale · posed body(body_rotations, body_betas) + body_translation (data/view_body.hpp).
  torch::Tensor body_rotations;    // B x K x 3 x 3, relative to the parents
  torch::Tensor body_betas;        // B x the body model's β count
  torch::Tensor body_scale;        // B
  torch::Tensor body_translation;  // B x 3

  // Canonical samples (model.type car; undefined otherwise): per item train.car_sampler's points in
  // groups -- surface, then near (half from each jitter level), then uniform -- of the subject's
  // canonical/samples.bin, with the LBS blend that carries each into this view (view_loader.hpp).
  torch::Tensor canonical_points;   // B x N x 3, rest pose, body metres relative to the rest root joint
  torch::Tensor canonical_sdf;      // B x N, signed distance to the canonical scan (negative inside)
  torch::Tensor canonical_normals;  // B x N x 3, the canonical scan's unit normal (surface group; 0 after)
  torch::Tensor canonical_blend;    // B x N x 3 x 4, canonical -> view frame (augmentation included)
  torch::Tensor canonical_front;    // B x N, 1 where the posed body faces the camera at the point

  // Body SDF tasks (model.type hyper; undefined otherwise; data/body_tasks.hpp): per item one posed
  // body in a view frame, the hypernetwork's input and its meta-learning task.
  torch::Tensor task_body;     // B x P x 6: surface samples (xyz, unit normal) the hypernetwork reads
  torch::Tensor task_surface;  // B x N x 3: surface samples for the task's loss
  torch::Tensor task_normals;  // B x N x 3: their unit normals
  torch::Tensor task_space;    // B x M x 3: points of space (eikonal)
  std::vector<std::string> subjects;  // per item: subject name (a task's: task_<index>)
  std::vector<int> views;             // per item: view index
  DrawFallbacks fallbacks;            // items whose point draws fell back
  // Where these items sit in the global batch of a data-parallel step (Shard): item k is position
  // first_item + k of global_size. A single process holds the whole batch (0 and size()).
  int64_t first_item = 0, global_size = 0;

  // Items: views, or tasks.
  int64_t size() const { return image.defined() ? image.size(0) : task_body.defined() ? task_body.size(0) : 0; }
};

}  // namespace hifa::trainer
