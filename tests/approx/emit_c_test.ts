/**
 * The C of every approximation computes the same float32 bits as its
 * TypeScript evaluator, on every ISA: AVX-512 and AVX2+FMA where this CPU
 * runs them, plain scalar C, and NEON cross-compiled and run under
 * qemu-aarch64 (skipped, with the reason on stderr, where the cross
 * compiler or the emulator is missing). Inputs: random bit patterns, random
 * values in each function's busy range, and the special values.
 */
import assert from "node:assert/strict";
import { approxC, type Approximation, approximations } from "../../pipeline/approx/catalog.ts";
import { buildC, runC, unavailable } from "../../pipeline/approx/cc.ts";
import { cFloat } from "../../pipeline/approx/emit_c.ts";
import { seeded } from "../../pipeline/approx/random.ts";
import type { ApproxIsa } from "../../pipeline/approx/prelude.ts";
import { cpuRuns, hostCpu } from "../../pipeline/target/target.ts";

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  Infinity,
  -Infinity,
  NaN,
  2 ** -149,
  -(2 ** -149),
  2 ** -126,
  3.4028234663852886e38,
  0.5,
  88.7,
  -88.7,
  128,
  -150,
  1e-30,
  16384,
  -16384,
  3e4,
];

/** C driver: reads n, then n x and n y floats; writes each approximation's n results. */
function driver(isa: ApproxIsa, list: readonly Approximation[]): string {
  const calls = list.map((a) =>
    `  for (uint32_t i = 0; i < n; i += KAP_LANES) {
    kav vx, vy, r;
    memcpy(&vx, x + i, sizeof vx);
    memcpy(&vy, y + i, sizeof vy);
    (void)vy;
    r = ${a.cName}(${a.arity === 1 ? "vx" : "vx, vy"});
    memcpy(out + i, &r, sizeof r);
  }
  fwrite(out, sizeof(float), n, stdout);`
  ).join("\n");
  return `${approxC(isa, list)}
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  uint32_t n;
  if (fread(&n, sizeof n, 1, stdin) != 1) return 1;
  float *x = calloc(n + 64, sizeof(float)), *y = calloc(n + 64, sizeof(float)), *out = calloc(n + 64, sizeof(float));
  if (fread(x, sizeof(float), n, stdin) != n || fread(y, sizeof(float), n, stdin) != n) return 1;
${calls}
  return 0;
}
`;
}

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);
function bits(x: number): number {
  F[0] = x;
  return U[0];
}

function inputs(n: number): [Float32Array, Float32Array] {
  const rand = seeded(17);
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    if (i < SPECIAL.length * SPECIAL.length) {
      x[i] = SPECIAL[i % SPECIAL.length];
      y[i] = SPECIAL[Math.floor(i / SPECIAL.length)];
    } else if (k === 0) {
      U[0] = Math.floor(rand() * 2 ** 32);
      x[i] = F[0];
      U[0] = Math.floor(rand() * 2 ** 32);
      y[i] = F[0];
    } else if (k === 1) {
      x[i] = (rand() * 2 - 1) * 200;
      y[i] = (rand() * 2 - 1) * 20;
    } else {
      x[i] = (rand() * 2 - 1) * 4;
      y[i] = (rand() * 2 - 1) * 4;
    }
  }
  return [x, y];
}

async function compare(isa: ApproxIsa): Promise<void> {
  const list = approximations();
  const n = 16384;
  const [x, y] = inputs(n);
  const exe = await buildC(driver(isa, list), isa, "bits");
  const stdin = new Uint8Array(4 + 8 * n);
  new DataView(stdin.buffer).setUint32(0, n, true);
  stdin.set(new Uint8Array(x.buffer), 4);
  stdin.set(new Uint8Array(y.buffer), 4 + 4 * n);
  const out = await runC(exe, isa, [], stdin);
  assert.equal(out.length, 4 * n * list.length);
  const got = new Float32Array(out.buffer, out.byteOffset, n * list.length);
  list.forEach((a, k) => {
    for (let i = 0; i < n; i++) {
      const want = a.evaluate(x[i], y[i]);
      const c = got[k * n + i];
      const same = Number.isNaN(want) ? Number.isNaN(c) : bits(want) === bits(c);
      if (!same) {
        assert.fail(
          `${isa} ${a.cName}(${x[i]}${a.arity === 2 ? `, ${y[i]}` : ""}): C ${c} (0x${bits(c).toString(16)}), ` +
            `TypeScript ${want} (0x${bits(want).toString(16)})`,
        );
      }
    }
  });
}

for (const isa of ["avx512", "avx2", "scalar", "neon"] as const) {
  const missing = unavailable(isa);
  const runs = isa === "avx512" || isa === "avx2" ? cpuRuns(hostCpu(), isa) : true;
  const why = missing ?? (runs ? null : `this CPU cannot run ${isa}`);
  if (why !== null) console.error(`emit_c_test: ${isa} skipped: ${why}`);
  Deno.test({
    name: `approx C (${isa}) equals the TypeScript evaluator bit for bit on every approximation`,
    ignore: why !== null,
    fn: () => compare(isa),
  });
}

Deno.test("cFloat writes exact hexadecimal float32 literals", () => {
  assert.equal(cFloat(1), "0x1.000000p+0f");
  assert.equal(cFloat(-0.5), "-0x1.000000p-1f");
  assert.equal(cFloat(Math.fround(Math.PI)), "0x1.921fb6p+1f");
  assert.equal(cFloat(2 ** -149), "0x0.000002p-126f");
  assert.equal(cFloat(-0), "-0.0f");
  assert.equal(cFloat(Infinity), "INFINITY");
});
