/**
 * A machine profile: what learned costs are valid for. Timings, and so the
 * Judge's and the Guide's weights, belong to one CPU core, one ISA and one
 * compiler; the profile names that triple, and weights live under
 * `data/profiles/<name>/`. A machine whose profile has no weights uses the
 * static table of its ISA until `deno task calibrate --quick` makes some.
 */
import { coreName, type CpuDescription, vendorName } from "./cpu.ts";
import type { Target } from "./target.ts";

export interface Profile {
  /** `amd-zen4-avx512-gcc12`: vendor, core, ISA, compiler and major version. */
  readonly name: string;
  readonly cpu: string;
  readonly core: string;
  readonly isa: Target["isa"];
  /** `gcc 12.2.0`. */
  readonly compiler: string;
}

/** `gcc 12.2.0` -> `gcc12`. */
function compilerTag(compiler: string): string {
  const m = /^(\S+)\s+(\d+)/.exec(compiler);
  return m === null ? compiler.replace(/[^a-z0-9]+/gi, "") : `${m[1].replace(/^.*-/, "")}${m[2]}`;
}

/** The profile of `target` built by `compiler` (its version string) on `cpu`. */
export function profileOf(cpu: CpuDescription, target: Target, compiler: string): Profile {
  const core = coreName(cpu);
  const name = [vendorName(cpu), core, target.isa, compilerTag(compiler)].join("-").toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-");
  return { name, cpu: cpu.modelName, core, isa: target.isa, compiler };
}
