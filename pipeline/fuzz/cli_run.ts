/**
 * The CLI as the fuzzer drives it: `deno run -A mod.ts parse|optimize|compile`
 * in a child process with a time limit (killed after it), and the checks on
 * what an accepted run wrote: the records `parse` writes must be readable by
 * the next stage, `--emit fpcore|infix` output must read back under our own
 * readers with the same names, and an `--emit c` file must compile as
 * written and define only the symbols our generator writes.
 */
import { join } from "node:path";
import { MAIN, ROOT } from "../base/paths.ts";
import { parseFPCoreFile } from "../expr/fpcore.ts";
import { parseInfix } from "../expr/infix.ts";
import { parseLine } from "../records/jsonl.ts";
import { jobOf } from "../records/job.ts";
import { ExpressionRecord } from "../records/schema.ts";
import { type ChildResult, classifyChild, classifyThrown, firstLine, type Verdict } from "./classify.ts";
import type { Format } from "./generate.ts";
import { cpuDeadline } from "./cpu_clock.ts";

export const CLI_ENTRIES = [
  "parse",
  "optimize-c",
  "optimize-fpcore",
  "optimize-infix",
  "optimize-stdin-c",
  "compile",
] as const;
export type CliEntry = typeof CLI_ENTRIES[number];

/** The CLI entry points that read `format`. */
export function cliEntriesFor(format: Format, text: string): CliEntry[] {
  if (format === "jsonl") return ["optimize-stdin-c", "compile"];
  // An argument cannot hold NUL, and one that starts with `-` would be an option.
  const asArg = !text.includes("\0");
  if (format === "fpcore-file") return ["parse", "optimize-c", "optimize-fpcore", "optimize-infix"];
  return asArg ? ["optimize-c", "optimize-fpcore", "optimize-infix"] : [];
}

/** Search settings that keep one optimize run near a second. */
const QUICK = ["--time", "0.05", "--samples", "64"];

interface Plan {
  readonly args: string[];
  readonly stdin?: string;
  readonly out?: string;
}

function plan(entry: CliEntry, format: Format, text: string, dir: string): Plan {
  const file = join(dir, "fuzz.fpcore");
  const out = join(dir, "out");
  const input = format === "fpcore-file" ? [file] : ["--", text];
  switch (entry) {
    case "parse":
      return { args: ["parse", file] };
    case "optimize-c":
      return { args: ["optimize", ...QUICK, "--emit", "c", "--out", out, ...input], out };
    case "optimize-fpcore":
      return { args: ["optimize", ...QUICK, "--emit", "fpcore", "--out", out, ...input], out };
    case "optimize-infix":
      return { args: ["optimize", ...QUICK, "--emit", "infix", "--out", out, ...input], out };
    case "optimize-stdin-c":
      return { args: ["optimize", ...QUICK, "--emit", "c", "--out", out, "-"], stdin: text, out };
    case "compile":
      return { args: ["compile"], stdin: text };
  }
}

/**
 * The deno to run children with: this one, unless its file was replaced
 * while we ran (an upgrade leaves a path ending in "(deleted)").
 */
export function denoExecutable(): string {
  const p = Deno.execPath();
  return p.endsWith("(deleted)") ? "deno" : p;
}

/** Runs a command with a time limit; SIGKILL when it runs over. */
export async function runChild(
  cmd: string,
  args: readonly string[],
  limitMs: number,
  stdin?: string,
  cwd = ROOT,
): Promise<ChildResult & { stdout: string }> {
  const child = new Deno.Command(cmd, {
    args: [...args],
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let timedOut = false;
  // CPU time, so that a child that only waited for the machine is not a hang; a wall-clock cap of 3x.
  const cancel = cpuDeadline(child.pid, limitMs, 3 * limitMs, () => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* it ended meanwhile */ }
  });
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    // A child that exits before reading all of stdin closes the pipe: not our failure.
    await w.write(new TextEncoder().encode(stdin)).catch(() => {});
    await w.close().catch(() => {});
  }
  const r = await child.output();
  cancel();
  const dec = new TextDecoder();
  return {
    code: r.signal !== null ? null : r.code,
    signal: timedOut ? null : r.signal,
    timedOut,
    stderr: dec.decode(r.stderr),
    stdout: dec.decode(r.stdout),
  };
}

/** Symbols an --emit c file may define: kernels (hash-named) and their wrappers. */
const OUR_SYMBOL = /^(?:[kp]_[0-9a-f]{16}|kopt_[A-Za-z0-9_]+)$/;

