#pragma once
// The trainer's configuration: plain structs read from one YAML file (no LibTorch here; the
// factories in config/factory.hpp turn these into modules and losses).
//
//   hifa::trainer::Config c = hifa::trainer::load_config("configs/pifuhd.yaml");
//   hifa::trainer::Config t = hifa::trainer::parse_config(yaml_text, "inline.yaml");
//
// Every width, depth, learning rate and sampler mix comes from the file; a key that is absent takes
// the default below (the PIFuHD paper's value). Each section's `type:` picks the
// implementation (tiny-cuda-nn's `otype` idea); the known types are listed next to each field.
//
// Errors: hifa::Error naming the file and the full key path (and its line) for an unknown or
//   misspelled key, a value of the wrong type, an unknown `type:`, or a value out of range, e.g.
//   "configs/x.yaml: unknown key 'model.coarse.encoder.stakcs' (line 9); known keys here: type, ...".

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

// Stacked hourglass image encoder (Newell et al. 2016; PIFuHD's HGFilter, lib/model/HGFilters.py).
struct EncoderConfig {
  std::string type = "hourglass";      // hourglass
  int in_channels = 9;                 // image (3) + front normals (3) + back normals (3)
  int stem_channels = 64;              // the 7x7 stem's width (HGFilter: 64)
  int channels = 256;                  // trunk / hourglass width (HGFilter: 256; conv2/conv3 use half)
  int out_channels = 256;              // each stack's feature map (coarse 256, fine 16)
  int stacks = 4;
  int depth = 2;                       // hourglass recursion levels (public coarse code: 2)
  int downsamplings = 2;               // stride-2 steps before the stacks: 2 -> 1/4 (512 -> 128)
  std::string norm = "group";          // group | batch | none
  int groups = 32;                     // GroupNorm groups (reduced to gcd(groups, channels) per layer)
  std::string upsample = "bicubic";    // bicubic (PIFuHD) | bilinear | nearest (PIFu)
  std::string output_activation = "none";  // none | tanh (HGFilter's use_sigmoid, which is a tanh)
};

// Point MLP of 1x1 Conv1d layers (PIFuHD lib/model/MLP.py; PIFu SurfaceClassifier).
struct MlpConfig {
  std::string type = "surface_mlp";    // surface_mlp
  std::vector<int> widths = {257, 1024, 512, 256, 128, 1};
  // 0-based indices of the Conv1d layers whose input is re-concatenated with the MLP input
  // (public code's res_layers). See models/surface_mlp.hpp for how this maps to the paper's "3,4,5".
  std::vector<int> skips = {1, 2, 3};
  // none only: the public PIFuHD code's GroupNorm over Conv1d statistics mixes the points queried
  // together, so a point's value would depend on its neighbours in the chunk (load_config refuses it).
  std::string norm = "none";
  double leaky_slope = 0.01;           // F.leaky_relu's default; >= 0
  int omega_layer = -1;                // 0-based layer whose activation is exposed as Omega; -1: none
};

struct LevelConfig {
  int image_size = 512;                // the square input this level is meant for
  bool depth_feature = true;           // append the point's z (coarse: yes; fine: no, it takes Omega)
  double depth_scale = 1.0;            // z feature = z_n * depth_scale
  EncoderConfig encoder;
  MlpConfig mlp;
};

// Front/back normal-map nets: pix2pixHD global generator, and their loss (PIFuHD section 3.3).
struct NormalNetConfig {
  std::string type = "pix2pixhd_global";  // pix2pixhd_global | none
  int in_channels = 3;
  // CAR only: the nets also read the posed body's rendered front and back normal maps (6 more
  // channels), the body prior of CAR (section 3.2) and ICON. Training renders the subject's own fit
  // in each view, inference the fit it is given (docs/car.md).
  bool body_normals = false;
  int out_channels = 3;
  int base_channels = 64;
  int downsamplings = 4;
  int residual_blocks = 9;
  std::string norm = "instance";       // instance | batch | none
  std::string loss = "l1_perceptual";  // l1_perceptual
  std::string vgg_weights;             // VGG19 weights (losses/tensor_file.hpp format); empty: none
  double l1_weight = 5.0;
  double perceptual_weight = 1.0;      // VGG19 term (or the gradient term without vgg_weights)
  int gradient_scales = 3;             // multi-scale image-gradient fallback: scales 1, 1/2, 1/4, ...

