/**
 * Host detection on recorded CPU descriptions (tests/target/data/): the ISA,
 * the target and the profile name each machine gets, and the refusals.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { coreName, parseCpuinfo } from "../../pipeline/target/cpu.ts";
import { profileOf } from "../../pipeline/target/profile.ts";
import {
  chooseTarget,
  cpuRuns,
  describeTarget,
  detectIsa,
  parseIsa,
  requireNative,
  TargetError,
  targetFor,
} from "../../pipeline/target/target.ts";

const recorded = (name: string) =>
  parseCpuinfo(Deno.readTextFileSync(fileURLToPath(new URL(`./data/${name}.cpuinfo`, import.meta.url))));

const ZEN3 = recorded("zen3-epyc-7r13");
const ZEN4 = recorded("zen4-epyc-9r14");
const ZEN5 = recorded("zen5-epyc");
const ICX = recorded("intel-icelake-8375c");
const N1 = recorded("aarch64-neoverse-n1");
const OLD = recorded("x86-sse-only");

Deno.test("recorded CPUs: architecture, core name and the widest ISA each runs", () => {
  const rows = [ZEN3, ZEN4, ZEN5, ICX, N1, OLD].map((c) => [c.arch, coreName(c), detectIsa(c)]);
  assert.deepEqual(rows, [
    ["x86_64", "zen3", "avx2"],
    ["x86_64", "zen4", "avx512"],
    ["x86_64", "zen5", "avx512"],
    ["x86_64", "icelake-server", "avx512"],
    ["aarch64", "neoverse-n1", "neon"],
    ["x86_64", "intel-f6m23", null],
  ]);
});

Deno.test("an AVX-512 host also runs the AVX2 path; an AVX2 host does not run AVX-512", () => {
  assert.ok(cpuRuns(ZEN4, "avx2") && cpuRuns(ICX, "avx2"));
  assert.ok(!cpuRuns(ZEN3, "avx512"));
  assert.ok(!cpuRuns(N1, "avx2") && !cpuRuns(ZEN4, "neon"));
});

Deno.test("chooseTarget: detected by default, KOPT_TARGET next, --target first", () => {
  assert.equal(chooseTarget(ZEN3).isa, "avx2");
  assert.equal(chooseTarget(ZEN4).isa, "avx512");
  assert.equal(chooseTarget(ZEN4, undefined, "avx2").isa, "avx2");
  assert.equal(chooseTarget(ZEN4, "avx512", "avx2").isa, "avx512");
  assert.equal(chooseTarget(ZEN4, undefined, "").isa, "avx512");
  const avx2 = chooseTarget(ZEN4, "avx2");
  assert.deepEqual(avx2.isaFlags, ["-march=native", "-mno-avx512f"]);
  assert.equal(avx2.lanes, 8);
  assert.equal(avx2.emulated, false);
});

Deno.test("chooseTarget refuses what the CPU cannot run, naming what it can", () => {
  assert.throws(() => chooseTarget(ZEN3, "avx512"), /cannot run avx512 code; it runs avx2/);
  assert.throws(() => chooseTarget(OLD), /neither AVX2 with FMA nor Advanced SIMD/);
  assert.throws(() => chooseTarget(N1, "avx2"), TargetError);
  assert.throws(() => parseIsa("sse4"), /unknown target "sse4": expected one of avx512, avx2, neon/);
});

Deno.test("neon: native on aarch64, cross-compiled and emulated from x86-64 (and then no timings)", () => {
  const native = chooseTarget(N1);
  assert.equal(native.isa, "neon");
  assert.equal(native.emulated, false);
  assert.equal(native.cc, "gcc");
  const cross = chooseTarget(ZEN3, "neon");
  assert.equal(cross.emulated, true);
  assert.equal(cross.cc, "aarch64-linux-gnu-gcc");
  assert.deepEqual(cross.runner, ["qemu-aarch64"]);
  assert.equal(cross.lanes, 4);
  assert.throws(() => requireNative(cross, "bench"), /bench times kernels, and neon runs here only under qemu-aarch64/);
  requireNative(native, "bench");
  assert.match(
    describeTarget(cross),
    /^neon \(4 lanes, aarch64-linux-gnu-gcc -march=armv8-a, SLEEF advsimd, run under/,
  );
});

Deno.test("profiles: one name per core, ISA and compiler; the AVX2 path of an AVX-512 core is its own profile", () => {
  const gcc = "gcc 12.2.0";
  assert.equal(profileOf(ZEN4, targetFor("avx512", "x86_64"), gcc).name, "amd-zen4-avx512-gcc12");
  assert.equal(profileOf(ZEN4, targetFor("avx2", "x86_64"), gcc).name, "amd-zen4-avx2-gcc12");
  assert.equal(profileOf(ZEN3, targetFor("avx2", "x86_64"), gcc).name, "amd-zen3-avx2-gcc12");
  assert.equal(profileOf(ICX, targetFor("avx512", "x86_64"), "gcc 13.1.0").name, "intel-icelake-server-avx512-gcc13");
  assert.equal(profileOf(N1, targetFor("neon", "aarch64"), gcc).name, "arm-neoverse-n1-neon-gcc12");
  assert.equal(
    profileOf(ZEN4, targetFor("neon", "x86_64"), "aarch64-linux-gnu-gcc 12.2.0").name,
    "amd-zen4-neon-gcc12",
  );
});
