/**
 * The raw results of `compare` (`--json FILE`), which `report` reads: per
 * kernel, the forms each search chose, the candidates the Judge ranked,
 * every timed build and what the optimizer returned; plus the rule-count
 * sweep. The zod schema is the contract: a file that does not match is
 * refused with the path of the bad field.
 */
import { z } from "zod";
import { MachineSchema } from "../records/schema.ts";
import { BUILDERS } from "../target/cost_tables.ts";

export const CellSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    /** Normalized ns per element (ratio x the run's median reference time). */
    ns: z.number().positive(),
    ratio: z.number().positive(),
    maxUlp: z.number().nonnegative(),
    meanUlp: z.number().nonnegative(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** A form of a kernel as the optimizer saw it (float32 model vs float64, floored ulps). */
export const FormSchema = z.object({
  expr: z.string().min(1),
  steps: z.array(z.string()).nullable(),
  predictedNs: z.number().nonnegative(),
  staticCost: z.number().nonnegative(),
  maxUlp: z.number().nonnegative(),
  meanUlp: z.number().nonnegative(),
});

export const SearchRunSchema = z.object({
  form: FormSchema,
  /** Faster-ranked candidates the accuracy guard dropped. */
  dropped: z.number().int().nonnegative(),
  timeMs: z.number().nonnegative(),
  timeToBestMs: z.number().nonnegative(),
  rewrites: z.number().int().nonnegative(),
  stopped: z.string(),
});

export const CandidateSchema = FormSchema.extend({
  accepted: z.boolean(),
  /** Plan label when it was timed. */
  label: z.string().optional(),
});

export const KernelRowSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  /** graphics, physics, autodiff, ml, conditionals (data/kernels file stems) or fpbench. */
  domain: z.string(),
  vars: z.array(z.string()),
  /** Every variable's range, as searched, sampled and timed. */
  ranges: z.record(z.string(), z.tuple([z.number(), z.number()])),
  expr: z.string(),
  baseline: FormSchema,
  guided: SearchRunSchema,
  saturate: SearchRunSchema,
  /** Every candidate of the guided search, fastest predicted first. */
  candidates: z.array(CandidateSchema),
  cells: z.record(z.string(), CellSchema),
  /** Max floored ulp a returned build may have when measured. */
  guardLimit: z.number().nonnegative(),
  /**
   * The form with approximate functions the optimizer proposed within the
   * guard (timed as the build `approximated`): which functions at which
   * declared bounds, and its error in the float32 model.
   */
  approximated: z.object({
    expr: z.string(),
    approximations: z.array(z.object({ at: z.string(), fn: z.string(), boundUlp: z.number(), cName: z.string() })),
    maxUlp: z.number().nonnegative(),
    meanUlp: z.number().nonnegative(),
    staticCost: z.number().nonnegative(),
  }).optional(),
  /** What optimize --measure returns: the build's label, why, and the form (FPCore). */
  returned: z.object({ build: z.string(), why: z.string(), expr: z.string().optional() }),
});
export type KernelRow = z.infer<typeof KernelRowSchema>;

/** One point of the sweep: a method with the first `rules` rules, on one kernel. */
export const SweepPointSchema = z.object({
  method: z.enum(["guided", "saturate"]),
  rules: z.number().int().positive(),
  id: z.string(),
  timeMs: z.number().nonnegative(),
  predictedSpeedup: z.number().positive(),
  /** Measured time of the chosen form over our code of the original (same run); null if not timed. */
  measuredSpeedup: z.number().positive().nullable(),
});
export type SweepPoint = z.infer<typeof SweepPointSchema>;

export const CompareResultSchema = z.object({
  kind: z.literal("kopt-compare"),
  version: z.literal(1),
  created: z.string(),
  machine: MachineSchema,
  /** The target our code was built for (describeTarget); results written before targets existed were AVX-512. */
  target: z.string().default("avx512 (16 lanes, gcc -march=native)"),
  /** The code the optimized forms run as (compare --for): ours, or plain C under gcc or clang -O3 -ffast-math. */
  builder: z.enum(BUILDERS).default("kopt"),
  /** /proc/loadavg (1, 5, 15 min) when the run started and ended. */
  load: z.object({ start: z.array(z.number()), end: z.array(z.number()) }),
  corpus: z.array(z.string()),
  settings: z.object({
    timeMs: z.number(),
    maxUlp: z.number(),
    samples: z.number().int(),
    n: z.number().int(),
    rounds: z.number().int(),
    rules: z.number().int(),
  }),
  /** Table columns in order: the six peers, kopt, saturate, guided. */
  columns: z.array(z.string()),
  kernels: z.array(KernelRowSchema),
  /** Benchmarks of the corpus that do not parse (loops). */
  skipped: z.array(z.string()),
  sweep: z.object({ timeMs: z.number(), points: z.array(SweepPointSchema) }).optional(),
});
export type CompareResult = z.infer<typeof CompareResultSchema>;

/** Reads and validates a compare JSON file; errors name the file and the field. */
export function readCompareResult(path: string): CompareResult {
  const text = Deno.readTextFileSync(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not JSON: ${(e as Error).message}`);
  }
  const r = CompareResultSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${path}: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  return r.data;
}
