/**
 * Stage contracts: what one stage writes, the next accepts; bad and empty
 * input end every stage with the same documented exit codes.
 */
import assert from "node:assert/strict";
import { parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { fpcoreRecords } from "../../pipeline/records/fpcore_records.ts";
import { loadRecords } from "../../pipeline/stages/optimize_input.ts";
import { ExpressionRecord } from "../../pipeline/records/schema.ts";
import { type CliRun, runCli } from "./run_cli.ts";

const BOUNDS = ["0", "1", "-1", "0.5", "1e30", "-1e30", "1e300", "INFINITY", "-INFINITY", "NAN", "(/ 1 0)", "PI", "y"];
const OPS = ["<", "<=", ">", ">=", "=="];

/** A random precondition over x and y: comparison chains, conjunctions, infinities, inverted bounds. */
function randomPre(rng: Rng): string {
  const clause = (): string => {
    const terms = Array.from(
      { length: 2 + rng.int(2) },
      () => rng.next() < 0.5 ? rng.pick(["x", "y"]) : rng.pick(BOUNDS),
    );
    return `(${rng.pick(OPS)} ${terms.join(" ")})`;
  };
  const n = 1 + rng.int(3);
  return n === 1 ? clause() : `(and ${Array.from({ length: n }, clause).join(" ")})`;
}

const bytes = (s: string) => ReadableStream.from([new TextEncoder().encode(s)]);

Deno.test("records the next stage refuses: every record parse writes is one optimize's loader accepts", async () => {
  const rng = new Rng(5);
  let written = 0, refused = 0;
  for (let k = 0; k < 400; k++) {
    const src = `(FPCore (x y) :name "b${k}" :pre ${randomPre(rng)} (+ x y))`;
    const { records, errors } = fpcoreRecords(src, "t.fpcore");
    assert.equal(records.length + errors.length, 1);
    written += records.length;
    refused += errors.length;
    for (const e of errors) {
      assert.match(e.error.reason, /:pre leaves no finite value for [xy]: its range \[.*\] is empty/);
    }
    // What optimize reads from stdin: the JSON text of the records.
    const jsonl = records.map((r) => JSON.stringify(r) + "\n").join("");
    for (const line of jsonl.split("\n").filter((l) => l !== "")) {
      const r = ExpressionRecord.safeParse(JSON.parse(line));
      assert.ok(r.success, `${src}\n${line}\n${r.error?.message}`);
    }
    const loaded = await loadRecords("optimize", bytes(jsonl), "stop");
    assert.equal(loaded.failed, 0, src);
    assert.equal(loaded.jobs.length, records.length);
    // optimize given the file itself accepts and refuses the same benchmarks.
    const direct = parseFPCoreFile(src);
    assert.equal(direct.benchmarks.length, records.length, src);
  }
  assert.ok(written > 50 && refused > 20, `${written} written, ${refused} refused`);
});

Deno.test("records the next stage refuses: infinite and inverted bounds from the issue", () => {
  const one = (pre: string) => fpcoreRecords(`(FPCore (x) :name "n" :pre ${pre} x)`, "t.fpcore");
  // An infinite outer bound is no bound: the one-sided default applies.
  assert.deepEqual(one("(<= 0 x INFINITY)").records[0].ranges, { x: [0, 1000] });
  assert.deepEqual(one("(and (< -INFINITY x) (<= x 2))").records[0].ranges, { x: [-1000, 2] });
  assert.deepEqual(one("(<= -INFINITY x INFINITY)").records[0].ranges, {});
  for (const pre of ["(<= 1 x 0)", "(>= x INFINITY)", "(<= x -INFINITY)", "(== x INFINITY)", "(and (< 1 x) (< x 1))"]) {
    const r = one(pre);
    assert.equal(r.records.length, 0, pre);
    assert.equal(r.errors.length, 1, pre);
    assert.match(r.errors[0].error.reason, /^:pre leaves no finite value for x: its range \[.+, .+\] is empty$/, pre);
  }
  assert.equal(
    one("(<= 1 x 0)").errors[0].error.reason,
    ":pre leaves no finite value for x: its range [1, 0] is empty",
  );
});

/** Every stage that reads records on stdin, with the arguments to run it on nothing. */
const STDIN_STAGES: readonly (readonly string[])[] = [
  ["unfuse"],
  ["variants"],
  ["compile"],
  ["bench"],
  ["optimize", "--time", "0.1"],
  ["train-judge", "--out", "/nonexistent/never-written"],
];

Deno.test("exit codes: empty input, and input where every line is bad, exit 1 in every stage", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const empty = `${dir}/empty.fpcore`, bad = `${dir}/bad.fpcore`;
    await Deno.writeTextFile(empty, "; nothing here\n");
    await Deno.writeTextFile(bad, '(FPCore (x) :name "a" (frob x))\n(FPCore (x) :name "b" (if x x x))\n');
    const badLines = '{"id": 1}\nnot json\n';
    const runs: [string, Promise<CliRun>][] = [];
    for (const args of STDIN_STAGES) {
      runs.push([`${args[0]} < empty`, runCli(args, "")]);
      runs.push([`${args[0]} < blank lines`, runCli(args, "\n  \n")]);
      runs.push([`${args[0]} --on-error=skip < bad lines`, runCli([...args, "--on-error=skip"], badLines)]);
      runs.push([`${args[0]} < bad lines`, runCli(args, badLines)]);
    }
    runs.push(["parse empty.fpcore", runCli(["parse", empty])]);
    runs.push(["parse --on-error=skip bad.fpcore", runCli(["parse", "--on-error=skip", bad])]);
    runs.push(["optimize empty.fpcore", runCli(["optimize", empty])]);
    for (const [what, run] of runs) {
      const r = await run;
      assert.equal(r.code, 1, `${what}: exit ${r.code}\n${r.err}`);
      // compile and bench pass a bad record on as an error record: only empty input writes nothing.
      if (!what.includes("bad")) assert.equal(r.out, "", what);
      assert.ok(r.err.trim().length > 0, `${what}: says nothing`);
      assert.ok(!/internal error|RangeError/.test(r.err), `${what}: ${r.err}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
