/**
 * Where an approximate function can stand in a form, and what standing in
 * costs and means: the sites of a form (a node and the function and
 * arguments that compute it), each approximation's static cost in the
 * target's cost table, and the lowering (pipeline/expr/lowering.ts) that
 * puts chosen approximations at chosen sites.
 *
 * A site is a node whose op is one of the approximated functions (exp,
 * exp2, log, log2, sin, cos, tanh, pow, rsqrt), or the logistic sigmoid
 * written out, `1 / (1 + exp(-x))` (or with `recip`, or `exp(-x) + 1`),
 * whose approximation reads `x`. A site counts only where the input ranges
 * put every argument inside the design's domain (sin and cos have one),
 * so a declared bound always holds where the kernel runs.
 */
import { type Expr, postorder } from "../expr/expr.ts";
import { exprInterval, type Interval } from "../expr/interval.ts";
import type { Lowering } from "../expr/lowering.ts";
import { opCode, type OpName } from "../expr/ops.ts";
import type { CostTable } from "../expr/cost.ts";
import type { Ranges } from "../expr/sample.ts";
import type { Approximation } from "./catalog.ts";
import { DESIGNS } from "./designs.ts";
import type { Ops } from "./vocab.ts";
import { loadApproxCosts } from "./costs.ts";

export interface Site {
  /** The node the approximation computes. */
  readonly node: Expr;
  /** The approximated function (a design's name). */
  readonly fn: string;
  /** The nodes its approximation reads. */
  readonly args: readonly Expr[];
}

/** IR ops computed by the approximation of the same name. */
const DIRECT: ReadonlySet<OpName> = new Set(["exp", "exp2", "log", "log2", "sin", "cos", "tanh", "pow", "rsqrt"]);

const isConst = (e: Expr, v: number) => e.tag === "const" && e.value === v;

/** `x` when `e` is the logistic sigmoid of x written out: 1 / (1 + exp(-x)), in the forms the rules leave. */
export function sigmoidArg(e: Expr): Expr | null {
  if (e.tag !== "app") return null;
  const den = e.op === "recip" ? e.args[0] : e.op === "/" && isConst(e.args[0], 1) ? e.args[1] : null;
  if (den === null || den.tag !== "app" || den.op !== "+") return null;
  const ex = isConst(den.args[0], 1) ? den.args[1] : isConst(den.args[1], 1) ? den.args[0] : null;
  if (ex === null || ex.tag !== "app" || ex.op !== "exp") return null;
  const neg = ex.args[0];
  return neg.tag === "app" && neg.op === "neg" ? neg.args[0] : null;
}

/** The sites of `e` whose arguments the ranges keep inside their function's domain, innermost first. */
export function approxSites(e: Expr, ranges: Ranges): Site[] {
  const intervals = ranges as Readonly<Record<string, Interval>>;
  const admitted = (fn: string, args: readonly Expr[]) => {
    const d = DESIGNS.find((x) => x.name === fn);
    if (d === undefined) return false;
    if (d.admits === undefined) return true;
    const ivs = args.map((a) => exprInterval(a, intervals));
    return ivs.every((iv) => iv !== null) && d.admits(ivs as Interval[]);
  };
  const out: Site[] = [];
  for (const n of postorder(e)) {
    if (n.tag !== "app") continue;
    const s = sigmoidArg(n);
    if (s !== null) out.push({ node: n, fn: "sigmoid", args: [s] });
    else if (DIRECT.has(n.op) && admitted(n.op, n.args)) out.push({ node: n, fn: n.op, args: n.args });
  }
  return out;
}

/** The IR ops the approximation of `fn` replaces (sigmoid: the written-out form it matches). */
function replacedOps(fn: string): OpName[] {
  return fn === "sigmoid" ? ["/", "+", "exp", "neg"] : [fn as OpName];
}

/**
 * The static cost of one call of `a` in `costs`: the measured ratio of its
 * time to the time of the call it replaces (costs.ts, for the table's ISA:
 * the table's name starts with it) times the table's cost of the replaced
 * ops; for an ISA never timed, its body's vocabulary ops priced as the IR
 * ops they are (an fma as `fma`, a comparison as `lt`...), integer and bit
 * manipulations as an add, constants free (broadcast outside the loop).
 */
export function approximationCost(a: Approximation, costs: CostTable, file = loadApproxCosts()): number {
  const of = (op: OpName) => costs.byKind[opCode(op)];
  const ratio = file.ratio[costs.name.split("-")[0]]?.[a.cName];
  if (ratio !== undefined) return ratio * replacedOps(a.fn).reduce((s, op) => s + of(op), 0);
  let sum = 0;
  const v = (op: OpName) => () => {
    sum += of(op);
    return 0;
  };
  const counter: Ops<number, number> = {
    c: () => 0,
    add: v("+"),
    sub: v("-"),
    mul: v("*"),
    div: v("/"),
    fma: v("fma"),
    neg: v("neg"),
    abs: v("fabs"),
    copysign: v("copysign"),
    min: v("fmin"),
    max: v("fmax"),
    rint: v("floor"),
    floor: v("floor"),
    pow2i: v("+"),
    ldexp: v("*"),
    logExp: v("+"),
    logMant: v("+"),
    rsqrtSeed: v("+"),
    lt: v("lt"),
    gt: v("lt"),
    eq: v("eq"),
    nge: v("lt"),
    isnan: v("ne"),
    or: v("or"),
    select: v("select"),
  };
  a.design.body(counter, new Array(a.arity).fill(0), a.coeffs);
  return sum;
}

/** One approximation at one site. */
export interface Placement {
  readonly site: Site;
  readonly approx: Approximation;
}

/** The lowering that computes each placement's node by its approximation. */
export function loweringOf(placements: readonly Placement[]): Lowering {
  return new Map(placements.map((p) => [p.site.node.id, {
    args: p.site.args,
    f32: (...xs: number[]) => p.approx.evaluate(...xs),
    cName: p.approx.cName,
  }]));
}
