/**
 * The generated C: what may appear in it, shared subexpressions computed
 * once, invariants hoisted, refusals; and the machine code gcc makes of it,
 * checked in the assembly: the hot loop is packed zmm (or ymm) arithmetic
 * and vector libmvec calls, never scalar libm calls.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { app, v } from "../../pipeline/expr/expr.ts";
import { CodegenError, separateCopy, simdKernel } from "../../pipeline/kernel/codegen.ts";
import { plainKernel } from "../../pipeline/kernel/plain_c.ts";
import { simdPreamble } from "../../pipeline/kernel/preamble.ts";
import { kernelConfig } from "../../pipeline/kernel/toolchain.ts";
import { type Isa, targetFor } from "../../pipeline/target/target.ts";
import { HOST } from "./util.ts";

const VARS = ["alpha", "beta_2", "gamma.x"];
const E = parseExpr(
  "(+ (fma alpha beta_2 (exp (* 2 0.1))) (/ (sqrt (+ (* alpha alpha) 1)) (sqrt (+ (* alpha alpha) 1))))",
);

Deno.test("generated C holds only generated names, helpers and hex constants", () => {
  for (const src of [simdKernel(E, VARS, HOST.isa), simdKernel(E, VARS, "avx2"), plainKernel(E, VARS)]) {
    for (const name of VARS) assert.ok(!src.text.includes(name), `${name} must not reach the C text`);
    assert.match(src.symbol, /^[kp]_[0-9a-f]{16}$/);
    const hex = /0x[01](\.[0-9a-f]+)?p[+-]\d+f/g;
    assert.ok((src.text.match(hex) ?? []).length > 0, "constants are hex floats");
    const idents = new Set(src.text.replace(hex, "").match(/[A-Za-z_][A-Za-z0-9_]*/g));
    const allowed =
      /^(k_[0-9a-f]{16}(_f)?|p_[0-9a-f]{16}|kop_\w+|KOP|kv|km|KL|void|const|float|size_t|restrict|for|if|return|in|out|n|i|m|[xtph]\d+|expf|sqrtf|fmaf)$/;
    for (const id of idents) assert.match(id, allowed);
  }
});

