/**
 * The measuring instrument's own benchmark (`deno task bench:harness`):
 * - compile throughput in kernels per second, batches of 100 and 1,000
 *   random kernels, against one compiler call per kernel;
 * - noise: the same kernels measured in several separate harness processes;
 *   per kernel the spread (max/min) of its medians, as absolute ns and as a
 *   ratio to the reference kernel, and the median coefficient of variation.
 */
import { FUSED_MIX, randomExpr, Rng } from "../expr/random.ts";
import { sampleInputs } from "../expr/sample.ts";
import { simdKernel } from "./codegen.ts";
import { compileKernels } from "./compile.ts";
import { type HarnessResult, type HarnessSettings, runHarness } from "./harness.ts";
import { DEFAULT_N, INPUT_SEED } from "./measure.ts";
import { kernelConfig } from "./toolchain.ts";
import type { Target } from "../target/target.ts";
import { median } from "../base/stats.ts";

const VARS = ["x", "y", "z"];
const RANGE: [number, number] = [0.5, 4];

/** `count` random kernels (fused mix, about `size` ops each), reproducible from `seed`. */
export function randomKernels(count: number, seed: number, size = 10) {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => randomExpr(rng, { vars: VARS, mix: FUSED_MIX, size, range: RANGE }));
}

export interface Throughput {
  readonly kernels: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly calls: number;
}

/** Compiles `count` fresh kernels into an empty cache; `maxChunk` 1 means one compiler call per kernel. */
export async function compileThroughput(
  count: number,
  seed: number,
  target: Target,
  options: { maxChunk?: number; jobs?: number } = {},
): Promise<Throughput> {
  const cacheDir = Deno.makeTempDirSync({ prefix: "kcache-bench-" });
  try {
    const srcs = randomKernels(count, seed).map((e) => simdKernel(e, VARS, target.isa));
    const t0 = performance.now();
    const res = await compileKernels(srcs, kernelConfig(target), { cacheDir, ...options });
    const seconds = (performance.now() - t0) / 1000;
    const failed = res.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`${failed.length} kernels failed to compile`);
    const calls = new Set(res.map((r) => (r.ok ? r.lib : ""))).size;
    return { kernels: count, seconds, perSecond: count / seconds, calls };
  } finally {
    Deno.removeSync(cacheDir, { recursive: true });
  }
}

export interface NoiseRow {
  readonly index: number;
  /** Median ns per element in each run. */
  readonly ns: readonly number[];
  /** Ratio to the reference in each run. */
  readonly ratio: readonly number[];
  readonly nsSpread: number;
  readonly ratioSpread: number;
}

export interface NoiseResult {
  readonly rows: readonly NoiseRow[];
  /** Median over kernels and runs of the robust CV of the samples. */
  readonly medianCv: number;
  /** The same for the plain stddev / mean. */
  readonly medianPlainCv: number;
  readonly runs: number;
}

/** Measures `count` random kernels in `runs` separate harness processes. */
export async function noiseStudy(
  count: number,
  runs: number,
  seed: number,
  target: Target,
  settings: HarnessSettings = {},
  progress?: (m: string) => void,
): Promise<NoiseResult> {
  const exprs = randomKernels(count, seed);
  const compiled = await compileKernels(exprs.map((e) => simdKernel(e, VARS, target.isa)), kernelConfig(target));
  const kernels = compiled.map((c, i) => {
    if (!c.ok) throw new Error(`kernel ${i}: ${c.error}`);
    return { lib: c.lib, symbol: c.symbol, input: i };
  });
  const ranges = Object.fromEntries(VARS.map((v) => [v, RANGE]));
  const inputs = exprs.map(() => sampleInputs(VARS, ranges, DEFAULT_N, INPUT_SEED));
  const all: HarnessResult[][] = [];
  for (let r = 0; r < runs; r++) {
    progress?.(`noise: run ${r + 1}/${runs} (a separate harness process) over ${count} kernels`);
    all.push(await runHarness({ n: DEFAULT_N, inputs, kernels }, settings));
  }
  const cvs: number[] = [], plain: number[] = [];
  const rows = kernels.map((_, k): NoiseRow => {
    const ok = all.map((run) => run[k]).filter((x) => x.ok) as Extract<HarnessResult, { ok: true }>[];
    if (ok.length !== runs) throw new Error(`kernel ${k} failed in a run`);
    ok.forEach((x) => {
      cvs.push(x.cv);
      plain.push(x.plainCv);
    });
    const ns = ok.map((x) => x.nsPerElem), ratio = ok.map((x) => x.ratio);
    return {
      index: k,
      ns,
      ratio,
      nsSpread: Math.max(...ns) / Math.min(...ns),
      ratioSpread: Math.max(...ratio) / Math.min(...ratio),
    };
  });
  return { rows, medianCv: median(cvs), medianPlainCv: median(plain), runs };
}

export function formatNoise(r: NoiseResult, limit = 1.05): string {
  const lines = [
    `kernel  median ns/elem per run${" ".repeat(Math.max(0, 8 * r.runs - 22))}  ns max/min  ratio max/min`,
  ];
  for (const row of r.rows) {
    lines.push(
      `${String(row.index).padStart(6)}  ${row.ns.map((x) => x.toFixed(3).padStart(7)).join(" ")}  ${
        row.nsSpread.toFixed(3).padStart(10)
      }  ${row.ratioSpread.toFixed(3).padStart(13)}`,
    );
  }
  const within = (f: (x: NoiseRow) => number) => r.rows.filter((x) => f(x) <= limit).length;
  const med = (f: (x: NoiseRow) => number) => median(r.rows.map(f));
  const worst = (f: (x: NoiseRow) => number) => Math.max(...r.rows.map(f));
  lines.push(
    `spread (max/min of ${r.runs} runs): absolute ns median ${med((x) => x.nsSpread).toFixed(3)}, worst ${
      worst((x) => x.nsSpread).toFixed(3)
    }, ${within((x) => x.nsSpread)}/${r.rows.length} within ${limit}`,
    `                              ratio        median ${med((x) => x.ratioSpread).toFixed(3)}, worst ${
      worst((x) => x.ratioSpread).toFixed(3)
    }, ${within((x) => x.ratioSpread)}/${r.rows.length} within ${limit}`,
    `median CV of the samples: ${(r.medianCv * 100).toFixed(2)}% robust (1.4826 MAD/median), ${
      (r.medianPlainCv * 100).toFixed(2)
    }% plain (stddev/mean)`,
  );
  return lines.join("\n");
}
