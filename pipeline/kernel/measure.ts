/**
 * Records in, records out: compiling expression records into kernels and
 * measuring compiled records, as library calls that the `compile` and
 * `bench` stages wrap and that a calibration loop composes in one process:
 *
 *     const measured = await measureExpressions(records, { target: resolveTarget() });
 *
 * Every record comes back, in order. One that cannot be handled (bad
 * expression, unknown variable, inverted range, a kernel that does not
 * compile, crashes or never returns) comes back with an `error` field
 * `{stage, message}`; records that already carry an error pass unchanged.
 */
import { parseExpr } from "../expr/fpcore.ts";
import { withBoundaries } from "../expr/boundary.ts";
import { sampleInputs } from "../expr/sample.ts";
import { describeZodError } from "../records/jsonl.ts";
import {
  CompiledRecord,
  ErrorRecord,
  ExpressionRecord,
  type JsonObject,
  type MeasuredRecord,
} from "../records/schema.ts";
import { kernelAccuracy } from "./accuracy.ts";
import { benchCacheEntries, cacheKey, type CacheLine, recordInBenchCache } from "./bench_cache.ts";
import { CODEGEN_VERSION, simdKernel } from "./codegen.ts";
import { compileKernels, type CompileOptions, isInsideCache } from "./compile.ts";
import { type HarnessSettings, runHarness } from "./harness.ts";
import { machineFingerprint } from "./machine.ts";
import { compilerVersion, configHash, kernelConfig, recordedFlags } from "./toolchain.ts";
import { type Isa, resolveTarget, type Target, TargetError } from "../target/target.ts";
import { BENCH_CACHE, KCACHE } from "../base/paths.ts";

/** What compile and bench give back for each record: the record with its new fields, or with an error. */
export type Compiled = CompiledRecord | ErrorRecord;
export type Measured = MeasuredRecord | ErrorRecord;

/** Seed of the sampled inputs: fixed, so a kernel is always timed on the same data. */
export const INPUT_SEED = 1;
/** Elements per kernel call: cache-resident, a multiple of every vector width. */
export const DEFAULT_N = 4096;

export interface CompileRecordsOptions extends CompileOptions {
  /** What the kernels are built for. */
  readonly target: Target;
  /** Progress messages (for stderr). */
  readonly progress?: (message: string) => void;
  /** Called once per call with what became of its records (the `compile` stage adds them up). */
  readonly summary?: (s: CompileSummary) => void;
}

/** What `compileRecords` did with one call's records. */
export interface CompileSummary {
  readonly records: number;
  /** Records that came out with a kernel. */
  readonly compiled: number;
  /** Records refused before compiling: bad expression, variable or range. */
  readonly refused: number;
  /** Records whose kernel the compiler failed to build. */
  readonly failed: number;
  /** Error records of an earlier stage, passed on unchanged. */
  readonly passed: number;
  /** The first compiler failure's message, if any. */
  readonly firstError?: string;
}

export interface BenchOptions extends HarnessSettings {
  readonly cacheDir?: string;
  /** Elements per call (default 4096). */
  readonly n?: number;
  /** The benchmark cache file, or null for none (default data/benchmark_cache.jsonl). */
  readonly benchCache?: string | null;
  /** Only kernels built for this ISA are timed (bench --target); the others come back with an error. */
  readonly isa?: Isa;
  /** Measure again even when the cache has the record. */
  readonly fresh?: boolean;
  readonly progress?: (message: string) => void;
  /** Called once per call of benchRecords, so `bench` can choose its exit code as `compile` does. */
  readonly summary?: (s: BenchSummary) => void;
}

/** What one benchRecords call did with its records. */
export interface BenchSummary {
  readonly records: number;
  /** Records that came out with a measurement (timed now or from the cache). */
  readonly measured: number;
  /** Records refused before timing: not a compiled record, another ISA, a library outside the cache. */
  readonly refused: number;
  /** Error records of an earlier stage, passed on. */
  readonly passed: number;
}

export function errorRecord(raw: JsonObject, stage: string, message: string): ErrorRecord {
  return { ...raw, error: { stage, message } };
}

const asError = (raw: JsonObject): ErrorRecord | null => {
  const e = ErrorRecord.safeParse(raw);
  return e.success ? e.data : null;
};

