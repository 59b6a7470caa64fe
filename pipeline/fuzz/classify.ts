/**
 * What became of one fuzz input. Every input ends in exactly one class:
 *
 * - clean: refused with a clear message (an error the reader means to
 *   throw in-process; exit 1 or 2 and no internal error or stack trace
 *   from the CLI);
 * - accepted: read (and, where it writes something, the output is sound);
 * - crash: an error nobody meant (RangeError, TypeError, "internal error",
 *   exit 3, a signal, a stack trace);
 * - hang: no answer within the time limit;
 * - injection: emitted C that does not compile as written or defines a
 *   symbol the generator never writes;
 * - roundtrip: output our own reader reads back differently (another
 *   expression or name), or a record the next stage refuses.
 */

export const CLASSES = ["clean", "accepted", "crash", "hang", "injection", "roundtrip"] as const;
export type FuzzClass = typeof CLASSES[number];

/** The classes that are defects. */
export const FAILURES: readonly FuzzClass[] = ["crash", "hang", "injection", "roundtrip"];

export interface Verdict {
  readonly cls: FuzzClass;
  /** One line: the error, the exit code, the symbol, what differed. */
  readonly detail: string;
}

export const isFailure = (v: Verdict) => FAILURES.includes(v.cls);

/** Error names that mean the reader refused its input on purpose. */
const CLEAN_ERRORS = new Set(["ParseError", "JsonlError", "ZodError", "CodegenError", "WeightsFileError", "Error"]);

/** Messages that mean a resource ran out, whatever the error's class. */
const EXHAUSTED = /Maximum call stack size exceeded|Invalid string length|out of memory|Invalid array length/i;

/** The class of an exception thrown by an in-process reader. */
export function classifyThrown(e: unknown): Verdict {
  if (!(e instanceof Error)) return { cls: "crash", detail: `threw a non-Error: ${String(e).slice(0, 200)}` };
  const line = firstLine(`${e.name}: ${e.message}`);
  if (EXHAUSTED.test(e.message) || !CLEAN_ERRORS.has(e.name)) return { cls: "crash", detail: line };
  return { cls: "clean", detail: line };
}

export function firstLine(s: string): string {
  const l = s.split("\n").find((x) => x.trim() !== "") ?? "";
  return l.length > 200 ? l.slice(0, 200) + "..." : l;
}

/** Signs on stderr of an error nobody meant. */
const INTERNAL =
  /internal error|^\s+at .+:\d+:\d+\)?$|Uncaught|RangeError|TypeError|ReferenceError|panicked|Maximum call stack|Invalid string length|out of memory/m;

export interface ChildResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stderr: string;
}

/** The class of a CLI run from its exit; the caller checks the output of an accepted one. */
export function classifyChild(r: ChildResult): Verdict {
  if (r.timedOut) return { cls: "hang", detail: "time limit" };
  if (r.signal !== null) return { cls: "crash", detail: `signal ${r.signal}` };
  const internal = INTERNAL.exec(r.stderr);
  if (internal !== null) {
    const at = r.stderr.split("\n").find((l) => INTERNAL.test(l)) ?? internal[0];
    return { cls: "crash", detail: `exit ${r.code}: ${firstLine(at.trim())}` };
  }
  if (r.code === 0) return { cls: "accepted", detail: "exit 0" };
  if (r.code === 1 || r.code === 2) {
    if (r.stderr.trim() === "") return { cls: "crash", detail: `exit ${r.code} with nothing on stderr` };
    return { cls: "clean", detail: `exit ${r.code}: ${firstLine(lastLines(r.stderr))}` };
  }
  return { cls: "crash", detail: `exit ${r.code}: ${firstLine(lastLines(r.stderr))}` };
}

/** The last non-empty line: where the CLI says what went wrong (earlier ones say what it ran). */
function lastLines(s: string): string {
  const ls = s.split("\n").filter((l) => l.trim() !== "");
  return ls[ls.length - 1] ?? "";
}

/** A defect's signature: inputs with the same one are the same defect, shrunk and saved once. */
export function signature(entry: string, kind: string, v: Verdict): string {
  // The generator, not the mutations: one shape's inputs fail alike however they were damaged.
  const base = kind.split("+")[0];
  // What kind of failure, not its particulars (names, positions, paths follow the first ": ").
  const what = v.detail.split(": ")[0].replace(/\d+/g, "N");
  return `${v.cls}|${entry}|${base}|${what}`;
}
