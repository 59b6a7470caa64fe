/**
 * The measured cost of each op: the marginal ns per element of adding it to
 * a kernel, which is what the op table's static `throughput` estimates
 * (pipeline/expr/ops.ts; cycles per 16-lane vector), for one build: our
 * SIMD code (`kopt`) or plain C as a user's compiler builds it (`gcc` =
 * gcc -O3 -ffast-math, `clang` = clang -O3 -ffast-math; `peerConfigs`).
 *
 * Our kernels. For an op f, the kernel with the op is
 *     sum over j = 1..M of f(a_j, a_j, ...)      a_j = x + c_j
 * (every argument the same a_j) and the kernel without it is
 *     sum over j = 1..M of a_j
 * with M distinct constants c_j, so the M applications are independent
 * (the loop is bound by their throughput, not their latency), nothing can
 * be shared between them, and the two kernels differ by exactly M
 * applications of f. The op's cost is the difference of their times over M.
 * x lies in [0.1, 0.9] (so a_j stays in (0, 1), where every op is defined
 * and on its fast path). A second pow row computes pow(a_j, 2) with
 * negative a_j, where libmvec's pow would be slow.
 *
 * Caveat: it is a marginal cost in a kernel made of additions. Zen 4 runs
 * FP adds and FP multiplies/FMAs on different pipes, so a multiply or an
 * FMA added to an add-bound kernel costs almost nothing; extra rows measure
 * those ops (and +) in a kernel built from multiplies instead.
 *
 * Plain C under -ffast-math needs other kernels (`plainOpKernels`), because
 * the compilers reassociate and contract our kernels away:
 *   - sum of (x + c_j) is linear in x: gcc folds the whole kernel without
 *     the op to one `vfmadd132ps` (8x + sum c_j), clang to the same per
 *     unrolled vector, so every op would be charged the 15 adds it keeps;
 *   - f(a_j, a_j) folds for half the binary ops: a - a = 0, a / a = 1,
 *     fmin/fmax/copysign(a, a) = a, and (gcc) hypot(a, a) = |a| sqrt 2;
 *   - a + a = 2a, and 2a_1 + 2a_2 + ... = 2 (a_1 + a_2 + ...): a + (or a -)
 *     inside a sum, like a * inside a product, is absorbed into the chain;
 *   - products of x * k_j fold to x^8 times a constant (the mul-bound row).
 * So for the plain builds the leaves are opaque: a_j = |x + c_j| (mul-bound:
 * copysign(x * k_j, x), which is |x * k_j| for x > 0; clang would merge
 * |a| * |b| into |a * b| in the kernel without the op only), an add
 * (multiply) and a logic op, which runs beside the adds (multiplies) and
 * costs nothing there; `bench:ops` with our build measures fabs at 0, and
 * a sum of |x + c_j| costs 2 adds per term, as a sum of
 * x + c_j does. Binary and ternary ops take distinct leaves, f(a_j, a_j+1,
 * a_j+2) (indices mod M), so nothing cancels; copysign takes x + c_j+1 as
 * its sign source, because both compilers know |.| is non-negative and
 * fold copysign(a, |b|) to |a|. The op that joins the chain (+ and - in the
 * add-bound kernel, * in the mul-bound one) is measured as the chain's
 * growth instead: the kernel with 2M leaves against the one with M, over
 * 2M, since each extra leaf brings its own add (multiply) and one more join.
 * Checked on the assembly of gcc 12 and clang 14 (-march=native, AVX-512
 * and AVX2): every kernel pair differs by exactly the op's instructions or
 * its vector (gcc: libmvec `_ZGVeN16v_expf`) or scalar (clang: `expf`, one
 * lane at a time) math calls, with these exceptions, which measure what the
 * compilers do with the op: neg folds into the sum (sum of -a_j = -(sum of
 * a_j)), fabs of a non-negative leaf is dropped, copysign(|a|, b) becomes a
 * single `vpternlogd` (AVX2: andn, and, or; all of these cost ~0 beside
 * the adds, like the logic ops they are), gcc drops the |.| under cos,
 * cosh and hypot (even functions), clang contracts the last step of its
 * rsqrt into the sum; the add-bound `*` row contracts a_j * a_j+1 + sum
 * into an FMA (the cost table takes the mul-bound row).
 * The pow (base < 0) row is ours only: under -ffast-math pow(a, 2) is a * a.
 *
 * Truth-valued ops and select (`logicOpKernels`) need a use, since a truth
 * value is not a term of a sum: each copy is a select of a_j and a
 * constant, and the kernel without the op is the same with the op's
 * contribution removed: select against the sum of a_j; a comparison
 * against a select on one shared condition; `and`/`or` against the select
 * on their first operand alone; `not` against the select without it.
 */