  int input_channels() const { return in_channels + (body_normals ? 6 : 0); }
};

// The body estimator (model.type body, or a CAR run's body stage; the image -> body step CAR starts from): a residual
// convolutional encoder, global average pooling, and HMR's regressor with iterative error feedback
// (Kanazawa et al., "End-to-end Recovery of Human Shape and Pose", CVPR 2018, section 3.2) from the
// mean parameters. Output: 24 joint rotations in the continuous 6D form (Zhou et al. 2019), β, and
// the body's scale and translation in the view's normalized frame (docs/dataset.md): a view-frame
// point n = scale · posed body(θ, β) + translation, orthographic camera along −z. Losses through the
// differentiable body (trainer/body/body_layer.hpp), each with its weight; defaults after SPIN
// (Kolotouros et al. 2019: 2D and 3D keypoints 5, pose 1, β 0.001).
struct BodyNetConfig {
  std::string type = "hmr";            // hmr
  std::string body_model = "open";     // open ($HIFA_DATA/body/open_body.npz) or an SMPL-layout .npz
  std::string inputs = "image";        // image | image_normals (image ⊕ front ⊕ back normal maps)
  int image_size = 128;                // the square input
  std::vector<int> channels = {32, 64, 128, 256};  // one stride-2 stage of residual blocks each (after a stride-2 stem)
  int blocks = 1;                      // residual blocks per stage
  std::string norm = "group";          // group | none
  int groups = 8;                      // GroupNorm groups (reduced to gcd(groups, channels) per layer)
  std::vector<int> regressor_widths = {512, 512};  // hidden layers of the iterative regressor
  int iterations = 3;                  // HMR's iterative error feedback
  int betas = 10;                      // shape coefficients predicted (<= the body model's)
  double joints_3d_weight = 5.0;       // root-relative 3D joints, view frame
  double joints_2d_weight = 5.0;       // projected (x, y) joints, view frame
  double vertices_weight = 1.0;        // every body vertex, view frame (scale and translation too)
  double pose_weight = 1.0;            // rotation matrices, squared error
  double betas_weight = 0.001;         // β, squared error
};

// CAR's canonical implicit SDF (model.type car; Liao et al. CVPR 2023, section 3.2; models/car_net.hpp).
// The SDF MLP follows IGR (Gropp et al. 2020) as the public CAR code does: Softplus with a high β,
// geometric initialisation to a sphere, the input re-joined at a middle layer.
struct SdfMlpConfig {
  std::vector<int> widths = {512, 512, 512, 512, 512, 512, 512, 512};  // hidden layers (IGR: 8 x 512)
  int skip = 4;                        // hidden layer whose input is re-joined with the MLP input (IGR: 4)
  double softplus_beta = 100;          // IGR's Softplus(β = 100): ReLU-like, with second derivatives
  double init_radius = 0.5;            // geometric initialisation: f(x) ≈ |x| − r at the start (body metres)
  int frequencies = 0;                 // positional encoding of x: sin, cos at 2^0 .. 2^(F−1) π; 0: x as is
};

struct CarConfig {
  std::string body_model = "open";     // open ($HIFA_DATA/body/open_body.npz) or an SMPL-layout .npz
  int image_size = 512;                // the square input of the encoder
  EncoderConfig encoder;               // over image ⊕ front ⊕ back normals (PIFuHD coarse's by default)
  SdfMlpConfig sdf;
  // Loss weights: the public CAR code's, and the supervised distance hifa adds (losses/sdf_loss.hpp).
  double surface_weight = 1.0;         // |f| on surface samples
  double off_surface_weight = 0.1;     // exp(−10 |f|) on the other samples
  double normal_weight = 1.0;          // ‖∇f/‖∇f‖ − n‖ on surface samples
  double eikonal_weight = 0.1;         // (‖∇f‖ − 1)² on the other samples
  double sdf_weight = 1.0;             // |f − sdf| on the near-surface and uniform samples
};

