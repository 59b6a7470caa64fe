/** Shared by the kernel tests: compile expressions and read their outputs back. */
import type { Lowering } from "../../pipeline/expr/lowering.ts";
import type { Expr } from "../../pipeline/expr/expr.ts";
import { simdKernel } from "../../pipeline/kernel/codegen.ts";
import { compileKernels } from "../../pipeline/kernel/compile.ts";
import { type HarnessSettings, runHarness } from "../../pipeline/kernel/harness.ts";
import { kernelConfig } from "../../pipeline/kernel/toolchain.ts";
import { cpuRuns, hostCpu, type Isa, resolveTarget, type Target, targetFor } from "../../pipeline/target/target.ts";

/** Harness settings that only run each kernel once (outputs, no real timing). */
export const ONCE: HarnessSettings = { rounds: 1, warmupMs: 0, minMs: 0, minSamples: 1, maxSamples: 1 };

/** A fresh kernel cache for one test file. */
export function tempCache(): string {
  return Deno.makeTempDirSync({ prefix: "kcache-test-" });
}

/** The float32 outputs of each expression's SIMD kernel on its inputs (one column per var). */
export async function kernelOutputs(
  exprs: readonly Expr[],
  vars: readonly string[],
  inputs: readonly (readonly Float32Array[])[],
  isa: Isa,
  cacheDir: string,
  lowerings?: readonly Lowering[],
): Promise<Float32Array[]> {
  const compiled = await compileKernels(
    exprs.map((e, i) => simdKernel(e, vars, isa, lowerings?.[i])),
    kernelConfig(targetFor(isa, "x86_64")),
    {
      cacheDir,
    },
  );
  const kernels = compiled.map((c, i) => {
    if (!c.ok) throw new Error(`kernel ${i} did not compile: ${c.error}`);
    return { lib: c.lib, symbol: c.symbol, input: i };
  });
  const res = await runHarness({ n: inputs[0][0].length, inputs, kernels }, ONCE);
  return res.map((r, i) => {
    if (!r.ok) throw new Error(`kernel ${i} failed: ${r.status} ${r.message}`);
    return r.output;
  });
}

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);
/** The bits of a float32 (NaNs all compare equal through `sameFloat`). */
export function bits32(x: number): number {
  F[0] = x;
  return U[0];
}

export function sameFloat(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || bits32(a) === bits32(b);
}

/**
 * The target these tests build for: the host's widest ISA, or KOPT_TARGET
 * (so the whole suite runs again on the AVX2 path of an AVX-512 host with
 * KOPT_TARGET=avx2).
 */
export const HOST: Target = resolveTarget();

/** The x86 ISAs this host executes natively: an AVX-512 host also runs the AVX2 path. */
export const RUNNABLE_ISAS: readonly Isa[] = (["avx512", "avx2"] as const).filter((isa) => cpuRuns(hostCpu(), isa));

/** The x86 ISAs, each of which gets its ISA-specific tests where the host runs it. */
export const X86_ISAS: readonly Isa[] = ["avx512", "avx2"];

/**
 * A test of `isa`'s code: run where the host executes it, otherwise
 * registered as ignored with the reason printed, so a run on an AVX2
 * machine shows what it could not check.
 */
export function isaTest(isa: Isa, name: string, fn: () => Promise<void> | void): void {
  const runs = RUNNABLE_ISAS.includes(isa);
  if (!runs) console.error(`skipping "${name}": this CPU (${hostCpu().modelName}) cannot run ${isa} code`);
  Deno.test({ name, ignore: !runs, fn });
}
