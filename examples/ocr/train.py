#!/usr/bin/python3
"""Renders synthetic text lines and trains the small text-line recognizer of qc's OCR example.

    nice -n 10 /usr/bin/python3 examples/ocr/train.py [--out DIR] [--train-lines N] [--epochs N] [--threads N]

Data (rendered here with PIL and the DejaVu fonts of Debian's fonts-dejavu-core / fonts-dejavu-extra; fixed seeds):
a line is 3..10 random characters of CHARSET in one of FONTS at 15..22 px, drawn dark-on-light on a 32x128 canvas
with a random offset, contrast, Gaussian blur and pixel noise. Model input is the ink intensity
x = 1 - gray / 255 in [0, 1] (ink ~ 1, paper ~ 0).

Model (input `image` [N,1,32,128], output `logits` [N,32,NUM_CLASSES], class 0 = CTC blank, class k = CHARSET[k-1]):
  CNN backbone: Conv3x3 s2 + BN + HardSwish, two depthwise-separable blocks with squeeze-excitation
  (GlobalAveragePool, 1x1 conv, ReLU, 1x1 conv, HardSigmoid, Mul) and HardSwish, a Conv(4x1) that collapses the
  height -> 32 time steps of 64 features; learned positional embedding; two pre-norm transformer encoder blocks
  (LayerNorm, 4-head self-attention written as MatMul/Softmax, LayerNorm, GELU FFN 64->128->64); final LayerNorm;
  Linear -> logits. Trained with CTC loss; decoding is greedy (argmax per step, merge repeats, drop blanks).

Writes to --out (default: this directory):
  ocr.onnx         opset 13 (LayerNorm and GELU written as elementary ops, as real exports), batch dynamic
  calib_images.npy float32 [200,1,32,128]    lines rendered with seed 2 (not the eval lines)
  eval_images.npy  uint8 [500,1,32,128]      held-out lines rendered with seed 1, ink levels: input = level / 255
  eval_labels.txt  the 500 eval strings, one per line (UTF-8, characters of CHARSET only)
  eval_logits_ref.npy float32 [20,32,NUM_CLASSES]: PyTorch's logits on the first 20 eval lines
  metrics.json     float accuracy and how it was obtained
"""

import argparse
import json
import os
import random
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ocr_common import CHARSET, NUM_CLASSES, char_accuracy, greedy_decode  # noqa: E402

H, W, T = 32, 128, 32
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf",
         "DejaVuSansCondensed.ttf", "DejaVuSerif-Bold.ttf"]
N_CALIB, N_EVAL, N_REF = 200, 500, 20


