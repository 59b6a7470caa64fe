/**
 * The corpus of reproducers under tests/fuzz/corpus/: one input file per
 * defect, named by its class and a short hash of its text
 * (`crash-1a2b3c4d.fpcore`), and beside it a JSON sidecar saying how to
 * replay it (format, entry point, what was seen, the run that found it).
 * The input file holds the input's exact bytes, so it can be fed to the
 * CLI by hand.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { FUZZ_CORPUS } from "../base/paths.ts";
import type { FuzzClass } from "./classify.ts";
import type { Format, Grammar } from "./generate.ts";
import type { CliEntry } from "./cli_run.ts";

export const CORPUS_DIR = FUZZ_CORPUS;

/** `reader`: the format's reader in-process (entries.ts); else a CLI entry (cli_run.ts). */
export type Entry = "reader" | CliEntry;

export interface CorpusEntry {
  readonly format: Format;
  readonly entry: Entry;
  /** The class and detail seen when it was found. */
  readonly class: FuzzClass;
  readonly detail: string;
  readonly kind: string;
  readonly seed: number;
  readonly index: number;
  /** The grammar generation that made it (generate.ts); absent in entries saved before there were two. */
  readonly grammar?: Grammar;
  readonly originalLength: number;
  /** How it was found, where that is not this tree (e.g. against code since fixed). */
  readonly note?: string;
  /** The text is not saved: make it again with makeInput(seed, index). */
  readonly regenerate?: boolean;
}

const EXT: Readonly<Record<Format, string>> = {
  "fpcore-file": "fpcore",
  "fpcore-expr": "sexpr",
  infix: "infix",
  jsonl: "jsonl",
};

/**
 * Saves `text` with its sidecar; returns the path of the sidecar (same text
 * and class: same files). A null text (too long to keep in the repository)
 * saves only the sidecar: the input is made again from its seed and index.
 */
export function saveEntry(dir: string, text: string | null, e: CorpusEntry): string {
  Deno.mkdirSync(dir, { recursive: true });
  const key = text ?? `seed ${e.seed} index ${e.index}`;
  const hash = createHash("sha256").update(`${e.format}\n${e.entry}\n${key}`).digest("hex").slice(0, 8);
  const base = join(dir, `${e.class}-${hash}`);
  if (text !== null) Deno.writeTextFileSync(`${base}.${EXT[e.format]}`, text);
  Deno.writeTextFileSync(`${base}.json`, JSON.stringify({ ...e, regenerate: text === null }, null, 2) + "\n");
  return `${base}.json`;
}

/** Every entry of the corpus, with its input text (null: to be made again from seed and index). */
export function loadCorpus(dir = CORPUS_DIR): { file: string; text: string | null; entry: CorpusEntry }[] {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].map((d) => d.name).filter((n) => n.endsWith(".json")).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return names.map((n) => {
    const entry = JSON.parse(Deno.readTextFileSync(join(dir, n))) as CorpusEntry;
    const file = join(dir, n.replace(/\.json$/, `.${EXT[entry.format]}`));
    return entry.regenerate
      ? { file: join(dir, n), text: null, entry }
      : { file, text: Deno.readTextFileSync(file), entry };
  });
}
