"""Writes the programs of compile-float-vector.test and compile-lut-vector.test:

  compile-float-vector.mlir   pow by constant exponents 2, 3, 1, 0.5 (multiplies /
                              sqrt, as ref::powElement), by 2.5 (powf) and by a
                              non-uniform exponent tensor (every case selected per
                              element); softmax (ref::softmaxExp on vectors of 8
                              doubles, 8 partial sums) on rows of 1, 2, 4, 8, 9 and
                              36 elements, contiguous and strided; reduce_mean with
                              8 outputs per vector (and a tail). One input, one
                              output (so test/e2e/compiled_aarch64.sh can run it).
  compile-float-vector-special.mlir   the same ops on NaN, +-inf, -0.
  compile-lut-vector.mlir     qc.qlut u8 -> u8 and s8 -> s8 on 1000 elements (vectors
                              of 64, 32 or 16 bytes and a tail), s8 -> u8 on 30, and
                              on a transposed (strided) view; random tables (seed 13);
                              a dense qc.qmul and qc.qrequantize on 1000 elements.

    /usr/bin/python3 make_compile_vector.py
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def T(*s, t='f32'):
    return 'tensor<%sx%s>' % ('x'.join(map(str, s)), t)


def flat(lines, name, shape, n):
    """Reshapes %name (shape) to 1 x n as %name_f."""
    lines.append('  %%%s_f = qc.reshape %%%s {shape = array<i64: 1, %d>} : (%s) -> %s'
                 % (name, name, n, T(*shape), T(1, n)))
    return '%' + name + '_f'


def pow_lines(lines, base, fbase, shape, exps_name, exps_len, suffix):
    """x^2, x^3, f^0.5, x^1, f^2.5 and f^exps: base x, fractional powers of f."""
    X = T(*shape)
    names = []
    for n, b, e in [('p2', base, 'c2'), ('p3', base, 'c3'), ('ph', fbase, 'ch'), ('p1', base, 'c1'),
                    ('pg', fbase, 'cg')]:
        lines.append('  %%%s%s = qc.pow %%%s, %%%s : (%s, tensor<1xf32>) -> %s' % (n, suffix, b, e, X, X))
        names.append(n + suffix)
    lines.append('  %%pv%s = qc.pow %%%s, %%%s : (%s, %s) -> %s' % (suffix, fbase, exps_name, X, T(exps_len), X))
    names.append('pv' + suffix)
    return names


def constants(lines):
    for name, v in [('c2', '2.0'), ('c3', '3.0'), ('ch', '0.5'), ('c1', '1.0'), ('cg', '2.5')]:
        lines.append('  %%%s = qc.constant dense<%s> : tensor<1xf32>' % (name, v))


def float_vector():
    ex = [2.0, 3.0, 0.5, 1.0, 2.5, 1.5, -1.0]
    X = T(4, 36)
    pieces = []  # (value, shape)
    lines = []
    constants(lines)
    lines.append('  %%ce = qc.constant dense<[%s]> : tensor<36xf32>' % ', '.join(repr(ex[i % 7]) for i in range(36)))
    lines.append('  %%r = qc.relu %%x : %s' % X)
    lines.append('  %%q = qc.add %%r, %%c1 : (%s, tensor<1xf32>) -> %s' % (X, X))
    lines.append('  %%ci = qc.constant dense<[%s]> : tensor<36xf32>' % ', '.join(repr([2.0, 3.0, 1.0, 4.0][i % 4]) for i in range(36)))
    lines.append('  %%pi = qc.pow %%x, %%ci : (%s, tensor<36xf32>) -> %s' % (X, X))
    for n in pow_lines(lines, 'x', 'q', (4, 36), 'ce', 36, 'x') + ['pi']:
        pieces.append((n, (4, 36)))
    lines.append('  %%sa = qc.softmax %%x {axis = -1 : i64} : %s' % X)
    lines.append('  %%sb = qc.softmax %%x {axis = 0 : i64} : %s' % X)
    pieces += [('sa', (4, 36)), ('sb', (4, 36))]
    Y = T(2, 8, 9)
    lines.append('  %c5 = qc.constant dense<5.0> : tensor<1xf32>')
    lines.append('  %%x5 = qc.mul %%x, %%c5 : (%s, tensor<1xf32>) -> %s' % (X, X))
    lines.append('  %%y = qc.reshape %%x5 {shape = array<i64: 2, 8, 9>} : (%s) -> %s' % (X, Y))
    for n, axis in [('sc', 1), ('sd', 2), ('se', 0)]:
        lines.append('  %%%s = qc.softmax %%y {axis = %d : i64} : %s' % (n, axis, Y))
        pieces.append((n, (2, 8, 9)))
    lines.append('  %%y1 = qc.slice %%y {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, '
                 'steps = array<i64: 1>} : (%s) -> %s' % (Y, T(2, 1, 9)))
    lines.append('  %%s1 = qc.softmax %%y1 {axis = 1 : i64} : %s' % T(2, 1, 9))
    pieces.append(('s1', (2, 1, 9)))
    for n, src, shape, axes, keep, oshape in [('rm1', 'y', (2, 8, 9), [2], False, (2, 8)),
                                              ('rm2', 'x', (4, 36), [0], True, (1, 36)),
                                              ('rm3', 'y', (2, 8, 9), [0, 2], False, (8,))]:
        lines.append('  %%%s = qc.reduce_mean %%%s {axes = array<i64: %s>, keepdims = %s} : (%s) -> %s'
                     % (n, src, ', '.join(map(str, axes)), 'true' if keep else 'false', T(*shape), T(*oshape)))
        pieces.append((n, oshape))
    flats = []
    for n, shape in pieces:
        flats.append(flat(lines, n, shape, int(np.prod(shape))))
    total = sum(int(np.prod(s)) for _, s in pieces)
    lines.append('  %%out = qc.concat %s {axis = 1 : i64} : (%s) -> %s'
                 % (', '.join(flats), ', '.join(T(1, int(np.prod(s))) for _, s in pieces), T(1, total)))
    lines.append('  return %%out : %s' % T(1, total))
    head = ['// Written by make_compile_vector.py (compile-float-vector.test): pow by constant and',
            '// non-uniform exponents, softmax on rows of 1-36 elements, contiguous and strided,',
            '// reduce_mean of 8 outputs per vector and a tail;',
            '// every result flattened into one output.',
            'func.func @main(%%x: %s {qc.name = "x"}) -> (%s {qc.name = "y"}) {' % (X, T(1, total))]
    return '\n'.join(head + lines + ['}']) + '\n'


def float_special():
    Z = T(4, 5)
    lines = []
    constants(lines)
    lines.append('  %%sz = qc.softmax %%z {axis = 1 : i64} : %s' % Z)
    lines.append('  %ce5 = qc.constant dense<[2.0, 3.0, 0.5, 1.0, 2.5]> : tensor<5xf32>')
    names = pow_lines(lines, 'z', 'z', (4, 5), 'ce5', 5, 'z')
    lines.append('  %%pz = qc.concat %s {axis = 0 : i64} : (%s) -> %s'
                 % (', '.join('%' + n for n in names), ', '.join([Z] * len(names)), T(4 * len(names), 5)))
    lines.append('  return %%sz, %%pz : %s, %s' % (Z, T(4 * len(names), 5)))
    head = ['// Written by make_compile_vector.py (compile-float-vector.test): softmax and pow on',
            '// NaN, +-inf, -0; rows of pz: z^2, z^3, z^0.5, z^1, z^2.5, z^[2, 3, 0.5, 1, 2.5].',
            'func.func @main(%%z: %s {qc.name = "z"}) -> (%s {qc.name = "sz"}, %s {qc.name = "pz"}) {'
            % (Z, Z, T(4 * len(names), 5))]
    return '\n'.join(head + lines + ['}']) + '\n'


def lut():
    rng = np.random.default_rng(13)
    def table(lo, hi):
        return 'array<i32: %s>' % ', '.join(str(int(v)) for v in rng.integers(lo, hi + 1, 256))
    X = T(1, 1000)
    lines = []
    q = lambda n, src, shape, t, lo, hi, zp: lines.append(
        '  %%%s = qc.quantize %%%s {quant_max = %d : i64, quant_min = %d : i64, scale = array<f32: 0.02>, '
        'zero_point = array<i64: %d>} : (%s) -> %s' % (n, src, hi, lo, zp, T(*shape), T(*shape, t=t)))
    dq = lambda n, src, shape, t, zp: lines.append(
        '  %%%s = qc.dequantize %%%s {scale = array<f32: 0.5>, zero_point = array<i64: %d>} : (%s) -> %s'
        % (n, src, zp, T(*shape, t=t), T(*shape)))
    lut_ = lambda n, src, shape, ti, to, tab: lines.append(
        '  %%%s = qc.qlut %%%s {function = "random", table = %s} : (%s) -> %s'
        % (n, src, tab, T(*shape, t=ti), T(*shape, t=to)))
    q('qa', 'x', (1, 1000), 'ui8', 0, 255, 128)
    lut_('la', 'qa', (1, 1000), 'ui8', 'ui8', table(0, 255))
    dq('a', 'la', (1, 1000), 'ui8', 3)
    q('qb', 'x', (1, 1000), 'i8', -128, 127, 0)
    lut_('lb', 'qb', (1, 1000), 'i8', 'i8', table(-128, 127))
    dq('b', 'lb', (1, 1000), 'i8', -5)
    lines.append('  %%xs = qc.slice %%x {axes = array<i64: 1>, ends = array<i64: 30>, starts = array<i64: 0>, '
                 'steps = array<i64: 1>} : (%s) -> %s' % (X, T(1, 30)))
    q('qc', 'xs', (1, 30), 'i8', -128, 127, 0)
    lut_('lc', 'qc', (1, 30), 'i8', 'ui8', table(0, 255))
    dq('c', 'lc', (1, 30), 'ui8', 0)
    lines.append('  %%xr = qc.reshape %%qa {shape = array<i64: 10, 100>} : (%s) -> %s' % (T(1, 1000, t='ui8'), T(10, 100, t='ui8')))
    lines.append('  %%xt = qc.transpose %%xr {perm = array<i64: 1, 0>} : (%s) -> %s' % (T(10, 100, t='ui8'), T(100, 10, t='ui8')))
    lut_('ld', 'xt', (100, 10), 'ui8', 'ui8', table(0, 255))
    lines.append('  %%ldr = qc.reshape %%ld {shape = array<i64: 1, 1000>} : (%s) -> %s' % (T(100, 10, t='ui8'), T(1, 1000, t='ui8')))
    dq('d', 'ldr', (1, 1000), 'ui8', 0)
    lines.append('  %%m = qc.qmul %%qa, %%qb {clamp_max = 255 : i64, clamp_min = 0 : i64, lhs_scale = 0.02 : f32, '
                 'lhs_zero_point = 128 : i64, output_scale = 0.01 : f32, output_zero_point = 100 : i64, '
                 'rhs_scale = 0.02 : f32, rhs_zero_point = 0 : i64} : (%s, %s) -> %s'
                 % (T(1, 1000, t='ui8'), T(1, 1000, t='i8'), T(1, 1000, t='ui8')))
    dq('e', 'm', (1, 1000), 'ui8', 100)
    lines.append('  %%rq = qc.qrequantize %%qb {clamp_max = 200 : i64, clamp_min = 10 : i64, input_scale = 0.02 : f32, '
                 'input_zero_point = 0 : i64, output_scale = 0.03 : f32, output_zero_point = 120 : i64} : (%s) -> %s'
                 % (T(1, 1000, t='i8'), T(1, 1000, t='ui8')))
    dq('f', 'rq', (1, 1000), 'ui8', 120)
    lines.append('  %%y = qc.concat %%a, %%b, %%c, %%d, %%e, %%f {axis = 1 : i64} : (%s, %s, %s, %s, %s, %s) -> %s'
                 % (X, X, T(1, 30), X, X, X, T(1, 5030)))
    lines.append('  return %%y : %s' % T(1, 5030))
    head = ['// Written by make_compile_vector.py (compile-lut-vector.test): qc.qlut u8 -> u8 and',
            '// s8 -> s8 on 1000 elements, s8 -> u8 on 30, u8 -> u8 on a transposed view.',
            '// Then a dense qc.qmul (u8 x s8 -> u8) and qc.qrequantize (s8 -> u8, clamped).',
            'func.func @main(%%x: %s {qc.name = "x"}) -> (%s {qc.name = "y"}) {' % (X, T(1, 5030))]
    return '\n'.join(head + lines + ['}']) + '\n'


for name, text in [('compile-float-vector.mlir', float_vector()),
                   ('compile-float-vector-special.mlir', float_special()),
                   ('compile-lut-vector.mlir', lut())]:
    with open(os.path.join(HERE, name), 'w') as f:
        f.write(text)
