/**
 * The measured cost of each op: the marginal ns per element of adding it to
 * a kernel, which is what the op table's static `throughput` estimates
 * (pipeline/expr/ops.ts; cycles per 16-lane vector).
 *
 * For an op f, the kernel with the op is
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
 */
import { app, type Expr, num, v } from "../expr/expr.ts";
import { OP_NAMES, type OpName, OPS } from "../expr/ops.ts";
import { sampleInputs } from "../expr/sample.ts";
import { simdKernel } from "./codegen.ts";
import { compileKernels } from "./compile.ts";
import { type HarnessSettings, runHarness } from "./harness.ts";
import { DEFAULT_N, INPUT_SEED } from "./measure.ts";
import { kernelConfig } from "./toolchain.ts";
import type { Target } from "../target/target.ts";

export interface OpCost {
  /** Op name, with a note for variants (`pow (base < 0)`). */
  readonly label: string;
  readonly op: OpName;
  /** Marginal ns per element of one application. */
  readonly nsPerElem: number;
  /** The same per vector of the ISA's width. */
  readonly nsPerVector: number;
  /** The op table's estimate, cycles per 16-lane vector. */
  readonly tableCycles: number;
}

export interface OpCostOptions extends HarnessSettings {
  readonly target: Target;
  /** Applications per kernel (default 8). */
  readonly copies?: number;
  readonly cacheDir?: string;
  readonly progress?: (message: string) => void;
}

const VARS = ["x"];

/** How a_j is made and the copies combined: with adds (the FP add pipes) or multiplies (the FMA pipes). */
export type OpContext = "add" | "mul";

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
  const a = Array.from(
    { length: copies },
    (_, j) => app(join, [v("x"), num(context === "add" ? (j + 1) / 256 : 1 + (j + 1) / 256)]),
  );
  const args = (aj: Expr) =>
    Array.from({ length: arity }, (_, k) => (k === 1 && second !== undefined ? num(second) : aj));
  const combine = (terms: readonly Expr[]) => terms.reduce((acc, t) => app(join, [acc, t]));
  return { withOp: combine(a.map((aj) => app(op, args(aj)))), without: combine(a) };
}

/** Measures every compilable op; one row per op (plus pow with negative bases). */
export async function measureOpCosts(options: OpCostOptions): Promise<OpCost[]> {
  const isa = options.target.isa;
  const copies = options.copies ?? 8;
  const ops = OP_NAMES.filter((op) => op !== "d");
  const rows: { label: string; op: OpName; negative: boolean; context: OpContext }[] = [
    ...ops.map((op) => ({ label: op as string, op, negative: false, context: "add" as const })),
    { label: "pow (base < 0)", op: "pow", negative: true, context: "add" },
    // The multiply-pipe ops again, where those pipes are the busy ones.
    ...(["*", "fma", "fms", "fnma", "+"] as const).map((op) => ({
      label: `${op} (mul-bound)`,
      op,
      negative: false,
      context: "mul" as const,
    })),
  ];
  const exprs: Expr[] = [];
  for (const r of rows) {
    const k = opKernels(r.op, copies, r.negative ? 2 : undefined, r.context);
    exprs.push(k.withOp, k.without);
  }
  options.progress?.(`ops: compiling ${exprs.length} kernels`);
  const compiled = await compileKernels(exprs.map((e) => simdKernel(e, VARS, isa)), kernelConfig(options.target), {
    cacheDir: options.cacheDir,
  });
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
    const ns = (a.nsPerElem - b.nsPerElem) / copies;
    return { label: r.label, op: r.op, nsPerElem: ns, nsPerVector: ns * lanes, tableCycles: OPS[r.op].throughput };
  });
}

/**
 * The table `deno task bench:ops` prints. Cycles are counted in units of the
 * measured `+` (one cycle per vector on Zen 4; here that implies the clock
 * the column states), the unit of the op table.
 */
export function formatOpCosts(rows: readonly OpCost[], target: Target): string {
  const { isa, lanes } = target;
  const add = rows.find((r) => r.op === "+")?.nsPerVector ?? NaN;
  const lines = [
    `marginal cost of one op application (${isa}, ${lanes} lanes; table = ops.ts throughput, cycles per 16-lane vector)`,
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
  return lines.join("\n");
}
