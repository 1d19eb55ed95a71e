"""Writes compile-float.mlir (compile-float-ops.test): every float op qc compile
lowers, with random constants (numpy seed 11).

    /usr/bin/python3 make_compile_float.py
"""
import os

import numpy as np
rng = np.random.default_rng(11)
def arr(shape, scale=0.5):
    a = (rng.standard_normal(shape) * scale).astype(np.float32)
    return a
def dense(a):
    a = np.asarray(a, np.float32)
    def fmt(x):
        if x.ndim == 0:
            return '%.6g' % float(x)
        return '[' + ', '.join(fmt(y) for y in x) + ']'
    return 'dense<%s> : tensor<%sxf32>' % (fmt(a), 'x'.join(map(str, a.shape)))
def T(*s): return 'tensor<%sxf32>' % 'x'.join(map(str, s))
L = []
def c(name, a): L.append(f'  %{name} = qc.constant {dense(a)}')
X = T(1,3,9,9)
def un(name, op, src, attrs=''):
    L.append(f'  %{name} = qc.{op} %{src} {attrs}: {X}'.replace('  :', ' :'))
def bi(name, op, a, b, ta, tb, tr):
    L.append(f'  %{name} = qc.{op} %{a}, %{b} : ({ta}, {tb}) -> {tr}')
