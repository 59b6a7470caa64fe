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
 * -falign-functions=64 starts every kernel on a 64-byte line, so where its
 * loop falls against the fetch lines is a property of its own code, not of
 * its neighbours in the batch library. Without it a small kernel (~160
 * bytes) starts its loop 32 bytes off a line in every other slot, and two
 * builds of one form fell apart by 21-23% (90th percentile of max/min over
 * four builds of 120 small calibration kernels, Zen 5); with it by 7.5-9.5%,
 * the spread of timing the same function again. It changes no
 * instruction (small kernels measure 2% faster in geometric mean: the slow
 * slot is gone).
 *
 * Peers: plain C at -O2, -O3 and -O3 -ffast-math for gcc and clang, with
 * -march=native and nothing else but what building a shared library needs
 * (-fPIC -shared -lm), as a user would build them.
 */
import { createHash } from "node:crypto";
import { simdPreamble } from "./preamble.ts";
import { PLAIN_PREAMBLE } from "./plain_c.ts";
import { compilerVersion } from "../target/compiler.ts";
import { AARCH64_CROSS, type Isa, type Target } from "../target/target.ts";
import type { Builder } from "../target/cost_tables.ts";

export { compilerVersion };

/** The two compiler families users build with; a config's `cc` may be a cross compiler of either. */
export type CompilerName = "gcc" | "clang";

export interface CompilerConfig {
  /** Short label, e.g. `kopt` or `gcc -O3 -ffast-math`. */
  readonly label: string;
  /** The executable: `gcc`, `clang`, `aarch64-linux-gnu-gcc`. */
  readonly cc: string;
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

/**
 * Our own SIMD kernels for `target`. The x86 labels are the ones records
 * have carried since the start (`kopt` for AVX-512, `kopt-avx2`), so caches
 * and tables keep their names.
 */
export function kernelConfig(target: Target): CompilerConfig {
  return {
    label: target.isa === "avx512" ? "kopt" : `kopt-${target.isa}`,
    cc: target.cc,
    flags: [
      "-O3",
      ...target.isaFlags,
      "-fno-math-errno",
      "-ffp-contract=off",
      "-falign-functions=64",
      "-std=gnu11",
      ...SHARED,
      DEFS,
    ],
    libs: [...target.libs],
    flavor: target.isa,
  };
}

const LEVELS: readonly (readonly string[])[] = [["-O2"], ["-O3"], ["-O3", "-ffast-math"]];

/**
 * The six compiler peers for `target`, in table order: what a user would
 * build the plain C with. On x86-64 the host's gcc and clang at
 * -march=native (an AVX2 target adds -mno-avx512f to both, so the peers
 * run the code an AVX2 machine would); for an emulated aarch64 the cross
 * gcc and clang --target=aarch64-linux-gnu.
 */
export function peerConfigs(target: Target): CompilerConfig[] {
  const cross = target.arch === "aarch64" && target.emulated;
  const isaFlags = target.isa === "avx2" ? ["-march=native", "-mno-avx512f"] : [...target.isaFlags];
  return PEER_COMPILERS.flatMap((cc) =>
    LEVELS.map((level): CompilerConfig => ({
      label: peerLabel(cc, level),
      cc: cross ? (cc === "gcc" ? `${AARCH64_CROSS}gcc` : "clang") : cc,
      flags: [
        ...level,
        ...(cross && cc === "clang" ? ["--target=aarch64-linux-gnu"] : []),
        ...isaFlags,
        ...SHARED,
      ],
      libs: ["-lm"],
      flavor: "plain",
    }))
  );
}

const PEER_COMPILERS: readonly CompilerName[] = ["gcc", "clang"];

/** `gcc -O3 -ffast-math`: a peer's label, its compiler and level. */
function peerLabel(cc: CompilerName, level: readonly string[]): string {
  return `${cc} ${level.join(" ")}`;
}

/** The peers' labels, in table order (the same for every target). */
export const PEER_LABELS: readonly string[] = PEER_COMPILERS.flatMap((cc) => LEVELS.map((l) => peerLabel(cc, l)));

/** The peer build labelled `label` (`gcc -O3`, ...) for `target`. */
export function peerConfig(label: string, target: Target): CompilerConfig {
  const c = peerConfigs(target).find((p) => p.label === label);
  if (c === undefined) throw new Error(`no compiler peer ${JSON.stringify(label)}`);
  return c;
}

/** The build of `builder`'s code for `target`: ours, or the peer `<cc> -O3 -ffast-math` (optimize --for). */
export function builderConfig(builder: Builder, target: Target): CompilerConfig {
  return builder === "kopt" ? kernelConfig(target) : peerConfig(peerLabel(builder, LEVELS[2]), target);
}

/** Which compiler family a config's executable belongs to. */
export function compilerFamily(config: CompilerConfig): CompilerName {
  return config.cc.endsWith("clang") ? "clang" : "gcc";
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
