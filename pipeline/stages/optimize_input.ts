/**
 * The kernels `optimize` works on, from any of its three inputs: an
 * expression argument (infix `x*y + sqrt(z)` or an FPCore body
 * `(+ (* x y) 1)`), an FPCore file (every benchmark, or `--name`), or
 * expression records (JSONL) on stdin.
 *
 * Errors: an expression that does not parse is a CliError with a caret
 * under the position; benchmarks of a file and lines of stdin that do not
 * parse are reported on stderr one per line (file:line:col, or line N:
 * field: message) and counted, so the caller decides the exit code.
 */
import { z } from "zod";
import { type Expr, freeVars } from "../expr/expr.ts";
import { parseExpr, parseFPCoreFile } from "../expr/fpcore.ts";
import { parseInfix } from "../expr/infix.ts";
import { FPCORE_OPS, isOpName } from "../expr/ops.ts";
import type { Interval } from "../expr/interval.ts";
import { ParseError } from "../expr/sexpr.ts";
import { CliError, EXIT_DATA, EXIT_USAGE } from "./cli.ts";
import { describeZodError, isBlank, JsonlError, parseLine, readLines } from "../records/jsonl.ts";
import { fileTag, formatBenchmarkError } from "../records/fpcore_records.ts";
import { ExpressionRecord } from "../records/schema.ts";
import { type Job, jobOf } from "../records/job.ts";

export interface Loaded {
  readonly jobs: Job[];
  /** Inputs that failed, already reported on stderr. */
  readonly failed: number;
}

/**
 * Parses an expression argument: an FPCore body when it opens with an
 * operator form (`(+ x y)`, `(let ...)`), else infix, which may open with a
 * parenthesis too (`(x + 1) / y`, `(exp(x) - 1) / x`).
 */
export function parseExpressionArg(src: string): Expr {
  const t = src.trim();
  // The operator of a form is followed by a space; `(sqrt(x) + 1)` is a call.
  const head = /^\(\s*([^\s()]+)\s/.exec(t)?.[1];
  const sexpr = head !== undefined && (FPCORE_OPS.has(head) || isOpName(head) || /^(let\*?|d|PI|E)$/.test(head));
  return sexpr ? parseExpr(t) : parseInfix(t);
}

/** Every benchmark of an FPCore file, or the one named `name`. */
export async function loadFile(cmd: string, path: string, name: string | undefined): Promise<Loaded> {
  let src: string;
  try {
    src = await Deno.readTextFile(path);
  } catch (e) {
    throw new CliError(`${cmd}: cannot read ${path}: ${(e as Error).message}`, EXIT_DATA);
  }
  const { benchmarks, errors } = parseFPCoreFile(src);
  let failed = 0;
  for (const e of errors) {
    if (name !== undefined && e.name !== name) continue;
    console.error(`${cmd}: ${formatBenchmarkError(path, e)}`);
    failed++;
  }
  const stem = fileTag(path);
  const jobs = benchmarks
    .map((b, i): Job => ({
      id: b.name ?? `${stem}#${i + 1}`,
      expr: b.expr,
      vars: b.vars,
      ranges: b.ranges,
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.pre !== undefined ? { pre: b.pre } : {}),
    }))
    .filter((j) => name === undefined || j.name === name);
  if (name !== undefined && jobs.length === 0 && failed === 0) {
    throw new CliError(`${cmd}: no benchmark named ${JSON.stringify(name)} in ${path}`, EXIT_DATA);
  }
  if (benchmarks.length === 0 && errors.length === 0) {
    throw new CliError(`${cmd}: ${path}: no (FPCore ...) forms`, EXIT_DATA);
  }
  return { jobs, failed };
}

/** One kernel from an expression argument, with `--range` ranges. */
export function loadExpression(cmd: string, src: string, ranges: Record<string, Interval>): Loaded {
  let expr: Expr;
  try {
    expr = parseExpressionArg(src);
  } catch (e) {
    if (e instanceof ParseError) {
      throw new CliError(`${cmd}: expression: ${e.message}\n  ${src}\n  ${" ".repeat(e.pos.col - 1)}^`, EXIT_DATA);
    }
    throw new CliError(`${cmd}: expression: ${(e as Error).message}`, EXIT_DATA);
  }
  const vars = freeVars(expr);
  for (const v of Object.keys(ranges)) {
    if (!vars.includes(v)) {
      throw new CliError(`${cmd}: --range for ${v}, which the expression does not use`, EXIT_USAGE);
    }
  }
  return { jobs: [{ id: src.trim(), expr, vars, ranges }], failed: 0 };
}

/** Expression records from a stream; stops at the first bad line unless `onError` is "skip". */
export async function loadRecords(
  cmd: string,
  input: ReadableStream<Uint8Array>,
  onError: "stop" | "skip",
): Promise<Loaded> {
  const jobs: Job[] = [];
  let failed = 0;
  for await (const l of readLines(input)) {
    if (isBlank(l)) continue;
    try {
      const rec = parseLine(ExpressionRecord, l);
      jobs.push({ ...jobOf(rec), record: rec });
    } catch (e) {
      const msg = e instanceof JsonlError
        ? e.message
        : e instanceof z.ZodError
        ? `line ${l.line}: ${describeZodError(e)}`
        : `line ${l.line}: ${(e as Error).message}`;
      console.error(`${cmd}: stdin: ${msg}`);
      failed++;
      if (onError === "stop") break;
    }
  }
  return { jobs, failed };
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
