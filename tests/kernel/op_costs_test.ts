import assert from "node:assert/strict";
import { type Expr, postorder } from "../../pipeline/expr/expr.ts";
import { OP_NAMES, type OpName } from "../../pipeline/expr/ops.ts";
import { compileKernels } from "../../pipeline/kernel/compile.ts";
import {
  costTableFile,
  formatOpCosts,
  type OpCost,
  opCostKernels,
  opKernels,
  plainOpKernels,
} from "../../pipeline/kernel/op_costs.ts";
import { kernelConfig } from "../../pipeline/kernel/toolchain.ts";
import { targetFor } from "../../pipeline/target/target.ts";
import { tempCache } from "./util.ts";

const count = (e: Expr, op: string) => postorder(e).filter((n) => n.tag === "app" && n.op === op).length;
const apps = (e: Expr, op: string) => postorder(e).filter((n) => n.tag === "app" && n.op === op);

Deno.test("op-cost kernels differ by exactly M independent applications of the op", () => {
  for (const [op, ctx] of [["exp", "add"], ["pow", "add"], ["fma", "mul"], ["/", "add"]] as const) {
    const { withOp, without } = opKernels(op, 8, undefined, ctx);
    assert.equal(count(withOp, op), 8, `${op}: 8 unique applications (nothing shared)`);
    assert.equal(count(without, op), 0);
    // Everything else is the same: the a_j and the combining ops.
    const join = ctx === "add" ? "+" : "*";
    assert.equal(count(without, join), 8 + 7);
    assert.equal(count(withOp, join), 8 + 7);
  }
  const neg = opKernels("pow", 4, 2);
  assert.match(JSON.stringify(postorder(neg.withOp).filter((n) => n.tag === "const").map((n) => n)), /"value":2\b/);
});

Deno.test("plain-C op-cost kernels: opaque leaves, distinct arguments, the joining op as the chain's growth", () => {
  for (
    const [op, ctx] of [
      ["exp", "add"],
      ["-", "mul"],
      ["/", "add"],
      ["fmin", "add"],
      ["fma", "add"],
      [
        "fnma",
        "mul",
      ],
      ["+", "mul"],
      ["hypot", "add"],
    ] as const
  ) {
    const { withOp, without, applications } = plainOpKernels(op, 8, ctx);
    const join = ctx === "add" ? "+" : "*";
    const leafOp = ctx === "add" ? "+" : "*";
    assert.equal(applications, 8);
    assert.equal(count(withOp, op), 8 + (op === join ? 8 + 7 : 0), op);
    assert.equal(count(without, op), op === join ? 8 + 7 : op === leafOp ? 8 : 0, op);
    // The same 8 leaves |x + c_j| (copysign(x * k_j, x)) in both, so neither is linear in x.
    const leaf = ctx === "add" ? "fabs" : "copysign";
    assert.equal(count(withOp, leaf), 8);
    assert.equal(count(without, leaf), 8);
    // No application of a binary or ternary op repeats an argument (a - a, a / a, hypot(a, a) would fold).
    for (const a of apps(withOp, op)) {
      if (a.tag !== "app" || a.args.length < 2) continue;
      assert.equal(new Set(a.args.map((x) => x.id)).size, a.args.length, `${op}: distinct arguments`);
    }
  }
  // The join: 2M leaves against M, so each extra leaf brings its own + and one joining op.
  for (const [op, ctx] of [["+", "add"], ["-", "add"], ["*", "mul"]] as const) {
    const { withOp, without, applications } = plainOpKernels(op, 8, ctx);
    const leaf = ctx === "add" ? "fabs" : "copysign";
    assert.equal(applications, 16);
    assert.equal(count(withOp, leaf), 16);
    assert.equal(count(without, leaf), 8);
    assert.equal(count(withOp, op) - count(without, op), ctx === "add" && op === "-" ? 8 : 16);
  }
  assert.throws(() => plainOpKernels("fma", 2), RangeError, "too few copies for distinct arguments");
  // copysign's sign source is not a |.| (the compilers fold copysign(a, |b|) to |a|).
  const cs = apps(plainOpKernels("copysign", 8).withOp, "copysign");
  assert.equal(cs.length, 8);
  for (const a of cs) assert.ok(a.tag === "app" && a.args[1].tag === "app" && a.args[1].op === "+");
});

