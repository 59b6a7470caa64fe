/**
 * Builds the timing harness executable from csrc/harness/ into build/ when
 * a source is newer than the executable (like ffi/build.ts does for the FFI
 * library, which must not include these files: they are a program, not
 * library code). A sanitized variant (AddressSanitizer + UBSan) is built
 * for the tests. Written to a temporary name and renamed into place, so
 * concurrent builds never run a half-written file.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  BUILD,
  BUILD_SCRIPT,
  C_FLAGS,
  compileAtomically,
  filesIn,
  isOutdated,
  ROOT,
  SANITIZE_FLAGS,
} from "../../ffi/build.ts";

export const HARNESS_SRC = join(ROOT, "csrc", "harness");

export type HarnessVariant = "release" | "sanitized";

/** Flags per variant; the reference kernel is compiled with these, fixed. */
export const HARNESS_FLAGS: Readonly<Record<HarnessVariant, readonly string[]>> = {
  release: ["-O3", "-fno-math-errno", ...C_FLAGS],
  sanitized: ["-O1", "-g", "-fno-math-errno", ...C_FLAGS, ...SANITIZE_FLAGS],
};

export function harnessPath(variant: HarnessVariant = "release"): string {
  return join(BUILD, variant === "release" ? "kharness" : "kharness-asan");
}

/** True when the executable is missing or older than a source, header or build script (this one or ffi/build.ts). */
export function harnessIsStale(variant: HarnessVariant = "release"): boolean {
  const deps = [...filesIn(HARNESS_SRC, ".c", ".h"), fileURLToPath(import.meta.url), BUILD_SCRIPT];
  return isOutdated(harnessPath(variant), deps);
}

/** Compiles the harness (always); throws with the compiler's output on error. */
export function buildHarness(variant: HarnessVariant = "release"): string {
  const inputs = [...filesIn(HARNESS_SRC, ".c"), "-ldl", "-lm"];
  return compileAtomically(harnessPath(variant), HARNESS_FLAGS[variant], inputs, "csrc/harness");
}

/** Path of an up-to-date harness executable, building it first if needed. */
export function ensureHarness(variant: HarnessVariant = "release"): string {
  if (harnessIsStale(variant)) buildHarness(variant);
  return harnessPath(variant);
}

if (import.meta.main) {
  console.error(`built ${buildHarness("release")}`);
}
