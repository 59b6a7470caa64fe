import assert from "node:assert/strict";
import { stepF32 } from "../../pipeline/expr/ops.ts";
import { errorStats, MAX_ULPS, ordinal32, ulpDistance } from "../../pipeline/expr/ulp.ts";
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
