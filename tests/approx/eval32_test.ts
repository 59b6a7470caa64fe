/** The float32 meaning of the vocabulary's less obvious ops. */
import assert from "node:assert/strict";
import { EVAL32 as o, rint32 } from "../../pipeline/approx/eval32.ts";
import { hornerOps } from "../../pipeline/approx/vocab.ts";

Deno.test("rint32 rounds ties to even and keeps the sign of zero", () => {
  const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [-0.5, -0], [-1.5, -2], [-2.5, -2], [0.3, 0], [
    -0.3,
    -0,
  ], [
    2 ** 23 + 1,
    2 ** 23 + 1,
  ], [Infinity, Infinity]];
  for (const [x, want] of cases) assert.ok(Object.is(rint32(x), want), `rint32(${x}) = ${rint32(x)}, want ${want}`);
  assert.ok(Number.isNaN(rint32(NaN)));
});

Deno.test("min and max are x86's: a NaN second operand passes, a NaN first operand does not", () => {
  assert.ok(Number.isNaN(o.min(1, NaN)));
  assert.equal(o.min(NaN, 1), 1);
  assert.ok(Number.isNaN(o.max(1, NaN)));
  assert.ok(Object.is(o.min(0, -0), -0));
  assert.ok(Object.is(o.min(-0, 0), 0));
});

Deno.test("the log split gives m in [sqrt(1/2), sqrt(2)) and x = 2^e m", () => {
  for (const x of [1, 0.7071067, 0.70710677, 1.4142135, 1.4142137, 3, 1e-30, 1e30, 2 ** -126]) {
    const e = o.logExp(x), m = o.logMant(x);
    assert.ok(m >= Math.fround(Math.SQRT1_2) && m < Math.SQRT2, `${x}: m ${m}`);
    assert.equal(m * 2 ** e, Math.fround(x));
  }
});

Deno.test("the rsqrt seed is within 3.5% of 1/sqrt(x)", () => {
  for (const x of [1, 2, 3, 0.1, 1e-20, 1e20]) {
    assert.ok(Math.abs(o.rsqrtSeed(x) * Math.sqrt(Math.fround(x)) - 1) < 0.035, `${x}`);
  }
});

Deno.test("hornerOps evaluates c0 + c1 x + c2 x^2 with fused steps", () => {
  assert.equal(hornerOps(o, [1, 2, 3], 2), 17);
  assert.equal(o.pow2i(-126), 2 ** -126);
});
