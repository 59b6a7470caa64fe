/**
 * Stage `parse`: FPCore files -> expression records, one per benchmark. A
 * benchmark that does not parse is reported (with its name, line and
 * column) and the others of the file still become records.
 */
import { basename } from "node:path";
import { type BenchmarkError, parseFPCoreFile } from "../expr/fpcore.ts";
import { printFPCore } from "../expr/print.ts";
import type { ExpressionRecord } from "./schema.ts";

export interface ParsedRecords {
  readonly records: readonly ExpressionRecord[];
  readonly errors: readonly BenchmarkError[];
}

/** Tag of a file: its stem (`data/kernels/graphics.fpcore` -> graphics). */
export function fileTag(path: string): string {
  return basename(path).replace(/\.fpcore$/, "");
}

/** Records for every benchmark of one FPCore source text. */
export function fpcoreRecords(src: string, path: string, extraTags: readonly string[] = []): ParsedRecords {
  const { benchmarks, errors } = parseFPCoreFile(src);
  const stem = fileTag(path);
  const used = new Map<string, number>();
  const records = benchmarks.map((b, i): ExpressionRecord => {
    // Ids are stable: file stem and benchmark name (or index), made unique.
    const base = `${stem}:${b.name ?? `#${i + 1}`}`;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return {
      id: n === 0 ? base : `${base}~${n + 1}`,
      expr: printFPCore(b.expr),
      vars: [...b.vars],
      ranges: Object.fromEntries(Object.entries(b.ranges).map(([k, r]) => [k, [r[0], r[1]]])),
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.pre !== undefined ? { pre: b.pre } : {}),
      source: `${path}:${b.pos.line}`,
      tags: [stem, ...extraTags],
    };
  });
  return { records, errors };
}

/** Formats a benchmark error as `file:line:col: benchmark "name": message`. */
export function formatBenchmarkError(path: string, e: BenchmarkError): string {
  const named = e.name === undefined || e.error.reason.includes(JSON.stringify(e.name));
  const who = named ? "" : ` (benchmark ${JSON.stringify(e.name)})`;
  return `${path}:${e.error.pos.line}:${e.error.pos.col}: ${e.error.reason}${who}`;
}
