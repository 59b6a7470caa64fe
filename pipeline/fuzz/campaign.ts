/**
 * A fuzz run: `count` inputs made from `seed` (input i from its own Rng, so
 * any one can be made again), each read in-process by its format's reader in
 * a reader process, and a sample of them also run through the CLI in child
 * processes. Every input gets a class; the first input of each new defect
 * signature is shrunk and saved to the corpus, later ones with the same
 * signature are only counted.
 */
import { Rng } from "../expr/random.ts";
import { CLASSES, type FuzzClass, isFailure, signature, type Verdict } from "./classify.ts";
import { cliEntriesFor, runCli } from "./cli_run.ts";
import { type Entry, saveEntry } from "./corpus.ts";
import { type Format, type FuzzInput, GRAMMAR, type Grammar, seedInput } from "./generate.ts";
import { mutate } from "./mutate.ts";
import { ReaderPool } from "./pool.ts";
import { shrinkText } from "./shrink.ts";

export interface FuzzOptions {
  readonly count: number;
  readonly seed: number;
  /** CPU-time limit of one CLI run, ms (a wall-clock cap of 3x). */
  readonly timeLimitMs: number;
  /** CPU-time limit of one in-process read, ms (readers answer small inputs in well under a millisecond). */
  readonly readerLimitMs: number;
  /** Share of inputs that also go through the CLI. */
  readonly cliFraction: number;
  /** Where reproducers go; null: nowhere. */
  readonly corpusDir: string | null;
  readonly shrink: boolean;
  /** Reader processes, each with a lane feeding it inputs. */
  readonly workers: number;
  /** CLI runs at a time. */
  readonly cliLanes: number;
  readonly log?: (line: string) => void;
}

export type Counts = Record<FuzzClass, number>;
const zero = (): Counts => Object.fromEntries(CLASSES.map((c) => [c, 0])) as Counts;

export interface Found {
  readonly signature: string;
  readonly entry: Entry;
  readonly format: Format;
  readonly verdict: Verdict;
  readonly kind: string;
  readonly index: number;
  /** How many inputs had this signature. */
  count: number;
  /** Saved reproducer, if saved; its length and the original's. */
  file?: string;
  shrunkLength?: number;
  readonly originalLength: number;
}

export interface FuzzReport {
  readonly options: FuzzOptions;
  readonly byClass: Counts;
  /** Per generator and per mutation (an input counts once for each it went through). */
  readonly byKind: Map<string, Counts>;
  readonly byEntry: Map<string, Counts>;
  readonly found: Found[];
  readonly inputs: number;
  readonly cliRuns: number;
  readonly wallMs: number;
  readonly restarts: number;
}

/** Longer reproducers are saved as their seed and index (made again on replay), not as text. */
export const MAX_SAVED = 256 * 1024;

/** Input `i` of the run with `seed`. */
export function makeInput(seed: number, i: number, g: Grammar = GRAMMAR): FuzzInput {
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca77)) >>> 0);
  const s = seedInput(rng, g);
  const r = rng.next();
  const mutations = r < (s.kind === "grammar" ? 0.25 : 0.5) ? 0 : 1 + rng.int(3);
  const m = mutate(s, rng, mutations);
  // Well-formed UTF-8 text: what a file or a pipe can carry, so that a saved reproducer is the same input.
  return { ...m, text: new TextDecoder().decode(new TextEncoder().encode(m.text)) };
}

/** Whether input `i` also goes through the CLI, and through which entry. */
function cliPick(seed: number, i: number, input: FuzzInput, fraction: number): Entry | null {
  const rng = new Rng((Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) + i) >>> 0);
  // Names reach the emitted C and the FPCore output only through the CLI: inputs with odd names go there more often.
  const odd = /hostile-name|long-name|wide-sum/.test(input.kind) ? 10 : 1;
  if (rng.next() >= fraction * odd || input.text.length > 2_000_000) return null;
  const entries = cliEntriesFor(input.format, input.text);
  if (entries.length === 0) return null;
  // A hostile name matters most where it is written into C.
  const c = entries.filter((e) => e === "optimize-c" || e === "optimize-stdin-c");
  return /hostile-name/.test(input.kind) && c.length > 0 && rng.next() < 0.5 ? rng.pick(c) : rng.pick(entries);
}

