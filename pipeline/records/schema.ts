/**
 * The record contracts between stages. These zod schemas are the truth;
 * DESIGN.md sketches them. Every record passes unknown fields through, so a
 * stage never drops what a later stage needs.
 */
import { z } from "zod";
import { ISAS } from "../target/target.ts";
import { freeVars, isValidVarName } from "../expr/expr.ts";
import { parseExpr } from "../expr/fpcore.ts";

/**
 * A record as a JSONL line: a JSON object. The fields a stage does not read
 * pass through it unchanged, so a later stage still has them.
 */
export const JsonObject = z.record(z.string(), z.unknown());
export type JsonObject = Readonly<z.infer<typeof JsonObject>>;

export const VarName = z.string().refine(isValidVarName, {
  message: "must be an identifier (letters, digits, _ and .), not PI, E, INFINITY or NAN",
});

/** A closed input range [lo, hi], finite, not inverted. */
export const RangeSchema = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi), {
    message: "range bounds must be finite numbers",
  })
  .refine(([lo, hi]) => lo <= hi, { message: "range is empty or inverted (lo > hi)" });

/** An expression to optimize or measure: the record every stage starts from. */
export const ExpressionRecord = z
  .looseObject({
    id: z.string().min(1),
    /** FPCore body in S-expression form, e.g. `(+ (* a b) c)`. */
    expr: z.string().min(1),
    vars: z.array(VarName),
    ranges: z.record(z.string(), RangeSchema).optional(),
    name: z.string().optional(),
    pre: z.string().optional(),
    source: z.string().optional(),
    tags: z.array(z.string()).optional(),
  })
  .superRefine((rec, ctx) => {
    const declared = new Set(rec.vars);
    if (declared.size !== rec.vars.length) {
      ctx.addIssue({ code: "custom", path: ["vars"], message: "a variable is listed twice" });
    }
    for (const name of Object.keys(rec.ranges ?? {})) {
      if (!declared.has(name)) {
        ctx.addIssue({ code: "custom", path: ["ranges", name], message: `range for undeclared variable ${name}` });
      }
    }
    try {
      for (const name of freeVars(parseExpr(rec.expr))) {
        if (!declared.has(name)) {
          ctx.addIssue({ code: "custom", path: ["expr"], message: `uses undeclared variable ${name}` });
        }
      }
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["expr"], message: (e as Error).message });
    }
  });

export type ExpressionRecord = z.infer<typeof ExpressionRecord>;

/** Why a stage could not process a record; the record passes on with it. */
export const StageError = z.object({ stage: z.string(), message: z.string() });

/** A record some stage gave up on: every later stage passes it through unchanged. */
export const ErrorRecord = z.looseObject({ error: StageError });
export type ErrorRecord = z.infer<typeof ErrorRecord>;

/** Where a compiled kernel lives and how it was built (`compile` adds it). */
export const KernelInfo = z.looseObject({
  /** Absolute path of the shared library, inside the kernel cache. */
  lib: z.string().min(1),
  /** Generated, never from input: `k_` (our SIMD) or `p_` (plain C) + 16 hex digits. */
  symbol: z.string().regex(/^[kp]_[0-9a-f]{16}$/, "must be a generated kernel symbol"),
  /** Compiler and version, e.g. `gcc 12.2.0`. */
  compiler: z.string(),
  /** The fixed flag set, libraries included. */
  flags: z.array(z.string()),
  /** Wall time of the kernel's compiler call divided by the kernels in it. */
  compile_ms: z.number().nonnegative(),
  /** The target ISA the kernel was built for; bench times only what this host runs natively. */
  isa: z.enum(ISAS),
  codegen: z.number().int().optional(),
  /** Hash of compiler version, flags and preamble: the rest of what decides the code. */
  config: z.string().optional(),
});

/** An expression record with its compiled kernel. */
export const CompiledRecord = z.intersection(ExpressionRecord, z.looseObject({ kernel: KernelInfo }));
export type CompiledRecord = z.infer<typeof CompiledRecord>;

/** The machine a timing was taken on (pipeline/kernel/machine.ts). */
export const MachineSchema = z.looseObject({
  hash: z.string().min(1),
  cpu: z.string(),
  cpu_id: z.string(),
  cpu_flags: z.array(z.string()),
  cores: z.number().int(),
  compiler: z.string(),
  glibc: z.string(),
});

/** What `bench` adds to a compiled record. */
export const Measurement = z.looseObject({
  /** Median ns per element in the fastest round. */
  ns_per_elem: z.number().positive(),
  /** Kernel time over the fixed reference kernel's, measured alternately in one process. */
  ratio: z.number().positive(),
  /** The reference kernel's ns per element in the same run. */
  ref_ns_per_elem: z.number().positive(),
  /** Robust coefficient of variation of the samples (1.4826 MAD / median). */
  cv: z.number().nonnegative(),
  /** Timed kernel calls, over all rounds. */
  reps: z.number().int().positive(),
  /** Elements per call. */
  n: z.number().int().positive(),
  machine: MachineSchema,
  /** Error against the float64 reference on the sampled inputs. */
  max_ulp: z.number().nonnegative(),
  mean_ulp: z.number().nonnegative(),
});

