/**
 * The commands on a machine they were not calibrated on: a recorded Zen 3
 * description (KOPT_CPUINFO) makes this host detect an AVX2-only CPU, which
 * it can still run, so the user's first experience on such a machine is
 * checked end to end: the detected target, the one line about missing
 * weights, AVX2 code that measures, and the refusals.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cpuRuns, hostCpu } from "../../pipeline/target/target.ts";
import { runCli } from "./run_cli.ts";

const ZEN3 = fileURLToPath(new URL("../target/data/zen3-epyc-7r13.cpuinfo", import.meta.url));

const cli = (args: readonly string[], env: Record<string, string>) => runCli(args, undefined, env);

const runsAvx2 = cpuRuns(hostCpu(), "avx2");

Deno.test({
  name: "on a Zen 3 (recorded): avx2 detected, no weights for its profile said in one line, AVX2 code measured",
  ignore: !runsAvx2,
  fn: async () => {
    const r = await cli(
      [
        "optimize",
        "--measure",
        "--rounds",
        "1",
        "--n",
        "256",
        "--time",
        "0.3",
        "--samples",
        "300",
        "--range",
        "x=0:1",
        "--range",
        "y=0:1",
        "--range",
        "z=0:1",
        "x*y + x*z",
      ],
      { KOPT_CPUINFO: ZEN3, KOPT_TARGET: "" },
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /optimize: target avx2 \(8 lanes, gcc -march=native -mno-avx512f/);
    const line = r.err.split("\n").filter((l) => l.includes("no weights for profile"));
    assert.equal(line.length, 1, r.err);
    assert.match(line[0], /no weights for profile amd-zen3-avx2-gcc\d+ \(weights ship for [^)]*amd-zen4-avx512-gcc12/);
    assert.match(line[0], /using the avx2 static table; deno task calibrate --quick measures this machine/);
    assert.match(r.out, /^measured\s+ns\/element \(one timing run, n = 256\): ours on the original [\d.]+/m);
    assert.doesNotMatch(r.out + r.err, /NaN|\binf\b/);
  },
});

Deno.test("on a Zen 3 (recorded): --target avx512 is a usage error naming what the CPU runs", async () => {
  const r = await cli(["optimize", "--target", "avx512", "x + 1"], { KOPT_CPUINFO: ZEN3 });
  assert.equal(r.code, 2);
  assert.match(r.err, /optimize: this CPU \(AMD EPYC 7R13 Processor\) cannot run avx512 code; it runs avx2/);
  const env = await cli(["optimize", "x + 1"], { KOPT_CPUINFO: ZEN3, KOPT_TARGET: "avx512" });
  assert.equal(env.code, 2, "KOPT_TARGET is checked the same way");
});

Deno.test("neon from x86-64: code and a C file, but nothing timed under emulation", async () => {
  if (hostCpu().arch !== "x86_64") return;
  const c = await cli(["optimize", "--target", "neon", "--emit", "c", "--time", "0.2", "x*y + x*z"], {});
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /#include <arm_neon\.h>/);
  assert.match(c.out, /aarch64-linux-gnu-gcc -O3 -march=armv8-a/);
  const m = await cli(["optimize", "--target", "neon", "--measure", "x + 1"], {});
  assert.equal(m.code, 2);
  assert.match(m.err, /optimize times kernels, and neon runs here only under qemu-aarch64, where timings mean nothing/);
});

Deno.test("--for: an expression for the user's compiler is costed for it; bad values are usage errors", async () => {
  const fp = await cli(["optimize", "--emit", "fpcore", "--time", "0.2", "--range", "x=0.5:2", "exp(x) - 1"], {});
  assert.equal(fp.code, 0, fp.err);
  assert.match(fp.err, /costs for plain C under gcc -O3 -ffast-math \(\w+-gcc\)/);
  const cl = await cli(["optimize", "--for", "clang", "--time", "0.2", "x + 1"], {});
  assert.equal(cl.code, 0, cl.err);
  assert.match(cl.err, /costs for plain C under clang -O3 -ffast-math \(\w+-clang\)/);
  assert.match(cl.out, /^search\s+guided, ranked by static cost/m);
  const bad = await cli(["optimize", "--for", "icc", "x + 1"], {});
  assert.equal(bad.code, 2);
});