function bump(m: Map<string, Counts>, key: string, cls: FuzzClass) {
  let c = m.get(key);
  if (c === undefined) m.set(key, c = zero());
  c[cls]++;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const pool = new ReaderPool(o.workers, o.readerLimitMs);
  const byClass = zero();
  const byKind = new Map<string, Counts>();
  const byEntry = new Map<string, Counts>();
  const found = new Map<string, Found>();
  const log = o.log ?? (() => {});
  let next = 0;
  let cliRuns = 0;
  let done = 0;
  const cliQueue: { i: number; input: FuzzInput; entry: Entry }[] = [];

  // The quick reader limit keeps a campaign fast; a hang is an input that still has no answer within the full limit.
  const confirm = new ReaderPool(1, o.timeLimitMs);
  const verdictOf = async (entry: Entry, input: FuzzInput, text: string): Promise<Verdict> => {
    if (entry !== "reader") return await runCli(entry, input.format, text, o.timeLimitMs);
    const v = await pool.run(input.format, text);
    return v.cls === "hang" ? await confirm.run(input.format, text) : v;
  };

  const record = async (i: number, input: FuzzInput, entry: Entry, v: Verdict) => {
    byClass[v.cls]++;
    for (const k of new Set(input.kind.split("+"))) bump(byKind, k, v.cls);
    bump(byEntry, entry === "reader" ? `reader:${input.format}` : `cli:${entry}`, v.cls);
    if (!isFailure(v)) return;
    const sig = signature(entry === "reader" ? input.format : entry, input.kind, v);
    const seen = found.get(sig);
    if (seen !== undefined) {
      seen.count++;
      return;
    }
    const f: Found = {
      signature: sig,
      entry,
      format: input.format,
      verdict: v,
      kind: input.kind,
      index: i,
      count: 1,
      originalLength: input.text.length,
    };
    found.set(sig, f);
    log(`found ${v.cls} (#${i}, ${entry === "reader" ? `reader ${input.format}` : entry}, ${input.kind}): ${v.detail}`);
    if (o.corpusDir === null) return;
    let text = input.text;
    if (o.shrink) {
      const same = async (s: string) => {
        const w = await verdictOf(entry, input, s);
        return w.cls === v.cls && (v.cls !== "crash" || w.detail.split(":")[0] === v.detail.split(":")[0]);
      };
      const cli = entry !== "reader";
      const budget = { calls: cli ? 12 : 150, until: performance.now() + (cli ? 20_000 : 4_000) };
      text = await shrinkText(text, same, budget);
    }
    f.shrunkLength = text.length;
    f.file = saveEntry(o.corpusDir, text.length > MAX_SAVED ? null : text, {
      format: input.format,
      entry,
      class: v.cls,
      detail: v.detail,
      kind: input.kind,
      seed: o.seed,
      index: i,
      grammar: GRAMMAR,
      originalLength: input.text.length,
    });
    log(`  saved ${f.file} (${input.text.length} -> ${text.length} chars)`);
  };

  let readersDone = false;
  const readerLane = async () => {
    while (next < o.count) {
      const i = next++;
      const input = makeInput(o.seed, i);
      const cli = cliPick(o.seed, i, input, o.cliFraction);
      if (cli !== null) cliQueue.push({ i, input, entry: cli });
      await record(i, input, "reader", await verdictOf("reader", input, input.text));
      if (++done % 1000 === 0) log(`${done} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  const cliLane = async () => {
    while (!readersDone || cliQueue.length > 0) {
      const job = cliQueue.shift();
      if (job === undefined) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      cliRuns++;
      await record(job.i, job.input, job.entry, await verdictOf(job.entry, job.input, job.input.text));
    }
  };
  const clis = Array.from({ length: o.cliLanes }, cliLane);
  try {
    await Promise.all(Array.from({ length: o.workers }, readerLane));
    readersDone = true;
    await Promise.all(clis);
  } finally {
    readersDone = true;
    pool.close();
    confirm.close();
  }
  return {
    options: o,
    byClass,
    byKind,
    byEntry,
    found: [...found.values()],
    inputs: o.count,
    cliRuns,
    wallMs: performance.now() - t0,
    restarts: pool.restarts,
  };
}

/** The report as text: counts per class, per entry point and per generator or mutation, and the defects. */
export function formatReport(r: FuzzReport): string {
  const head = ["", ...CLASSES].map((c, i) => (i === 0 ? "".padEnd(28) : c.padStart(10))).join("");
  const row = (k: string, c: Counts) =>
    k.padEnd(28).slice(0, 28) + CLASSES.map((x) => String(c[x]).padStart(10)).join("");
  const table = (title: string, m: Map<string, Counts>) =>
    [title, head, ...[...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => row(k, c))].join("\n");
  const secs = r.wallMs / 1000;
  const lines = [
    `fuzz: seed ${r.options.seed}, ${r.inputs} inputs in-process (+${r.cliRuns} CLI runs) in ${secs.toFixed(1)} s ` +
    `(${(r.inputs / secs).toFixed(0)} inputs/s); ${r.restarts} reader restarts`,
    "",
    head,
    row("all", r.byClass),
    "",
    table("by entry point:", r.byEntry),
    "",
    table("by generator and mutation:", r.byKind),
    "",
    r.found.length === 0 ? "defects: none" : `defects (${r.found.length} signatures):`,
    ...r.found.map((f) =>
      `  ${f.verdict.cls} x${f.count} [${
        f.entry === "reader" ? `reader ${f.format}` : `cli ${f.entry} (${f.format})`
      }] ${f.kind}: ${f.verdict.detail}` +
      (f.file !== undefined ? `\n      -> ${f.file} (${f.originalLength} -> ${f.shrunkLength} chars)` : "")
    ),
  ];
  return lines.join("\n");
}
