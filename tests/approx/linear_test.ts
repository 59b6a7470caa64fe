/** The Remez exchange's linear solver: pivoting, refinement, and refusing singular systems. */
import assert from "node:assert/strict";
import { residual, solve } from "../../pipeline/approx/linear.ts";
import { seeded } from "../../pipeline/approx/random.ts";

Deno.test("solve recovers random solutions of random systems", () => {
  const rand = seeded(3);
  for (let t = 0; t < 50; t++) {
    const n = 1 + Math.floor(rand() * 10);
    const a = Array.from({ length: n }, () => Array.from({ length: n }, () => rand() * 2 - 1));
    const x = Array.from({ length: n }, () => rand() * 10 - 5);
    const b = a.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
    const got = solve(a, b);
    got.forEach((v, i) => assert.ok(Math.abs(v - x[i]) < 1e-9 * (1 + Math.abs(x[i])), `${v} vs ${x[i]}`));
  }
});

Deno.test("solve needs pivoting: a zero on the diagonal", () => {
  assert.deepEqual(solve([[0, 1], [1, 0]], [2, 3]), [3, 2]);
});

Deno.test("solve on a Vandermonde system of degree 12 leaves a residual at float64 rounding", () => {
  const xs = Array.from({ length: 13 }, (_, i) => Math.cos(Math.PI * i / 12));
  const a = xs.map((x) => Array.from({ length: 13 }, (_, k) => x ** k));
  const b = xs.map(Math.exp);
  const c = solve(a, b);
  for (let i = 0; i < 13; i++) assert.ok(Math.abs(residual(b[i], a[i], c)) < 1e-15);
});

Deno.test("solve refuses a singular system", () => {
  assert.throws(() => solve([[1, 2], [2, 4]], [1, 2]), /singular/);
});
