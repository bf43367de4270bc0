#pragma once
// Fits the body to one image (the test-time fit after the body estimator): its joint rotations, β,
// scale and translation in the view's normalized frame, so that it agrees with the person's
// silhouette and with the normal maps predicted for the image.
//
//   ImageFitTarget t = image_fit_target(mask, front, back);      // square maps, any size S
//   ImageFit fit = fit_body_to_image(layer, start, t, {});       // start: a ViewBodyParameters
//   view-frame vertices = fit.body.scale · posed body(fit.body.rotations, fit.body.betas) + fit.body.translation
//
// How the body meets the image: distance-field terms on its projected vertices, not a soft
// rasterizer. The camera is orthographic (docs/dataset.md: pixel ((x + 1) / 2, (1 − y) / 2) · S),
// so a vertex's pixel is a linear function of it and every term is a lookup at that pixel; a soft
// rasterizer would cost a V x pixels pass per step for the same silhouette gradient.
//   outside  mean over vertices of D(π(v))², D the distance to the mask (distance_to_mask, in
//            normalized units) read bilinearly at the projection π(v), plus π(v)'s distance to the
//            image where it lies beyond it: the body stays inside the person's silhouette, which
//            the clothing only widens.
//   cover    mean over mask pixels (at most cover_pixels, a fixed stride) of the squared distance to
//            the nearest projected vertex (of about 2000, a fixed stride): the body reaches into the
//            silhouette's limbs. Weaker than outside: loose clothing widens the silhouette beyond
//            the body.
//   normal   mean over visible vertices of 1 − n · m: n the body's vertex normal, m the front map at
//            π(v) for each pixel's front-most vertices, the back map for its back-most (a z-buffer
//            of the projected vertices, recomputed every step without gradient), where the map is
//            defined (|m| > 0.5): clothing follows the body beneath it, and the maps see its turn
//            and lean that the silhouette cannot.
//   prior    the 6D rotations' and β's squared distance to the start: the estimator's answer where
//            the image says nothing (the depth of a limb in front of the torso).
// Turned starts: an estimator that cannot tell a back from a front, or a side from a front, puts the
// body facing the wrong way, and a local fit never turns it round (the demo's estimator: root
// orientation 96° off on average over views at 0/90/180/270°, docs/body_from_image.md). With
// turns = N > 1 the start is also turned about the view's vertical axis by every k · 360° / N; each
// turned start is fitted for turn_iterations steps, and the one of lowest energy is fitted in full
// (its own turned rotations the prior's anchor). Off by default: against the normal nets' maps the
// energy chose wrong turns about as often as right ones (the demo's CAR Chamfer 6.63 -> 6.80 cm).
// Adam on (6D rotations, β, log scale, the translation's x and y), `iterations` steps, rate `rate`,
// on one torch thread (the same bytes for any thread count). The translation's z enters no term: an
// orthographic image does not see depth. The fit ends by putting the body where the view's normalized frame puts
// every person, its depth extent centred on the origin (prepare centres each subject's box there,
// docs/dataset.md); centre_depth false keeps the start's z (the estimator's guess).
// The fit runs where the layer's tensors are; the target's maps are on the CPU (a CPU layer).
// Errors: hifa::Error "image fit" for maps that are not square or of different sizes, an empty mask.

#include "body/body_layer.hpp"
#include "body/body_render.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

// A body in a view frame: n = scale · posed body(rotations, betas) + translation.
struct ViewBodyParameters {
  torch::Tensor rotations;    // K x 3 x 3
  torch::Tensor betas;        // b
  torch::Tensor scale;        // scalar
  torch::Tensor translation;  // 3
};

struct ImageFitTarget {
  torch::Tensor mask;          // S x S in [0, 1]
  torch::Tensor distance;      // S x S, distance to the mask in normalized units
  torch::Tensor normal_front;  // 3 x S x S (0 where unknown), undefined: no normal term
  torch::Tensor normal_back;   // 3 x S x S
  torch::Tensor cover_points;  // P x 2: mask pixel centres in normalized (x, y)
};

// mask S x S (or 1 x S x S); front and back 3 x S x S or undefined.
ImageFitTarget image_fit_target(const torch::Tensor& mask, const torch::Tensor& front, const torch::Tensor& back,
                                int cover_pixels = 1000);

struct ImageFitOptions {
  int iterations = 150;
  double rate = 0.01;
  double outside_weight = 100.0, cover_weight = 10.0, normal_weight = 1.0;
  double pose_prior_weight = 0.01, shape_prior_weight = 0.01;
  bool centre_depth = true;
  int turns = 1, turn_iterations = 30;
};

struct ImageFit {
  ViewBodyParameters body;
  double outside = 0, cover = 0, normal = 0, prior = 0;  // the final terms, unweighted
  double energy = 0;                                     // their weighted sum
  double turn = 0;                                       // the start's turn that won, degrees
};

ImageFit fit_body_to_image(const BodyLayer& layer, const ViewBodyParameters& start, const ImageFitTarget& target,
                           const ImageFitOptions& options = {});

// The body rendered in the view frame at S x S (body_render.hpp's render_view_mesh).
BodyRender render_body(const BodyLayer& layer, const ViewBodyParameters& body, int size);

// |a ∩ b| / |a ∪ b| of two S x S masks thresholded at 0.5 (0 for two empty masks).
double mask_iou(const torch::Tensor& a, const torch::Tensor& b);

// The posed joints and vertices of a view-frame body (K x 3, V x 3).
torch::Tensor view_joints(const BodyLayer& layer, const ViewBodyParameters& body);
torch::Tensor view_vertices(const BodyLayer& layer, const ViewBodyParameters& body);

// Unit vertex normals of posed vertices (B x V x 3): area-weighted sums of the faces' normals.
torch::Tensor vertex_normals(const torch::Tensor& vertices, const torch::Tensor& faces);

}  // namespace hifa::trainer
