/**
 * The bench stage: compiled records in, measured records out, appended to
 * the benchmark cache and not measured twice; a kernel that segfaults and
 * one that loops forever become error records while the records around
 * them are measured; records it cannot use (not compiled, a library from
 * outside the kernel cache) get clear errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../../pipeline/base/paths.ts";
import { benchRecords, compileRecords, measureExpressions } from "../../pipeline/kernel/measure.ts";
import { loadBenchCache } from "../../pipeline/kernel/bench_cache.ts";
import { CompiledRecord, ErrorRecord, type JsonObject, MeasuredRecord } from "../../pipeline/records/schema.ts";
import { HOST } from "../kernel/util.ts";

/** Quick timing: enough to exercise everything, not to be precise. */
const QUICK = { target: HOST, rounds: 2, minMs: 1, warmupMs: 0.5 };

function temp(): { cacheDir: string; benchCache: string } {
  const dir = Deno.makeTempDirSync({ prefix: "bench-test-" });
  return { cacheDir: join(dir, "kcache"), benchCache: join(dir, "benchmark_cache.jsonl") };
}

/** The record as measured; fails the test, with the record's error, otherwise. */
function measured(o: JsonObject): MeasuredRecord {
  const v = MeasuredRecord.safeParse(o);
  assert.ok(v.success, JSON.stringify(o.error ?? v.error));
  return v.data;
}

/** The record as compiled; fails the test, with the record's error, otherwise. */
function compiledOf(o: JsonObject): CompiledRecord {
  const v = CompiledRecord.safeParse(o);
  assert.ok(v.success, JSON.stringify(o.error ?? v.error));
  return v.data;
}

/** The record's error; fails the test when it has none. */
function failure(o: JsonObject): ErrorRecord["error"] {
  const v = ErrorRecord.safeParse(o);
  assert.ok(v.success, `expected an error record, got ${JSON.stringify(o)}`);
  return v.data.error;
}

const RECORDS: JsonObject[] = [
  { id: "add", expr: "(+ x 1)", vars: ["x"], ranges: { x: [-10, 10] } },
  { id: "norm", expr: "(sqrt (+ (* x x) (* y y)))", vars: ["x", "y"], ranges: { x: [-1, 1], y: [-1, 1] } },
  { id: "expsin", expr: "(* (exp x) (sin y))", vars: ["x", "y"], ranges: { x: [-5, 5], y: [-3, 3] } },
];

Deno.test("bench measures, records accuracy and machine, appends to the cache and resumes from it", async () => {
  const t = temp();
  const out = (await measureExpressions(RECORDS, { ...t, ...QUICK })).map(measured);
  assert.equal(out.length, 3);
  for (const o of out) {
    assert.ok(o.ns_per_elem > 0 && o.ratio > 0 && o.reps > 0 && o.n === 4096);
    assert.match(o.machine.hash, /^[0-9a-f]{12}$/);
  }
  assert.equal(out[0].max_ulp, 0, "x + 1 is correctly rounded");
  assert.ok(out[1].max_ulp <= 2 && out[2].max_ulp <= 8, `${out[1].max_ulp} ${out[2].max_ulp}`);
  assert.equal(loadBenchCache(t.benchCache).entries.size, 3);

  // Again: nothing is measured, the cache answers with the same numbers.
  let timed = 0;
  const again = (await measureExpressions(RECORDS, { ...t, ...QUICK, onResult: () => timed++ })).map(measured);
  assert.equal(timed, 0);
  assert.ok(again.every((o) => o.from_cache === true));
  assert.deepEqual(again.map((o) => o.ns_per_elem), out.map((o) => o.ns_per_elem));
  // A different range is another measurement.
  const wider = await measureExpressions([{ ...RECORDS[0], ranges: { x: [-1e6, 1e6] } }], { ...t, ...QUICK });
  assert.equal(wider[0].from_cache, undefined);
  assert.equal(loadBenchCache(t.benchCache).entries.size, 4);
});

