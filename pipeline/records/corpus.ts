/**
 * The one corpus loader: FPCore files, or folders of them searched
 * recursively, to expression records. `optimize`, `compare`, `peers`,
 * `calibrate` and the benchmark tasks all read kernels through it, so a
 * kernel has the same id, ranges and tags wherever it is used.
 */
import { join } from "node:path";
import { formatBenchmarkError, fpcoreRecords } from "./fpcore_records.ts";
import type { ExpressionRecord } from "./schema.ts";

/** A corpus: its records, and the benchmarks that did not parse (`file:line:col: reason`), left out. */
export interface Corpus {
  readonly records: readonly ExpressionRecord[];
  readonly skipped: readonly string[];
}

/** A path of the corpus that does not exist or cannot be read. */
export class CorpusError extends Error {}

/** FPCore files under each path (a file, or a folder searched recursively), in name order. */
export function corpusFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st: Deno.FileInfo;
    try {
      st = Deno.statSync(p);
    } catch (e) {
      throw new CorpusError(`${p}: ${(e as Error).message}`);
    }
    if (st.isFile) out.push(p);
    else if (st.isDirectory) {
      for (const e of [...Deno.readDirSync(p)].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isDirectory || e.name.endsWith(".fpcore")) walk(join(p, e.name));
      }
    }
  };
  paths.forEach(walk);
  return out;
}

/** The expression records of every benchmark under `paths`. */
export function loadCorpus(paths: readonly string[]): Corpus {
  const records: ExpressionRecord[] = [];
  const skipped: string[] = [];
  for (const f of corpusFiles(paths)) {
    let text: string;
    try {
      text = Deno.readTextFileSync(f);
    } catch (e) {
      throw new CorpusError(`cannot read ${f}: ${(e as Error).message}`);
    }
    const r = fpcoreRecords(text, f);
    records.push(...r.records);
    skipped.push(...r.errors.map((e) => formatBenchmarkError(f, e)));
  }
  return { records, skipped };
}
