/**
 * The Remez fit: exact on polynomials it can represent, and on known cases
 * the error equioscillates (n + 2 alternating extrema of one magnitude),
 * which is Chebyshev's characterization of the minimax polynomial.
 */
import assert from "node:assert/strict";
import { horner, maxWeightedError, remez } from "../../pipeline/approx/remez.ts";
import { seeded } from "../../pipeline/approx/random.ts";

Deno.test("remez: a random polynomial of degree <= n is fitted exactly", () => {
  const rand = seeded(11);
  for (let t = 0; t < 40; t++) {
    const n = 1 + Math.floor(rand() * 8);
    const m = Math.floor(rand() * (n + 1));
    const c = Array.from({ length: m + 1 }, () => rand() * 4 - 2);
    const a = rand() * 2 - 1.5, b = a + 0.1 + rand() * 2;
    const r = remez((x) => horner(c, x), a, b, n);
    assert.ok(r.maxError < 1e-12, `degree ${m} in ${n}: error ${r.maxError}`);
    // The same polynomial (its coefficients may differ at float64 rounding, amplified by the
    // conditioning of monomials on an interval away from 0).
    for (let i = 0; i <= 100; i++) {
      const x = a + (b - a) * i / 100;
      assert.ok(Math.abs(horner(r.coeffs, x) - horner(c, x)) < 1e-12, `at ${x}`);
    }
  }
});

function assertEquioscillates(r: ReturnType<typeof remez>, n: number, tol: number): void {
  assert.equal(r.levels.length, n + 2);
  for (let i = 1; i < r.levels.length; i++) {
    assert.ok(Math.sign(r.levels[i]) === -Math.sign(r.levels[i - 1]), `signs alternate: ${r.levels}`);
    assert.ok(r.reference[i] > r.reference[i - 1], "reference points increase");
  }
  const mags = r.levels.map(Math.abs);
  const hi = Math.max(...mags), lo = Math.min(...mags);
  assert.ok((hi - lo) / hi < tol, `levels ${mags}`);
  assert.ok(Math.abs(r.maxError - hi) / hi < tol, `max error ${r.maxError} vs level ${hi}`);
}

Deno.test("remez: exp on [0, ln2/2], relative error, equioscillates at degrees 2..6", () => {
  let prev = Infinity;
  for (let n = 2; n <= 6; n++) {
    // At degree 6 the level (1.5e-11) is 1e5 times float64's noise in evaluating p - f: levels agree to 1e-4.
    const r = remez(Math.exp, 0, Math.LN2 / 2, n, { weight: (x) => Math.exp(-x) });
    assertEquioscillates(r, n, n < 6 ? 1e-5 : 1e-4);
    assert.ok(r.maxError < prev / 10, `degree ${n}: ${r.maxError} after ${prev}`);
    prev = r.maxError;
  }
});

Deno.test("remez: |x| on [-1, 1] (not smooth), absolute error, degree 4", () => {
  const r = remez(Math.abs, -1, 1, 4);
  assertEquioscillates(r, 4, 1e-5);
});

Deno.test("remez: the degree-1 minimax line of exp on [0, 1] is the textbook one", () => {
  // Slope e - 1; the level is ((e - 1) ln(e - 1) - (e - 1) + 1... ) / 2 in closed form.
  const r = remez(Math.exp, 0, 1, 1);
  const s = Math.E - 1, x1 = Math.log(s);
  const level = (1 - (Math.exp(x1) - s * x1)) / 2;
  assert.ok(Math.abs(r.coeffs[1] - s) < 1e-9);
  assert.ok(Math.abs(Math.abs(r.levels[0]) - Math.abs(level)) < 1e-9);
});

Deno.test("maxWeightedError of the fit matches the Remez level", () => {
  const r = remez(Math.sin, 0, 1, 5);
  const m = maxWeightedError(r.coeffs, Math.sin, 0, 1);
  assert.ok(Math.abs(m - r.maxError) / r.maxError < 1e-4);
});