import { app, type Expr, num, v } from "../expr/expr.ts";
import { CONST_COST, OP_NAMES, type OpName, OPS, VAR_COST } from "../expr/ops.ts";
import { sampleInputs } from "../expr/sample.ts";
import { type KernelSource, simdKernel } from "./codegen.ts";
import { compileKernels } from "./compile.ts";
import { type HarnessSettings, runHarness } from "./harness.ts";
import { DEFAULT_N, INPUT_SEED } from "./measure.ts";
import { plainKernel } from "./plain_c.ts";
import { builderConfig, type CompilerConfig } from "./toolchain.ts";
import type { Builder, CostTableFile } from "../target/cost_tables.ts";
import type { Isa, Target } from "../target/target.ts";

/** How a_j is made and the copies combined: with adds (the FP add pipes) or multiplies (the FMA pipes). */
export type OpContext = "add" | "mul";

export interface OpCost {
  /** Op name, with a note for variants (`pow (base < 0)`, `* (mul-bound)`). */
  readonly label: string;
  readonly op: OpName;
  /** The kernel it was measured in: bound by the add pipes or by the multiply pipes. */
  readonly context: OpContext;
  /** True for the pow row with negative bases. */
  readonly negative: boolean;
  /** Marginal ns per element of one application. */
  readonly nsPerElem: number;
  /** The same per vector of the ISA's width. */
  readonly nsPerVector: number;
  /** The op table's estimate, cycles per 16-lane vector. */
  readonly tableCycles: number;
}

export interface OpCostOptions extends HarnessSettings {
  readonly target: Target;
  /** Whose code to measure (default `kopt`). */
  readonly build?: Builder;
  /** Applications per kernel (default 8). */
  readonly copies?: number;
  readonly cacheDir?: string;
  readonly progress?: (message: string) => void;
  /** Measure only these ops (and `+`, the unit). */
  readonly only?: readonly OpName[];
}

const VARS = ["x"];

/**
 * The kernel with `copies` applications of `op`, and the one without. With
 * `second`, binary ops take it as their second argument instead of a_j. In
 * the "mul" context a_j = x * (1 + j/256) and the copies are multiplied
 * together, so the kernel is bound by the multiply/FMA pipes instead.
 */
export function opKernels(
  op: OpName,
  copies: number,
  second?: number,
  context: OpContext = "add",
): { withOp: Expr; without: Expr } {
  const arity = OPS[op].arity;
  const join = context === "add" ? "+" : "*";
  const aj = (j: number) => app(join, [v("x"), num(context === "add" ? j / 256 : 1 + j / 256)]);
  if (OPS[op].class === "logic") return logicOpKernels(op, copies, aj, join);
  const a = Array.from({ length: copies }, (_, j) => aj(j + 1));
  const args = (aj: Expr) =>
    Array.from({ length: arity }, (_, k) => (k === 1 && second !== undefined ? num(second) : aj));
  const combine = (terms: readonly Expr[]) => terms.reduce((acc, t) => app(join, [acc, t]));
  return { withOp: combine(a.map((aj) => app(op, args(aj)))), without: combine(a) };
}

