/**
 * The timing harness: crashes, endless loops, a crashing library
 * constructor and missing symbols fail alone while the kernels around them
 * are measured; outputs are the kernel's; timings order kernels by their
 * work; corrupt jobs are refused. The same runs under AddressSanitizer and
 * UBSan, and the statistics have a C test of their own under both.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BUILD, HARNESS_SRC, ROOT } from "../../pipeline/base/paths.ts";
import { encodeJob, type HarnessKernel, runHarness } from "../../pipeline/kernel/harness.ts";
import { buildHarness, ensureHarness, HARNESS_FLAGS } from "../../pipeline/kernel/harness_build.ts";
import { ONCE } from "./util.ts";

/** Hand-written kernels, test-only: what a broken code generator could produce. */
const EVIL = `
#include <stddef.h>
#include <math.h>
void ok_copy(const float *const *in, float *out, size_t n) { for (size_t i = 0; i < n; i++) out[i] = in[0][i] + 1.0f; }
void segv(const float *const *in, float *out, size_t n) { (void)in; (void)out; (void)n; *(volatile int *)0 = 1; }
void spin(const float *const *in, float *out, size_t n) {
  (void)in; (void)out; (void)n;
  volatile int forever = 1;
  while (forever) {}
}
void heavy(const float *const *in, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    float x = in[0][i];
    for (int k = 0; k < 16; k++) x = sqrtf(x + 1.0f) / (x + 2.0f);
    out[i] = x;
  }
}
`;
const BOOM = `
#include <signal.h>
#include <stddef.h>
__attribute__((constructor)) static void boom(void) { raise(SIGSEGV); }
void never(const float *const *in, float *out, size_t n) { (void)in; (void)out; (void)n; }
`;

