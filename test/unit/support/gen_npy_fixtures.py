#!/usr/bin/python3
"""Writes the .npy / .npz fixtures of NpyTest.cpp into data/ with numpy.

Run with Debian's interpreter: /usr/bin/python3 test/unit/support/gen_npy_fixtures.py
The outputs are committed; rerunning must reproduce them byte for byte
(np.savez archives carry timestamps, so those are only rewritten when their
contents change).
"""
import io
import os
import zipfile

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def save(name, array):
    np.save(os.path.join(DATA, name), array, allow_pickle=False)


def save_version(name, array, version):
    with open(os.path.join(DATA, name), "wb") as f:
        npformat.write_array(f, array, version=version, allow_pickle=False)


def npz_members(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in sorted(z.namelist())}


def save_npz(name, compressed, **arrays):
    """np.savez(_compressed), keeping the old file if its contents match."""
    path = os.path.join(DATA, name)
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    new = buf.getvalue()
    if os.path.exists(path):
        with zipfile.ZipFile(io.BytesIO(new)) as z:
            fresh = {n: z.read(n) for n in sorted(z.namelist())}
        if fresh == npz_members(path):
            return
    with open(path, "wb") as f:
        f.write(new)


def main():
    os.makedirs(DATA, exist_ok=True)
    save("f32_2x3.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) * 1.5 - 2))
    save("f64_3.npy", np.array([0.1, -2.5, 1e300], dtype=np.float64))
    save("i8_4.npy", np.array([-128, -1, 0, 127], dtype=np.int8))
    save("u8_4.npy", np.array([0, 1, 128, 255], dtype=np.uint8))
    save("i16_2x2.npy", np.array([[-32768, -2], [3, 32767]], dtype=np.int16))
    save("i32_3.npy", np.array([-2**31, 0, 2**31 - 1], dtype=np.int32))
    save("i64_2.npy", np.array([-2**63, 2**62 + 1], dtype=np.int64))
    save("bool_3.npy", np.array([True, False, True]))
    save("scalar_f32.npy", np.float32(3.25).reshape(()))
    save("empty_0x3_f32.npy", np.zeros((0, 3), dtype=np.float32))
    save("rank4_f32.npy", np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4))
    save_version("v2_f32.npy", np.array([1.0, 2.0], dtype=np.float32), (2, 0))
    save_version("v3_f32.npy", np.array([1.0, 2.0], dtype=np.float32), (3, 0))
    save("fortran_f32.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
    save("bigendian_f32.npy", np.array([1.0, 2.0], dtype=">f4"))
    save("f16_2.npy", np.array([1.0, 2.0], dtype=np.float16))
    save("u16_2.npy", np.array([1, 2], dtype=np.uint16))
    save("structured.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "<f4")]))
    arrays = dict(
        a=np.array([[1.5, -2.0], [0.25, 8.0]], dtype=np.float32),
        b=np.array([1, 2, 3], dtype=np.int64),
        c=np.array([True, False]),
    )
    save_npz("arrays.npz", False, **arrays)
    save_npz("arrays_compressed.npz", True, **arrays)


if __name__ == "__main__":
    main()
