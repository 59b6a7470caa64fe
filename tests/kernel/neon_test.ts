/**
 * NEON (Advanced SIMD, aarch64) differential tests, the counterpart of
 * differential_test.ts for the 4-lane preamble: kernels are built with the
 * neon target's compiler (on an x86-64 host Debian's aarch64-linux-gnu-gcc,
 * linked with the arm64 SLEEF) and run in the aarch64 harness under
 * qemu-user, whose outputs are right (its timings mean nothing). Random
 * expressions over every exact op, and every exact op on every combination
 * of special values, must equal the float32 evaluator bit for bit; the
 * tail (n not a multiple of 4, and n below 4) must compute and store the
 * right lanes; every approximate op must stay within `ulpBound(op, "neon")`.
 *
 * Skipped, with the reason on stderr, where the cross compiler, the
 * emulator or the arm64 SLEEF library is missing (tasks/setup.sh installs
 * them).
 */
import assert from "node:assert/strict";
import { app, type Expr, v } from "../../pipeline/expr/expr.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { type OpName, OPS } from "../../pipeline/expr/ops.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { ulpDistance } from "../../pipeline/expr/ulp.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { simdKernel } from "../../pipeline/kernel/codegen.ts";
import { compileKernels } from "../../pipeline/kernel/compile.ts";
import { runHarness } from "../../pipeline/kernel/harness.ts";
import { EXACT_OPS, simdPreamble, ulpBound, VECTOR_MATH, vectorMathSymbol } from "../../pipeline/kernel/preamble.ts";
import { kernelConfig } from "../../pipeline/kernel/toolchain.ts";
import { type Target, targetFor } from "../../pipeline/target/target.ts";
import { approxCases, column, EXACT_MIX, exactOpAlone, failure, SPECIAL } from "./differential.ts";
import { onPath } from "../../pipeline/base/executables.ts";
import type { Lowering } from "../../pipeline/expr/lowering.ts";
import { APPROX_VARS, approxInputs, randomLoweredForms } from "./approx_forms.ts";

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);
/** Same float32 bits (every NaN equals every NaN: the model's NaN has no payload or sign). */
function sameFloat(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  F[0] = a;
  const ua = U[0];
  F[0] = b;
  return ua === U[0];
}

/** Where Debian's multiarch arm64 SLEEF lives (libsleef-dev:arm64). */
const ARM64_SLEEF = "/usr/lib/aarch64-linux-gnu/libsleef.so";

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The neon target seen from this host, or why these tests cannot run here. */
function neonTarget(): Target | string {
  const host = Deno.build.arch;
  const target = targetFor("neon", host);
  const missing: string[] = [];
  if (!onPath(target.cc)) missing.push(target.cc);
  for (const r of target.runner) if (!onPath(r)) missing.push(r);
  if (!exists(ARM64_SLEEF)) missing.push(`${ARM64_SLEEF} (libsleef-dev:arm64)`);
  if (missing.length > 0) return `missing ${missing.join(", ")}`;
  return target;
}

const found = neonTarget();
const skip = typeof found === "string" ? found : null;
if (skip !== null) console.error(`neon_test: skipped: ${skip} (tasks/setup.sh installs them)`);

/** Registers a NEON test; ignored (and said why, once, above) when the toolchain is missing. */
function neonTest(name: string, fn: (target: Target) => Promise<void>): void {
  Deno.test({ name: `neon: ${name}`, ignore: skip !== null, fn: () => fn(found as Target) });
}

let cacheDir: string | null = null;
/** One kernel cache for the file, removed when the process ends with it. */
function cache(): string {
  cacheDir ??= Deno.makeTempDirSync({ prefix: "kcache-neon-test-" });
  return cacheDir;
}

/** The float32 outputs of each expression's NEON kernel on its inputs (one column per var). */
async function neonOutputs(
  target: Target,
  exprs: readonly Expr[],
  vars: readonly string[],
  inputs: readonly (readonly Float32Array[])[],
  lowerings?: readonly Lowering[],
): Promise<Float32Array[]> {
  const sources = exprs.map((e, i) => simdKernel(e, vars, "neon", lowerings?.[i]));
  const compiled = await compileKernels(sources, kernelConfig(target), { cacheDir: cache() });
  const kernels = compiled.map((c, i) => {
    if (!c.ok) throw new Error(`kernel ${i} did not compile: ${c.error}`);
    return { lib: c.lib, symbol: c.symbol, input: i };
  });
  const res = await runHarness(
    { n: inputs[0][0].length, inputs, kernels },
    { target, rounds: 1, warmupMs: 0, minMs: 0, minSamples: 1, maxSamples: 1 },
  );
  return res.map((r, i) => {
    if (!r.ok) throw new Error(`kernel ${i} failed: ${r.status} ${r.message}`);
    return r.output;
  });
}

