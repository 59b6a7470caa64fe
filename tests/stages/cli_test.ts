/** The command line as a user runs it: outputs, errors and exit codes. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./run_cli.ts";

Deno.test("generate is reproducible from its seed and writes valid records", async () => {
  const a = await runCli(["generate", "--count", "5", "--seed", "42", "--fused"]);
  const b = await runCli(["generate", "--count", "5", "--seed", "42", "--fused"]);
  assert.equal(a.code, 0);
  assert.equal(a.out, b.out);
  const recs = a.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(recs.length, 5);
  assert.ok(recs.every((r) => r.tags.includes("fused")));
  assert.ok(recs.some((r) => /fma|fms|fnma|rsqrt|recip/.test(r.expr)), "fused ops appear");
});

Deno.test("parse turns FPCore into records and names failures with file:line:col", async () => {
  const dir = Deno.makeTempDirSync();
  const f = join(dir, "k.fpcore");
  Deno.writeTextFileSync(
    f,
    `(FPCore (x) :name "ok" :pre (<= 0 x 1) (sqrt x))\n(FPCore (x) :name "loop" (while (< x 1) ([x x x]) x))\n`,
  );
  const r = await runCli(["parse", f]);
  assert.equal(r.code, 1);
  const recs = r.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(recs.map((x) => x.id), ["k:ok"]);
  assert.deepEqual(recs[0].ranges, { x: [0, 1] });
  assert.match(r.err, /k\.fpcore:2:27: unsupported construct: while in benchmark "loop"/);
  const skip = await runCli(["parse", "--on-error=skip", f]);
  assert.equal(skip.code, 0);
  const missing = await runCli(["parse", join(dir, "nope.fpcore")]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /cannot read/);
});

Deno.test("usage errors exit 2 with a message; --help exits 0", async () => {
  const bad = await runCli(["generate", "--count", "x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /count: must be an integer/);
  const unknown = await runCli(["generate", "--frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /Unknown option '--frobnicate'/);
  const cmd = await runCli(["nosuch"]);
  assert.equal(cmd.code, 2);
  const help = await runCli(["generate", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /usage: generate/);
});

Deno.test("demo prints the bundled kernel in both syntaxes with cost and accuracy", async () => {
  const r = await runCli(["demo"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /fpcore\s+\(/);
  assert.match(r.out, /infix\s+/);
  assert.match(r.out, /cost\s+[\d.]+ \(avx512-kopt/);
  assert.match(r.out, /accuracy over 1000 points: max \d+ ulp/);
});
