/**
 * The expression limits (pipeline/expr/limits.ts) end to end: exactly at
 * them every reader, printer and the optimize path work without running out
 * of stack; one past them, or far past them, is one clear error naming the
 * limit and the benchmark, and the other benchmarks of the file still parse.
 */
import assert from "node:assert/strict";
import { dagSize, depth, treeSize } from "../../pipeline/expr/expr.ts";
import { parseExpr, parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { LimitError, MAX_DEPTH, MAX_NODES } from "../../pipeline/expr/limits.ts";
import { printFPCore, printInfix } from "../../pipeline/expr/print.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { ParseError } from "../../pipeline/expr/sexpr.ts";
import { evaluate64 } from "../../pipeline/expr/evaluate.ts";
import { simdKernel } from "../../pipeline/kernel/codegen.ts";
import { plainKernel } from "../../pipeline/kernel/plain_c.ts";
import { DEFAULT_WEIGHTS_DIR, loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { DEFAULT_SEARCH, optimizeJob } from "../../pipeline/search/jobs.ts";
import { REFERENCE_COSTS } from "../../pipeline/expr/cost.ts";
import { fpcoreRecords } from "../../pipeline/records/fpcore_records.ts";
import { ExpressionRecord } from "../../pipeline/records/schema.ts";
import { loadRecords } from "../../pipeline/stages/optimize_input.ts";
import { runCli } from "../stages/run_cli.ts";

type Step = (inner: string, i: number) => string;

/** Chains of FPCore ops, each one level deeper than its argument. */
const SHAPES: Record<string, Step> = {
  unary: (s, i) => (i % 2 ? `(sqrt ${s})` : `(- ${s})`),
  left: (s, i) => `(+ ${s} ${(i % 7) + 1})`,
  right: (s) => `(* y ${s})`,
  mixed: (s, i) => [`(+ ${s} y)`, `(* 2 ${s})`, `(- ${s})`, `(fma ${s} y x)`, `(exp ${s})`, `(/ ${s} y)`][i % 6],
};

/** An FPCore body `levels` deep (a leaf is one level). */
function chain(levels: number, step: Step): string {
  let s = "x";
  for (let i = 0; i < levels - 1; i++) s = step(s, i);
  return s;
}

const form = (name: string, body: string) =>
  `(FPCore (x y) :name "${name}" :pre (and (<= 0.5 x 1) (<= 0.5 y 1)) ${body})`;

Deno.test("stack overflow: every shape exactly MAX_DEPTH deep parses, prints and reads back, evaluates and generates C", () => {
  for (const [name, step] of Object.entries(SHAPES)) {
    const { benchmarks, errors } = parseFPCoreFile(form(name, chain(MAX_DEPTH, step)));
    assert.deepEqual(errors, [], name);
    const e = benchmarks[0].expr;
    assert.equal(depth(e), MAX_DEPTH, name);
    assert.equal(parseExpr(printFPCore(e)), e, name);
    assert.equal(parseInfix(printInfix(e)), e, name);
    assert.equal(typeof evaluate64(e, { x: 0.75, y: 0.5 }), "number", name);
    assert.ok(simdKernel(e, ["x", "y"], "avx2").text.length > 0, name);
    assert.ok(plainKernel(e, ["x", "y"]).text.length > 0, name);
  }
});

Deno.test("stack overflow: kernels exactly MAX_DEPTH deep go through both searches and k-best extraction", () => {
  using nw = loadNetwork(DEFAULT_WEIGHTS_DIR);
  const quick = {
    ...DEFAULT_SEARCH,
    rules: ALL_RULES,
    costs: REFERENCE_COSTS,
    timeMs: 100,
    nodeLimit: 5000,
    iterLimit: 3,
    samples: 200,
    k: 4,
    budget: 50,
  };
  for (const [name, step] of Object.entries(SHAPES)) {
    const b = parseFPCoreFile(form(name, chain(MAX_DEPTH, step))).benchmarks[0];
    const job = { id: name, expr: b.expr, vars: b.vars, ranges: b.ranges };
    for (const search of ["guided", "saturate"] as const) {
      const r = optimizeJob(job, { ...quick, search, rank: search === "guided" ? "judge" : "static" }, nw);
      assert.ok(r.best.expr !== undefined, `${name} ${search}`);
    }
  }
});

Deno.test("stack overflow: one level past MAX_DEPTH is refused by name, and the other benchmarks of the file parse", () => {
  for (const [name, step] of Object.entries(SHAPES)) {
    const src = [form(name, chain(MAX_DEPTH + 1, step)), form("after", "(+ x y)")].join("\n");
    const { benchmarks, errors } = parseFPCoreFile(src);
    assert.deepEqual(benchmarks.map((b) => b.name), ["after"], name);
    assert.equal(errors.length, 1, name);
    assert.equal(errors[0].name, name);
    assert.match(errors[0].error.reason, /nested deeper than 1000 levels \(limit\)/);
  }
});

Deno.test("stack overflow: random depths either side of the limit, in FPCore and infix", () => {
  const rng = new Rng(7);
  const shapes = Object.values(SHAPES);
  for (let k = 0; k < 40; k++) {
    const levels = rng.pick([1, 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2, 2 * MAX_DEPTH]) +
      (rng.next() < 0.3 ? rng.int(5) : 0);
    const body = chain(levels, rng.pick(shapes));
    if (levels <= MAX_DEPTH) {
      const e = parseExpr(body);
      assert.equal(depth(e), levels);
      assert.equal(parseInfix(printInfix(e)), e);
    } else {
      assert.throws(() => parseExpr(body), (err: Error) => err instanceof ParseError && /\(limit\)/.test(err.message));
    }
  }
});

Deno.test("stack overflow: 10,000 unbalanced or deep brackets are one clean error, not a RangeError", () => {
  for (
    const src of [
      "(".repeat(10_000),
      "[".repeat(10_000),
      "(".repeat(10_000) + "x" + ")".repeat(10_000),
      "(".repeat(5_000) + "]".repeat(5_000),
      `(FPCore (x) :name "deep" ${"(".repeat(10_000)})`,
      ")".repeat(10_000),
    ]
  ) {
    const { benchmarks, errors } = parseFPCoreFile(src);
    assert.equal(benchmarks.length, 0);
    assert.equal(errors.length, 1);
    assert.ok(errors[0].error instanceof ParseError);
  }
  // Infix: parentheses, unary minus, powers, calls.
  for (
    const src of [
      "(".repeat(10_000) + "x" + ")".repeat(10_000),
      "(".repeat(10_000),
      "-".repeat(10_000) + "x",
      Array(10_000).fill("x").join("^"),
      "sqrt(".repeat(10_000) + "x" + ")".repeat(10_000),
      Array(10_000).fill("x").join("+"),
    ]
  ) {
    assert.throws(() => parseInfix(src), (e: Error) => e instanceof ParseError, src.slice(0, 20));
  }
  assert.equal(depth(parseInfix("(".repeat(MAX_DEPTH - 1) + "x" + ")".repeat(MAX_DEPTH - 1))), 1);
  assert.throws(() => parseInfix("(".repeat(MAX_DEPTH + 1) + "x" + ")".repeat(MAX_DEPTH + 1)), /\(limit\)/);
});

Deno.test("stack overflow: wide sums are refused by their width, 100,000 terms without being built", () => {
  for (const n of [MAX_DEPTH + 1, 10_000, 100_000]) {
    const src = `(FPCore (x y) :name "wide" (+ ${Array(n).fill("x y").join(" ")}))`;
    const { errors } = parseFPCoreFile(src);
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0].error.reason,
      `(+ ...) of ${2 * n} terms: expression nested deeper than 1000 levels (limit) in benchmark "wide"`,
    );
  }
  // The widest sum within the limit works.
  const e = parseExpr(`(+ ${Array(MAX_DEPTH).fill("x").join(" ")})`);
  assert.equal(depth(e), MAX_DEPTH);
});