Deno.test("a shared subexpression is one variable; variable-free nodes are hoisted out of the loop", () => {
  const k = simdKernel(E, VARS, HOST.isa);
  // sqrt(alpha^2 + 1) appears twice in the expression, once in the code.
  assert.equal(k.text.match(/kop_sqrt\(/g)?.length, 1);
  assert.equal(k.text.match(/kop_mul\(x0, x0\)/g)?.length, 1);
  // exp(2 * 0.1) has no variable: computed before the loop, passed in.
  const before = k.text.slice(k.text.indexOf(`void ${k.symbol}(`));
  assert.match(before.split("for (")[0], /kop_exp\(/);
  // Unused variable gamma.x is never loaded.
  assert.ok(!k.text.includes("in[2]"));
});

Deno.test("the symbol is a hash of the code: same expression, same symbol; another ISA, another", () => {
  assert.equal(simdKernel(E, VARS, HOST.isa).symbol, simdKernel(parseExpr(parseExprText()), VARS, HOST.isa).symbol);
  assert.notEqual(simdKernel(E, VARS, "avx512").symbol, simdKernel(E, VARS, "avx2").symbol);
  assert.notEqual(simdKernel(E, VARS, "avx2").symbol, simdKernel(E, VARS, "neon").symbol);
  assert.notEqual(simdKernel(E, VARS, HOST.isa).symbol, simdKernel(E, ["beta_2", "alpha"], HOST.isa).symbol);
});

function parseExprText(): string {
  return "(+ (fma alpha beta_2 (exp (* 2 0.1))) (/ (sqrt (+ (* alpha alpha) 1)) (sqrt (+ (* alpha alpha) 1))))";
}

Deno.test("d, and variables missing from the record, are refused with a reason", () => {
  assert.throws(() => simdKernel(app("d", [v("x"), app("*", [v("x"), v("x")])]), ["x"], HOST.isa), CodegenError);
  assert.throws(() => simdKernel(parseExpr("(+ x y)"), ["x"], HOST.isa), /variable "y" is not among/);
  assert.throws(() => plainKernel(parseExpr("(+ x y)"), ["x"]), /variable "y"/);
});

Deno.test("plain C is what a user writes: a scalar loop with libm calls", () => {
  const p = plainKernel(parseExpr("(+ (rsqrt x) (fma x y (exp x)))"), ["x", "y"]);
  assert.match(p.text, /for \(size_t i = 0; i < n; i\+\+\)/);
  assert.match(p.text, /\(1\.0f \/ sqrtf\(x0\)\)/);
  assert.match(p.text, /fmaf\(x0, x1, expf\(x0\)\)/);
});

/**
 * Assembly of a kernel under its ISA's flags; returns the kernel function's
 * body. Only compiled, never run, so the host's -march=native gives way to
 * the x86-64 level of the ISA and every host checks both.
 */
async function assembly(isa: Isa): Promise<string> {
  const e = parseExpr(
    "(+ (fma x y (exp z)) (+ (/ (sqrt x) (rsqrt y)) (fmin (floor x) (pow y (log (fabs z))))))",
  );
  const k = simdKernel(e, ["x", "y", "z"], isa);
  const dir = Deno.makeTempDirSync();
  const src = join(dir, "k.c");
  Deno.writeTextFileSync(src, simdPreamble(isa) + k.text);
  const cfg = kernelConfig(targetFor(isa, "x86_64"));
  const level = isa === "avx512" ? "-march=x86-64-v4" : "-march=x86-64-v3";
  const flags = cfg.flags.filter((f) => f !== "-shared").map((f) => (f === "-march=native" ? level : f));
  const r = await new Deno.Command(cfg.cc, { args: [...flags, "-S", "-o", "-", src], stdout: "piped", stderr: "piped" })
    .output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  const asm = new TextDecoder().decode(r.stdout);
  const start = asm.indexOf(`${k.symbol}:`);
  assert.ok(start >= 0, "the kernel is in the assembly");
  return asm.slice(start, asm.indexOf(".cfi_endproc", start));
}

for (const [isa, reg, lanes] of [["avx512", "zmm", 16], ["avx2", "ymm", 8]] as const) {
  Deno.test(`${isa}: the kernel is packed ${reg} arithmetic and vector libmvec/SLEEF calls, no scalar libm`, async () => {
    const body = await assembly(isa);
    for (const insn of ["vfmadd\\w+ps", "vdivps", "vsqrtps", "vminps"]) {
      assert.match(body, new RegExp(`\\b${insn}\\b[^\\n]*%${reg}`), `${insn} on ${reg}`);
    }
    const prefix = isa === "avx512" ? "_ZGVeN16" : "_ZGVdN8";
    assert.match(body, new RegExp(`call\\s+${prefix}v_expf`));
    assert.match(body, new RegExp(`call\\s+Sleef_powf${lanes}_u10${isa === "avx512" ? "avx512f" : "avx2"}`));
    assert.match(body, new RegExp(`call\\s+${prefix}v_logf`));
    // No scalar math: no scalar SSE/AVX arithmetic and no plain libm calls.
    assert.doesNotMatch(body, /\bv?(add|sub|mul|div|sqrt|fmadd\w*)ss\b/);
    assert.doesNotMatch(body, /call\s+(expf|logf|powf|sqrtf|floorf|fminf)\b/);
    if (isa === "avx2") assert.doesNotMatch(body, /%zmm/, "the AVX2 variant uses no AVX-512");
  });
}

Deno.test("a separate copy of a kernel is the same code under its own symbol", () => {
  for (
    const src of [
      simdKernel(parseExpr("(+ (* x y) 1.5)"), ["x", "y"], "avx2"),
      plainKernel(parseExpr("(* x x)"), ["x"]),
    ]
  ) {
    const a = separateCopy(src, 1), b = separateCopy(src, 2);
    assert.notEqual(a.symbol, src.symbol);
    assert.notEqual(a.symbol, b.symbol);
    assert.equal(a.symbol.slice(0, 2), src.symbol.slice(0, 2));
    assert.ok(!a.text.includes(src.symbol));
    assert.equal(a.text.replaceAll(a.symbol, src.symbol), src.text);
    assert.equal(separateCopy(src, 1).symbol, a.symbol, "a copy is reproducible (the compile cache finds it)");
  }
});
