import assert from "node:assert/strict";
import { join } from "node:path";
import { classifyChild, classifyThrown } from "../../pipeline/fuzz/classify.ts";
import { inspectC, runCli } from "../../pipeline/fuzz/cli_run.ts";
import { ParseError } from "../../pipeline/expr/sexpr.ts";

Deno.test("fuzz classify: readers' own errors are clean; exhaustion and engine errors are crashes", () => {
  assert.equal(classifyThrown(new ParseError("unexpected ')'", { line: 1, col: 2 })).cls, "clean");
  assert.equal(classifyThrown(new RangeError("Maximum call stack size exceeded")).cls, "crash");
  assert.equal(classifyThrown(new TypeError("x is undefined")).cls, "crash");
  assert.equal(classifyThrown(new Error("line 1: expr: Maximum call stack size exceeded")).cls, "crash");
  assert.equal(classifyThrown("a string").cls, "crash");
});

Deno.test("fuzz classify: CLI exits", () => {
  const run = (code: number | null, stderr: string, extra: { signal?: string; timedOut?: boolean } = {}) =>
    classifyChild({ code, stderr, signal: extra.signal ?? null, timedOut: extra.timedOut ?? false }).cls;
  assert.equal(run(0, "optimize: weights of profile x\n"), "accepted");
  assert.equal(run(1, "parse: f.fpcore:1:2: unexpected ')'\n"), "clean");
  assert.equal(run(2, "optimize: bad option\n"), "clean");
  assert.equal(run(1, ""), "crash");
  assert.equal(run(3, "internal error: RangeError: Maximum call stack size exceeded\n    at f (a.ts:1:2)\n"), "crash");
  assert.equal(run(1, "optimize: stdin: line 1: Maximum call stack size exceeded\n"), "crash");
  assert.equal(run(null, "", { signal: "SIGSEGV" }), "crash");
  assert.equal(run(null, "", { timedOut: true }), "hang");
});

Deno.test("fuzz inspectC: an injected symbol or a file that no longer compiles is an injection", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "out");
    const ours = "void kopt_k(void) {}\nvoid k_0123456789abcdef(void) {}\n";
    await Deno.writeTextFile(file, `/* name */\n${ours}`);
    assert.equal((await inspectC(file, 10_000)).cls, "accepted");
    // What the old comment writer let through: a backslash splices the next line into `*/`.
    await Deno.writeTextFile(file, `/* x*\\\n/ int injected_sym = 1; /\\\n* */\n${ours}`);
    assert.deepEqual(await inspectC(file, 10_000), { cls: "injection", detail: "emitted C defines injected_sym" });
    await Deno.writeTextFile(file, `/* a */ #include "/nonexistent.h"\n${ours}`);
    assert.equal((await inspectC(file, 10_000)).cls, "injection");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fuzz runCli: an expression argument over the OS's 128 KiB limit is answered without spawning, not a fuzzer crash", async () => {
  const huge = Array.from({ length: 40_000 }, (_, i) => `x${i % 7}`).join(" + ");
  assert.ok(new TextEncoder().encode(huge).length > 131072);
  const v = await runCli("optimize-fpcore", "infix", huge, 5000);
  assert.equal(v.cls, "clean");
  assert.match(v.detail, /OS limit of 128 KiB/);
});
