"""compile-gather-quantized.test: the gathered rows are (q - zp) * scale.

Reads the tables and qparams from the MLIR (Inputs/compile-gather-quantized.mlir),
dequantizes them with numpy in float32 as DESIGN.md says, gathers the rows at the
ids and compares with the compiled outputs bit for bit.
"""
import re
import sys

import numpy as np

src = open(sys.argv[1]).read()
ids = np.load(sys.argv[2])
out = sys.argv[3]
for n in range(1, 6):
    m = re.search(r"%%q%d = qc.constant dense<(.*?)> : tensor<(\d+)x(\d+)x(u?i8)>" % n, src)
    q = np.array(eval(m.group(1)), np.int64)
    d = re.search(r"%%t%d = qc.dequantize %%q%d \{(.*?)\} :" % (n, n), src).group(1)
    scale = np.array([float(x) for x in re.search(r"scale = array<f32: (.*?)>", d).group(1).split(",")], np.float32)
    zp = np.array([int(x) for x in re.search(r"zero_point = array<i64: (.*?)>", d).group(1).split(",")], np.int64)
    rows, cols = q.shape
    if "axis" not in d:                       # per tensor
        s, z = np.full(q.shape, scale[0]), np.full(q.shape, zp[0])
    elif "block_size" not in d:               # per row (axis 0)
        s, z = np.repeat(scale, cols).reshape(q.shape), np.repeat(zp, cols).reshape(q.shape)
    else:                                     # blocks along axis 1
        b = int(re.search(r"block_size = (\d+)", d).group(1))
        s = np.repeat(scale.reshape(rows, -1), b, axis=1)
        z = np.repeat(zp.reshape(rows, -1), b, axis=1)
    table = (q - z).astype(np.float32) * s.astype(np.float32)
    want = table[ids]
    got = np.load(f"{out}/y{n}.npy")
    assert got.dtype == np.float32 and got.shape == want.shape, (n, got.shape, want.shape)
    assert (got.view(np.uint32) == want.view(np.uint32)).all(), (n, got, want)
print("ok")
