/**
 * The approximations as callers see them: names, tiers, picking by allowed
 * error, and the special values each design documents.
 */
import assert from "node:assert/strict";
import { approxC, approximation, approximations, pickApproximation } from "../../pipeline/approx/catalog.ts";
import { DESIGNS } from "../../pipeline/approx/designs.ts";

Deno.test("every design has fitted tiers, named kap_<fn>_u<bound>, with a domain and special values", () => {
  const all = approximations();
  for (const d of DESIGNS) {
    const mine = all.filter((a) => a.design === d);
    assert.ok(mine.length >= 1, `${d.name}: ${mine.length} tiers`);
    for (const a of mine) {
      assert.equal(a.cName, `kap_${d.name}_u${a.bound}`);
      assert.ok(d.tiers.includes(a.bound));
      assert.ok(a.cFunction().includes(`KAP kav ${a.cName}(`));
    }
  }
  const c = approxC("avx2");
  assert.ok(c.includes("typedef __m256 kav;") && c.includes("kap_exp2_u1"));
});

Deno.test("pickApproximation takes the loosest tier within the allowed error", () => {
  assert.equal(pickApproximation("exp2", 4096)?.bound, 4096);
  assert.equal(pickApproximation("exp2", 100)?.bound, 64);
  assert.equal(pickApproximation("exp2", 4)?.bound, 4);
  assert.equal(pickApproximation("pow", 4), null);
  assert.throws(() => approximation("exp2", 3), /no tier 3/);
});

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

Deno.test("special values are as documented, at every tier", () => {
  const cases: Record<string, [number[], number][]> = {
    exp2: [[[NaN], NaN], [[Infinity], Infinity], [[-Infinity], 0], [[200], Infinity], [[-200], 0], [[0], 1]],
    exp: [[[NaN], NaN], [[Infinity], Infinity], [[-Infinity], 0], [[100], Infinity], [[-110], 0]],
    log2: [[[Infinity], Infinity], [[0], -Infinity], [[-0], -Infinity], [[-1], NaN], [[NaN], NaN], [[1], 0], [[
      2 ** -149,
    ], -149]],
    log: [[[Infinity], Infinity], [[0], -Infinity], [[-1], NaN], [[NaN], NaN], [[1], 0]],
    sin: [[[NaN], NaN], [[Infinity], NaN], [[-Infinity], NaN]],
    cos: [[[NaN], NaN], [[Infinity], NaN]],
    tanh: [[[NaN], NaN], [[Infinity], 1], [[-Infinity], -1], [[0], 0], [[-0], -0], [[20], 1], [[-20], -1]],
    sigmoid: [[[NaN], NaN], [[Infinity], 1], [[-Infinity], 0], [[0], 0.5]],
    pow: [[[-2, 2], NaN], [[0, 2], 0], [[0, -2], Infinity], [[Infinity, 2], Infinity], [[Infinity, -1], 0], [
      [0, 0],
      NaN,
    ], [
      [NaN, 1],
      NaN,
    ]],
    rsqrt: [[[Infinity], 0], [[0], Infinity], [[-0], -Infinity], [[-1], NaN], [[NaN], NaN], [[4], 0.5]],
  };
  for (const a of approximations()) {
    for (const [args, want] of cases[a.fn] ?? []) {
      // exp2(0), log2(1), rsqrt(4) are exact only where the polynomial's c0 rounds to 1 (tight tiers).
      if ((want === 1 || want === 0.5 || want === 0) && args.every(Number.isFinite) && a.bound > 4) continue;
      const got = a.evaluate(...args);
      assert.ok(same(got, want), `${a.cName}(${args}) = ${got}, documented ${want}`);
    }
  }
});