/** Compiles the expression records; returns compiled or error records, in order. */
export async function compileRecords(
  records: readonly JsonObject[],
  options: CompileRecordsOptions,
): Promise<Compiled[]> {
  const isa = options.target.isa;
  const config = kernelConfig(options.target);
  const out: Compiled[] = new Array(records.length);
  const todo: { i: number; rec: ExpressionRecord; src: ReturnType<typeof simdKernel> }[] = [];
  let passed = 0;
  records.forEach((raw, i) => {
    const failed = asError(raw);
    if (failed !== null) {
      passed++;
      out[i] = failed;
      return;
    }
    const v = ExpressionRecord.safeParse(raw);
    if (!v.success) {
      out[i] = errorRecord(raw, "compile", describeZodError(v.error));
      return;
    }
    try {
      todo.push({ i, rec: v.data, src: simdKernel(parseExpr(v.data.expr, v.data.vars), v.data.vars, isa) });
    } catch (e) {
      out[i] = errorRecord(raw, "compile", `expr: ${(e as Error).message}`);
    }
  });
  const t0 = performance.now();
  const results = await compileKernels(todo.map((t) => t.src), config, {
    ...options,
    onProgress: (done, total) => options.progress?.(`compile: ${done}/${total} kernels built`),
  });
  const compiler = compilerVersion(config.cc);
  const flags = recordedFlags(config);
  let failed = 0, cached = 0;
  let firstError: string | undefined;
  todo.forEach((t, k) => {
    const r = results[k];
    if (r.cached) cached++;
    if (!r.ok) {
      failed++;
      firstError ??= r.error;
      out[t.i] = errorRecord(t.rec, "compile", r.error);
      return;
    }
    out[t.i] = {
      ...t.rec,
      kernel: {
        lib: r.lib,
        symbol: r.symbol,
        compiler,
        flags,
        compile_ms: Math.round(r.compileMs * 1000) / 1000,
        isa,
        codegen: CODEGEN_VERSION,
        config: configHash(config),
        cached: r.cached,
      },
    };
  });
  options.progress?.(
    `compile: ${todo.length} kernels (${cached} cached, ${failed} failed, ${records.length - todo.length} refused) in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  const refused = records.length - todo.length - passed;
  options.summary?.({
    records: records.length,
    compiled: todo.length - failed,
    refused,
    failed,
    passed,
    ...(firstError === undefined ? {} : { firstError }),
  });
  return out;
}

/**
 * Why this host cannot time a kernel built for `isa`, or null when it can:
 * the record names its ISA, and only a natively run one gives timings.
 */
function runnable(isa: Isa): string | null {
  try {
    const t = resolveTarget(isa);
    return t.emulated ? `kernel.isa: ${isa} runs here only under ${t.runner[0]}, where timings mean nothing` : null;
  } catch (e) {
    if (e instanceof TargetError) return `kernel.isa: ${e.message}`;
    throw e;
  }
}

/** Measures compiled records; returns measured or error records, in order. */
export async function benchRecords(records: readonly JsonObject[], options: BenchOptions = {}): Promise<Measured[]> {
  const n = options.n ?? DEFAULT_N;
  const cacheDir = options.cacheDir ?? KCACHE;
  const cachePath = options.benchCache === undefined ? BENCH_CACHE : options.benchCache;
  const fingerprint = machineFingerprint();
  // The record carries its own copy of the fingerprint (records are plain, mutable JSON).
  const machine = { ...fingerprint, cpu_flags: [...fingerprint.cpu_flags] };
  const cache = cachePath === null ? new Map<string, CacheLine>() : benchCacheEntries(cachePath);
  const out: Measured[] = new Array(records.length);
  const todo: { i: number; rec: CompiledRecord; key: string }[] = [];
  let passed = 0, refused = 0;

  records.forEach((raw, i) => {
    const failed = asError(raw);
    if (failed !== null) {
      out[i] = failed;
      passed++;
      return;
    }
    // Every error record made before the todo list is a refusal.
    refused++;
    const v = CompiledRecord.safeParse(raw);
    if (!v.success) {
      const hint = raw.kernel === undefined ? " (run compile first)" : "";
      out[i] = errorRecord(raw, "bench", describeZodError(v.error) + hint);
      return;
    }
    const rec = v.data;
    const runs = options.isa !== undefined && options.isa !== rec.kernel.isa
      ? `kernel.isa: built for ${rec.kernel.isa}, and bench was asked for ${options.isa}`
      : runnable(rec.kernel.isa);
    if (runs !== null) {
      out[i] = errorRecord(raw, "bench", runs);
      return;
    }
    if (!isInsideCache(rec.kernel.lib, cacheDir)) {
      out[i] = errorRecord(raw, "bench", `kernel.lib: not a library of the kernel cache ${cacheDir}`);
      return;
    }
    refused--;
    const key = cacheKey({
      expr: rec.expr,
      vars: rec.vars,
      ranges: rec.ranges,
      compiler: rec.kernel.compiler,
      flags: rec.kernel.flags,
      codegen: rec.kernel.codegen,
      config: rec.kernel.config,
      n,
      machine: machine.hash,
    });
    const hit = options.fresh ? undefined : cache.get(key);
    if (hit !== undefined) {
      out[i] = {
        ...rec,
        ns_per_elem: hit.ns_per_elem,
        ratio: hit.ratio,
        ref_ns_per_elem: hit.ref_ns_per_elem,
        cv: hit.cv,
        reps: hit.reps,
        n: hit.n,
        machine,
        max_ulp: hit.max_ulp,
        mean_ulp: hit.mean_ulp,
        from_cache: true,
      };
      return;
    }
    todo.push({ i, rec, key });
  });

  // Both sides of every condition's boundary too (boundary.ts), where the accuracy of a conditional is decided.
  const inputs = todo.map((t) => {
    const cols = sampleInputs(t.rec.vars, t.rec.ranges, n, INPUT_SEED);
    return withBoundaries(parseExpr(t.rec.expr, t.rec.vars), t.rec.vars, t.rec.ranges, cols);
  });
  let done = 0, failed = 0;
  const t0 = performance.now();
  const results = await runHarness(
    { n, inputs, kernels: todo.map((t, k) => ({ lib: t.rec.kernel.lib, symbol: t.rec.kernel.symbol, input: k })) },
    {
      ...options,
      onRound: (r, of) => options.progress?.(`bench: round ${r}/${of} over ${todo.length} kernels`),
      onResult: (i, r) => {
        done++;
        if (!r.ok) failed++;
        options.onResult?.(i, r);
      },
    },
  );
  const fresh: CacheLine[] = [];
  todo.forEach((t, k) => {
    const r = results[k];
    if (!r.ok) {
      out[t.i] = errorRecord(t.rec, "bench", `${r.status}: ${r.message}`);
      return;
    }
    const acc = kernelAccuracy(parseExpr(t.rec.expr, t.rec.vars), t.rec.vars, inputs[k], r.output);
    const m = {
      ns_per_elem: r.nsPerElem,
      ratio: r.ratio,
      ref_ns_per_elem: r.refNsPerElem,
      cv: r.cv,
      reps: r.samples * r.inner,
      n,
      max_ulp: acc.maxUlp,
      mean_ulp: Math.round(acc.meanUlp * 1e4) / 1e4,
    };
    out[t.i] = { ...t.rec, ...m, machine, rounds: r.rounds, round_spread: r.roundSpread };
    fresh.push({
      key: t.key,
      machine: machine.hash,
      expr: t.rec.expr,
      vars: t.rec.vars,
      ...(t.rec.ranges !== undefined ? { ranges: t.rec.ranges } : {}),
      compiler: t.rec.kernel.compiler,
      flags: t.rec.kernel.flags,
      codegen: t.rec.kernel.codegen,
      config: t.rec.kernel.config,
      ...m,
      rounds: r.rounds,
      round_spread: r.roundSpread,
      at: new Date().toISOString(),
    });
  });
  if (cachePath !== null) recordInBenchCache(fresh, cachePath);
  if (todo.length > 0 || records.length > 0) {
    options.progress?.(
      `bench: ${done - failed} measured, ${failed} failed, ${records.length - todo.length} cached or refused in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
    );
  }
  options.summary?.({
    records: records.length,
    measured: out.filter((r) => asError(r) === null).length,
    refused,
    passed,
  });
  return out;
}

/** Compile then bench: expression records to measured (or error) records. */
export async function measureExpressions(
  records: readonly JsonObject[],
  options: CompileRecordsOptions & BenchOptions,
): Promise<Measured[]> {
  return await benchRecords(await compileRecords(records, options), options);
}
