/**
 * Batch compilation: many kernels per compiler call, one shared library per
 * batch, cached per kernel.
 *
 * Starting a compiler costs more than compiling one small kernel, so the
 * kernels missing from the cache are split into chunks, each chunk is one
 * translation unit and one `.so`, and `jobs` compilers run at once (two:
 * both cores). A chunk that fails is split in halves and retried, down to
 * single kernels, so a kernel that does not compile fails alone, with the
 * compiler's message.
 *
 * Cache layout under `cacheDir/<config hash>/`: `src/<batch>.c`,
 * `lib/<batch>.so`, and `idx/<symbol>.json` saying which library holds a
 * kernel (or why it failed). The symbol is a hash of the kernel's text and
 * the config hash covers compiler, version, flags and preamble, so a hit is
 * always the same machine code. Files are written under temporary names
 * and renamed, so concurrent runs never read half-written ones.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { KCACHE } from "../base/paths.ts";
import type { KernelSource } from "./codegen.ts";
import { type CompilerConfig, compilerFamily, configHash, preambleOf } from "./toolchain.ts";

export interface CompileOptions {
  readonly cacheDir?: string;
  /** Compiler processes at once (default 2: both cores). */
  readonly jobs?: number;
  /** Most kernels per compiler call (default 200). */
  readonly maxChunk?: number;
  /** Ignore cached results (still writes the cache). */
  readonly fresh?: boolean;
  /** Called after each compiler call with kernels done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

export type CompileResult =
  | {
    readonly ok: true;
    /** Absolute path of the shared library holding the kernel. */
    readonly lib: string;
    readonly symbol: string;
    /** Wall time of its compiler call divided by the kernels in it. */
    readonly compileMs: number;
    readonly cached: boolean;
  }
  | { readonly ok: false; readonly symbol: string; readonly error: string; readonly cached: boolean };

interface IndexEntry {
  readonly lib?: string;
  readonly compile_ms?: number;
  readonly error?: string;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${Deno.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  Deno.writeTextFileSync(tmp, data);
  Deno.renameSync(tmp, path);
}

function readIndex(dir: string, symbol: string): IndexEntry | null {
  try {
    const e = JSON.parse(Deno.readTextFileSync(join(dir, "idx", `${symbol}.json`))) as IndexEntry;
    if (e.lib !== undefined) Deno.statSync(join(dir, e.lib)); // the library must still be there
    return e;
  } catch {
    return null;
  }
}

/** The compiler's message, trimmed to what a record should carry. */
function trimMessage(text: string, maxLines = 12): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const kept = lines.slice(0, maxLines);
  if (lines.length > maxLines) kept.push(`... (${lines.length - maxLines} more lines)`);
  return kept.join("\n");
}

/** Runs `tasks` with at most `jobs` at a time. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return out;
}

/** The preamble header every batch source includes, in the config's cache directory. */
const PREAMBLE_H = "kernel_preamble.h";

/**
 * Writes the preamble header and, for gcc, its precompiled form: parsing
 * immintrin.h is most of the cost of compiling a few kernels (one kernel:
 * 0.2 s without, 0.07 s with). A missing or unusable .gch only makes gcc
 * parse the header itself, so this is never a correctness matter.
 */
async function ensurePreamble(dir: string, config: CompilerConfig): Promise<void> {
  const header = join(dir, PREAMBLE_H);
  const text = preambleOf(config);
  let current = "";
  try {
    current = Deno.readTextFileSync(header);
  } catch { /* first use of this config */ }
  if (current !== text) writeAtomic(header, text);
  if (compilerFamily(config) !== "gcc") return;
  const gch = `${header}.gch`;
  try {
    if (current === text && Deno.statSync(gch).isFile) return;
  } catch { /* not built yet */ }
  const tmp = `${gch}.${Deno.pid}.tmp`;
  const compileOnly = config.flags.filter((f) => f !== "-shared" && !f.startsWith("-Wl,"));
  const r = await new Deno.Command(config.cc, {
    args: [...compileOnly, "-x", "c-header", "-o", tmp, header],
    stdout: "null",
    stderr: "null",
  }).output();
  if (r.success) Deno.renameSync(tmp, gch);
}

