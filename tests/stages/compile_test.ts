/**
 * The compile stage as a user runs it: JSONL in, JSONL out, one record out
 * per record in. Bad records (unknown op or variable, empty or inverted
 * range, a derivative left in) come out with a clear error; malformed lines
 * stop the stage with their line number (earlier records kept) or are
 * skipped with --on-error=skip; unknown fields pass through.
 */
import assert from "node:assert/strict";
import { collect, fromIterable } from "../../pipeline/records/jsonl.ts";
import { compileStage } from "../../pipeline/stages/compile.ts";
import { CompiledRecord } from "../../pipeline/records/schema.ts";
import { runCli } from "./run_cli.ts";
import { FAILING_GCC_ERROR, failingGcc } from "./failing_gcc.ts";
import { HOST } from "../kernel/util.ts";

const GOOD = [
  { id: "a", expr: "(+ (* x y) 1)", vars: ["x", "y"], ranges: { x: [0, 1], y: [-1, 1] }, extra: { keep: [1, 2] } },
  { id: "b", expr: "(sqrt (fma x x 1))", vars: ["x"] },
];
const BAD = [
  { id: "op", expr: "(frobnicate x)", vars: ["x"] },
  { id: "var", expr: "(+ x nope)", vars: ["x"] },
  { id: "inverted", expr: "(+ x 1)", vars: ["x"], ranges: { x: [3, 1] } },
  { id: "deriv", expr: "(d x (* x x))", vars: ["x"] },
];
const lines = (recs: unknown[]) => recs.map((r) => JSON.stringify(r)).join("\n") + "\n";

Deno.test("compile: good records get a kernel, bad ones a clear error, nothing is lost", async () => {
  const r = await runCli(["compile"], lines([GOOD[0], ...BAD.slice(0, 2), GOOD[1], ...BAD.slice(2)]));
  assert.equal(r.code, 0, r.err);
  const out = r.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), ["a", "op", "var", "b", "inverted", "deriv"]);
  for (const o of out.filter((o) => o.id === "a" || o.id === "b")) {
    assert.ok(CompiledRecord.safeParse(o).success, JSON.stringify(o));
    assert.ok(o.kernel.flags.includes("-ffp-contract=off") && o.kernel.flags.includes("-fno-math-errno"));
    assert.match(o.kernel.compiler, /^gcc \d+/);
  }
  assert.deepEqual(out[0].extra, { keep: [1, 2] }, "unknown fields pass through");
  const err = Object.fromEntries(out.filter((o) => o.error).map((o) => [o.id, o.error]));
  assert.equal(err.op.stage, "compile");
  assert.match(err.op.message, /unknown operation "frobnicate"/);
  assert.match(err.var.message, /undeclared variable nope/);
  assert.match(err.inverted.message, /ranges\.x: range is empty or inverted/);
  assert.match(err.deriv.message, /\(d x e\)/);
  assert.match(r.err, /compile: \d+ kernels/);
});

Deno.test("compile: a malformed line stops with its line number after earlier records; skip goes on", async () => {
  const input = lines([GOOD[0]]) + "{not json\n" + "[1, 2]\n" + lines([GOOD[1]]);
  const stop = await runCli(["compile"], input);
  assert.equal(stop.code, 1);
  assert.match(stop.err, /line 2: malformed JSON/);
  assert.deepEqual(stop.out.trim().split("\n").map((l) => JSON.parse(l).id), ["a"]);
  const skip = await runCli(["compile", "--on-error=skip"], input);
  assert.equal(skip.code, 0);
  assert.match(skip.err, /line 3: /);
  assert.deepEqual(skip.out.trim().split("\n").map((l) => JSON.parse(l).id), ["a", "b"]);
});

Deno.test("compile: error records from an earlier stage pass unchanged; the stage composes in-process", async () => {
  const earlier = { id: "e", expr: "(+ x 1)", vars: ["x"], error: { stage: "unfuse", message: "gave up" } };
  const out = await collect(fromIterable([GOOD[1], earlier]).pipeThrough(compileStage({ target: HOST, batch: 1 })));
  assert.equal(out.length, 2);
  assert.ok(out[0].kernel !== undefined);
  assert.deepEqual(out[1], earlier);
});

Deno.test("compile: --target avx2 builds 8-lane kernels; bad options are usage errors", async () => {
  const r = await runCli(["compile", "--target", "avx2"], lines([GOOD[1]]));
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.kernel.isa, "avx2");
  assert.ok(o.kernel.flags.includes("-mno-avx512f"));
  const bad = await runCli(["compile", "--target", "sse9"], "");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /compile: unknown target "sse9": expected one of avx512, avx2, neon/);
});

Deno.test("compile: when no record compiles, a one-line summary on stderr and exit 3 (1 if all were bad)", async () => {
  // The same records under a gcc that cannot build our kernels: every one fails, the stage exits 3.
  await using gcc = await failingGcc();
  const recs = [GOOD[1], { id: "c", expr: "(- (* x x) 0.8125)", vars: ["x"] }];
  const all = await runCli(["compile"], lines(recs), gcc.env);
  assert.equal(all.code, 3, all.err);
  const out = all.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => [o.id, o.error?.stage]), [["b", "compile"], ["c", "compile"]]);
  assert.ok(out.every((o) => o.error.message.includes(FAILING_GCC_ERROR)));
  const summary = all.err.trim().split("\n").at(-1)!;
  assert.match(summary, /^compile: FAILED: 0 of 2 record\(s\) compiled; 2 failed to compile \(first: gcc failed: /);
  assert.ok(summary.includes(FAILING_GCC_ERROR) && summary.endsWith("(exit 3)"), summary);
  // With bad records among them, still 3: the compiler failed.
  assert.equal((await runCli(["compile"], lines([...recs, BAD[0]]), gcc.env)).code, 3);
  // One record that compiles (real gcc) is enough for 0; only bad records is bad input; no records is no failure.
  const some = await runCli(["compile"], lines([BAD[0], GOOD[1]]));
  assert.equal(some.code, 0, some.err);
  assert.match(some.err, /^compile: 1 of 2 record\(s\) compiled; 1 refused as bad records$/m);
  const bad = await runCli(["compile"], lines(BAD));
  assert.equal(bad.code, 1, bad.err);
  assert.match(bad.err, /^compile: FAILED: 0 of 4 record\(s\) compiled; 4 refused as bad records \(exit 1\)$/m);
  // Empty input is nothing to work on: exit 1 in every stage (tests/stages/contracts_test.ts).
  const none = await runCli(["compile"], "");
  assert.equal(none.code, 1, none.err);
  assert.match(none.err, /^compile: error: no input records \(empty input\)$/m);
});