/**
 * The kernels for plain C under -ffast-math (see the module comment): the
 * leaves are a_j = |x + j/256| ("mul": copysign(x * (1 + j/256), x)), binary and
 * ternary ops take a_j, a_j+1, a_j+2 (indices mod M; copysign's sign source
 * is x + (j+1)/256), and the join (+ or - when adding, * when multiplying)
 * is measured by the chain of 2M leaves against the chain of M.
 * `applications` is what the time difference is divided by.
 */
export function plainOpKernels(
  op: OpName,
  copies: number,
  context: OpContext = "add",
): { withOp: Expr; without: Expr; applications: number } {
  if (copies < 3) throw new RangeError(`plain op kernels need 3 copies or more (distinct arguments), not ${copies}`);
  const join: OpName = context === "add" ? "+" : "*";
  const raw = (j: number) =>
    context === "add" ? app("+", [v("x"), num(j / 256)]) : app("*", [v("x"), num(1 + j / 256)]);
  // |x * k_j| as copysign(x * k_j, x): clang merges |a| * |b| into |a * b| where it can, in the kernel
  // without the op but not in the one with it, whose leaves have other uses.
  const leaf = (j: number) => context === "add" ? app("fabs", [raw(j)]) : app("copysign", [raw(j), v("x")]);
  if (OPS[op].class === "logic") return { ...logicOpKernels(op, copies, leaf, join), applications: copies };
  const leaves = (m: number) => Array.from({ length: m }, (_, j) => leaf(j + 1));
  const chain = (f: OpName, terms: readonly Expr[]) => terms.reduce((acc, t) => app(f, [acc, t]));
  if (op === join || (context === "add" && op === "-")) {
    return { withOp: chain(op, leaves(2 * copies)), without: chain(op, leaves(copies)), applications: 2 * copies };
  }
  const next = (j: number, k: number) => ((j - 1 + k) % copies) + 1;
  const apply = (j: number) =>
    op === "copysign"
      ? app(op, [leaf(j), raw(next(j, 1))])
      : app(op, Array.from({ length: OPS[op].arity }, (_, k) => leaf(next(j, k))));
  return {
    withOp: chain(join, Array.from({ length: copies }, (_, j) => apply(j + 1))),
    without: chain(join, leaves(copies)),
    applications: copies,
  };
}

/**
 * The kernels of a truth-valued op or select (see the module comment), over
 * leaves `leaf(j)`, joined with `join`. c0 = x < 0.5 is one condition shared
 * by every copy.
 */
export function logicOpKernels(
  op: OpName,
  copies: number,
  leaf: (j: number) => Expr,
  join: OpName,
): { withOp: Expr; without: Expr } {
  const half = num(0.5);
  const c0 = app("lt", [v("x"), half]);
  const k = (j: number) => num(-(j + 1) / 64);
  const sel = (c: Expr, j: number) => app("select", [c, leaf(j), k(j)]);
  const own = (j: number) => app("lt", [leaf(j), half]);
  const copiesOf = (f: (j: number) => Expr) =>
    Array.from({ length: copies }, (_, j) => f(j + 1)).reduce((acc, t) => app(join, [acc, t]));
  switch (op) {
    case "select":
      return { withOp: copiesOf((j) => sel(c0, j)), without: copiesOf(leaf) };
    case "lt":
    case "le":
    case "eq":
    case "ne":
      return { withOp: copiesOf((j) => sel(app(op, [leaf(j), half]), j)), without: copiesOf((j) => sel(c0, j)) };
    case "and":
    case "or":
      return { withOp: copiesOf((j) => sel(app(op, [own(j), c0]), j)), without: copiesOf((j) => sel(own(j), j)) };
    case "not":
      return { withOp: copiesOf((j) => sel(app("not", [own(j)]), j)), without: copiesOf((j) => sel(own(j), j)) };
  }
  throw new Error(`${op} is not a truth-valued op or select`);
}

/** The ops measured where the multiply pipes are the busy ones (they hide beside adds). */
export const MUL_BOUND_OPS: readonly OpName[] = ["*", "fma", "fms", "fnma"];

