"""Alphabet, greedy CTC decoding and accuracy metrics shared by train.py and eval.py (numpy only)."""

import numpy as np

# Digits, letters and punctuation. Left out: glyphs that some DejaVu faces draw identically or that differ only
# in scale from another character (l/I/1, O/0/o, c/C, s/S, u/U, v/V, w/W, x/X, z/Z), because lines mix fonts and
# sizes and nothing in a line tells such pairs apart; the accuracy should measure the model and its quantization,
# not glyph ambiguity.
CHARSET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZabdefghijkmnpqrty.,:;-+/()#%&?!"
NUM_CLASSES = len(CHARSET) + 1  # class 0 is the CTC blank


def greedy_decode(logits):
    """logits [N, T, C] -> list of N strings: argmax per step, merge repeats, drop blanks (class 0)."""
    logits = np.asarray(logits)
    if logits.ndim != 3 or logits.shape[2] != NUM_CLASSES:
        raise ValueError(f"expected logits [N, T, {NUM_CLASSES}], got shape {list(logits.shape)}")
    best = logits.argmax(axis=2)
    out = []
    for row in best:
        s, prev = [], 0
        for k in row:
            if k != prev and k != 0:
                s.append(CHARSET[k - 1])
            prev = k
        out.append("".join(s))
    return out


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[len(b)]


def char_accuracy(preds, labels):
    """(character accuracy = 1 - total edit distance / total label length, exact-line accuracy)."""
    if len(preds) != len(labels):
        raise ValueError(f"{len(preds)} predictions for {len(labels)} labels")
    dist = sum(edit_distance(p, t) for p, t in zip(preds, labels))
    chars = sum(len(t) for t in labels)
    exact = sum(p == t for p, t in zip(preds, labels))
    return 1.0 - dist / chars, exact / len(labels)