/** Compiles an emitted C file and looks for anything the input put there. */
export async function inspectC(path: string, limitMs: number): Promise<Verdict> {
  const dir = join(path, "..");
  const obj = join(dir, "out.o");
  // -trigraphs: a `??/` that became a backslash must not help either.
  const flags = ["-std=gnu11", "-trigraphs", "-O0", "-march=native", "-w"];
  // -x c: the file's name need not end in .c.
  const cc = await runChild("gcc", [...flags, "-x", "c", "-c", path, "-o", obj], limitMs, undefined, dir);
  if (cc.timedOut || cc.code !== 0) {
    // Without the temporary path, one defect keeps one signature.
    return {
      cls: "injection",
      detail: `emitted C does not compile: ${firstLine(cc.stderr.replaceAll(path, "out.c"))}`,
    };
  }
  const nm = await runChild("nm", ["--defined-only", "-g", obj], limitMs, undefined, dir);
  if (nm.code !== 0) throw new Error(`nm failed on the emitted C's object: ${firstLine(nm.stderr)}`);
  const symbols = nm.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)[2]).filter((s) => s !== undefined);
  // A wrapper's name may spell the input's text (encoded), so only whole symbols outside our shapes count.
  const foreign = symbols.filter((s) => !OUR_SYMBOL.test(s));
  if (foreign.length > 0) return { cls: "injection", detail: `emitted C defines ${foreign.slice(0, 3).join(", ")}` };
  const pp = await runChild("gcc", [...flags, "-x", "c", "-E", "-P", path], limitMs, undefined, dir);
  const live = /\binjected\w*|\bfopen\b|\bkop_add\(a, b\) a/.exec(pp.stdout);
  if (live !== null) return { cls: "injection", detail: `input text is live C after preprocessing: ${live[0]}` };
  return { cls: "accepted", detail: "C compiles, our symbols only" };
}

/** Checks the output of an accepted run. */
async function checkOutput(
  entry: CliEntry,
  format: Format,
  text: string,
  p: Plan,
  stdout: string,
  limitMs: number,
): Promise<Verdict | null> {
  if (entry === "parse") {
    for (const [i, line] of stdout.split("\n").entries()) {
      if (line.trim() === "") continue;
      try {
        jobOf(parseLine(ExpressionRecord, { line: i + 1, text: line }));
      } catch (e) {
        return { cls: "roundtrip", detail: `parse wrote a record the next stage refuses: ${classifyThrown(e).detail}` };
      }
    }
    return null;
  }
  if (p.out === undefined) return null;
  let out: string;
  try {
    out = await Deno.readTextFile(p.out);
  } catch {
    return { cls: "crash", detail: "exit 0 but no --out file" };
  }
  if (entry === "optimize-c" || entry === "optimize-stdin-c") return await inspectC(p.out, limitMs);
  if (entry === "optimize-infix") {
    for (const line of out.split("\n").filter((l) => l.trim() !== "")) {
      try {
        parseInfix(line);
      } catch (e) {
        return { cls: "roundtrip", detail: `--emit infix output is refused: ${classifyThrown(e).detail}` };
      }
    }
    return null;
  }
  const back = parseFPCoreFile(out);
  if (back.errors.length > 0) {
    return { cls: "roundtrip", detail: `--emit fpcore output is refused: ${back.errors[0].error.reason}` };
  }
  if (format === "fpcore-file") {
    const names = new Set(parseFPCoreFile(text).benchmarks.map((b) => b.name));
    const lost = back.benchmarks.find((b) => !names.has(b.name));
    if (lost !== undefined) {
      return { cls: "roundtrip", detail: `--emit fpcore's :name reads back differently: ${JSON.stringify(lost.name)}` };
    }
  }
  return null;
}

/** Linux's MAX_ARG_STRLEN: the longest single command-line argument, with its terminating NUL. */
const MAX_ARG_BYTES = 131072;

/** One CLI run of `text` through `entry`, classified (and its output checked when accepted). */
export async function runCli(entry: CliEntry, format: Format, text: string, limitMs: number): Promise<Verdict> {
  const dir = await Deno.makeTempDir({ prefix: "kfuzz-" });
  try {
    await Deno.writeTextFile(join(dir, "fuzz.fpcore"), text);
    const p = plan(entry, format, text, dir);
    // Linux refuses one argument over 128 KiB (MAX_ARG_STRLEN) before any program runs: a shell says
    // "Argument list too long". Such an input cannot reach optimize as an argument at all.
    if (p.args.some((a) => new TextEncoder().encode(a).length >= MAX_ARG_BYTES)) {
      return { cls: "clean", detail: "an argument over the OS limit of 128 KiB: refused by the kernel, never run" };
    }
    const r = await runChild(denoExecutable(), ["run", "-A", MAIN, ...p.args], limitMs, p.stdin);
    const v = classifyChild(r);
    if (v.cls !== "accepted") return v;
    return (await checkOutput(entry, format, text, p, r.stdout, limitMs)) ?? v;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
