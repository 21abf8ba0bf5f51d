"""The domain-adversarial image recipe's training step in PyTorch, for the speed benchmark.

Started by DomainAdaptationSpeedBenchmark (never by CI) with the data it wrote:
  python3 dann_step.py DATA_DIR --threads 2 --warmup-steps 10 --steps 60
DATA_DIR holds meta.json ({"source": n, "target": m, "channels": c, "height": h, "width": w, "classes": k}),
source.f32 ([n, c*h*w] float32), source-labels.i64 ([n] int64) and target.f32 ([m, c*h*w]).

The step is the one of DomainAdversarialOptions.ForImages(NetworkSpec.LeNet(...)) op for op:
random affine warp + blur + polarity/contrast/brightness on both domains' batches, per-row
standardisation, LeNet with batch norm (20 and 50 5x5 convolutions, 500 dense units), source and
target batches through the network apart (AdaBN), cross entropy on the source, a gradient
reversal layer and a 100-unit discriminator with dropout 0.5, information maximisation at weight
0.3 on the target, Adam at 1e-3. Prints one JSON line: milliseconds per step and the steps timed.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * -ctx.lam, None


def augment(rows, c, h, w, rotation=10.0, scale=0.1, translation=0.1, blur_p=0.3, polarity_p=0.5, contrast=0.4, brightness=0.2):
    with torch.no_grad():
        n = rows.shape[0]
        x = rows.view(n, c, h, w)
        angle = (torch.rand(n) * 2 - 1) * (rotation * math.pi / 180)
        zoom = 1 + (torch.rand(n) * 2 - 1) * scale
        shift = (torch.rand(n, 2) * 2 - 1) * (2 * translation)
        cos, sin = angle.cos() / zoom, angle.sin() / zoom
        theta = torch.stack([cos, -sin, shift[:, 0], sin, cos, shift[:, 1]], 1).view(n, 2, 3)
        grid = F.affine_grid(theta, [n, c, h, w], align_corners=False)
        x = F.grid_sample(x, grid, align_corners=False)
        kernel = torch.tensor([1.0, 2, 1, 2, 4, 2, 1, 2, 1]).view(1, 1, 3, 3) / 16
        blurred = F.conv2d(x.reshape(n * c, 1, h, w), kernel, padding=1).view(n, c, h, w)
        blur = (torch.rand(n, 1, 1, 1) < blur_p).float()
        x = blur * blurred + (1 - blur) * x
        flip = (torch.rand(n, c, 1, 1) < polarity_p).float()
        x = flip * (1 - x) + (1 - flip) * x
        k = 1 + (torch.rand(n, c, 1, 1) * 2 - 1) * contrast
        b = (torch.rand(n, c, 1, 1) * 2 - 1) * brightness
        x = ((x - 0.5) * k + 0.5 + b).clamp(0, 1)
        return x.reshape(n, c * h * w)


class LeNet(nn.Module):
    def __init__(self, c, h, w, classes):
        super().__init__()
        self.shape = (c, h, w)
        self.blocks = nn.Sequential(
            nn.Conv2d(c, 20, 5, padding=2), nn.BatchNorm2d(20), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5, padding=2), nn.BatchNorm2d(50), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(50 * (h // 4) * (w // 4), 500), nn.BatchNorm1d(500), nn.ReLU())
        self.head = nn.Linear(500, classes)

    def features(self, rows):
        mean = rows.mean(1, keepdim=True)
        std = rows.std(1, keepdim=True)
        x = ((rows - mean) / (std + 1e-5)).view(-1, *self.shape)
        return self.blocks(x)


def information_maximization(logits):
    p = F.softmax(logits, 1)
    row_entropy = -(p * F.log_softmax(logits, 1)).sum(1).mean()
    mean = p.mean(0)
    return row_entropy - (-(mean * (mean + 1e-8).log()).sum())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--warmup-steps", type=int, default=10)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    c, h, w, k = meta["channels"], meta["height"], meta["width"], meta["classes"]
    d = c * h * w
    source = torch.from_numpy(np.fromfile(os.path.join(args.data, "source.f32"), dtype=np.float32).reshape(meta["source"], d))
    labels = torch.from_numpy(np.fromfile(os.path.join(args.data, "source-labels.i64"), dtype=np.int64))
    target = torch.from_numpy(np.fromfile(os.path.join(args.data, "target.f32"), dtype=np.float32).reshape(meta["target"], d))

    network = LeNet(c, h, w, k)
    discriminator = nn.Sequential(nn.Linear(500, 100), nn.ReLU(), nn.Dropout(0.5), nn.Linear(100, 1))
    optimizer = torch.optim.Adam(list(network.parameters()) + list(discriminator.parameters()), lr=1e-3)
    network.train()
    discriminator.train()
    n = args.batch
    order = torch.randperm(source.shape[0])

    def step(i, progress):
        start = (i * n) % (source.shape[0] - n)
        rows = order[start:start + n]
        target_rows = torch.randint(0, target.shape[0], (n,))
        xs = augment(source.index_select(0, rows), c, h, w)
        xt = augment(target.index_select(0, target_rows), c, h, w)
        fs = network.features(xs)
        ft = network.features(xt)
        ls = network.head(fs)
        lt = network.head(ft)
        label_loss = F.cross_entropy(ls, labels.index_select(0, rows))
        lam = 0.3 * (2 / (1 + math.exp(-10 * progress)) - 1)
        domain_logits = discriminator(GradientReversal.apply(torch.cat([fs, ft], 0), lam)).squeeze(1)
        domain_labels = torch.cat([torch.zeros(n), torch.ones(n)])
        domain_loss = F.binary_cross_entropy_with_logits(domain_logits, domain_labels)
        information = information_maximization(lt)
        total = label_loss + domain_loss + 0.3 * information
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        return total.item()

    for i in range(args.warmup_steps):
        step(i, 0.0)
    began = time.perf_counter()
    for i in range(args.steps):
        step(args.warmup_steps + i, i / args.steps)
    elapsed = time.perf_counter() - began
    print(json.dumps({"ms_per_step": 1000 * elapsed / args.steps, "steps": args.steps, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
