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
import { BUILD, ROOT } from "../../ffi/build.ts";

export const HARNESS_SRC = join(ROOT, "csrc", "harness");

export type HarnessVariant = "release" | "sanitized";

const COMMON = ["-march=native", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off"];

/** Flags per variant; the reference kernel is compiled with these, fixed. */
export const HARNESS_FLAGS: Readonly<Record<HarnessVariant, readonly string[]>> = {
  release: ["-O3", "-fno-math-errno", ...COMMON],
  sanitized: ["-O1", "-g", "-fno-math-errno", ...COMMON, "-fsanitize=address,undefined", "-fno-sanitize-recover=all"],
};

export function harnessPath(variant: HarnessVariant = "release"): string {
  return join(BUILD, variant === "release" ? "kharness" : "kharness-asan");
}

function sources(): string[] {
  return [...Deno.readDirSync(HARNESS_SRC)]
    .filter((e) => e.isFile && e.name.endsWith(".c"))
    .map((e) => join(HARNESS_SRC, e.name))
    .sort();
}

function mtime(path: string): number {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch {
    return -1;
  }
}

/** True when the executable is missing or older than a source, header or this script. */
export function harnessIsStale(variant: HarnessVariant = "release"): boolean {
  const built = mtime(harnessPath(variant));
  if (built < 0) return true;
  const deps = [...Deno.readDirSync(HARNESS_SRC)]
    .filter((e) => e.isFile && /\.[ch]$/.test(e.name))
    .map((e) => join(HARNESS_SRC, e.name));
  deps.push(fileURLToPath(import.meta.url));
  return deps.some((d) => mtime(d) > built);
}

/** Compiles the harness (always); throws with the compiler's output on error. */
export function buildHarness(variant: HarnessVariant = "release"): string {
  Deno.mkdirSync(BUILD, { recursive: true });
  const exe = harnessPath(variant);
  const tmp = `${exe}.${Deno.pid}.tmp`;
  const args = [...HARNESS_FLAGS[variant], "-o", tmp, ...sources(), "-ldl", "-lm"];
  const r = new Deno.Command("gcc", { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!r.success) {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing written */ }
    throw new Error(`building csrc/harness failed:\ngcc ${args.join(" ")}\n${new TextDecoder().decode(r.stderr)}`);
  }
  Deno.renameSync(tmp, exe);
  return exe;
}

/** Path of an up-to-date harness executable, building it first if needed. */
export function ensureHarness(variant: HarnessVariant = "release"): string {
  if (harnessIsStale(variant)) buildHarness(variant);
  return harnessPath(variant);
}

if (import.meta.main) {
  console.error(`built ${buildHarness("release")}`);
}
