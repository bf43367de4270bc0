"""PyTorch mirror of hifa's coarse PIFu level (trainer/models/), for bench/peers/pifu_train_step_vs_torch.py.

The module tree mirrors the C++ one name for name (hourglass.hpp: Norm2d, ConvBlock, Hourglass,
StackedHourglass; surface_mlp.hpp: SurfaceMLP; pifu_level.hpp: PIFuLevel; projection.hpp;
occupancy_loss.hpp), so named_parameters() of both sides list the same names and shapes and a
state written by the C++ side loads here unchanged. It is written the plain PyTorch way, as the
public PIFuHD code (lib/model/HGFilters.py, MLP.py) writes it: the peer is "the same model in
PyTorch", not a copy of hifa's optimizations.

Options come from the resolved config the C++ peer prints (config/config.hpp field names), so both
sides read one YAML through one parser.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Norm2d(nn.Module):
    """hourglass.hpp Norm2dImpl: group (gcd(groups, channels) groups) | batch | instance | none."""

    def __init__(self, norm, groups, channels):
        super().__init__()
        if norm == "group":
            self.norm = nn.GroupNorm(math.gcd(groups, channels), channels)
        elif norm == "batch":
            self.norm = nn.BatchNorm2d(channels)
        elif norm == "instance":
            self.norm = nn.InstanceNorm2d(channels)
        elif norm == "none":
            self.norm = None
        else:
            raise ValueError(f"unknown normalization '{norm}'")

    def forward(self, x):
        return x if self.norm is None else self.norm(x)


def conv3x3(cin, cout):
    return nn.Conv2d(cin, cout, 3, stride=1, padding=1, bias=False)


class ConvBlock(nn.Module):
    """PIFu's residual block: three pre-activation 3x3 convs (out/2, out/4, out/4), concatenated."""

    def __init__(self, cin, cout, norm, groups):
        super().__init__()
        self.bn1 = Norm2d(norm, groups, cin)
        self.conv1 = conv3x3(cin, cout // 2)
        self.bn2 = Norm2d(norm, groups, cout // 2)
        self.conv2 = conv3x3(cout // 2, cout // 4)
        self.bn3 = Norm2d(norm, groups, cout // 4)
        self.conv3 = conv3x3(cout // 4, cout // 4)
        self.downsample = None
        if cin != cout:
            self.downsample = nn.Sequential(Norm2d(norm, groups, cin), nn.ReLU(),
                                            nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        o1 = self.conv1(F.relu(self.bn1(x)))
        o2 = self.conv2(F.relu(self.bn2(o1)))
        o3 = self.conv3(F.relu(self.bn3(o2)))
        out = torch.cat([o1, o2, o3], 1)
        return out + (x if self.downsample is None else self.downsample(x))


class Hourglass(nn.Module):
    def __init__(self, depth, channels, norm, groups, upsample):
        super().__init__()
        self.depth, self.upsample = depth, upsample
        for level in range(1, depth + 1):
            for branch in ("b1_", "b2_", "b3_"):
                self.add_module(f"{branch}{level}", ConvBlock(channels, channels, norm, groups))
        self.add_module("b2_plus_1", ConvBlock(channels, channels, norm, groups))

    def level(self, n, x):
        up1 = getattr(self, f"b1_{n}")(x)
        low = getattr(self, f"b2_{n}")(F.avg_pool2d(x, 2, stride=2))
        low = self.level(n - 1, low) if n > 1 else self.b2_plus_1(low)
        low = getattr(self, f"b3_{n}")(low)
        size = up1.shape[-2:]
        if self.upsample == "bicubic":
            up2 = F.interpolate(low, size=size, mode="bicubic", align_corners=True)
        elif self.upsample == "bilinear":
            up2 = F.interpolate(low, size=size, mode="bilinear", align_corners=True)
        else:
            up2 = F.interpolate(low, size=size, mode="nearest")
        return up1 + up2

    def forward(self, x):
        return self.level(self.depth, x)


class StackedHourglass(nn.Module):
    def __init__(self, e):
        super().__init__()
        self.e = e
        c, half, norm, groups = e["channels"], e["channels"] // 2, e["norm"], e["groups"]
        self.conv1 = nn.Conv2d(e["in_channels"], e["stem_channels"], 7,
                               stride=2 if e["downsamplings"] >= 1 else 1, padding=3)
        self.bn1 = Norm2d(norm, groups, e["stem_channels"])
        self.conv2 = ConvBlock(e["stem_channels"], half, norm, groups)
        self.conv3 = ConvBlock(half, half, norm, groups)
        self.conv4 = ConvBlock(half, c, norm, groups)
        for s in range(e["stacks"]):
            self.add_module(f"m{s}", Hourglass(e["depth"], c, norm, groups, e["upsample"]))
            self.add_module(f"top_m_{s}", ConvBlock(c, c, norm, groups))
            self.add_module(f"conv_last{s}", nn.Conv2d(c, c, 1))
            self.add_module(f"bn_end{s}", Norm2d(norm, groups, c))
            self.add_module(f"l{s}", nn.Conv2d(c, e["out_channels"], 1))
            if s + 1 < e["stacks"]:
                self.add_module(f"bl{s}", nn.Conv2d(c, c, 1))
                self.add_module(f"al{s}", nn.Conv2d(e["out_channels"], c, 1))

    def forward(self, x):
        y = self.conv2(F.relu(self.bn1(self.conv1(x))))
        for _ in range(1, self.e["downsamplings"]):
            y = F.avg_pool2d(y, 2, stride=2)
        previous = self.conv4(self.conv3(y))
        outputs = []
        for s in range(self.e["stacks"]):
            ll = getattr(self, f"top_m_{s}")(getattr(self, f"m{s}")(previous))
            ll = F.relu(getattr(self, f"bn_end{s}")(getattr(self, f"conv_last{s}")(ll)))
            out = getattr(self, f"l{s}")(ll)
            outputs.append(torch.tanh(out) if self.e["output_activation"] == "tanh" else out)
            if s + 1 < self.e["stacks"]:
                previous = previous + getattr(self, f"bl{s}")(ll) + getattr(self, f"al{s}")(out)
        return outputs


class SurfaceMLP(nn.Module):
    """surface_mlp.hpp: 1x1 Conv1d layers, LeakyReLU, the input re-concatenated before `skips` (no norm)."""

    def __init__(self, m):
        super().__init__()
        self.m = m
        w, layers = m["widths"], len(m["widths"]) - 1
        self.skip = [l in m["skips"] for l in range(layers)]
        self.filters = nn.ModuleList(
            nn.Conv1d(w[l] + (w[0] if self.skip[l] else 0), w[l + 1], 1) for l in range(layers))

    def forward(self, x):
        y, omega, layers = x, None, len(self.filters)
        for l, f in enumerate(self.filters):
            y = f(torch.cat([y, x], 1) if self.skip[l] else y)
            if l + 1 < layers:
                y = F.leaky_relu(y, self.m["leaky_slope"])
            if l == self.m["omega_layer"]:
                omega = y
        return y, omega


def project_points(points, calibs):
    """projection.hpp project_points: B x 3 x N -> normalized, with B x 4 x 4 calibrations."""
    return torch.baddbmm(calibs[:, :3, 3:4], calibs[:, :3, :3], points)


def sample_features(features, xyz):
    """projection.hpp sample_features: grid (x_n, -y_n), bilinear, zeros, align_corners=False."""
    grid = torch.cat([xyz[:, 0:1], -xyz[:, 1:2]], 1).transpose(1, 2).unsqueeze(1)
    return F.grid_sample(features, grid, mode="bilinear", padding_mode="zeros", align_corners=False).squeeze(2)


class PIFuLevel(nn.Module):
    """pifu_level.hpp: encoder -> pixel-aligned features (+ z) -> MLP, every stack in training."""

    def __init__(self, level):
        super().__init__()
        self.level = level
        self.image_filter = StackedHourglass(level["encoder"])
        self.mlp = SurfaceMLP(level["mlp"])

    def forward(self, image, xyz):
        features = self.image_filter(image)
        first = 0 if self.training else len(features) - 1
        logits = []
        for f in features[first:]:
            parts = [sample_features(f, xyz)]
            if self.level["depth_feature"]:
                parts.append(xyz[:, 2:3] * self.level["depth_scale"])
            logits.append(self.mlp(torch.cat(parts, 1))[0])
        inside = (xyz.abs() <= 1.0).all(1, keepdim=True).to(xyz.dtype)
        return logits, torch.sigmoid(logits[-1]) * inside


def extended_bce(logits, labels):
    """occupancy_loss.hpp: PIFuHD eq. 4, lambda = fraction of the batch's points outside."""
    lam = (1 - labels).mean().detach()
    return -(lam * labels * F.logsigmoid(logits) + (1 - lam) * (1 - labels) * F.logsigmoid(-logits)).mean()


def occupancy_loss(loss_type, stack_logits, labels):
    """The mean over stacks (intermediate supervision) of extended_bce or plain bce."""
    one = extended_bce if loss_type == "extended_bce" else F.binary_cross_entropy_with_logits
    return sum(one(l, labels) for l in stack_logits) / len(stack_logits)
