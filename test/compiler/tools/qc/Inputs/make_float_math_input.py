"""Writes the input of compile-float-math.mlir (x: 1 x 4099 float32) to
argv[1]: special values (NaN, +-inf, +-0, subnormals, the largest float),
the points where support/Math.h's sequences change branch or saturate, a
normal sample scaled by 3 (GELU's range), and random bit patterns."""
import sys

import numpy as np

g = np.random.default_rng(11)
special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 1e-40,
                    -3e-39, 1.1754944e-38, 3.4028235e38, -3.4028235e38, 0.0625,
                    -0.0625, 0.06249999, 4.0, -4.0, 3.92, 3.9, 88.72, 88.73,
                    -87.33, -103.97, -104.0, 9.01, -9.02, 20.0, -20.0],
                   np.float32)
n = 4099
normal = (g.standard_normal(3000) * 3).astype(np.float32)
bits = g.integers(0, 2**32, n - len(special) - len(normal), dtype=np.uint64)
random = bits.astype(np.uint32).view(np.float32)
x = np.concatenate([special, normal, random]).astype(np.float32)
assert x.size == n
np.save(sys.argv[1], x.reshape(1, n))