# Elementwise (exact).
un('r', 'relu', 'x'); un('cl', 'clamp', 'x', '{max = 7.5e-01 : f32, min = -5.0e-01 : f32} ')
un('sg', 'sigmoid', 'x'); un('th', 'tanh', 'x'); un('hs', 'hardswish', 'x')
un('hsg', 'hardsigmoid', 'x', '{alpha = 2.0e-01 : f32, beta = 5.0e-01 : f32} ')
un('g1', 'gelu', 'x', '{approximate = "none"} '); un('g2', 'gelu', 'x', '{approximate = "tanh"} ')
un('er', 'erf', 'x'); un('sq', 'sqrt', 'sg')
c('cb', arr((1,3,1,1))); bi('a1', 'add', 'r', 'cb', X, T(1,3,1,1), X)
bi('a2', 'sub', 'cl', 'th', X, X, X)
c('cs', np.array([1.7], np.float32)); bi('a3', 'mul', 'sg', 'cs', X, T(1), X)
c('cw', arr((9,)) + 2.0); bi('a4', 'div', 'hs', 'cw', X, T(9), X)
c('cp', np.abs(arr((1,1,9,1))) * 3); bi('a5', 'pow', 'sq', 'cp', X, T(1,1,9,1), X)
c('xc', arr((3,1,9))); bi('a6', 'add', 'xc', 'g1', T(3,1,9), X, X)
names = ['r','cl','sg','th','hs','hsg','g1','g2','er','sq','a1','a2','a3','a4','a5','a6']
L.append(f'  %ew = qc.concat {", ".join("%"+n for n in names)} {{axis = 1 : i64}} : ({", ".join([X]*len(names))}) -> {T(1,3*len(names),9,9)}')
# Pools.
P5 = T(1,3,5,5)
L.append(f'  %mp = qc.max_pool2d %x {{ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}} : ({X}) -> {P5}')
L.append(f'  %mp2 = qc.max_pool2d %x {{ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}} : ({X}) -> {P5}')
L.append(f'  %ap = qc.avg_pool2d %x {{ceil_mode = true, count_include_pad = false, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}} : ({X}) -> {P5}')
L.append(f'  %ap2 = qc.avg_pool2d %x {{ceil_mode = false, count_include_pad = true, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}} : ({X}) -> {P5}')
L.append(f'  %pooled = qc.concat %mp, %mp2, %ap, %ap2 {{axis = 1 : i64}} : ({P5}, {P5}, {P5}, {P5}) -> {T(1,12,5,5)}')
# Reductions and normalizations.
L.append(f'  %rm = qc.reduce_mean %x {{axes = array<i64: 2, 3>, keepdims = true}} : ({X}) -> {T(1,3,1,1)}')
L.append(f'  %rm2 = qc.reduce_mean %x {{axes = array<i64: 1>, keepdims = false}} : ({X}) -> {T(1,9,9)}')
L.append(f'  %gap = qc.global_avg_pool2d %x : ({X}) -> {T(1,3,1,1)}')
L.append(f'  %sm = qc.softmax %x {{axis = 1 : i64}} : {X}')
L.append(f'  %sm2 = qc.softmax %x {{axis = -1 : i64}} : {X}')
c('lg', arr((9,)) + 1); c('lb', arr((9,)))
L.append(f'  %ln = qc.layer_norm %x, %lg, %lb {{axis = -1 : i64, epsilon = 9.99999974E-6 : f32}} : ({X}, {T(9)}, {T(9)}) -> {X}')
c('lg2', arr((9,1)) + 1)
L.append(f'  %ln2 = qc.layer_norm %x, %lg2 {{axis = 2 : i64, epsilon = 1.0E-3 : f32}} : ({X}, {T(9,1)}) -> {X}')
L.append(f'  %padc = qc.pad %x {{mode = "constant", pads = array<i64: 0, 0, 1, 2, 0, 0, 2, 1>, value = 5.0e-01 : f32}} : ({X}) -> {T(1,3,12,12)}')
L.append(f'  %padr = qc.pad %x {{mode = "reflect", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f32}} : ({X}) -> {T(1,3,11,11)}')
c('bs', arr((3,)) + 1); c('bb', arr((3,))); c('bm', arr((3,))); c('bv', np.abs(arr((3,))) + 0.5)
L.append(f'  %bn = qc.batch_norm %x, %bs, %bb, %bm, %bv {{epsilon = 9.99999974E-6 : f32}} : ({X}, {T(3)}, {T(3)}, {T(3)}, {T(3)}) -> {X}')
L.append(f'  %dq = qc.dynamic_fake_quant %x {{dtype = ui8, quant_max = 255 : i64, quant_min = 0 : i64}} : {X}')
# Convolutions and GEMMs (summation order may differ).
c('w1', arr((8,3,3,3))); c('b1', arr((8,)))
L.append(f'  %c1 = qc.conv2d %x, %w1, %b1 {{dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}} : ({X}, {T(8,3,3,3)}, {T(8)}) -> {T(1,8,5,5)}')
c('w2', arr((8,1,3,3))); c('b2', arr((8,)))
L.append(f'  %c2 = qc.conv2d %c1, %w2, %b2 {{dilations = array<i64: 1, 1>, groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}} : ({T(1,8,5,5)}, {T(8,1,3,3)}, {T(8)}) -> {T(1,8,5,5)}')
c('w3', arr((6,4,2,2)))
L.append(f'  %c3 = qc.conv2d %c2, %w3 {{dilations = array<i64: 1, 1>, groups = 2 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 1, 1>}} : ({T(1,8,5,5)}, {T(6,4,2,2)}) -> {T(1,6,5,5)}')
c('w4', arr((12,1,3,3)))
L.append(f'  %c4 = qc.conv2d %c3, %w4 {{dilations = array<i64: 2, 2>, groups = 6 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>}} : ({T(1,6,5,5)}, {T(12,1,3,3)}) -> {T(1,12,5,5)}')
c('w5', arr((5,12,1,1))); c('b5', arr((5,)))
L.append(f'  %c5 = qc.conv2d %c4, %w5, %b5 {{dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}} : ({T(1,12,5,5)}, {T(5,12,1,1)}, {T(5)}) -> {T(1,5,5,5)}')
c('w6', arr((37,5,3,3))); c('b6', arr((37,)))
L.append(f'  %conv = qc.conv2d %c5, %w6, %b6 {{dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}} : ({T(1,5,5,5)}, {T(37,5,3,3)}, {T(37)}) -> {T(1,37,5,5)}')
L.append(f'  %fl = qc.flatten %conv {{axis = 1 : i64}} : ({T(1,37,5,5)}) -> {T(1,925)}')
c('wl', arr((7,925), 0.05)); c('bl', arr((7,)))
L.append(f'  %lin = qc.linear %fl, %wl, %bl : ({T(1,925)}, {T(7,925)}, {T(7)}) -> {T(1,7)}')
L.append(f'  %t = qc.reshape %c5 {{shape = array<i64: 1, 5, 25>}} : ({T(1,5,5,5)}) -> {T(1,5,25)}')
c('wm', arr((25,19)))
L.append(f'  %mmc = qc.matmul %t, %wm : ({T(1,5,25)}, {T(25,19)}) -> {T(1,5,19)}')
L.append(f'  %t3 = qc.reshape %c5 {{shape = array<i64: 5, 5, 5>}} : ({T(1,5,5,5)}) -> {T(5,5,5)}')
L.append(f'  %t3t = qc.transpose %t3 {{perm = array<i64: 0, 2, 1>}} : ({T(5,5,5)}) -> {T(5,5,5)}')
L.append(f'  %mb = qc.matmul %t3, %t3t : ({T(5,5,5)}, {T(5,5,5)}) -> {T(5,5,5)}')
c('w7', arr((3,1,9,9), 0.2))
L.append(f'  %dwbig = qc.conv2d %x, %w7 {{dilations = array<i64: 1, 1>, groups = 3 : i64, pads = array<i64: 4, 4, 4, 4>, strides = array<i64: 1, 1>}} : ({X}, {T(3,1,9,9)}) -> {X}')
c('w8', arr((8,2,9,9), 0.2)); c('b8', arr((8,)))
L.append(f'  %gbig = qc.conv2d %c1, %w8, %b8 {{dilations = array<i64: 1, 1>, groups = 4 : i64, pads = array<i64: 4, 4, 4, 4>, strides = array<i64: 1, 1>}} : ({T(1,8,5,5)}, {T(8,2,9,9)}, {T(8)}) -> {T(1,8,5,5)}')
outs = [('ew', T(1,48,9,9)), ('pooled', T(1,12,5,5)), ('rm', T(1,3,1,1)), ('rm2', T(1,9,9)), ('gap', T(1,3,1,1)),
        ('sm', X), ('sm2', X), ('ln', X), ('ln2', X), ('padc', T(1,3,12,12)), ('padr', T(1,3,11,11)), ('bn', X), ('dq', X),
        ('conv', T(1,37,5,5)), ('lin', T(1,7)), ('mmc', T(1,5,19)), ('mb', T(5,5,5)),
        ('dwbig', X), ('gbig', T(1,8,5,5))]
head = ['// Float ops for qc compile vs the reference executor (compile-float-ops.test):',
        '// every float op qc compile lowers, with broadcasting, padding, stride 2,',
        '// groups, a channel multiplier, dilation, ceil_mode, odd sizes (37 output',
        '// channels: a full and a partial GEMM tile; dwbig / gbig: 81-tap grouped',
        '// convs, the accumulate-in-memory path). Written by make_compile_float.py.',
        'func.func @main(%x: tensor<1x3x9x9xf32> {qc.name = "x"}) -> (' +
        ', '.join(f'{t} {{qc.name = "{n}"}}' for n, t in outs) + ') {']
L.append('  return ' + ', '.join('%' + n for n, _ in outs) + ' : ' + ', '.join(t for _, t in outs))
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'compile-float.mlir'), 'w').write('\n'.join(head + L + ['}', '']))