def die(msg):
    print(f"train.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


# ----------------------------------------------------------------------------------------------- rendering
class Renderer:
    def __init__(self):
        self.fonts = {}
        for f in FONTS:
            path = os.path.join(FONT_DIR, f)
            if not os.path.exists(path):
                die(f"font '{path}' not found: install the Debian packages fonts-dejavu-core and "
                    "fonts-dejavu-extra (scripts/setup.sh)")
            for size in range(15, 23):
                self.fonts[(f, size)] = ImageFont.truetype(path, size)

    def render(self, rng, text):
        """One line: uint8 [32,128] ink level (input = level / 255). Shrinks the font until the text fits the canvas."""
        fname = rng.choice(FONTS)
        size = rng.randint(15, 22)
        while True:
            font = self.fonts[(fname, size)]
            x0, y0, x1, y1 = font.getbbox(text)
            if (x1 - x0 <= W - 4 and y1 - y0 <= H - 2) or size == 15:
                break
            size -= 1
        paper = rng.randint(200, 255)
        ink = rng.randint(0, 80)
        img = Image.new("L", (W, H), paper)
        d = ImageDraw.Draw(img)
        free_x = max(0, W - 2 - (x1 - x0))
        free_y = max(0, H - 1 - (y1 - y0))
        ox = rng.randint(0, min(free_x, 12)) + 1 - x0
        oy = rng.randint(0, free_y) - y0
        d.text((ox, oy), text, fill=ink, font=font)
        blur = rng.choice([0.0, 0.0, 0.4, 0.7, 1.0])
        if blur > 0:
            img = img.filter(ImageFilter.GaussianBlur(blur))
        a = 1.0 - np.asarray(img, dtype=np.float32) / 255.0
        a = a + np.float32(rng.uniform(0.0, 0.06)) * np.asarray(
            np.random.default_rng(rng.randint(0, 2**31)).standard_normal((H, W)), dtype=np.float32)
        # stored as 8-bit ink levels (eval_images.npy is uint8), so the float input is exactly u8 / 255
        return np.round(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8)


def random_text(rng):
    return "".join(rng.choice(CHARSET) for _ in range(rng.randint(3, 10)))


def render_set(renderer, n, seed):
    rng = random.Random(seed)
    texts = [random_text(rng) for _ in range(n)]
    if n == 0:
        return np.zeros((0, 1, H, W), np.uint8), texts
    levels = np.stack([renderer.render(rng, t) for t in texts])[:, None]
    return levels, texts


def to_float(levels):
    return levels.astype(np.float32) / np.float32(255.0)


# ----------------------------------------------------------------------------------------------- model
class SqueezeExcite(nn.Module):
    def __init__(self, c, r=4):
        super().__init__()
        self.fc1 = nn.Conv2d(c, c // r, 1)
        self.fc2 = nn.Conv2d(c // r, c, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))


class DwSepBlock(nn.Module):
    """Depthwise 3x3 (stride) + BN + HardSwish, pointwise 1x1 + BN, squeeze-excitation, HardSwish."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False)
        self.bn1 = nn.BatchNorm2d(cin)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.se = SqueezeExcite(cout)

    def forward(self, x):
        x = F.hardswish(self.bn1(self.dw(x)))
        return F.hardswish(self.se(self.bn2(self.pw(x))))


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):                                   # [N, T, d]
        q, k, v = self.qkv(x).split(self.h * self.dh, dim=-1)
        q = q.reshape(-1, T, self.h, self.dh).transpose(1, 2)  # [N, h, T, dh]
        k = k.reshape(-1, T, self.h, self.dh).transpose(1, 2)
        v = v.reshape(-1, T, self.h, self.dh).transpose(1, 2)
        a = torch.softmax(torch.matmul(q, k.transpose(2, 3)) * (self.dh ** -0.5), dim=-1)
        o = torch.matmul(a, v).transpose(1, 2).reshape(-1, T, self.h * self.dh)
        return self.proj(o)


class EncoderBlock(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))


class OcrNet(nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.stem = nn.Conv2d(1, 24, 3, 2, 1, bias=False)       # [N,24,16,64]
        self.bn0 = nn.BatchNorm2d(24)
        self.b1 = DwSepBlock(24, 48, (2, 2))                    # [N,48,8,32]
        self.b2 = DwSepBlock(48, 64, (2, 1))                    # [N,64,4,32]
        self.collapse = nn.Conv2d(64, d, (4, 1))                # [N,d,1,32]
        self.pos = nn.Parameter(torch.zeros(1, T, d))
        self.enc = nn.ModuleList([EncoderBlock(d, 4, 2 * d) for _ in range(2)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, NUM_CLASSES)

    def forward(self, x):                                    # [N,1,32,128]
        x = F.hardswish(self.bn0(self.stem(x)))
        x = self.b2(self.b1(x))
        x = F.hardswish(self.collapse(x))
        x = x.reshape(-1, x.shape[1], T).transpose(1, 2) + self.pos   # [N,T,d]
        for blk in self.enc:
            x = blk(x)
        return self.head(self.ln(x))                         # [N,T,C]


# ----------------------------------------------------------------------------------------------- training
def encode(texts):
    targets = torch.tensor([CHARSET.index(c) + 1 for t in texts for c in t], dtype=torch.long)
    lengths = torch.tensor([len(t) for t in texts], dtype=torch.long)
    return targets, lengths


def evaluate(model, imgs, texts, bs=250):
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(imgs), bs):
            outs.append(model(torch.from_numpy(imgs[i:i + bs])).numpy())
    logits = np.concatenate(outs)
    preds = greedy_decode(logits)
    ca, exact = char_accuracy(preds, texts)
    return ca, exact, logits


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--train-lines", type=int, default=24000)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--from-checkpoint", metavar="STATE_DICT",
                    help="skip training: load this state_dict (torch.save of OcrNet) and write the files")
    args = ap.parse_args()
    if args.train_lines < 64 or args.epochs < 1:
        die("--train-lines must be >= 64 and --epochs >= 1")
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    t0 = time.time()
    r = Renderer()
    tr_u8, tr_t = render_set(r, args.train_lines if not args.from_checkpoint else 0, 0)
    ev_u8, ev_t = render_set(r, N_EVAL, 1)
    ca_u8, _ = render_set(r, N_CALIB, 2)
    tr_x, ev_x, ca_x = to_float(tr_u8), to_float(ev_u8), to_float(ca_u8)
    print(f"rendered {len(tr_t)} train / {N_EVAL} eval / {N_CALIB} calib lines in {time.time() - t0:.1f} s",
          flush=True)

    model = OcrNet()
    if args.from_checkpoint:
        model.load_state_dict(torch.load(args.from_checkpoint))
        args.epochs = 0
    bs = 64
    steps = max(1, args.epochs * (len(tr_t) // bs))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.1)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    gen = torch.Generator().manual_seed(0)
    tr_xt = torch.from_numpy(tr_x)
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(len(tr_t), generator=gen)
        tot = 0.0
        for s in range(len(tr_t) // bs):
            idx = perm[s * bs:(s + 1) * bs]
            x = tr_xt[idx]
            # augmentation: horizontal shift by up to 3 px (roll over the paper margin)
            x = torch.roll(x, int(torch.randint(-3, 4, (1,), generator=gen)), dims=3)
            targets, lengths = encode([tr_t[i] for i in idx.tolist()])
            logp = F.log_softmax(model(x), dim=-1).transpose(0, 1)   # [T,N,C]
            loss = ctc(logp, targets, torch.full((len(idx),), T, dtype=torch.long), lengths)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tot += float(loss)
        ca, ex, _ = evaluate(model, ev_x, ev_t)
        print(f"epoch {ep + 1}/{args.epochs}: loss {tot / (len(tr_t) // bs):.4f}, eval char acc {ca * 100:.2f} %, "
              f"exact {ex * 100:.1f} %  ({time.time() - t0:.0f} s)", flush=True)

    ca, ex, logits = evaluate(model, ev_x, ev_t)
    model.eval()
    onnx_path = os.path.join(args.out, "ocr.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.from_numpy(ev_x[:1]), onnx_path, opset_version=13,
                          input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)
    np.save(os.path.join(args.out, "eval_images.npy"), ev_u8)
    np.save(os.path.join(args.out, "calib_images.npy"), ca_x)
    np.save(os.path.join(args.out, "eval_logits_ref.npy"), logits[:N_REF].astype(np.float32))
    with open(os.path.join(args.out, "eval_labels.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(ev_t) + "\n")
    metrics = {
        "float_char_accuracy": round(ca, 4), "float_exact_line_accuracy": round(ex, 4),
        "eval_lines": N_EVAL, "train_lines": args.train_lines, "epochs": args.epochs,
        "train_seconds": round(time.time() - t0, 1), "torch": torch.__version__,
        "from_checkpoint": os.path.basename(args.from_checkpoint) if args.from_checkpoint else None,
        "how": "examples/ocr/train.py with defaults; accuracy of PyTorch's logits on eval_images.npy, greedy CTC decode",
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as fh:
        json.dump(metrics, fh, indent=2)
        fh.write("\n")
    print(f"float: char accuracy {ca * 100:.2f} %, exact lines {ex * 100:.1f} %; wrote {args.out}")


if __name__ == "__main__":
    main()
