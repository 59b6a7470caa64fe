import assert from "node:assert/strict";
import { parseLiteral, shortestFloat32 } from "../../pipeline/expr/literal.ts";
import { Rng } from "../../pipeline/expr/random.ts";

/** A random hex mantissa: 1 to 20 digits, maybe with a fraction. */
function hexMantissa(rng: Rng): string {
  const digits = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[rng.int(16)]).join("");
  const int = "1" + digits(rng.int(10));
  return rng.next() < 0.5 ? int : `${int}.${digits(1 + rng.int(10))}`;
}

Deno.test("hang: hex literals with huge exponents overflow to inf or underflow to 0 at once, as decimals do", () => {
  const rng = new Rng(15);
  for (let k = 0; k < 500; k++) {
    const sign = rng.pick(["", "-", "+"]);
    const m = hexMantissa(rng);
    // Exponents past float64 range, up to far past what a JS number holds exactly.
    const digits = 4 + rng.int(40);
    const exp = String(1 + rng.int(9)) + "9".repeat(digits);
    const neg = sign === "-";
    assert.equal(parseLiteral(`${sign}0x${m}p${exp}`), neg ? -Infinity : Infinity, `${sign}0x${m}p${exp}`);
    assert.ok(Object.is(parseLiteral(`${sign}0x${m}p-${exp}`), neg ? -0 : 0), `${sign}0x${m}p-${exp}`);
    // The decimal literals these stand beside.
    assert.equal(parseLiteral(`${sign}1.5e${exp}`), neg ? -Infinity : Infinity);
    assert.ok(Object.is(parseLiteral(`${sign}1.5e-${exp}`), neg ? -0 : 0));
  }
  assert.equal(parseLiteral("0x1p999999999999999999999"), Infinity);
});

Deno.test("hang: clamping the exponent keeps every in-range hex literal exact", () => {
  const rng = new Rng(16);
  for (let k = 0; k < 2000; k++) {
    // m * 2^e for a 1..53-bit integer m: exact in float64 unless it under/overflows.
    const bits = 1 + rng.int(53);
    const m = Math.floor(rng.next() * 2 ** bits) || 1;
    const e = rng.int(2400) - 1200;
    const want = e >= 0 ? m * 2 ** Math.min(e, 1023) * 2 ** Math.max(e - 1023, 0) : m * 2 ** -1000 * 2 ** (e + 1000);
    const got = parseLiteral(`0x${m.toString(16)}p${e}`);
    // The reference rounds at most twice near the subnormals; compare where it is exact.
    if (e > -1000 - bits && e < -1074 + 53 - bits) continue;
    assert.equal(got, want, `0x${m.toString(16)}p${e}`);
  }
  assert.equal(parseLiteral("0x1p-1074"), 5e-324);
  assert.equal(parseLiteral("0x1.fffffffffffffp1023"), Number.MAX_VALUE);
  assert.equal(parseLiteral("0x1p1024"), Infinity);
  assert.equal(parseLiteral("0x1p-1075"), 0);
  assert.equal(parseLiteral("0x1.8p-1074"), 1e-323);
});

Deno.test("shortestFloat32: the shortest decimal with the same float32, which is what kernels read", () => {
  assert.equal(shortestFloat32(1.4426950408889634 * 1.6635532333438687), 2.4);
  assert.equal(shortestFloat32(0.1), 0.1);
  assert.equal(shortestFloat32(-3), -3);
  assert.ok(Object.is(shortestFloat32(-0), -0));
  assert.equal(shortestFloat32(1e39), Infinity, "past float32's range");
  const rng = new Rng(3);
  for (let i = 0; i < 2000; i++) {
    const x = (rng.next() - 0.5) * 10 ** rng.range(-30, 30);
    const y = shortestFloat32(x);
    assert.equal(Math.fround(y), Math.fround(x), `${x}`);
    assert.ok(y.toExponential().replace(/^-|e.*$|\./g, "").length <= 9, `${y}`);
  }
});
