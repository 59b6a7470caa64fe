/**
 * Batch compilation: many kernels per compiler call, a kernel that does not
 * compile fails alone with the compiler's message, and the cache serves
 * what was built before (same library, no compiler run).
 */
import assert from "node:assert/strict";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { type KernelSource, simdKernel } from "../../pipeline/kernel/codegen.ts";
import { join } from "node:path";
import { compileKernels, configDir, isInsideCache } from "../../pipeline/kernel/compile.ts";
import { kernelConfig } from "../../pipeline/kernel/toolchain.ts";
import { targetFor } from "../../pipeline/target/target.ts";
import { HOST, tempCache } from "./util.ts";

const OURS = kernelConfig(HOST);

const VARS = ["x", "y", "z"];

function sources(seed: number, count: number): KernelSource[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => simdKernel(randomExpr(rng, { vars: VARS, size: 8 }), VARS, HOST.isa));
}

/** A kernel whose text does not build (test-only: codegen never writes this). */
function broken(tag: string, body: string): KernelSource {
  const symbol = `k_${tag.padStart(16, "0")}`;
  return {
    symbol,
    text: `void ${symbol}(const float *const *in, float *out, size_t n) { ${body} }\n`,
    flavor: HOST.isa,
  };
}
// A syntax error, and a call to a function that does not exist (caught at link time by -z defs).
const BAD1 = broken("bad1", "int = ;");
const BAD2 = broken("bad2", "extern void undeclared_thing(void); undeclared_thing();");

Deno.test("a batch compiles into few libraries; a broken kernel fails alone, with the compiler's message", async () => {
  const cache = tempCache();
  const good = sources(1, 24);
  const all = [...good.slice(0, 10), BAD1, ...good.slice(10), BAD2];
  const res = await compileKernels(all, OURS, { cacheDir: cache, jobs: 2 });
  assert.equal(res.length, all.length);
  const failed = res.filter((r) => !r.ok);
  assert.deepEqual(failed.map((r) => r.symbol).sort(), [BAD1.symbol, BAD2.symbol].sort());
  assert.match((failed.find((f) => f.symbol === BAD1.symbol) as { error: string }).error, /error: expected/);
  assert.match((failed.find((f) => f.symbol === BAD2.symbol) as { error: string }).error, /undefined reference/);
  const libs = new Set(res.filter((r) => r.ok).map((r) => (r as { lib: string }).lib));
  assert.ok(libs.size <= 8, `24 good kernels in ${libs.size} libraries (bisection splits the failing chunks)`);
  for (const lib of libs) assert.ok(isInsideCache(lib, cache));
  assert.ok(res.every((r) => !r.cached));

  // Second time: everything from the cache, the same libraries, failures remembered.
  const again = await compileKernels(all, OURS, { cacheDir: cache });
  assert.ok(again.every((r) => r.cached));
  assert.deepEqual(again.map((r) => (r.ok ? r.lib : r.error)), res.map((r) => (r.ok ? r.lib : r.error)));
});

Deno.test("duplicates are compiled once; results come back in input order", async () => {
  const cache = tempCache();
  const [a, b] = sources(2, 2);
  const res = await compileKernels([a, b, a, a], OURS, { cacheDir: cache });
  assert.deepEqual(res.map((r) => r.symbol), [a.symbol, b.symbol, a.symbol, a.symbol]);
  assert.ok(res.every((r) => r.ok));
});

Deno.test("a kernel of the wrong flavor is refused before any compiler runs", async () => {
  const [a] = sources(3, 1);
  await assert.rejects(
    () =>
      compileKernels([a], kernelConfig(targetFor(HOST.isa === "avx2" ? "avx512" : "avx2", "x86_64")), {
        cacheDir: tempCache(),
      }),
    /cannot be built/,
  );
});

Deno.test("a toolchain that cannot link fails every kernel with its message, and no failure is remembered", async () => {
  const cache = tempCache();
  const good = sources(4, 3);
  const missing = { ...OURS, libs: [...OURS.libs, "-lkopt_no_such_library"] };
  const res = await compileKernels(good, missing, { cacheDir: cache });
  for (const r of res) assert.match(r.ok ? "built" : r.error, /cannot build an empty kernel library.*no_such_library/s);
  // Nothing was remembered, so once the library is installed the same config compiles them afresh.
  assert.deepEqual([...Deno.readDirSync(join(configDir(missing, cache), "idx"))], []);
});

Deno.test("every kernel of a batch library starts on a 64-byte line, whatever its neighbours", async () => {
  const res = await compileKernels(sources(5, 9), OURS, { cacheDir: tempCache(), jobs: 1 });
  const libs = new Set(res.map((r) => (r.ok ? r.lib : assert.fail(r.error))));
  assert.equal(libs.size, 1);
  const nm = await new Deno.Command("nm", { args: ["--defined-only", [...libs][0]], stdout: "piped" }).output();
  const at = new Map(
    new TextDecoder().decode(nm.stdout).split("\n").map((l) => l.split(" ")).map(([a, , s]) => [s, parseInt(a, 16)]),
  );
  for (const r of res) assert.equal(at.get(r.symbol)! % 64, 0, `${r.symbol} at ${at.get(r.symbol)?.toString(16)}`);
});