// CAR's posed-space refinement (Liao et al. CVPR 2023, section 3.3; trainer/refine/refiner.hpp):
// an SDF MLP over view-frame points, optimised per image against the predicted normal maps.
struct RefineConfig {
  SdfMlpConfig sdf = [] {
    SdfMlpConfig s;
    s.widths = {256, 256, 256, 256};
    s.skip = 2;
    return s;
  }();
  int iterations = 300;
  double lr = 2e-3;                     // Adam (β1 0.9)
  int surface_points = 8192;            // on the current zero level set, where the maps speak
  int anchor_points = 8192;             // on the posed CAR mesh, where they do not
  int space_points = 4096;              // eikonal samples around the surface
  int reproject_every = 10;             // surface points moved onto the zero level set every this many steps
  double normal_weight = 1.0;           // ‖∇g/‖∇g‖ − n_map‖ at surface points a map sees
  double anchor_weight = 10.0;          // |g| + mesh-normal term at mesh points no map sees (occluded, sides)
  double seen_anchor_weight = 0.1;      // |g| at mesh points a map sees: keeps the depth the normals leave free
  double eikonal_weight = 0.1;          // (‖∇g‖ − 1)²
  double visibility_tolerance = 0.03;   // view units: a point is seen by a map within this of its depth
  double band = 0.05;                   // view units: spread of the eikonal samples around the mesh
};

// CAR's hypernetwork (section 3.4; trainer/models/hyper_net.hpp, refine/meta_learning.hpp): a posed
// body in, the refinement MLP's tensors out, meta-learned so a few steps fit a body's SDF.
struct HyperConfig {
  std::string body_model = "open";     // the bodies of the tasks: open or an SMPL-layout .npz
  std::vector<int> encoder_widths = {64, 128, 256};  // PointNet's shared per-point MLP; the last is the code
  int head_width = 256;                 // each emitted tensor's head: code -> head_width -> the tensor
  double last_layer_scale = 0.1;        // the heads' last layers start ×0.1 (the public CAR code's)
  int body_points = 2048;               // samples of the posed body the encoder reads (xyz, normal)
  int inner_steps = 2;                  // first-order inner SGD steps per task (the public CAR code's)
  double inner_lr = 0.01;
  double start_weight = 1.0;            // the loss at the emitted tensors joins the outer loss (refine/meta_learning.hpp)
  int tasks_per_epoch = 256;            // posed bodies made per epoch (data/body_tasks.hpp)
  int task_surface = 2048;              // a task's surface samples (with normals) for its loss
  int task_space = 2048;                // and its points of space (eikonal)
};

struct LossConfig {
  std::string type = "extended_bce";   // extended_bce (PIFuHD eq. 4) | bce (unweighted)
};

struct OptimizerConfig {
  // rmsprop | adam | sgd (plain: an update linear in the gradient, unlike the other two, whose
  // division by the gradient's running size turns rounding noise in a near-zero gradient into a
  // full step -- the data-parallel equivalence test trains with it, docs/distributed.md)
  std::string type = "rmsprop";
  double lr = 1e-3;
  double lr_decay = 0.1;               // multiply the rate by this ...
  int lr_step_epochs = 10;             // ... every this many epochs
  int batch = 8;
  int epochs = 30;
  // Adam's first-moment decay: pix2pixHD's 0.5 (options/train_options.py), which PIFuHD follows
  // (every Adam of hifa's before the body estimator); the estimator's and CAR's stages take PyTorch's 0.9.
  double beta1 = 0.5;
};

// How many of a view's prepared samples (trainer/prepare/samples.hpp) one training step draws.
struct SamplerConfig {
  int points = 8000;
  int surface_weight = 16;             // PIFu's surface : uniform mix 16 : 1
  int uniform_weight = 1;
  bool balance = true;                 // keep as many inside as outside points (PIFu)
  double sigma_cm = 5.0;               // which prepared sigma level to read (coarse 5, fine 3)
};

