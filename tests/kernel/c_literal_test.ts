import assert from "node:assert/strict";
import { cFloat32 } from "../../pipeline/kernel/c_literal.ts";
import { parseLiteral } from "../../pipeline/expr/literal.ts";
import { Rng } from "../../pipeline/expr/random.ts";

/** Reads a literal back the way C would (hex float, f suffix, parentheses). */
function readBack(text: string): number {
  const t = text.replace(/^\((.*)\)$/, "$1");
  if (t === "INFINITY") return Infinity;
  if (t === "-INFINITY") return -Infinity;
  if (t === "NAN") return NaN;
  assert.match(t, /^-?0x[01](\.[0-9a-f]+)?p[+-]\d+f$/);
  return parseLiteral(t.slice(0, -1))!;
}

Deno.test("every float32 constant becomes a hex literal that reads back exactly", () => {
  const rng = new Rng(9);
  const F = new Float32Array(1);
  const U = new Uint32Array(F.buffer);
  const cases = [0, -0, 1, -1, 0.1, 1.5, 3.4028234663852886e38, 1.17549435e-38, 1e-45, -1e-45, Infinity, -Infinity];
  for (let i = 0; i < 20000; i++) {
    U[0] = Math.floor(rng.next() * 2 ** 32);
    if (!Number.isNaN(F[0])) cases.push(F[0]);
  }
  for (const x of cases) {
    const back = readBack(cFloat32(x));
    assert.ok(Object.is(back, Math.fround(x)), `${x} -> ${cFloat32(x)} -> ${back}`);
  }
  assert.equal(cFloat32(NaN), "NAN");
  assert.equal(cFloat32(1.5), "0x1.8p+0f");
  assert.equal(cFloat32(-0), "(-0x0p+0f)");
  // Rounded to float32 first: 0.1 is not a float32.
  assert.equal(cFloat32(0.1), "0x1.99999ap-4f");
});