const VARS = ["x", "y", "z"];
const N = 1003; // not a multiple of 4: the tail runs

/** Asserts the kernel outputs equal the float32 evaluator bit for bit (NaNs equal). */
function assertExact(exprs: readonly Expr[], inputs: readonly (readonly Float32Array[])[], outs: Float32Array[]): void {
  exprs.forEach((e, i) => {
    const want = evaluateBatch(e, VARS, inputs[i], 32);
    assert.equal(outs[i].length, want.length);
    for (let k = 0; k < want.length; k++) {
      if (!sameFloat(outs[i][k], want[k])) assert.fail(failure(e, inputs[i], k, outs[i][k], want[k]));
    }
  });
}

/** Every exact op alone over the plain variables. */
const singleOps = (): Expr[] => EXACT_OPS.map((op) => exactOpAlone(op as OpName, VARS));

Deno.test("neon preamble: 4 lanes of arm_neon.h, SLEEF advsimd for every vector math op, no x86 header", () => {
  const text = simdPreamble("neon");
  assert.match(text, /#include <arm_neon\.h>/);
  assert.doesNotMatch(text, /immintrin/);
  assert.match(text, /enum \{ KL = 4 \};/);
  for (const op of Object.keys(VECTOR_MATH)) {
    const sym = vectorMathSymbol("neon", op);
    assert.match(sym, op === "hypot" ? /^Sleef_hypotf4_u05advsimd$/ : /^Sleef_[a-z0-9]+f4_u10advsimd$/);
    assert.ok(text.includes(`kop_${op}(`) && text.includes(sym), `kop_${op} calls ${sym}`);
    assert.equal(ulpBound(op, "neon"), 1);
  }
  assert.equal(ulpBound("rsqrt", "neon"), 1);
  assert.equal(ulpBound("mulrsqrt", "neon"), 2);
  for (const op of EXACT_OPS) assert.equal(ulpBound(op, "neon"), 0);
});

neonTest("random expressions over the exact ops equal the float32 evaluator bit for bit", async (target) => {
  const rng = new Rng(505);
  const exprs = Array.from(
    { length: 60 },
    () => randomExpr(rng, { vars: VARS, mix: EXACT_MIX, size: 4 + rng.int(12), range: [-4, 4] }),
  );
  exprs.push(...singleOps());
  const inputs = exprs.map(() => VARS.map(() => column(rng, N, -4, 4, true)));
  const outs = await neonOutputs(target, exprs, VARS, inputs);
  assertExact(exprs, inputs, outs);
  const seen = new Set<string>();
  for (const e of exprs) for (const m of printFPCore(e).matchAll(/\((\S+)/g)) seen.add(m[1]);
  for (const op of EXACT_OPS) assert.ok(seen.has(OPS[op as OpName].fpcore ?? op), `op ${op} was exercised`);
});

neonTest("every exact op on every triple of special values, and fused ops on exact cancellation", async (target) => {
  // All 16^3 triples of specials: signed zeros into fmin/fmax/copysign/floor/sqrt, NaN and inf everywhere.
  const xs: number[] = [], ys: number[] = [], zs: number[] = [];
  for (const a of SPECIAL) for (const b of SPECIAL) for (const c of SPECIAL) xs.push(a), ys.push(b), zs.push(c);
  // fma/fms/fnma where the product cancels the addend exactly: the sign of the zero is the model's.
  const rng = new Rng(606);
  for (let k = 0; k < 301; k++) {
    const a = Math.fround(rng.range(-8, 8)), b = Math.fround(rng.pick([1, -1, 0.5, -2, 0, -0, 4]));
    const sign = rng.next() < 0.5 ? 1 : -1;
    xs.push(a), ys.push(b), zs.push(Math.fround(sign * a * b));
  }
  const cols = [new Float32Array(xs), new Float32Array(ys), new Float32Array(zs)];
  const exprs = singleOps();
  const outs = await neonOutputs(target, exprs, VARS, exprs.map(() => cols));
  assertExact(exprs, exprs.map(() => cols), outs);
});

neonTest("the tail: n = 1, 2, 3, 5, 6, 7 compute and store exactly the first n lanes", async (target) => {
  const rng = new Rng(707);
  const e = randomExpr(rng, { vars: VARS, mix: EXACT_MIX, size: 8, range: [-4, 4] });
  for (const n of [1, 2, 3, 5, 6, 7]) {
    const inputs = [VARS.map(() => column(rng, n, -4, 4, true))];
    const [out] = await neonOutputs(target, [e], VARS, inputs);
    assert.equal(out.length, n);
    assertExact([e], inputs, [out]);
  }
});

const APPROX: OpName[] = ["rsqrt", "mulrsqrt", ...Object.keys(VECTOR_MATH) as OpName[]];

/** Asserts every output is within the op's ulp bound; returns the worst distance seen. */
function assertWithinBound(
  op: OpName,
  e: Expr,
  cols: readonly Float32Array[],
  out: Float32Array,
): number {
  const bound = ulpBound(op, "neon");
  const want = evaluateBatch(e, VARS, cols, 32);
  let worst = 0;
  for (let k = 0; k < want.length; k++) {
    const d = ulpDistance(out[k], want[k]);
    if (d > bound) assert.fail(`${failure(e, cols, k, out[k], want[k])}: ${d} ulp > ${bound}`);
    worst = Math.max(worst, d);
  }
  return worst;
}

neonTest("approximate ops stay within their documented ulp bound", async (target) => {
  const rng = new Rng(808);
  const { exprs, ops, inputs } = approxCases(rng, VARS, APPROX, N);
  const outs = await neonOutputs(target, exprs, VARS, inputs);
  exprs.forEach((e, i) => assertWithinBound(ops[i], e, inputs[i], outs[i]));
});

neonTest("approximate ops on every pair of special values; rsqrt on random positive float32 bits", async (target) => {
  const xs = SPECIAL.flatMap((a) => SPECIAL.map(() => a));
  const ys = SPECIAL.flatMap(() => SPECIAL);
  const cols = [new Float32Array(xs), new Float32Array(ys), new Float32Array(xs.length)];
  const exprs = APPROX.map((op) => app(op, VARS.slice(0, OPS[op].arity).map(v)));
  const inputs = exprs.map(() => cols);
  // rsqrt and mulrsqrt once more, on 20,000 random positive float32 bit
  // patterns (every binade, subnormals included).
  const rng = new Rng(909);
  const bits = new Uint32Array(20_000).map(() => 1 + Math.floor(rng.next() * 0x7f7fffff));
  const wide = [new Float32Array(bits.buffer), new Float32Array(bits.map(() => 0)), new Float32Array(bits.length)];
  wide[1].forEach((_, k) => wide[1][k] = rng.range(-4, 4));
  const rs = app("rsqrt", [v("x")]), mrs = app("mulrsqrt", [v("y"), v("x")]);
  const outs = await neonOutputs(target, exprs, VARS, inputs);
  exprs.forEach((e, i) => assertWithinBound(APPROX[i], e, cols, outs[i]));
  const [r1, r2] = await neonOutputs(target, [rs, mrs], VARS, [wide, wide]);
  assertWithinBound("rsqrt", rs, wide, r1);
  assertWithinBound("mulrsqrt", mrs, wide, r2);
});

neonTest("sinh, cosh and log1p near the ends of SLEEF's float domains stay within their bound", async (target) => {
  // SLEEF's sinhf/coshf overflow above |x| = 88.7 and its log1pf above 1e38,
  // short of float32's range; the preamble redoes those lanes.
  const rng = new Rng(1010);
  const n = 4001;
  const edge = new Float32Array(n).map(() => rng.range(87.5, 89.6) * (rng.next() < 0.5 ? -1 : 1));
  edge.set([88, -88, 88.5, 88.72284, 88.72285, 89.41598, 89.41599, -89.41599, Infinity, -Infinity, NaN]);
  const big = new Float32Array(n).map(() => Math.exp(rng.range(Math.log(1e37), Math.log(3.4028234e38))));
  big.set([1e38, 1.0000001e38, 3.4028234e38, Infinity, NaN, 9.999999e37]);
  const zero = new Float32Array(n);
  const cases: [OpName, Float32Array][] = [["sinh", edge], ["cosh", edge], ["log1p", big]];
  const exprs = cases.map(([op]) => app(op, [v("x")]));
  const inputs = cases.map(([, c]) => [c, zero, zero]);
  const outs = await neonOutputs(target, exprs, VARS, inputs);
  cases.forEach(([op], i) => assertWithinBound(op, exprs[i], inputs[i], outs[i]));
});

neonTest("kernels with approximate functions equal the evaluator with their lowering, bit for bit", async (target) => {
  const rng = new Rng(13);
  const { forms, lowerings } = randomLoweredForms(rng, 16);
  const inputs = approxInputs(rng, N);
  const outs = await neonOutputs(target, forms, APPROX_VARS, forms.map(() => inputs), lowerings);
  forms.forEach((e, i) => {
    const want = evaluateBatch(e, APPROX_VARS, inputs, 32, lowerings[i]);
    for (let k = 0; k < N; k++) {
      assert.ok(sameFloat(outs[i][k], want[k]), `${printFPCore(e)} at ${k}: ${outs[i][k]} vs ${want[k]}`);
    }
  });
});

// Removes the kernel cache after the last test (the `sanitizeResources` default keeps this a plain test).
Deno.test({
  name: "neon: clean up the kernel cache",
  ignore: skip !== null,
  fn: () => {
    if (cacheDir !== null) Deno.removeSync(cacheDir, { recursive: true });
    cacheDir = null;
  },
});
