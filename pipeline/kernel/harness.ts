/**
 * Runs the C timing harness (csrc/harness/) on a job: kernels in shared
 * libraries, each with a set of input columns. Results come back one per
 * kernel, in order: timings and outputs, or why it failed (crash, time
 * limit, missing symbol).
 *
 * The harness measures every kernel in a child process of its own, which
 * also loads the kernel's library, so one bad kernel (or library) costs only
 * its own result. Each kernel is measured in several rounds spread over the
 * whole job and the fastest round counts (see csrc/harness/main.c for why).
 */
import { join } from "node:path";
import { z } from "zod";
import { ensureHarness, type HarnessVariant } from "./harness_build.ts";
import { readLines } from "../records/jsonl.ts";
import type { Target } from "../target/target.ts";

export interface HarnessKernel {
  readonly lib: string;
  readonly symbol: string;
  /** Index into the job's input sets. */
  readonly input: number;
}

export interface HarnessJob {
  /** Elements per input column. */
  readonly n: number;
  /** Input sets: one Float32Array of n values per variable. */
  readonly inputs: readonly (readonly Float32Array[])[];
  readonly kernels: readonly HarnessKernel[];
}

export interface HarnessSettings {
  /** CPU to pin measurements to (default: the last one); -1 for none. */
  readonly core?: number;
  /** Rounds over the whole job (default 5). */
  readonly rounds?: number;
  readonly warmupMs?: number;
  /** Least time spent timing each kernel per round (default 8 ms; warm-up 2 ms). */
  readonly minMs?: number;
  /** Target length of one timed sample (default 40 us). */
  readonly sampleUs?: number;
  readonly minSamples?: number;
  readonly maxSamples?: number;
  /** A kernel still running after this is killed and reported (default 10 s). */
  readonly timeoutMs?: number;
  /**
   * The target the kernels were built for, when it is not the host's own
   * architecture: an emulated target's kernels run in a harness built for
   * it, under its emulator. Absent: the host's harness.
   */
  readonly target?: Target;
  /** The sanitized build, for tests. */
  readonly variant?: HarnessVariant;
  /** Extra environment for the harness process. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called as each kernel's result arrives (index into job.kernels). */
  readonly onResult?: (index: number, result: HarnessResult) => void;
  /** Called after each round over the whole job. */
  readonly onRound?: (round: number, rounds: number) => void;
}

export type HarnessResult =
  | {
    readonly ok: true;
    /** Median ns per element. */
    readonly nsPerElem: number;
    /** Fastest round's median ns per element of the reference kernel, in the same processes. */
    readonly refNsPerElem: number;
    /** The kernel's fastest round over the reference's fastest round (same processes). */
    readonly ratio: number;
    /**
     * Robust coefficient of variation of the kernel's samples (1.4826 MAD /
     * median): stddev / mean for normal samples, blind to the few samples a
     * preemption stretched.
     */
    readonly cv: number;
    readonly refCv: number;
    /** Plain stddev / mean, outliers included. */
    readonly plainCv: number;
    /** Timed samples over all rounds, and kernel calls per sample. */
    readonly samples: number;
    readonly inner: number;
    readonly rounds: number;
    /** Slowest round's median over the fastest's: how much the machine moved. */
    readonly roundSpread: number;
    /** The kernel's outputs on the job's inputs (first call). */
    readonly output: Float32Array;
  }
  | { readonly ok: false; readonly status: "crash" | "timeout" | "error"; readonly message: string };

const Line = z.discriminatedUnion("status", [
  z.object({ status: z.literal("round"), round: z.number().int(), rounds: z.number().int() }),
  z.object({
    i: z.number().int(),
    status: z.literal("ok"),
    ns_per_elem: z.number(),
    ref_ns_per_elem: z.number(),
    ratio: z.number(),
    cv: z.number(),
    ref_cv: z.number(),
    plain_cv: z.number(),
    samples: z.number().int(),
    inner: z.number().int(),
    rounds: z.number().int(),
    round_spread: z.number(),
  }),
  z.object({ i: z.number().int(), status: z.enum(["crash", "timeout", "error"]), message: z.string() }),
]);