/** A balanced sum of `n` distinct constants: about 2n distinct nodes, log2(n) deep. */
function balanced(n: number): string {
  let level = Array.from({ length: n }, (_, i) => String(i + 1));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(`(+ ${level[i]} ${level[i + 1]})`);
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

Deno.test("stack overflow: more than MAX_NODES distinct nodes is refused by the node limit; below it works", () => {
  const small = parseExpr(balanced(MAX_NODES / 4));
  assert.ok(dagSize(small) < MAX_NODES && dagSize(small) > MAX_NODES / 4);
  const { errors } = parseFPCoreFile(`(FPCore () :name "big" ${balanced(MAX_NODES)})`);
  assert.equal(errors.length, 1);
  assert.match(errors[0].error.reason, /more than 100000 distinct nodes \(limit\) in benchmark "big"/);
  assert.throws(
    () => parseInfix(Array.from({ length: MAX_NODES }, (_, i) => `(${i}+${i + 1})`).join("*")),
    /\(limit\)/,
  );
});

/** 30 lets that each double x: 31 distinct nodes, 2^31 - 1 as a tree. */
const DOUBLING = (n: number) => {
  let s = "x";
  for (let i = 0; i < n; i++) s = `(let ((x (+ x x))) ${s})`;
  return s;
};

Deno.test("exponential blow-up: 30 doubling lets stay a 31-node DAG through parse, records and print", () => {
  const { records, errors } = fpcoreRecords(`(FPCore (x) :name "doubling" ${DOUBLING(30)})`, "lets.fpcore");
  assert.deepEqual(errors, []);
  const rec = records[0];
  // The record carries the DAG (let* for shared nodes), not the 2^31-node tree.
  assert.ok(JSON.stringify(rec).length < 2000, `${JSON.stringify(rec).length} bytes`);
  assert.ok(ExpressionRecord.safeParse(rec).success);
  const e = parseExpr(rec.expr, rec.vars);
  assert.equal(dagSize(e), 31);
  assert.equal(treeSize(e), 2 ** 31 - 1);
  assert.equal(evaluate64(e, { x: 1 }), 2 ** 30);
  assert.equal(parseExpr(printFPCore(e)), e);
  // Infix cannot share: refused by the limit rather than spelled out.
  assert.throws(() => printInfix(e), (err: Error) => err instanceof LimitError);
  // Small trees still print plainly.
  const four = parseExpr(DOUBLING(4));
  assert.equal(
    printFPCore(four),
    "(+ (+ (+ (+ x x) (+ x x)) (+ (+ x x) (+ x x))) " + "(+ (+ (+ x x) (+ x x)) (+ (+ x x) (+ x x))))",
  );
});

Deno.test("exponential blow-up: a let* of many bindings reads in linear time; a chain past the limits is refused", () => {
  // Each binding used to copy the whole scope: quadratic in the bindings.
  const n = 30_000;
  const wide = Array.from({ length: n }, (_, i) => `[t${i + 1} (+ x ${i + 1})]`).join(" ");
  const e = parseExpr(`(let* (${wide}) (* t1 t${n}))`);
  assert.equal(dagSize(e), 6);
  // A chain of bindings nests one level per binding.
  const chained = Array.from({ length: n }, (_, i) => `[t${i + 1} (+ t${i} 1)]`).join(" ");
  assert.throws(() => parseExpr(`(let* ([t0 x] ${chained}) t${n})`), /nested deeper than 1000 levels \(limit\)/);
});

Deno.test("exponential blow-up: the doubling lets go through parse | optimize in a child process", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/lets.fpcore`;
    await Deno.writeTextFile(file, `(FPCore (x) :name "doubling" ${DOUBLING(30)})\n`);
    const parsed = await runCli(["parse", file]);
    assert.equal(parsed.code, 0, parsed.err);
    assert.ok(parsed.out.length < 2000);
    const opt = await runCli(
      ["optimize", "--emit", "json", "--time", "0.2", "--samples", "200", "--weights", DEFAULT_WEIGHTS_DIR],
      parsed.out,
    );
    assert.equal(opt.code, 0, opt.err);
    assert.ok(opt.out.length < 20_000);
    // Kept as it is (no rule applies), it has no infix form within the limit: one clear line, exit 1.
    const infix = await runCli(["optimize", "--rules", "trig", "--budget", "1", "--emit", "infix", file]);
    assert.equal(infix.code, 1, infix.err);
    assert.match(infix.err, /^error: the expression is 2147483647 nodes as a tree, more than 100000 \(limit\)/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stack overflow: a record past the depth limit is one clear line from optimize's loader", async () => {
  const deep = JSON.stringify({ id: "deep", expr: chain(MAX_DEPTH + 1, SHAPES.left), vars: ["x", "y"] });
  const ok = JSON.stringify({ id: "ok", expr: chain(MAX_DEPTH, SHAPES.left), vars: ["x", "y"] });
  const said: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void said.push(args.join(" "));
  try {
    const loaded = await loadRecords(
      "optimize",
      ReadableStream.from([new TextEncoder().encode(`${ok}\n${deep}\n`)]),
      "skip",
    );
    assert.deepEqual(loaded.jobs.map((j) => j.id), ["ok"]);
    assert.equal(loaded.failed, 1);
  } finally {
    console.error = original;
  }
  assert.equal(said.length, 1);
  assert.match(said[0], /^optimize: stdin: line 2: expr: .*nested deeper than 1000 levels \(limit\)/);
});

Deno.test("exponential blow-up: a kernel at the depth limit that shares a lot round-trips through its record", () => {
  // 20 doublings (a tree past MAX_NODES: the record uses let*) under a chain up to exactly MAX_DEPTH.
  let body = DOUBLING(20);
  for (let d = 21; d < MAX_DEPTH; d++) body = `(sqrt ${body})`;
  const { records, errors } = fpcoreRecords(`(FPCore (x) :name "both" ${body})`, "t.fpcore");
  assert.deepEqual(errors, []);
  const rec = records[0];
  assert.match(rec.expr, /^\(let\* /);
  assert.ok(ExpressionRecord.safeParse(rec).success);
  const e = parseExpr(rec.expr, rec.vars);
  assert.equal(depth(e), MAX_DEPTH);
  assert.equal(e, parseFPCoreFile(`(FPCore (x) ${body})`).benchmarks[0].expr);
});

Deno.test("stack overflow: readers at the depth limit keep headroom for 2,000 frames of callers", () => {
  // The fuzzer found infix calls nested 1,000 deep overflowing inside its reader
  // process: eight frames a level left no room. Each shape here sits at the
  // limit, parsed from under 2,000 frames of unrelated calls.
  const n = MAX_DEPTH - 1;
  const shapes: [string, () => unknown][] = [
    ["infix calls", () => parseInfix("sqrt(".repeat(n) + "x" + ")".repeat(n))],
    ["infix two-argument calls", () => parseInfix("pow(".repeat(n) + "x" + ", 2)".repeat(n))],
    ["infix signs", () => parseInfix("-".repeat(n) + "x")],
    ["infix powers", () => parseInfix(Array(n + 1).fill("x").join("^"))],
    ["infix parentheses", () => parseInfix("(".repeat(MAX_DEPTH) + "x" + ")".repeat(MAX_DEPTH))],
    ["FPCore calls", () => parseExpr("(sqrt ".repeat(n) + "x" + ")".repeat(n), ["x"])],
  ];
  const under = (frames: number, f: () => unknown): unknown => (frames === 0 ? f() : under(frames - 1, f));
  for (const [name, f] of shapes) {
    try {
      under(2000, f);
    } catch (e) {
      assert.fail(`${name}: ${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 120)}`);
    }
  }
});