Deno.test("a gcc or clang measurement builds plain C kernels with that compiler at -O3 -ffast-math", async () => {
  const target = targetFor("avx512", "x86_64");
  const gcc = opCostKernels("gcc", target);
  assert.equal(gcc.config.label, "gcc -O3 -ffast-math");
  assert.equal(gcc.config.cc, "gcc");
  assert.ok(gcc.config.flags.includes("-ffast-math") && gcc.config.flags.includes("-march=native"));
  assert.equal(gcc.sources.length, 2 * gcc.rows.length);
  assert.ok(gcc.sources.every((s) => s.flavor === "plain" && s.symbol.startsWith("p_")));
  assert.ok(!gcc.rows.some((r) => r.negative), "no negative-base pow row: -ffast-math makes pow(a, 2) a * a");
  const exp = gcc.rows.findIndex((r) => r.op === "exp");
  assert.match(gcc.sources[2 * exp].text, /expf\(fabsf\(/);
  assert.doesNotMatch(gcc.sources[2 * exp + 1].text, /expf/);
  const plus = gcc.rows.find((r) => r.op === "+" && r.context === "add")!;
  assert.equal(plus.applications, 16);

  const clang = opCostKernels("clang", targetFor("avx2", "x86_64"));
  assert.equal(clang.config.label, "clang -O3 -ffast-math");
  assert.ok(clang.config.cc.endsWith("clang") && clang.config.flags.includes("-mno-avx512f"));

  const ours = opCostKernels("kopt", target);
  assert.deepEqual(ours.config, kernelConfig(target));
  assert.ok(ours.sources.every((s) => s.flavor === "avx512"));
  assert.ok(ours.rows.some((r) => r.negative));

  // They compile (no timing): the exp and + pairs under gcc.
  const pick = [2 * exp, 2 * exp + 1, 0, 1].map((i) => gcc.sources[i]);
  const built = await compileKernels(pick, gcc.config, { cacheDir: tempCache() });
  for (const b of built) assert.ok(b.ok, b.ok ? "" : b.error);
});

const row = (op: OpName, nsPerVector: number, context: "add" | "mul" = "add", negative = false): OpCost => ({
  label: op,
  op,
  context,
  negative,
  nsPerElem: nsPerVector / 16,
  nsPerVector,
  tableCycles: 1,
});

Deno.test("the cost table: units of one +, mul-bound rows for the multiply ops, multiples of 0.5, at least 0.5", () => {
  const rows = [
    ...OP_NAMES.filter((op) => op !== "d").map((op) => row(op, 0.2)),
    row("+", 0.2, "mul"),
  ].map((r) => {
    const ns: Partial<Record<OpName, number>> = {
      exp: 4.1, // 20.5
      sqrt: 0.74, // 3.7 -> 3.5
      log: 0.76, // 3.8 -> 4
      neg: 0.001, // ~0 -> floor
      fabs: -0.002, // negative noise -> floor
      "*": 0.0, // hidden beside the adds: not used
      fma: 0.01,
      pow: 40,
    };
    return ns[r.op] === undefined || r.context === "mul" ? r : row(r.op, ns[r.op]!);
  });
  rows.push(
    row("*", 0.21, "mul"), // 1.05 -> 1
    row("fma", 0.31, "mul"), // 1.55 -> 1.5
    row("fms", 0.36, "mul"), // 1.8 -> 2
    row("fnma", 0.05, "mul"), // 0.25 -> floor 0.5
    row("pow", 99, "add", true), // negative bases: not used
  );
  const machine = { cpu: "AMD EPYC", hash: "0123456789ab" };
  const t = costTableFile(rows, { isa: "avx512", build: "gcc", machine, measured: "2026-11-25" });
  assert.equal(t.unit, "one + per vector");
  assert.deepEqual([t.isa, t.build, t.machine, t.measured], ["avx512", "gcc", machine, "2026-11-25"]);
  const c = t.costs;
  assert.deepEqual(
    Object.keys(c),
    ["var", "const", ...OP_NAMES.filter((op) => op !== "d")],
  );
  assert.equal(c.var, 0.5);
  assert.equal(c.const, 0);
  assert.equal(c["+"], 1);
  assert.equal(c.exp, 20.5);
  assert.equal(c.sqrt, 3.5);
  assert.equal(c.log, 4);
  assert.equal(c.neg, 0.5);
  assert.equal(c.fabs, 0.5);
  assert.equal(c["*"], 1);
  assert.equal(c.fma, 1.5);
  assert.equal(c.fms, 2);
  assert.equal(c.fnma, 0.5);
  assert.equal(c.pow, 200);
  assert.ok(!("d" in c));
  for (const [k, v] of Object.entries(c)) {
    assert.equal(v * 2, Math.round(v * 2), `${k}: a multiple of 0.5`);
    if (k !== "const") assert.ok(v >= 0.5, `${k}: no op is free`);
  }
  // Without an add-bound + there is no unit.
  assert.throws(() => costTableFile(rows.filter((r) => !(r.op === "+" && r.context === "add")), { ...t }), /\+/);
});

Deno.test("the op-cost table counts cycles in units of one add", () => {
  const t = formatOpCosts([
    { ...row("+", 0.2), nsPerElem: 0.0125, tableCycles: 1 },
    { ...row("exp", 4), nsPerElem: 0.25, tableCycles: 12 },
  ], targetFor("avx512", "x86_64"));
  assert.match(t, /5\.00 GHz/);
  assert.match(t, /exp\s+0\.2500\s+4\.000\s+20\.0\s+12/);
});
