/**
 * Builds the C library from `csrc/` when a source is newer than the built
 * library, so that `deno task` and tests never run a stale one.
 *
 * The library goes to `build/` (ignored by git). It is written to a
 * temporary name and renamed into place, so two processes building at the
 * same time never load a half-written file.
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { dirname, join } from "node:path";
import { BUILD, CSRC } from "../base/paths.ts";

export const LIB_PATH = join(BUILD, "libkopt.so");

/** Flags of every C build here (library, harness, C tests): target, dialect, warnings as errors. */
export const C_FLAGS: readonly string[] = [
  "-march=native",
  "-std=c11",
  "-D_GNU_SOURCE",
  "-Wall",
  "-Wextra",
  "-Werror",
  // Each op rounds on its own, as in the float32 model; contraction would
  // fuse a multiply and an add that the model keeps apart.
  "-ffp-contract=off",
];

/** AddressSanitizer and UBSan, any finding fatal: the test builds. */
export const SANITIZE_FLAGS: readonly string[] = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"];

/** The fixed flag set of the library. */
export const LIB_FLAGS: readonly string[] = ["-O3", ...C_FLAGS, "-fPIC", "-shared"];

/** This script: the library and the harness depend on its flags. */
export const BUILD_SCRIPT = fromFileUrl(import.meta.url);

/** Files directly in `dir` whose names end with one of `suffixes`, sorted. */
export function filesIn(dir: string, ...suffixes: string[]): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && suffixes.some((s) => e.name.endsWith(s)))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Source files of the library: every `.c` directly in `csrc/`. */
export function librarySources(): string[] {
  return filesIn(CSRC, ".c");
}

function mtime(path: string): number {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch {
    return -1;
  }
}

/** True when `target` is missing or older than any of `deps` (a missing dep is ignored). */
export function isOutdated(target: string, deps: readonly string[]): boolean {
  const built = mtime(target);
  return built < 0 || deps.some((d) => mtime(d) > built);
}

/** True when the library is missing or older than any source or header. */
export function isStale(): boolean {
  return isOutdated(LIB_PATH, [...filesIn(CSRC, ".c", ".h"), BUILD_SCRIPT]);
}

/**
 * Runs `cc` (gcc unless said) with `flags`, writing `out` under a temporary
 * name renamed into place, then the `inputs` (sources and libraries);
 * throws with the compiler's output on error, naming `what` was built.
 */
export function compileAtomically(
  out: string,
  flags: readonly string[],
  inputs: readonly string[],
  what: string,
  cc = "gcc",
): string {
  Deno.mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${Deno.pid}.tmp`;
  const args = [...flags, "-o", tmp, ...inputs];
  const r = new Deno.Command(cc, { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!r.success) {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing was written */ }
    const msg = new TextDecoder().decode(r.stderr);
    throw new Error(`building ${what} failed:\n${cc} ${args.join(" ")}\n${msg}`);
  }
  Deno.renameSync(tmp, out);
  return out;
}

/** Compiles the library (always); throws with the compiler's output on error. */
export function buildLibrary(extraFlags: readonly string[] = []): string {
  return compileAtomically(LIB_PATH, [...LIB_FLAGS, ...extraFlags], [...librarySources(), "-lm"], "csrc/");
}

/** Path of an up-to-date library, building it first if needed. */
export function ensureLibrary(): string {
  if (isStale()) buildLibrary();
  return LIB_PATH;
}

if (import.meta.main) {
  const path = buildLibrary();
  console.error(`built ${path}`);
}
