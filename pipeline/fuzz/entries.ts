/**
 * The readers the fuzzer drives in-process, one per input format, each as
 * the CLI uses it, plus the checks on what they accept: what `parse` would
 * write must be a record `optimize` reads back to the same kernel, and an
 * expression printed by our printers must read back as itself (hash-consing
 * makes that identity).
 *
 * These run inside a reader process (reader_server.ts) so that a hang can be killed.
 */
import { parseExpr } from "../expr/fpcore.ts";
import { parseFPCoreFile } from "../expr/fpcore.ts";
import { parseInfix } from "../expr/infix.ts";
import { printFPCore, printFPCoreForm, printInfix } from "../expr/print.ts";
import { LimitError } from "../expr/limits.ts";
import { describeZodError, parseLine, readLines } from "../records/jsonl.ts";
import { fpcoreRecords } from "../records/fpcore_records.ts";
import { jobOf } from "../records/job.ts";
import { ExpressionRecord } from "../records/schema.ts";
import type { Expr } from "../expr/expr.ts";
import { classifyThrown, firstLine, type Verdict } from "./classify.ts";
import type { Format } from "./generate.ts";

const ACCEPTED: Verdict = { cls: "accepted", detail: "read" };

function expressionRoundTrip(e: Expr): Verdict {
  const fp = printFPCore(e);
  if (parseExpr(fp) !== e) {
    return { cls: "roundtrip", detail: `printFPCore reads back differently: ${fp.slice(0, 80)}` };
  }
  let inf: string;
  try {
    inf = printInfix(e);
  } catch (err) {
    // Infix cannot share subexpressions: a heavily shared kernel is refused by name (optimize --emit infix: exit 1).
    if (err instanceof LimitError) return ACCEPTED;
    throw err;
  }
  if (parseInfix(inf) !== e) {
    return { cls: "roundtrip", detail: `printInfix reads back differently: ${inf.slice(0, 80)}` };
  }
  return ACCEPTED;
}

/** An FPCore file as `parse` reads it: every record it would write must be readable by the next stage. */
function fpcoreFile(text: string): Verdict {
  const { records, errors } = fpcoreRecords(text, "fuzz.fpcore");
  const { benchmarks } = parseFPCoreFile(text);
  for (const [i, rec] of records.entries()) {
    const r = ExpressionRecord.safeParse(JSON.parse(JSON.stringify(rec)));
    if (!r.success) {
      return {
        cls: "roundtrip",
        detail: `parse writes a record the next stage refuses: ${firstLine(describeZodError(r.error))}`,
      };
    }
    let job;
    try {
      job = jobOf(r.data);
    } catch (e) {
      return {
        cls: "roundtrip",
        detail: `parse writes an expression the next stage refuses: ${classifyThrown(e).detail}`,
      };
    }
    const b = benchmarks[i];
    if (job.expr !== b.expr) return { cls: "roundtrip", detail: "the record's expression reads back differently" };
    const form = printFPCoreForm(b.expr, { name: b.name, vars: b.vars, pre: b.pre });
    const again = parseFPCoreFile(form);
    const back = again.benchmarks[0];
    if (back === undefined) {
      return { cls: "roundtrip", detail: `printFPCoreForm output is refused: ${again.errors[0]?.error.reason}` };
    }
    if (back.name !== b.name) {
      return {
        cls: "roundtrip",
        detail: `printFPCoreForm's :name reads back differently: ${JSON.stringify(b.name)} -> ${
          JSON.stringify(back.name)
        }`,
      };
    }
    if (back.expr !== b.expr) return { cls: "roundtrip", detail: "printFPCoreForm body reads back differently" };
    const rt = expressionRoundTrip(b.expr);
    if (rt.cls !== "accepted") return rt;
  }
  if (records.length === 0 && errors.length > 0) return { cls: "clean", detail: firstLine(errors[0].error.message) };
  if (records.length === 0) return { cls: "clean", detail: "no (FPCore ...) forms" };
  return ACCEPTED;
}

/** Expression records as `optimize -` reads stdin: in chunks, as a pipe delivers them. */
async function jsonl(text: string): Promise<Verdict> {
  const bytes = new TextEncoder().encode(text);
  const CHUNK = 1 << 16;
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (at >= bytes.length) ctl.close();
      else ctl.enqueue(bytes.subarray(at, at += CHUNK));
    },
  });
  let refused: Verdict | null = null;
  let read = 0;
  for await (const l of readLines(stream)) {
    if (l.text.trim() === "") continue;
    try {
      const job = jobOf(parseLine(ExpressionRecord, l));
      const rt = expressionRoundTrip(job.expr);
      if (rt.cls !== "accepted") return rt;
      read++;
    } catch (e) {
      const v = classifyThrown(e);
      if (v.cls !== "clean") return v;
      refused ??= v;
    }
  }
  return refused ?? (read > 0 ? ACCEPTED : { cls: "clean", detail: "no records" });
}

function expression(text: string, parse: (s: string) => Expr): Verdict {
  return expressionRoundTrip(parse(text));
}

/** Reads `text` as `format`; a thrown error is classified here, a hang is the caller's to catch. */
export async function runEntry(format: Format, text: string): Promise<Verdict> {
  try {
    switch (format) {
      case "fpcore-file":
        return fpcoreFile(text);
      case "fpcore-expr":
        return expression(text, (s) => parseExpr(s));
      case "infix":
        return expression(text, parseInfix);
      case "jsonl":
        return await jsonl(text);
    }
  } catch (e) {
    return classifyThrown(e);
  }
}
