import assert from "node:assert/strict";
import { stepF32 } from "../../pipeline/expr/ops.ts";
import {
  errorStats,
  flooredErrorStats,
  flooredUlps,
  MAX_ULPS,
  ordinal32,
  outputFloor,
  ulpDistance,
} from "../../pipeline/expr/ulp.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";

Deno.test("ulp distance: neighbours are 1 apart, across zero too, NaN handling", () => {
  assert.equal(ulpDistance(1, 1), 0);
  assert.equal(ulpDistance(stepF32(1, 1), 1), 1);
  assert.equal(ulpDistance(stepF32(0, 1), stepF32(0, -1)), 2);
  assert.equal(ordinal32(-0), ordinal32(0));
  assert.equal(ulpDistance(NaN, NaN), 0);
  assert.equal(ulpDistance(NaN, 1), MAX_ULPS);
  assert.equal(ulpDistance(Math.fround(0.1), 0.1), 0, "the reference is rounded first");
  const s = errorStats([1, stepF32(1, 1)], [1, 1]);
  assert.equal(s.maxUlp, 1);
  assert.equal(s.meanUlp, 0.5);
});

Deno.test("samples are float32, inside the ranges, and include both ends", () => {
  const cols = sampleInputs(["x", "y"], { x: [-1, 0.1], y: [1e-6, 1e3] }, 500, 1);
  for (const [i, [lo, hi]] of [[-1, 0.1], [1e-6, 1e3]].entries()) {
    const c = cols[i];
    assert.ok(c.every((x) => x >= lo && x <= hi));
    assert.ok(c.includes(Math.fround(lo)) || c.some((x) => x >= lo && x < lo * (1 + 1e-6)));
    assert.ok(c.some((x) => x <= hi && x > hi - Math.abs(hi) * 1e-6));
  }
  // Log-uniform sampling reaches small magnitudes of a wide positive range.
  assert.ok(cols[1].filter((x) => x < 1e-3).length > 10);
});

Deno.test("floored ulps: a reference beyond float32's range is matched only by infinity, never NaN", () => {
  const refs = [1, 1e300, -1e300, 2];
  const floor = outputFloor(refs);
  assert.ok(Number.isFinite(floor) && floor > 0);
  assert.equal(flooredUlps(Infinity, 1e300, floor), 0);
  assert.equal(flooredUlps(3.4e38, 1e300, floor), MAX_ULPS);
  const s = flooredErrorStats([1, Infinity, -Infinity, 2], refs, floor);
  assert.equal(s.maxUlp, 0);
  assert.equal(s.meanUlp, 0);
  assert.ok(!Number.isNaN(flooredErrorStats([1, 5, 0, 2], refs, floor).meanUlp));
});