async function buildLib(dir: string, name: string, text: string): Promise<string> {
  const src = join(dir, `${name}.c`), lib = join(dir, `${name}.so`);
  Deno.writeTextFileSync(src, text);
  const r = await new Deno.Command("gcc", {
    args: ["-O2", "-fno-math-errno", "-fPIC", "-shared", "-o", lib, src, "-lm"],
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  return lib;
}

async function evilJob() {
  const dir = Deno.makeTempDirSync();
  const lib = await buildLib(dir, "evil", EVIL);
  const boom = await buildLib(dir, "boom", BOOM);
  const n = 1000;
  const x = new Float32Array(n).map((_, i) => i * 0.25);
  const kernels: HarnessKernel[] = [
    { lib, symbol: "ok_copy", input: 0 },
    { lib, symbol: "segv", input: 0 },
    { lib, symbol: "heavy", input: 0 },
    { lib, symbol: "spin", input: 0 },
    { lib: boom, symbol: "never", input: 0 },
    { lib, symbol: "no_such_symbol", input: 0 },
    { lib: join(dir, "missing.so"), symbol: "ok_copy", input: 0 },
    { lib, symbol: "ok_copy", input: 0 },
  ];
  return { n, x, job: { n, inputs: [[x]], kernels } };
}

for (const variant of ["release", "sanitized"] as const) {
  Deno.test(`${variant} harness: crashes, endless loops and missing symbols fail alone`, async () => {
    const { n, x, job } = await evilJob();
    const res = await runHarness(job, { ...ONCE, minMs: 1, maxSamples: 50, timeoutMs: 700, variant });
    const [ok1, segv, heavy, spin, boom, nosym, nolib, ok2] = res;
    for (const r of [ok1, heavy, ok2]) assert.ok(r.ok, JSON.stringify(r));
    if (ok1.ok && ok2.ok) {
      for (let i = 0; i < n; i++) assert.equal(ok1.output[i], Math.fround(x[i] + 1));
      assert.deepEqual(ok2.output, ok1.output);
      assert.ok(ok1.nsPerElem > 0 && ok1.ratio > 0 && ok1.refNsPerElem > 0);
    }
    assert.deepEqual([segv.ok, spin.ok, boom.ok, nosym.ok, nolib.ok], [false, false, false, false, false]);
    if (!segv.ok) assert.equal(segv.status, "crash");
    if (!spin.ok) assert.match(`${spin.status}: ${spin.message}`, /^timeout: killed after the time limit of 700 ms/);
    if (!boom.ok) assert.equal(boom.status, "crash");
    if (!nosym.ok) assert.match(nosym.message, /symbol no_such_symbol not found/);
    if (!nolib.ok) assert.match(nolib.message, /missing\.so/);
  });
}

Deno.test("timings order kernels by their work, and each carries its reference ratio", async () => {
  const { job } = await evilJob();
  const pick = (s: string) => job.kernels.find((k) => k.symbol === s)!;
  const res = await runHarness({ ...job, kernels: [pick("ok_copy"), pick("heavy")] }, { rounds: 2, minMs: 3 });
  const [light, heavy] = res;
  assert.ok(light.ok && heavy.ok);
  if (light.ok && heavy.ok) {
    assert.ok(heavy.nsPerElem > 5 * light.nsPerElem, `${heavy.nsPerElem} vs ${light.nsPerElem}`);
    assert.ok(heavy.ratio > 5 * light.ratio);
    assert.equal(heavy.rounds, 2);
    assert.ok(heavy.roundSpread >= 1);
    // The ratio is the kernel's time over the reference's, within noise.
    assert.ok(Math.abs(heavy.ratio / (heavy.nsPerElem / heavy.refNsPerElem) - 1) < 0.25);
  }
});

for (const variant of ["release", "sanitized"] as const) {
  Deno.test(`${variant} harness: a corrupt or truncated job is refused with a message`, async () => {
    const exe = ensureHarness(variant);
    const { job } = await evilJob();
    const good = encodeJob(job);
    const dir = Deno.makeTempDirSync();
    const lying = good.slice();
    new DataView(lying.buffer).setUint32(16, 0xffffff, true); // a kernel count far past the end
    for (const bytes of [good.slice(0, good.length - 3), good.slice(0, 30), new Uint8Array(64), lying]) {
      Deno.writeFileSync(join(dir, "job.bin"), bytes);
      const r = await new Deno.Command(exe, { args: [join(dir, "job.bin"), join(dir, "out.bin")], stderr: "piped" })
        .output();
      const err = new TextDecoder().decode(r.stderr);
      assert.equal(r.code, 1, err);
      assert.match(err, /^kharness: /);
    }
  });
}

Deno.test("the harness builds with -Wall -Wextra -Werror, and its statistics pass under ASan+UBSan", async () => {
  buildHarness("release");
  const exe = join(BUILD, "harness_stats_test.asan");
  const args = [
    ...HARNESS_FLAGS.sanitized,
    "-o",
    exe,
    join(ROOT, "tests/csrc/harness/stats_test.c"),
    join(HARNESS_SRC, "stats.c"),
    "-lm",
  ];
  const cc = await new Deno.Command("gcc", { args, stderr: "piped" }).output();
  assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
  const run = await new Deno.Command(exe, { stdout: "piped", stderr: "piped" }).output();
  assert.ok(run.success, new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr));
});

Deno.test("harnesses on the same core take turns: a held core lock delays the measurement", async () => {
  const { job } = await evilJob();
  const ok = { ...job, kernels: [job.kernels[0]] };
  const core = 0;
  const holder = new Deno.Command("flock", { args: [`/tmp/kharness-cpu${core}.lock`, "sleep", "0.8"] }).spawn();
  await new Promise((r) => setTimeout(r, 150)); // let it take the lock
  const t0 = performance.now();
  const [r] = await runHarness(ok, { ...ONCE, core });
  const waited = performance.now() - t0;
  await holder.status;
  assert.ok(r.ok);
  assert.ok(waited > 500, `measured after ${waited.toFixed(0)} ms, while the lock was held for 800`);
});
