/**
 * The static cost table of a target and of the code that will run: ours
 * (`kopt`, the SIMD code generator), or the plain C a user's compiler makes
 * of an emitted expression (`gcc` or `clang`, at -O3 -ffast-math). They
 * differ most in vector math: our code calls libmvec or SLEEF on whole
 * vectors; gcc vectorizes the functions glibc's math-vector.h declares;
 * clang without -fveclib calls scalar libm once per lane. A rewrite of exp
 * into exp2 that pays in our code can make clang's build 2-14x slower.
 *
 * Tables are measured by `deno task bench:ops --target T --for B --json`
 * into data/cost_tables/<isa>-<build>.json (units: one add per vector of
 * the ISA). The AVX-512 table of our code is the op table's own (ops.ts),
 * which the calibration's held-out kernels were checked against. NEON runs
 * here only under emulation, where nothing can be timed: its tables are the
 * AVX2 ones, said so in their name.
 */
import { join } from "node:path";
import { z } from "zod";
import { COST_TABLES_DIR } from "../base/paths.ts";
import { type CostTable, costTable, REFERENCE_COSTS } from "../expr/cost.ts";
import { OP_NAMES, opCode, type OpName } from "../expr/ops.ts";
import { type Isa, ISAS } from "./target.ts";

/** Whose code the costs are of: ours, or plain C under that compiler at -O3 -ffast-math. */
export const BUILDERS = ["kopt", "gcc", "clang"] as const;
export type Builder = typeof BUILDERS[number];

/** What each build is, in words, for reports. */
export const BUILDER_WORDS: Readonly<Record<Builder, string>> = {
  kopt: "our SIMD code",
  gcc: "plain C under gcc -O3 -ffast-math",
  clang: "plain C under clang -O3 -ffast-math",
};

const Half = z.number().nonnegative().refine((x) => Number.isInteger(x * 2), "must be a multiple of 0.5");

/** A measured table as bench:ops --json writes it. */
export const CostTableFile = z.object({
  isa: z.enum(ISAS),
  build: z.enum(BUILDERS),
  unit: z.string(),
  /** The machine it was measured on. */
  machine: z.object({ cpu: z.string(), hash: z.string() }),
  measured: z.string(),
  /** Per op, and the two leaves as `var` and `const`. */
  costs: z.record(z.string(), Half),
  /**
   * Ops measured later than the rest (`bench:ops --ops`), each in units of
   * a `+` timed in the same run: new ops join a table without re-timing it.
   */
  updated: z.array(z.object({
    ops: z.array(z.string()),
    machine: z.object({ cpu: z.string(), hash: z.string() }),
    measured: z.string(),
  })).optional(),
});
export type CostTableFile = z.infer<typeof CostTableFile>;

/** The file of `isa`'s table for `build`. */
export function costTablePath(isa: Isa, build: Builder): string {
  return join(COST_TABLES_DIR, `${isa}-${build}.json`);
}

/**
 * `x` rounded to 8 significant bits. The untrained Judge holds each cost
 * in a bfloat16 row of the embedding, which must store it exactly (the C
 * network refuses an inexact latency row): 226.5 becomes 226, 1029.5 becomes
 * 1032, every cost below 128 stays as measured (a multiple of 0.5). The
 * change is under 0.4%, well inside the timings' noise.
 */
export function bf16Exact(x: number): number {
  if (x === 0) return 0;
  const step = 2 ** (Math.floor(Math.log2(x)) - 7);
  return Math.round(x / step) * step;
}

const cache = new Map<string, CostTable>();

function readTable(isa: Isa, build: Builder, name: string): CostTable {
  const path = costTablePath(isa, build);
  let raw: unknown;
  try {
    raw = JSON.parse(Deno.readTextFileSync(path));
  } catch (e) {
    throw new Error(`cost table ${path}: ${(e as Error).message} (deno task bench:ops --json writes it)`);
  }
  const f = CostTableFile.parse(raw);
  const missing = [...OP_NAMES.filter((n) => n !== "d"), "var", "const"].filter((n) => !(n in f.costs));
  if (missing.length > 0) throw new Error(`cost table ${path}: no cost for ${missing.join(", ")}`);
  // `d` cannot be compiled: it keeps the op table's prohibitive price.
  const ops = Object.fromEntries(
    OP_NAMES.map((n) => [n, n === "d" ? REFERENCE_COSTS.byKind[opCode("d")] : bf16Exact(f.costs[n])]),
  ) as Record<OpName, number>;
  return costTable(name, ops, { var: f.costs.var, const: f.costs.const });
}

/** The static table of `isa`'s code as `build` makes it. */
export function costTableFor(isa: Isa, build: Builder): CostTable {
  const key = `${isa}-${build}`;
  let t = cache.get(key);
  if (t === undefined) {
    if (isa === "avx512" && build === "kopt") t = REFERENCE_COSTS;
    else if (isa === "neon") t = readTable("avx2", build, `neon-${build} (the avx2-${build} table: not timed)`);
    else t = readTable(isa, build, key);
    cache.set(key, t);
  }
  return t;
}