/** The job file format of csrc/harness/harness.h. */
export function encodeJob(job: HarnessJob, kernels: readonly HarnessKernel[] = job.kernels): Uint8Array {
  const enc = new TextEncoder();
  const libs = [...new Set(kernels.map((k) => k.lib))];
  const libIndex = new Map(libs.map((l, i) => [l, i]));
  const libBytes = libs.map((l) => enc.encode(l));
  const symBytes = kernels.map((k) => enc.encode(k.symbol));
  let size = 20;
  for (const b of libBytes) size += 4 + b.length;
  for (const cols of job.inputs) size += 4 + cols.length * job.n * 4;
  for (const b of symBytes) size += 12 + b.length;
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  let at = 0;
  const u32 = (v: number) => {
    dv.setUint32(at, v, true);
    at += 4;
  };
  const bytes = (b: Uint8Array) => {
    u32(b.length);
    buf.set(b, at);
    at += b.length;
  };
  buf.set(enc.encode("KHJ1"), 0);
  at = 4;
  u32(job.n);
  u32(libs.length);
  u32(job.inputs.length);
  u32(kernels.length);
  libBytes.forEach(bytes);
  for (const cols of job.inputs) {
    u32(cols.length);
    for (const c of cols) {
      if (c.length !== job.n) throw new Error(`input column has ${c.length} values, job n is ${job.n}`);
      buf.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
      at += c.byteLength;
    }
  }
  kernels.forEach((k, i) => {
    if (k.input < 0 || k.input >= job.inputs.length) throw new Error(`kernel ${i}: no input set ${k.input}`);
    u32(libIndex.get(k.lib)!);
    u32(k.input);
    bytes(symBytes[i]);
  });
  return buf;
}

/** The CPU measurements are pinned to by default: the last one. */
export function defaultCore(): number {
  return Math.max(0, (navigator.hardwareConcurrency ?? 1) - 1);
}

function settingArgs(s: HarnessSettings): string[] {
  const pairs: [string, number | undefined][] = [
    ["--core", s.core ?? defaultCore()],
    ["--rounds", s.rounds],
    ["--warmup-ms", s.warmupMs],
    ["--min-ms", s.minMs],
    ["--sample-us", s.sampleUs],
    ["--min-samples", s.minSamples],
    ["--max-samples", s.maxSamples],
    ["--timeout-ms", s.timeoutMs],
  ];
  return pairs.filter(([, v]) => v !== undefined && v >= 0).flatMap(([k, v]) => [k, String(v)]);
}

/** Times every kernel of `job`; one result per kernel, in order. */
export async function runHarness(job: HarnessJob, settings: HarnessSettings = {}): Promise<HarnessResult[]> {
  const exe = ensureHarness(settings.variant ?? "release", settings.target);
  // A native target's runner is empty: the harness runs as itself.
  const runner = settings.target?.runner ?? [];
  const results: (HarnessResult | undefined)[] = new Array(job.kernels.length);
  if (job.kernels.length === 0) return [];
  const dir = Deno.makeTempDirSync({ prefix: "kharness-" });
  const jobPath = join(dir, "job.bin");
  const outPath = join(dir, "out.bin");
  const record = (i: number, r: HarnessResult) => {
    results[i] = r;
    settings.onResult?.(i, r);
  };
  try {
    Deno.writeFileSync(jobPath, encodeJob(job));
    const argv = [...runner, exe, jobPath, outPath, ...settingArgs(settings)];
    const child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdout: "piped",
      stderr: "piped",
      env: settings.env ? { ...settings.env } : undefined,
    }).spawn();
    const stderrText = new Response(child.stderr).text();
    let outFile: Deno.FsFile | null = null;
    try {
      for await (const l of readLines(child.stdout)) {
        if (l.text.trim() === "") continue;
        const line = Line.parse(JSON.parse(l.text));
        if (line.status === "round") {
          settings.onRound?.(line.round, line.rounds);
          continue;
        }
        if (line.i < 0 || line.i >= job.kernels.length) throw new Error(`harness reported kernel ${line.i}`);
        if (line.status !== "ok") {
          record(line.i, { ok: false, status: line.status, message: line.message });
          continue;
        }
        // Outputs are written in round 0, long before a kernel's line.
        outFile ??= Deno.openSync(outPath, { read: true });
        const output = new Float32Array(job.n);
        const bytes = new Uint8Array(output.buffer);
        outFile.seekSync(line.i * bytes.length, Deno.SeekMode.Start);
        let got = 0;
        while (got < bytes.length) {
          const k = outFile.readSync(bytes.subarray(got));
          if (k === null) throw new Error(`harness outputs of kernel ${line.i} are truncated`);
          got += k;
        }
        record(line.i, {
          ok: true,
          nsPerElem: line.ns_per_elem,
          refNsPerElem: line.ref_ns_per_elem,
          ratio: line.ratio,
          cv: line.cv,
          refCv: line.ref_cv,
          plainCv: line.plain_cv,
          samples: line.samples,
          inner: line.inner,
          rounds: line.rounds,
          roundSpread: line.round_spread,
          output,
        });
      }
    } finally {
      outFile?.close();
    }
    const status = await child.status;
    const stderr = (await stderrText).trim();
    if (results.every((r) => r === undefined) && !status.success) {
      // It refused the job before measuring anything: our bug, not a kernel's.
      throw new Error(`the timing harness failed (exit ${status.code}): ${stderr}`);
    }
    const why = status.signal !== null ? `signal ${status.signal}` : `exit code ${status.code}`;
    for (let i = 0; i < results.length; i++) {
      if (results[i] === undefined) {
        record(i, { ok: false, status: "error", message: `the timing harness died (${why}): ${stderr.slice(0, 500)}` });
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  return results.map((r) => r!);
}
