/**
 * The benchmark cache, data/benchmark_cache.jsonl: one line per kernel
 * measured, appended as soon as it is measured, so an interrupted `bench`
 * resumes where it stopped and later runs skip what is already known. It is
 * also the timing data the Judge is trained on, so each line keeps the
 * expression, its inputs' ranges and how it was built, next to the numbers.
 *
 * A line is found again by its key: a hash of the expression, its variables
 * and ranges, the kernel's compiler and flags (with the code generator's
 * version and the config hash, which covers the kernel preamble),
 * the number of elements, the reference kernel's version and the machine.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { BENCH_CACHE } from "../base/paths.ts";

/** Version of the reference kernel in csrc/harness/reference.c (KH_REFERENCE_VERSION). */
export const REFERENCE_VERSION = 2;

export const CacheLine = z.looseObject({
  key: z.string().min(1),
  machine: z.string(),
  expr: z.string(),
  vars: z.array(z.string()),
  ranges: z.record(z.string(), z.tuple([z.number(), z.number()])).optional(),
  compiler: z.string(),
  flags: z.array(z.string()),
  ns_per_elem: z.number(),
  ratio: z.number(),
  ref_ns_per_elem: z.number(),
  cv: z.number(),
  reps: z.number(),
  n: z.number(),
  max_ulp: z.number(),
  mean_ulp: z.number(),
});
export type CacheLine = z.infer<typeof CacheLine>;

export interface KeyParts {
  readonly expr: string;
  readonly vars: readonly string[];
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  readonly compiler: string;
  readonly flags: readonly string[];
  readonly codegen?: number;
  /** The compile config hash (compiler version, flags, preamble). */
  readonly config?: string;
  readonly n: number;
  readonly machine: string;
}

/** The cache key of a measurement. */
export function cacheKey(p: KeyParts): string {
  const ranges = Object.entries(p.ranges ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256")
    .update(JSON.stringify([
      p.expr,
      p.vars,
      ranges,
      p.compiler,
      p.flags,
      p.codegen ?? null,
      p.config ?? null,
      p.n,
      REFERENCE_VERSION,
      p.machine,
    ]))
    .digest("hex")
    .slice(0, 24);
}

/** Reads the cache (missing file: empty). Bad lines are counted, not fatal. */
export function loadBenchCache(path = BENCH_CACHE): { entries: Map<string, CacheLine>; bad: number } {
  const entries = new Map<string, CacheLine>();
  let bad = 0;
  let text = "";
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      const r = CacheLine.safeParse(JSON.parse(raw));
      if (r.success) entries.set(r.data.key, r.data);
      else bad++;
    } catch {
      bad++; // a line cut short by an interrupted run
    }
  }
  return { entries, bad };
}

/**
 * Removes a torn last line (an interrupted run's half-written line) and
 * says so on stderr: it would be measured again, but stayed in the file,
 * unreported. A last line that is whole but lacks its newline gets one.
 * Returns the bytes removed.
 *
 * Another process appending at this moment would lose its line to the
 * truncation, so the file is truncated only if its size is still the one
 * read; appends are whole lines in one write, so a torn tail only exists
 * after a writer died.
 */
export function cleanTornTail(path: string): number {
  if (endsCleanly(path)) return 0;
  const bytes = Deno.readFileSync(path);
  const start = bytes.lastIndexOf(10) + 1;
  const tail = new TextDecoder().decode(bytes.subarray(start));
  let whole = false;
  try {
    whole = CacheLine.safeParse(JSON.parse(tail)).success;
  } catch {
    whole = false;
  }
  if (whole) {
    Deno.writeTextFileSync(path, "\n", { append: true });
    return 0;
  }
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true, write: true });
  } catch (e) {
    console.error(`bench cache: ${path}: a torn last line, which cannot be removed: ${(e as Error).message}`);
    return 0;
  }
  try {
    if (f.statSync().size !== bytes.length) return 0; // another writer: leave it to the next run
    f.truncateSync(start);
  } finally {
    f.close();
  }
  console.error(
    `bench cache: ${path}: removed a torn last line (${bytes.length - start} bytes, from an interrupted run); ` +
      `its kernel is measured again`,
  );
  return bytes.length - start;
}

/** True when the file is missing, empty or ends with a newline. */
function endsCleanly(path: string): boolean {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch {
    return true;
  }
  try {
    const size = f.statSync().size;
    if (size === 0) return true;
    f.seekSync(size - 1, Deno.SeekMode.Start);
    const b = new Uint8Array(1);
    f.readSync(b);
    return b[0] === 10;
  } finally {
    f.close();
  }
}

/**
 * Appends lines in one write (O_APPEND), so concurrent writers never
 * interleave within a line; a line cut short by an earlier interrupted run
 * is removed first so it does not swallow the new one.
 */
export function appendBenchCache(lines: readonly CacheLine[], path = BENCH_CACHE): void {
  if (lines.length === 0) return;
  const text = lines.map((l) => JSON.stringify(l) + "\n").join("");
  cleanTornTail(path);
  // Still torn only if another writer was busy: end the line rather than join it.
  Deno.writeTextFileSync(path, (endsCleanly(path) ? "" : "\n") + text, { append: true });
}

interface Opened {
  readonly entries: Map<string, CacheLine>;
  /** File size after our last read or write: another writer changes it. */
  size: number;
}

const opened = new Map<string, Opened>();

function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The cache's entries, read once per process and kept up to date with our
 * own appends; read again only when another process has written to it.
 * (A stage calls this once per batch: re-reading 100,000 lines each time
 * would cost more than the measuring.)
 */
export function benchCacheEntries(path = BENCH_CACHE): Map<string, CacheLine> {
  const o = opened.get(path);
  if (o !== undefined && o.size === sizeOf(path)) return o.entries;
  // Resuming: an interrupted run's torn line goes before anything is read.
  if (o === undefined) cleanTornTail(path);
  const { entries } = loadBenchCache(path);
  opened.set(path, { entries, size: sizeOf(path) });
  return entries;
}

/** Appends to the file and to the in-memory entries of `benchCacheEntries`. */
export function recordInBenchCache(lines: readonly CacheLine[], path = BENCH_CACHE): void {
  if (lines.length === 0) return;
  const entries = benchCacheEntries(path);
  const before = sizeOf(path);
  appendBenchCache(lines, path);
  for (const l of lines) entries.set(l.key, l);
  const o = opened.get(path)!;
  // Only our write happened in between: keep the memo valid.
  if (o.size === before) o.size = sizeOf(path);
}