export interface OpRow {
  readonly label: string;
  readonly op: OpName;
  readonly negative: boolean;
  readonly context: OpContext;
  /** The applications of the op the with-kernel has more than the without-kernel. */
  readonly applications: number;
}

/** Everything a measurement compiles: the rows, two sources per row (with, without), and the config. */
export interface OpCostKernels {
  readonly rows: readonly OpRow[];
  readonly sources: readonly KernelSource[];
  readonly config: CompilerConfig;
}

/** The measuring kernels of every row for `build`, not compiled. */
export function opCostKernels(
  build: Builder,
  target: Target,
  copies = 8,
  only?: readonly OpName[],
): OpCostKernels {
  const plain = build !== "kopt";
  // `+` always: it is the unit every other op is counted in.
  const ops = OP_NAMES.filter((op) => op !== "d" && (only === undefined || op === "+" || only.includes(op)));
  const some = only !== undefined;
  const rows: OpRow[] = [
    ...ops.map((op) => ({ label: op as string, op, negative: false, context: "add" as const })),
    // Ours only: plain C under -ffast-math turns pow(a, 2) into a * a.
    ...(plain || some
      ? []
      : [{ label: "pow (base < 0)", op: "pow" as const, negative: true, context: "add" as const }]),
    // The multiply-pipe ops again, where those pipes are the busy ones.
    ...([...MUL_BOUND_OPS, "+"] as const).filter((op) => ops.includes(op) && (!some || op !== "+")).map((op) => ({
      label: `${op} (mul-bound)`,
      op,
      negative: false,
      context: "mul" as const,
    })),
  ].map((r) => ({ ...r, applications: copies }));
  const exprs: Expr[] = [];
  const measured = rows.map((r) => {
    if (plain) {
      const k = plainOpKernels(r.op, copies, r.context);
      exprs.push(k.withOp, k.without);
      return { ...r, applications: k.applications };
    }
    const k = opKernels(r.op, copies, r.negative ? 2 : undefined, r.context);
    exprs.push(k.withOp, k.without);
    return r;
  });
  const isa: Isa = target.isa;
  return {
    rows: measured,
    sources: exprs.map((e) => (plain ? plainKernel(e, VARS) : simdKernel(e, VARS, isa))),
    config: builderConfig(build, target),
  };
}

/** Measures every compilable op; one row per op (plus pow with negative bases for ours, and the mul-bound rows). */
export async function measureOpCosts(options: OpCostOptions): Promise<OpCost[]> {
  const build = options.build ?? "kopt";
  const { rows, sources, config } = opCostKernels(build, options.target, options.copies ?? 8, options.only);
  options.progress?.(`ops: compiling ${sources.length} kernels (${config.label})`);
  const compiled = await compileKernels(sources, config, { cacheDir: options.cacheDir });
  const n = DEFAULT_N;
  const positive = sampleInputs(VARS, { x: [0.1, 0.9] }, n, INPUT_SEED);
  // Negative bases: x in [-0.9, -0.2] shifted by c_j stays negative.
  const negative = sampleInputs(VARS, { x: [-0.9, -0.2] }, n, INPUT_SEED);
  const kernels = compiled.map((c, i) => {
    if (!c.ok) throw new Error(`op kernel ${i} did not compile: ${c.error}`);
    return { lib: c.lib, symbol: c.symbol, input: rows[i >> 1].negative ? 1 : 0 };
  });
  options.progress?.(`ops: timing ${kernels.length} kernels`);
  const timed = await runHarness({ n, inputs: [positive, negative], kernels }, {
    ...options,
    onRound: (r, of) => options.progress?.(`ops: round ${r}/${of}`),
  });
  const lanes = options.target.lanes;
  return rows.map((r, i) => {
    const a = timed[2 * i], b = timed[2 * i + 1];
    if (!a.ok || !b.ok) throw new Error(`op ${r.label}: ${!a.ok ? a.message : !b.ok ? b.message : ""}`);
    const ns = (a.nsPerElem - b.nsPerElem) / r.applications;
    return {
      label: r.label,
      op: r.op,
      context: r.context,
      negative: r.negative,
      nsPerElem: ns,
      nsPerVector: ns * lanes,
      tableCycles: OPS[r.op].throughput,
    };
  });
}

