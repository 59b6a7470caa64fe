/**
 * Builds the timing harness executable from csrc/harness/ into build/ when
 * a source is newer than the executable (like pipeline/ffi/build.ts does for the FFI
 * library, which must not include these files: they are a program, not
 * library code). A sanitized variant (AddressSanitizer + UBSan) is built
 * for the tests. Written to a temporary name and renamed into place, so
 * concurrent builds never run a half-written file.
 *
 * The harness runs the kernels' own architecture: a native target gets the
 * host's harness; an emulated one (neon on x86-64) gets a harness built
 * with the target's cross compiler, run under the target's emulator.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { BUILD_SCRIPT, C_FLAGS, compileAtomically, filesIn, isOutdated, SANITIZE_FLAGS } from "../ffi/build.ts";
import { BUILD, HARNESS_SRC } from "../base/paths.ts";
import type { Target } from "../target/target.ts";

export type HarnessVariant = "release" | "sanitized";

/** Flags per variant (host builds); the reference kernel is compiled with these, fixed. */
export const HARNESS_FLAGS: Readonly<Record<HarnessVariant, readonly string[]>> = {
  release: ["-O3", "-fno-math-errno", ...C_FLAGS],
  sanitized: ["-O1", "-g", "-fno-math-errno", ...C_FLAGS, ...SANITIZE_FLAGS],
};

/** True when the harness for `target` is a cross build (its own executable, run under an emulator). */
function isCross(target: Target | undefined): target is Target {
  return target !== undefined && target.emulated;
}

export function harnessPath(variant: HarnessVariant = "release", target?: Target): string {
  const base = variant === "release" ? "kharness" : "kharness-asan";
  return join(BUILD, isCross(target) ? `${base}-${target.arch}` : base);
}

/** True when the executable is missing or older than a source, header or build script (this one or pipeline/ffi/build.ts). */
export function harnessIsStale(variant: HarnessVariant = "release", target?: Target): boolean {
  const deps = [...filesIn(HARNESS_SRC, ".c", ".h"), fileURLToPath(import.meta.url), BUILD_SCRIPT];
  return isOutdated(harnessPath(variant, target), deps);
}

/** Compiles the harness (always); throws with the compiler's output on error. */
export function buildHarness(variant: HarnessVariant = "release", target?: Target): string {
  const inputs = [...filesIn(HARNESS_SRC, ".c"), "-ldl", "-lm"];
  if (!isCross(target)) {
    return compileAtomically(harnessPath(variant), HARNESS_FLAGS[variant], inputs, "csrc/harness");
  }
  if (variant === "sanitized") throw new Error(`no sanitized harness for the emulated ${target.isa} target`);
  // The host's -march=native means nothing to a cross compiler: the target's ISA flags instead.
  const flags = HARNESS_FLAGS.release.filter((f) => !f.startsWith("-march=")).concat(target.isaFlags);
  return compileAtomically(harnessPath(variant, target), flags, inputs, `csrc/harness for ${target.isa}`, target.cc);
}

/** Path of an up-to-date harness executable for `target` (default: the host's), building it first if needed. */
export function ensureHarness(variant: HarnessVariant = "release", target?: Target): string {
  if (harnessIsStale(variant, target)) buildHarness(variant, target);
  return harnessPath(variant, target);
}

if (import.meta.main) {
  console.error(`built ${buildHarness("release")}`);
}
