/**
 * Features of the compiled hot loop: instruction classes, memory traffic and
 * vector math calls read from gcc's assembly.
 */
import assert from "node:assert/strict";
import { ASM_FEATURES, calledOp, compiledLoopFeatures, loopFeatures } from "../../pipeline/kernel/asm_features.ts";
import { vectorMathSymbol } from "../../pipeline/kernel/preamble.ts";
import { OP_NAMES, OPS } from "../../pipeline/expr/ops.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { HOST } from "./util.ts";

const count = (x: Float64Array, f: string) => x[ASM_FEATURES.indexOf(f)];

Deno.test("asm features: every vector math symbol of every ISA names its op", () => {
  for (const op of OP_NAMES.filter((o) => OPS[o].libm !== null)) {
    for (const isa of ["avx512", "avx2", "neon"] as const) {
      assert.equal(calledOp(`${vectorMathSymbol(isa, op)}@PLT`), op, `${isa} ${op}`);
    }
  }
  assert.equal(calledOp("memset@PLT"), null);
  assert.equal(calledOp("_ZGVeN16v_notamathfnf@PLT"), null);
});

Deno.test("asm features: a loop with a call, a reloaded constant, arithmetic, a load and a store", () => {
  // gcc's loop for 1 - tanh(x)^2 on AVX-512: the constant is reloaded after the call.
  const loop = [
    "vmovups\t-64(%r14,%rbx,4), %zmm0",
    "call\t_ZGVeN16v_tanhf@PLT",
    "vbroadcastss\t.LC1(%rip), %zmm1",
    "movq\t%rbx, %rax",
    "vmulps\t%zmm0, %zmm0, %zmm0",
    "vsubps\t%zmm0, %zmm1, %zmm0",
    "vmovups\t%zmm0, -64(%r13,%rbx,4)",
    "vmovaps\t%zmm3, %zmm4",
    "vmovups\t%zmm5, -192(%rbp)",
    "vfmadd231ps\t.LC2(%rip), %zmm1, %zmm0",
    "addq\t$16, %rbx",
    "cmpq\t%rbx, %r12",
    "jnb\t.L3",
  ];
  const x = loopFeatures(loop);
  const want: Record<string, number> = {
    "call:tanh": 1,
    constant: 2,
    mul: 1,
    add: 1,
    fma: 1,
    load: 1,
    store: 1,
    copy: 1,
    spill: 1,
    scalar: 4,
    instructions: loop.length,
  };
  for (const f of ASM_FEATURES) assert.equal(count(x, f), want[f] ?? 0, f);
});

Deno.test("asm features: compiled kernels of the host's build show their calls and arithmetic", () => {
  const kernels = [
    { expr: parseExpr("(+ x 1)", ["x"]), vars: ["x"] },
    { expr: parseExpr("(* (exp x) (exp y))", ["x", "y"]), vars: ["x", "y"] },
    { expr: parseExpr("(fma x y (sqrt z))", ["x", "y", "z"]), vars: ["x", "y", "z"] },
  ];
  const [add, exps, fma] = compiledLoopFeatures(kernels, HOST);
  assert.ok(add !== null && exps !== null && fma !== null);
  assert.equal(count(add, "add"), 1);
  assert.equal(count(add, "load") + count(add, "store"), 2);
  assert.equal(count(exps, "call:exp"), 2);
  assert.equal(count(exps, "mul"), 1);
  assert.equal(count(fma, "fma"), 1);
  assert.equal(count(fma, "sqrt"), 1);
  for (const x of [add, exps, fma]) assert.ok(count(x, "instructions") >= 4);
});
