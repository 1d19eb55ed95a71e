"""Writes the input of compile-float-elementwise.mlir (x: 1 x 4099 float32)
to argv[1]: special values (NaN, +-inf, +-0, subnormals, the largest
float), halves and their neighbours (round's ties go to even), log's branch
point sqrt(2) and values near 1, exp's saturation points, a normal sample
scaled by 3, positive values over many octaves (log's range) and random bit
patterns."""
import sys

import numpy as np

g = np.random.default_rng(12)
special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 1e-40,
                    -3e-39, 1.1754944e-38, 3.4028235e38, -3.4028235e38, 0.5,
                    -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999997, 0.50000006,
                    8388607.5, 1.0, 0.99999994, 1.0000001, 1.4142135,
                    1.4142137, 0.70710677, 0.7071068, 2.0, 88.72, 88.73,
                    -87.33, -103.97, -104.0, 1e-30, 1e30],
                   np.float32)
n = 4099
normal = (g.standard_normal(2000) * 3).astype(np.float32)
octaves = np.exp2(g.uniform(-140, 127, 1000)).astype(np.float32)
bits = g.integers(0, 2**32, n - len(special) - len(normal) - len(octaves),
                  dtype=np.uint64)
random = bits.astype(np.uint32).view(np.float32)
x = np.concatenate([special, normal, octaves, random]).astype(np.float32)
assert x.size == n
np.save(sys.argv[1], x.reshape(1, n))
