/**
 * The compilers and the fixed flag sets kernels are built with. A config is
 * everything that decides the machine code besides the source: compiler,
 * its version, flags, libraries and the preamble. Its hash keys the compile
 * cache, and its flags are recorded in every compiled record.
 *
 * Our kernels: gcc -O3 -march=native -fno-math-errno -ffp-contract=off.
 * -fno-math-errno lets sqrt be one instruction; -ffp-contract=off keeps
 * every multiply and add apart unless the expression says fma, so kernels
 * equal the float32 evaluator bit for bit. The AVX2 variant adds
 * -mno-avx512f so it is the code an AVX2-only machine would run.
 *
 * Peers: plain C at -O2, -O3 and -O3 -ffast-math for gcc and clang, with
 * -march=native and nothing else but what building a shared library needs
 * (-fPIC -shared -lm), as a user would build them.
 */
import { createHash } from "node:crypto";
import { type Isa, simdPreamble } from "./preamble.ts";
import { PLAIN_PREAMBLE } from "./plain_c.ts";

export type CompilerName = "gcc" | "clang";

export interface CompilerConfig {
  /** Short label, e.g. `kopt` or `gcc -O3 -ffast-math`. */
  readonly label: string;
  readonly cc: CompilerName;
  /** Compile flags, fixed; recorded in every record built with them. */
  readonly flags: readonly string[];
  /** Link libraries, after the source. */
  readonly libs: readonly string[];
  /** Which kind of source it compiles. */
  readonly flavor: Isa | "plain";
}

const SHARED = ["-fPIC", "-shared"];
/** Our kernels link with every symbol resolved, so a missing one fails the compile, not the bench. */
const DEFS = "-Wl,-z,defs";

/** Our own SIMD kernels, per ISA. */
export const KERNEL_CONFIGS: Readonly<Record<Isa, CompilerConfig>> = {
  avx512: {
    label: "kopt",
    cc: "gcc",
    flags: ["-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off", "-std=gnu11", ...SHARED, DEFS],
    libs: ["-lsleef", "-lmvec", "-lm"],
    flavor: "avx512",
  },
  avx2: {
    label: "kopt-avx2",
    cc: "gcc",
    flags: [
      "-O3",
      "-march=native",
      "-mno-avx512f",
      "-fno-math-errno",
      "-ffp-contract=off",
      "-std=gnu11",
      ...SHARED,
      DEFS,
    ],
    libs: ["-lsleef", "-lmvec", "-lm"],
    flavor: "avx2",
  },
};

const LEVELS: readonly (readonly string[])[] = [["-O2"], ["-O3"], ["-O3", "-ffast-math"]];

/** The six compiler peers, in table order. */
export const PEER_CONFIGS: readonly CompilerConfig[] = (["gcc", "clang"] as const).flatMap((cc) =>
  LEVELS.map((level): CompilerConfig => ({
    label: `${cc} ${level.join(" ")}`,
    cc,
    flags: [...level, "-march=native", ...SHARED],
    libs: ["-lm"],
    flavor: "plain",
  }))
);

const versions = new Map<CompilerName, string>();

/** `gcc 12.2.0`: the compiler and its version, asked once per process. */
export function compilerVersion(cc: CompilerName): string {
  let v = versions.get(cc);
  if (v === undefined) {
    const flag = cc === "gcc" ? "-dumpfullversion" : "-dumpversion";
    const r = new Deno.Command(cc, { args: [flag], stdout: "piped", stderr: "piped" }).outputSync();
    if (!r.success) throw new Error(`${cc} ${flag} failed: is ${cc} installed? (deno task setup)`);
    v = `${cc} ${new TextDecoder().decode(r.stdout).trim()}`;
    versions.set(cc, v);
  }
  return v;
}

/** The preamble a config's sources are compiled after. */
export function preambleOf(config: CompilerConfig): string {
  return config.flavor === "plain" ? PLAIN_PREAMBLE : simdPreamble(config.flavor);
}

/** The full recorded flag list: compile flags then libraries. */
export function recordedFlags(config: CompilerConfig): string[] {
  return [...config.flags, ...config.libs];
}

/** Hash of everything besides the kernel text that decides the machine code. */
export function configHash(config: CompilerConfig): string {
  return createHash("sha256")
    .update(JSON.stringify([compilerVersion(config.cc), config.flags, config.libs, preambleOf(config)]))
    .digest("hex")
    .slice(0, 16);
}
