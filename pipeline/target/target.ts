/**
 * The target: which SIMD code our kernels are built as, with which compiler
 * and vector math library, and how the host runs it. One value, chosen once
 * per command (detected from the host, or `--target`, or the `KOPT_TARGET`
 * environment variable) and handed down through every layer that
 * generates, compiles, times, predicts or searches.
 *
 * - avx512: 16 lanes, x86-64 with AVX-512 F and DQ (the preamble uses
 *   masked ops and vfpclassps); libmvec's `_ZGVeN16v_*`, SLEEF's pow.
 * - avx2: 8 lanes, x86-64 with AVX2 and FMA; gcc gets -mno-avx512f so an
 *   AVX-512 host builds exactly the code an AVX2-only machine runs;
 *   libmvec's `_ZGVdN8v_*`, SLEEF's pow.
 * - neon: 4 lanes, aarch64 Advanced SIMD; glibc 2.36 has no aarch64
 *   libmvec, so all vector math is SLEEF's `*_u10advsimd`. On an x86-64
 *   host it is cross-compiled with Debian's aarch64-linux-gnu-gcc and run
 *   under qemu-user: outputs are right, timings mean nothing, so commands
 *   that time refuse an emulated target.
 */
import { type Arch, type CpuDescription, parseCpuinfo } from "./cpu.ts";

export type Isa = "avx512" | "avx2" | "neon";

export const ISAS: readonly Isa[] = ["avx512", "avx2", "neon"];

export interface Target {
  readonly isa: Isa;
  readonly arch: Arch;
  readonly lanes: 16 | 8 | 4;
  /** The compiler our kernels are built with (an executable name). */
  readonly cc: string;
  /** Instruction-set flags of our builds (the rest are fixed per build kind). */
  readonly isaFlags: readonly string[];
  /** Vector math libraries, in link order. */
  readonly libs: readonly string[];
  /** Where the vector math comes from, for reports. */
  readonly veclib: string;
  /** Prefix that runs this target's executables on the host: [] natively, qemu when emulated. */
  readonly runner: readonly string[];
  /** True when the host runs this target's code under an emulator: correct outputs, meaningless timings. */
  readonly emulated: boolean;
}

/** Lanes per vector of each ISA. */
export const LANES: Readonly<Record<Isa, 16 | 8 | 4>> = { avx512: 16, avx2: 8, neon: 4 };

/** The architecture an ISA belongs to. */
export const ARCH_OF: Readonly<Record<Isa, Arch>> = { avx512: "x86_64", avx2: "x86_64", neon: "aarch64" };

/** CPU flags an ISA needs, as /proc/cpuinfo spells them. */
const NEEDS: Readonly<Record<Isa, readonly string[]>> = {
  avx512: ["avx512f", "avx512dq", "avx2", "fma"],
  avx2: ["avx2", "fma"],
  neon: ["asimd"],
};

/** True when `cpu` executes `isa` natively. */
export function cpuRuns(cpu: CpuDescription, isa: Isa): boolean {
  if (cpu.arch !== ARCH_OF[isa]) return false;
  const have = new Set(cpu.flags);
  return NEEDS[isa].every((f) => have.has(f));
}

/**
 * The widest ISA `cpu` runs natively, or null for a CPU this project cannot
 * serve (an x86-64 without AVX2 and FMA, an aarch64 without Advanced SIMD).
 */
export function detectIsa(cpu: CpuDescription): Isa | null {
  for (const isa of ISAS) if (cpuRuns(cpu, isa)) return isa;
  return null;
}

/** Prefix of the aarch64 cross tools (Debian's gcc-aarch64-linux-gnu). */
export const AARCH64_CROSS = "aarch64-linux-gnu-";

/**
 * The target of `isa` as seen from a host of `hostArch`: native when the
 * architectures match, else cross-compiled and emulated (only neon from
 * x86-64 is supported that way).
 */