/** Test-only kernels that crash or never return, placed in the kernel cache the way compile would. */
const EVIL = `
#include <stddef.h>
void k_00000000000dead1(const float *const *in, float *out, size_t n) { (void)in; (void)out; (void)n; *(volatile int *)0 = 1; }
void k_00000000000dead2(const float *const *in, float *out, size_t n) {
  (void)in; (void)out; (void)n;
  volatile int forever = 1;
  while (forever) {}
}
`;

Deno.test("a segfaulting and an endlessly looping kernel fail alone; the records around them are measured", async () => {
  const t = temp();
  const compiled = (await compileRecords(RECORDS, { target: HOST, cacheDir: t.cacheDir })).map(compiledOf);
  const dir = join(t.cacheDir, "evil");
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeTextFileSync(join(dir, "evil.c"), EVIL);
  const lib = join(dir, "evil.so");
  const cc = await new Deno.Command("gcc", { args: ["-O1", "-fPIC", "-shared", "-o", lib, join(dir, "evil.c")] })
    .output();
  assert.ok(cc.success);
  const evil = (symbol: string, id: string): JsonObject => ({
    ...compiled[0],
    id,
    expr: `(+ x ${id.length})`, // a different cache key per record
    kernel: { ...compiled[0].kernel, lib, symbol },
  });
  const input = [
    compiled[0],
    evil("k_00000000000dead1", "segv"),
    compiled[1],
    evil("k_00000000000dead2", "spin"),
    compiled[2],
  ];
  const out = await benchRecords(input, { ...t, ...QUICK, timeoutMs: 700 });
  assert.deepEqual(out.map((o) => o.id), ["add", "segv", "norm", "spin", "expsin"]);
  for (const i of [0, 2, 4]) assert.ok(measured(out[i]).ns_per_elem > 0);
  assert.equal(failure(out[1]).stage, "bench");
  assert.match(failure(out[1]).message, /^crash: /);
  assert.match(failure(out[3]).message, /^timeout: killed after the time limit of 700 ms/);
  // Failures are not cached: only the three good ones are.
  assert.equal(loadBenchCache(t.benchCache).entries.size, 3);
});

Deno.test("bench refuses records that are not compiled or name a library outside the kernel cache", async () => {
  const t = temp();
  const [compiled] = (await compileRecords([RECORDS[0]], { target: HOST, cacheDir: t.cacheDir })).map(compiledOf);
  const outside = {
    ...compiled,
    id: "outside",
    kernel: { ...compiled.kernel, lib: "/usr/lib/x86_64-linux-gnu/libm.so.6" },
  };
  const out = await benchRecords([RECORDS[1], outside, compiled], { ...t, ...QUICK });
  assert.match(failure(out[0]).message, /kernel: .*run compile first/);
  assert.match(failure(out[1]).message, /not a library of the kernel cache/);
  assert.ok(measured(out[2]).ns_per_elem > 0);
});

Deno.test("compile | bench as tasks: JSONL through both stages, progress on stderr", async () => {
  const dir = Deno.makeTempDirSync();
  const cache = join(dir, "bc.jsonl");
  const input = RECORDS.map((r) => JSON.stringify(r)).join("\n") + "\n";
  const sh = `deno run -A mod.ts compile | deno run -A mod.ts bench --cache ${cache} --rounds 1 --min-ms 1`;
  const p = new Deno.Command("bash", { args: ["-c", sh], cwd: ROOT, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(input));
  await w.close();
  const r = await p.output();
  const err = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, err);
  const out = new TextDecoder().decode(r.stdout).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), ["add", "norm", "expsin"]);
  assert.ok(out.every((o) => o.ns_per_elem > 0));
  assert.match(err, /bench: 3 measured, 0 failed/);
  assert.equal(loadBenchCache(cache).entries.size, 3);
});

Deno.test("a kernel without variables (hoisted entirely) is measured and exact", async () => {
  const t = temp();
  const [o] = (await measureExpressions([{ id: "const", expr: "(+ 1 (* 2 0.25))", vars: [] }], { ...t, ...QUICK }))
    .map(measured);
  assert.ok(o.ns_per_elem > 0);
  assert.equal(o.max_ulp, 0);
});