/**
 * The table `deno task bench:ops` prints. Cycles are counted in units of the
 * measured `+` (one cycle per vector on Zen 4; here that implies the clock
 * the column states), the unit of the op table.
 */
export function formatOpCosts(rows: readonly OpCost[], target: Target, build: Builder = "kopt"): string {
  const { isa, lanes } = target;
  const add = addUnit(rows);
  const lines = [
    `marginal cost of one op application (${isa}, ${lanes} lanes, ${
      build === "kopt" ? "our code" : `plain C, ${build} -O3 -ffast-math`
    }; table = ops.ts throughput, cycles per 16-lane vector)`,
    `cycles: ns per vector / ns of one + (1 cycle per vector on Zen 4), i.e. a ${(1 / add).toFixed(2)} GHz clock`,
    `${"op".padEnd(16)}${"ns/elem".padStart(10)}${"ns/vector".padStart(11)}${"cycles".padStart(9)}${
      "table".padStart(8)
    }`,
  ];
  for (const r of rows) {
    const cycles = r.nsPerVector / add;
    lines.push(
      `${r.label.padEnd(16)}${r.nsPerElem.toFixed(4).padStart(10)}${r.nsPerVector.toFixed(3).padStart(11)}${
        cycles.toFixed(1).padStart(9)
      }${String(r.tableCycles).padStart(8)}`,
    );
  }
  lines.push(
    "(rows without a note: in a kernel bound by the add pipes, where * and the fused ops, which run on the",
    " multiply/FMA pipes, cost ~0; the (mul-bound) rows measure them where those pipes are the busy ones)",
  );
  if (build !== "kopt") {
    lines.push(
      "(plain C: kernels over |x + c_j| leaves, with distinct arguments, that -ffast-math cannot fold; + and -,",
      " and * (mul-bound), as one more term of the sum (product); see pipeline/kernel/op_costs.ts)",
    );
  }
  return lines.join("\n");
}

/** ns per vector of one + in the add-bound kernel: the unit of every table. */
function addUnit(rows: readonly OpCost[]): number {
  return rows.find((r) => r.op === "+" && r.context === "add")?.nsPerVector ?? NaN;
}

/**
 * The cost table file (data/cost_tables/<isa>-<build>.json) of measured `rows`: each op's cycles in units of the
 * add-bound `+`, from its add-bound row, except `*`, fma, fms and fnma,
 * which hide on the multiply pipes there and take their mul-bound row;
 * rounded to a multiple of 0.5 and at least 0.5 (an op that measures ~0,
 * like neg or fabs, still costs something). `d` has no row; pow's
 * negative-base row is not used. Also the leaves: var 0.5, const 0.
 */
export function costTableFile(
  rows: readonly OpCost[],
  meta: {
    isa: Isa;
    build: Builder;
    machine: { cpu: string; hash: string };
    measured: string;
    only?: readonly OpName[];
  },
): CostTableFile {
  const add = addUnit(rows);
  if (!(add > 0)) throw new Error("cost table: no positive add-bound + row to count in");
  const costs: Record<string, number> = { var: VAR_COST, const: CONST_COST };
  for (const op of OP_NAMES) {
    if (op === "d" || (meta.only !== undefined && !meta.only.includes(op))) continue;
    const context: OpContext = MUL_BOUND_OPS.includes(op) ? "mul" : "add";
    const row = rows.find((r) => r.op === op && r.context === context && !r.negative);
    if (row === undefined) throw new Error(`cost table: no ${context}-bound row for ${op}`);
    costs[op] = Math.max(0.5, Math.round((row.nsPerVector / add) * 2) / 2);
  }
  return {
    isa: meta.isa,
    build: meta.build,
    unit: "one + per vector",
    machine: { cpu: meta.machine.cpu, hash: meta.machine.hash },
    measured: meta.measured,
    costs,
  };
}