/** A compiled record with its measurement. */
export const MeasuredRecord = z.intersection(CompiledRecord, Measurement);
export type MeasuredRecord = z.infer<typeof MeasuredRecord>;

/**
 * One of several equivalent forms of a kernel (`variants` adds it): `of` is
 * the kernel's id, the group that training splits by and that ranking
 * compares within; `how` says where the form came from.
 */
export const VariantRecord = z.intersection(
  ExpressionRecord,
  z.looseObject({
    of: z.string().min(1),
    how: z.string().min(1),
    /** Rules applied to reach the form (walks, derivative elimination). */
    steps: z.array(z.string()).optional(),
    /** staticCost of the form (the op table's estimate). */
    static_cost: z.number().nonnegative().optional(),
  }),
);
export type VariantRecord = z.infer<typeof VariantRecord>;

/** A measured variant: what `train-judge` and `eval:judge` read. */
export const MeasuredVariantRecord = z.intersection(VariantRecord, Measurement);
export type MeasuredVariantRecord = z.infer<typeof MeasuredVariantRecord>;

/** Max and mean error in floored ulps against the float64 reference (pipeline/expr/ulp.ts). */
export const ErrorSummary = z.object({
  max_ulp: z.number().nonnegative(),
  mean_ulp: z.number().nonnegative(),
});

/** One build timed by `optimize --measure`: normalized ns per element and measured error. */
export const MeasuredBuild = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    /** ratio x the run's median reference-kernel time. */
    ns_per_elem: z.number().positive(),
    /** Time over the harness's reference kernel, in the same process. */
    ratio: z.number().positive(),
    max_ulp: z.number().nonnegative(),
    mean_ulp: z.number().nonnegative(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/**
 * One point of a kernel's Pareto front of (time, max error) (`optimize
 * --pareto`): `time` is the Judge's predicted ns per element when the
 * ranking is the Judge's, the static table's cost otherwise (`time_unit`).
 */
export const ParetoPointRecord = z.object({
  time: z.number().nonnegative(),
  time_unit: z.enum(["ns", "cost"]),
  max_ulp: z.number().nonnegative(),
  mean_ulp: z.number().nonnegative(),
  /** Within the accuracy guard (the input's max error plus the allowance). */
  accepted: z.boolean(),
  /** FPCore body of the form. */
  expr: z.string().min(1),
});

/**
 * What `optimize --emit json` writes per kernel: the input record (fields
 * passed through) plus the search's result, its accuracy against the
 * accuracy guard, and with `--measure` every timed build and what the tool
 * returns.
 */
export const OptimizeRecord = z.intersection(
  ExpressionRecord,
  z.looseObject({
    /** FPCore body of the chosen form (derivatives written out). */
    optimized: z.string().min(1),
    /** Rules applied, in order; null when the search recorded no derivation. */
    steps: z.array(z.string()).nullable(),
    predicted_ns: z.object({ input: z.number().nonnegative(), optimized: z.number().nonnegative() }),
    predicted_speedup: z.number().positive(),
    static_cost: z.object({ input: z.number().nonnegative(), optimized: z.number().nonnegative() }),
    accuracy: z.object({
      input: ErrorSummary,
      optimized: ErrorSummary,
      samples: z.number().int().positive(),
      /** The largest max error a candidate may have: the input's plus the allowance. */
      guard_max_ulp: z.number().nonnegative(),
      /** Faster-predicted candidates dropped because they broke the guard. */
      dropped: z.number().int().nonnegative(),
    }),
    search: z.object({
      kind: z.enum(["guided", "saturate"]),
      rank: z.enum(["judge", "static"]),
      rules: z.number().int().nonnegative(),
      rewrites: z.number().int().nonnegative(),
      ms: z.number().nonnegative(),
      ms_to_best: z.number().nonnegative(),
      stopped: z.string(),
      /** What the chosen form is best at (absent in records written before the objective existed: speed). */
      objective: z.enum(["speed", "accuracy"]).optional(),
    }),
    /** The Pareto front over the forms reached, fastest first (absent in older records). */
    pareto: z.array(ParetoPointRecord).optional(),
    /** How the chosen form was picked when not by speed (`--objective accuracy`, `--pick`). */
    picked: z.string().optional(),
    measured: z.object({
      n: z.number().int().positive(),
      builds: z.record(z.string(), MeasuredBuild),
      guard_max_ulp: z.number().nonnegative(),
      /** Speedup of the returned build over each timed build of the original (ratio of times). */
      speedup: z.record(z.string(), z.number().positive()),
    }).optional(),
    /** What the tool returns: `optimized`, or a build of the original (`kopt`, `gcc -O3 -ffast-math`). */
    returned: z.object({
      build: z.string(),
      /** FPCore body of the returned form. */
      expr: z.string().min(1),
      why: z.string(),
      /**
       * Approximate functions the returned kernel computes some nodes with
       * (absent: none): the subexpression (FPCore), the function, its
       * declared bound in ulps and its C function.
       */
      approximations: z.array(z.object({
        at: z.string().min(1),
        fn: z.string(),
        bound_ulp: z.number().positive(),
        c_name: z.string(),
      })).optional(),
    }),
  }),
);
export type OptimizeRecord = z.infer<typeof OptimizeRecord>;