export function targetFor(isa: Isa, hostArch: Arch): Target {
  const native = ARCH_OF[isa] === hostArch;
  switch (isa) {
    case "avx512":
    case "avx2":
      if (!native) throw new TargetError(`${isa} code cannot run on this ${hostArch} host`);
      return {
        isa,
        arch: "x86_64",
        lanes: LANES[isa],
        cc: "gcc",
        isaFlags: isa === "avx512" ? ["-march=native"] : ["-march=native", "-mno-avx512f"],
        libs: ["-lsleef", "-lmvec", "-lm"],
        veclib: "glibc libmvec (pow: SLEEF)",
        runner: [],
        emulated: false,
      };
    case "neon":
      return {
        isa,
        arch: "aarch64",
        lanes: 4,
        cc: native ? "gcc" : `${AARCH64_CROSS}gcc`,
        isaFlags: [native ? "-march=native" : "-march=armv8-a"],
        libs: ["-lsleef", "-lm"],
        veclib: "SLEEF advsimd",
        runner: native ? [] : ["qemu-aarch64"],
        emulated: !native,
      };
  }
}

/** A target that was asked for and cannot be had here; commands turn it into a usage error. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetError";
  }
}

/** Parses a target name as typed after --target or in KOPT_TARGET. */
export function parseIsa(name: string): Isa {
  const n = name.trim().toLowerCase();
  if ((ISAS as readonly string[]).includes(n)) return n as Isa;
  throw new TargetError(`unknown target ${JSON.stringify(name)}: expected one of ${ISAS.join(", ")}`);
}

/**
 * The target a command uses: `requested` (its --target) if given, else
 * `KOPT_TARGET`, else the widest ISA `cpu` runs. A requested x86 ISA that
 * the CPU cannot execute is refused here, not left to crash in a kernel.
 */
export function chooseTarget(cpu: CpuDescription, requested?: string, env?: string): Target {
  const name = requested ?? (env !== undefined && env.trim() !== "" ? env : undefined);
  if (name === undefined) {
    const isa = detectIsa(cpu);
    if (isa === null) {
      throw new TargetError(
        `this CPU (${cpu.modelName}) has neither AVX2 with FMA nor Advanced SIMD: no target this optimizer supports`,
      );
    }
    return targetFor(isa, cpu.arch);
  }
  const isa = parseIsa(name);
  const t = targetFor(isa, cpu.arch);
  if (!t.emulated && !cpuRuns(cpu, isa)) {
    const widest = detectIsa(cpu);
    throw new TargetError(
      `this CPU (${cpu.modelName}) cannot run ${isa} code${widest !== null ? `; it runs ${widest}` : ""}`,
    );
  }
  return t;
}

/** Environment variable naming a recorded /proc/cpuinfo to detect from instead of the live one (tests). */
export const CPUINFO_ENV = "KOPT_CPUINFO";
/** Environment variable choosing the target of every command that gets no --target. */
export const TARGET_ENV = "KOPT_TARGET";

let hostCache: CpuDescription | null = null;

/** This host's CPU (or the recorded one KOPT_CPUINFO names), read once per process. */
export function hostCpu(): CpuDescription {
  if (hostCache !== null) return hostCache;
  const recorded = Deno.env.get(CPUINFO_ENV);
  let text = "";
  try {
    text = Deno.readTextFileSync(recorded ?? "/proc/cpuinfo");
  } catch (e) {
    if (recorded !== undefined) {
      throw new TargetError(`cannot read ${CPUINFO_ENV}=${recorded}: ${(e as Error).message}`);
    }
  }
  hostCache = parseCpuinfo(text);
  return hostCache;
}

/** The target of a command run here: `requested`, else KOPT_TARGET, else the host's widest ISA. */
export function resolveTarget(requested?: string): Target {
  return chooseTarget(hostCpu(), requested, Deno.env.get(TARGET_ENV));
}

/** `avx2 (8 lanes, gcc -march=native -mno-avx512f, glibc libmvec (pow: SLEEF))`: for report headers. */
export function describeTarget(t: Target): string {
  const how = t.emulated ? `, run under ${t.runner[0]}: no timings` : "";
  return `${t.isa} (${t.lanes} lanes, ${t.cc} ${t.isaFlags.join(" ")}, ${t.veclib}${how})`;
}

/** Refuses an emulated target for a command that times kernels. */
export function requireNative(t: Target, what: string): void {
  if (t.emulated) {
    throw new TargetError(
      `${what} times kernels, and ${t.isa} runs here only under ${t.runner[0]}, where timings mean nothing`,
    );
  }
}
