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

export const ROOT = dirname(dirname(fromFileUrl(import.meta.url)));
export const CSRC = join(ROOT, "csrc");
export const BUILD = join(ROOT, "build");
export const LIB_PATH = join(BUILD, "libkopt.so");

/** The fixed flag set of the library. */
export const LIB_FLAGS = [
  "-O3",
  "-march=native",
  "-std=c11",
  "-D_GNU_SOURCE",
  "-Wall",
  "-Wextra",
  "-Werror",
  // Each op of the interpreter rounds on its own; contraction would fuse
  // a multiply and an add that the float32 model keeps apart.
  "-ffp-contract=off",
  "-fPIC",
  "-shared",
];

/** Source files of the library: every `.c` directly in `csrc/`. */
export function librarySources(): string[] {
  return [...Deno.readDirSync(CSRC)]
    .filter((e) => e.isFile && e.name.endsWith(".c"))
    .map((e) => join(CSRC, e.name))
    .sort();
}

function mtime(path: string): number {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch {
    return -1;
  }
}

/** True when the library is missing or older than any source or header. */
export function isStale(): boolean {
  const built = mtime(LIB_PATH);
  if (built < 0) return true;
  const deps = [...Deno.readDirSync(CSRC)]
    .filter((e) => e.isFile && (e.name.endsWith(".c") || e.name.endsWith(".h")))
    .map((e) => join(CSRC, e.name));
  deps.push(fromFileUrl(import.meta.url));
  return deps.some((d) => mtime(d) > built);
}

/** Compiles the library (always); throws with the compiler's output on error. */
export function buildLibrary(extraFlags: readonly string[] = []): string {
  Deno.mkdirSync(BUILD, { recursive: true });
  const tmp = `${LIB_PATH}.${Deno.pid}.tmp`;
  const args = [...LIB_FLAGS, ...extraFlags, "-o", tmp, ...librarySources(), "-lm"];
  const r = new Deno.Command("gcc", { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!r.success) {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing was written */ }
    const msg = new TextDecoder().decode(r.stderr);
    throw new Error(`building csrc/ failed:\ngcc ${args.join(" ")}\n${msg}`);
  }
  Deno.renameSync(tmp, LIB_PATH);
  return LIB_PATH;
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