/** One compiler call: the chunk's kernels into one library. */
async function compileChunk(
  dir: string,
  config: CompilerConfig,
  chunk: readonly KernelSource[],
): Promise<{ ok: true; lib: string; ms: number } | { ok: false; message: string }> {
  const batch = sha(chunk.map((k) => k.symbol).join(",")).slice(0, 16);
  const src = join(dir, "src", `${batch}.c`);
  const lib = join(dir, "lib", `${batch}.so`);
  writeAtomic(src, `#include "${PREAMBLE_H}"\n` + chunk.map((k) => k.text).join("\n"));
  const tmp = `${lib}.${Deno.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const t0 = performance.now();
  const r = await new Deno.Command(config.cc, {
    args: [...config.flags, "-I", dir, "-o", tmp, src, ...config.libs],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  if (!r.success) {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing written */ }
    return { ok: false, message: trimMessage(new TextDecoder().decode(r.stderr)) };
  }
  Deno.renameSync(tmp, lib);
  return { ok: true, lib: `lib/${batch}.so`, ms };
}

/**
 * Compiles `sources` (all of `config.flavor`) and returns one result per
 * source, in order. Never throws for a kernel that fails to compile.
 */
export async function compileKernels(
  sources: readonly KernelSource[],
  config: CompilerConfig,
  options: CompileOptions = {},
): Promise<CompileResult[]> {
  for (const s of sources) {
    if (s.flavor !== config.flavor) throw new Error(`a ${s.flavor} kernel cannot be built with ${config.label}`);
  }
  const dir = join(options.cacheDir ?? KCACHE, configHash(config));
  for (const sub of ["src", "lib", "idx"]) Deno.mkdirSync(join(dir, sub), { recursive: true });
  await ensurePreamble(dir, config);

  const entries = new Map<string, IndexEntry & { cached: boolean }>();
  const missing: KernelSource[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(s.symbol)) continue;
    seen.add(s.symbol);
    const hit = options.fresh ? null : readIndex(dir, s.symbol);
    if (hit !== null) entries.set(s.symbol, { ...hit, cached: true });
    else missing.push(s);
  }

  const jobs = Math.max(1, options.jobs ?? 2);
  const maxChunk = Math.max(1, options.maxChunk ?? 200);
  // A multiple of `jobs` chunks of equal size, so no compiler is left alone at the end.
  const count = jobs * Math.ceil(missing.length / (jobs * maxChunk));
  const size = Math.max(1, Math.ceil(missing.length / Math.max(1, count)));
  const chunks: KernelSource[][] = [];
  for (let i = 0; i < missing.length; i += size) chunks.push(missing.slice(i, i + size));

  let done = 0;
  // A failure is remembered only once the toolchain is known to build an
  // empty library. When it cannot (a missing library, a bad flag, no
  // compiler), every kernel fails with that message and nothing is cached:
  // otherwise each would be bisected down to alone and its failure kept
  // after the machine is fixed.
  let toolchain: Promise<string | null> | undefined;
  const settle = (k: KernelSource, e: IndexEntry) => {
    writeAtomic(join(dir, "idx", `${k.symbol}.json`), JSON.stringify(e));
    entries.set(k.symbol, { ...e, cached: false });
  };
  // Compiles a chunk; on failure, bisects so that only the failing kernels fail.
  const build = async (chunk: KernelSource[]): Promise<void> => {
    const r = await compileChunk(dir, config, chunk);
    const broken = r.ok ? null : await (toolchain ??= toolchainProblem(dir, config));
    if (broken !== null) {
      for (const k of chunk) entries.set(k.symbol, { error: broken, cached: false });
    } else if (r.ok) {
      for (const k of chunk) settle(k, { lib: r.lib, compile_ms: r.ms / chunk.length });
    } else if (chunk.length === 1) {
      settle(chunk[0], { error: `${config.cc} failed: ${r.message}` });
    } else {
      const half = Math.ceil(chunk.length / 2);
      await Promise.all([build(chunk.slice(0, half)), build(chunk.slice(half))]);
      return;
    }
    done += chunk.length;
    options.onProgress?.(done, missing.length);
  };
  await pool(chunks.map((c) => () => build(c)), jobs);

  return sources.map((s): CompileResult => {
    const e = entries.get(s.symbol)!;
    if (e.error !== undefined || e.lib === undefined) {
      return { ok: false, symbol: s.symbol, error: e.error ?? "no library recorded", cached: e.cached };
    }
    return { ok: true, lib: join(dir, e.lib), symbol: s.symbol, compileMs: e.compile_ms ?? 0, cached: e.cached };
  });
}

/** Why the config's compiler cannot build a library of no kernel (its preamble, flags and libraries), or null. */
async function toolchainProblem(dir: string, config: CompilerConfig): Promise<string | null> {
  const r = await compileChunk(dir, config, []);
  return r.ok
    ? null
    : `${config.cc} failed: it cannot build an empty kernel library (run deno task setup): ${r.message}`;
}

/** The cache directory of `config` (where its libraries live). */
export function configDir(config: CompilerConfig, cacheDir = KCACHE): string {
  return join(cacheDir, configHash(config));
}

/** True when `lib` lies inside `cacheDir` (bench refuses libraries from elsewhere). */
export function isInsideCache(lib: string, cacheDir = KCACHE): boolean {
  try {
    const real = Deno.realPathSync(lib);
    const root = Deno.realPathSync(cacheDir);
    return real.startsWith(root + "/") && dirname(real) !== root;
  } catch {
    return false;
  }
}