// Training-time augmentation of the prepared views (trainer/data/augment.hpp). Defaults: PIFu's
// TrainDataset (shunsukesaito/PIFu lib/data/TrainDataset.py: random_scale uniform(0.9, 1.1),
// random_trans up to round((w - tw) / 10) pixels of the 10%-padded, scaled image, about 2% of the
// image) and PIFuHD's training script (facebookresearch/pifuhd train_scripts/train_single_otf.sh:
// aug_bri 0.2, aug_con 0.2, aug_sat 0.08, aug_hue 0.08, aug_gry 0.1) through torchvision's ColorJitter.
struct AugmentConfig {
  bool color_jitter = true;
  double brightness = 0.2;             // factor uniform in [max(0, 1 - b), 1 + b]
  double contrast = 0.2;               // the same, blending with the mean grey
  double saturation = 0.08;            // the same, blending with each pixel's grey
  double hue = 0.08;                   // shift uniform in [-h, h] turns of the colour wheel (h <= 0.5)
  double grayscale_probability = 0.1;  // PIFuHD's aug_gry: the image made grey with this probability
  bool scale_jitter = true;
  double scale_min = 0.9;              // the subject scaled about the image centre by a factor in
  double scale_max = 1.1;              //   [scale_min, scale_max] (points, z included, alike)
  bool translate_jitter = true;
  double translate = 0.02;             // shift up to this fraction of the image width, per axis
  bool background_swap = true;
  double background_probability = 0.5; // swap the view's background with this probability
  std::string background_source = "procedural";  // procedural | other_view (another subject's view)
};

// How many of a subject's canonical samples (prepare/canonical_samples.hpp) one CAR step draws per
// view, by group: on the surface, near it (half from each jitter level), uniform in the box.
struct CanonicalSamplerConfig {
  int surface = 2048;
  int near = 4096;
  int uniform = 1024;
  int total() const { return surface + near + uniform; }
};

struct TrainConfig {
  std::uint64_t seed = 0;
  double gt_normal_probability = 0.5;  // condition on ground-truth normal maps with this probability
  std::string fine_schedule = "alternate";  // alternate (paper's best) | frozen_coarse
  int fine_crop = 512;                 // fine level trains on random crops of this size
  int checkpoint_every = 500;          // iterations between checkpoints (also one at every epoch end)
  int log_every = 10;                  // iterations averaged into one row of RUN/losses.csv
  OptimizerConfig normal{"adam", 2e-4, 1.0, 10, 8, 30};
  OptimizerConfig coarse{};
  OptimizerConfig fine{};
  OptimizerConfig body{"adam", 1e-4, 1.0, 10, 16, 30, 0.9};
  OptimizerConfig car{"adam", 1e-4, 0.1, 10, 8, 30, 0.9};
  OptimizerConfig hyper{"adam", 1e-4, 0.1, 40, 4, 50, 0.9};
  SamplerConfig coarse_sampler{};
  SamplerConfig fine_sampler{8000, 16, 1, true, 3.0};
  CanonicalSamplerConfig car_sampler{};
  AugmentConfig augment{};
  int workers = 2;                     // threads loading batches ahead of the training step
};

struct Config {
  std::string source;                  // the file it was read from (for messages)
  std::string text;                    // its YAML text, as read (saved with checkpoints)
  std::string model_type = "pifuhd";   // pifuhd (coarse + fine) | pifu (coarse only) | body (the estimator) | car | hyper
  LevelConfig coarse;                  // pifuhd and pifu
  std::optional<LevelConfig> fine;     // present iff model_type == "pifuhd"
  NormalNetConfig normal_net;
  std::optional<BodyNetConfig> body_net;  // present iff model_type == "body", optional for "car" (its body stage)
  std::optional<CarConfig> car;           // present iff model_type == "car"
  std::optional<HyperConfig> hyper;       // present iff model_type == "hyper"
  std::optional<RefineConfig> refine;     // present iff model_type == "hyper": the MLP it emits, refine's settings
  LossConfig loss;
  TrainConfig train;
};

// Reads and validates a YAML file. Throws hifa::Error naming the file and key.
Config load_config(const std::filesystem::path& file);
// The same from text; `source` names it in messages.
Config parse_config(const std::string& yaml_text, const std::string& source);

// The square size the model's images are loaded at: CAR's, the body estimator's or the coarse level's.
int input_image_size(const Config& config);

// The defaults of a level: coarse (PIFuHD coarse, 512 -> 128^2 x 256) or fine (1024 -> 512^2 x 16).
LevelConfig default_coarse_level();
LevelConfig default_fine_level();

}  // namespace hifa::trainer
