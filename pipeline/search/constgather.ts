/**
 * Constant gathering: the constant factors of a product chain (`*`, `/`,
 * `neg`) become one factor, and the constant addends of a sum chain (`+`,
 * `-`, `neg`, and the product and addend of `fma`/`fms`/`fnma`) one
 * addend, computed in float64 and rounded once to float32.
 *
 * Why: rules see two or three nodes at a time, so constants on both sides
 * of a function (`1.4427 * (1.6636 * log2(x))`, what pow-to-exp2 leaves in
 * srgb-to-linear) fold only when the search happens to reassociate them
 * next to each other, and a search guided by predicted time has no reason
 * to take a reassociation that gains nothing until the fold after it.
 * Gathering reassociates, so it changes rounding: the optimizer offers the
 * gathered form beside the form it came from and the accuracy guard decides
 * (optimizer.ts), as for any rewrite.
 *
 * A chain is the tree of one family under a node, through inner nodes used
 * once in the whole form: a shared node is computed once whatever uses it,
 * so it bounds the chain and is gathered on its own. The factors and terms
 * that are not constants keep their order and grouping (a reciprocal or a
 * negation joins its neighbour as `/` or `-`); the constants leave, and the
 * one gathered constant goes at the chain's top. A chain is rewritten only
 * when that makes it cheaper by the static cost table or smaller, and
 * neither costlier nor larger; a constant that would overflow or underflow
 * float32 is not gathered.
 *
 * @example
 * gatherConstants(parseExpr("(* 1.4427 (* 1.6636 (log2 c)))"), REFERENCE_COSTS);   // (* 2.40007 (log2 c))
 * gatherConstants(parseExpr("(+ (+ x 1) (+ y 2))"), REFERENCE_COSTS);               // (+ (+ x y) 3)
 */
import { type CostTable, staticCost } from "../expr/cost.ts";
import { app, type Const, dagSize, type Expr, num, postorder } from "../expr/expr.ts";
import { shortestFloat32 } from "../expr/literal.ts";
import type { OpName } from "../expr/ops.ts";

/** The step gathering adds to a form's derivation. */
export const GATHER_CONSTANTS = "gather-constants";

/** A product chain without its constants: nothing, an expression, or its reciprocal. */
type Factor = { readonly expr: Expr; readonly inverse: boolean } | null;
/** A sum chain without its constants: nothing, an expression, or its negation. */
type Term = { readonly expr: Expr; readonly negated: boolean } | null;

/** A chain split into what is not constant (`rest`) and the constants gathered (`k`, float64). */
interface Split<R> {
  readonly rest: R;
  readonly k: number;
  /** The chain as it was, its leaves gathered: what a chain not worth gathering becomes. */
  readonly shape: Expr;
}

const SUM_OPS: ReadonlySet<OpName> = new Set(["+", "-", "fma", "fms", "fnma"]);
const PRODUCT_OPS: ReadonlySet<OpName> = new Set(["*", "/"]);

/** The family of the chain rooted at `e`: a `neg` belongs to the first op under it that is not one. */
function familyOf(e: Expr): "sum" | "product" | null {
  let n = e;
  while (n.tag === "app" && n.op === "neg") n = n.args[0];
  if (n.tag !== "app") return e === n ? null : "product";
  if (SUM_OPS.has(n.op)) return "sum";
  return PRODUCT_OPS.has(n.op) || e !== n ? "product" : null;
}

/** The float32 constant for `k`, or null when float32 cannot hold it (overflow, underflow, NaN). */
function literal(k: number): Const | null {
  const f = Math.fround(k);
  if (!Number.isFinite(f) || (f === 0 && k !== 0)) return null;
  return num(shortestFloat32(k));
}

const mulFactors = (a: Factor, b: Factor): Factor => {
  if (a === null) return b;
  if (b === null) return a;
  if (a.inverse === b.inverse) return { expr: app("*", [a.expr, b.expr]), inverse: a.inverse };
  return a.inverse
    ? { expr: app("/", [b.expr, a.expr]), inverse: false }
    : { expr: app("/", [a.expr, b.expr]), inverse: false };
};

const addTerms = (a: Term, b: Term): Term => {
  if (a === null) return b;
  if (b === null) return a;
  if (a.negated === b.negated) return { expr: app("+", [a.expr, b.expr]), negated: a.negated };
  return a.negated
    ? { expr: app("-", [b.expr, a.expr]), negated: false }
    : { expr: app("-", [a.expr, b.expr]), negated: false };
};

const invert = (s: Split<Factor>): Split<Factor> => ({
  rest: s.rest === null ? null : { expr: s.rest.expr, inverse: !s.rest.inverse },
  k: 1 / s.k,
  shape: s.shape,
});

const negateTerm = (s: Split<Term>): Split<Term> => ({
  rest: s.rest === null ? null : { expr: s.rest.expr, negated: !s.rest.negated },
  k: -s.k,
  shape: s.shape,
});

/** A product chain's top: the gathered constant times the rest, or null when float32 cannot hold it. */
function productTop(s: Split<Factor>): Expr | null {
  const k = literal(s.k);
  if (k === null || s.rest === null) return k;
  if (s.rest.inverse) return app("/", [k, s.rest.expr]);
  if (k.value === 1) return s.rest.expr;
  return k.value === -1 ? app("neg", [s.rest.expr]) : app("*", [k, s.rest.expr]);
}

/** A sum chain's top: the rest plus the gathered constant, or null when float32 cannot hold it. */
function sumTop(s: Split<Term>): Expr | null {
  const k = literal(s.k);
  if (k === null || s.rest === null) return k;
  const r = s.rest.expr;
  if (k.value === 0) return s.rest.negated ? app("neg", [r]) : r;
  if (s.rest.negated) return app("-", [k, r]);
  return k.value < 0 ? app("-", [r, literal(-s.k)!]) : app("+", [r, k]);
}

/**
 * The product of a fused op once its factors' constants are gathered: two
 * factors that stay a fused op's (the constant first), or a single term when
 * the constant is 1 or -1 or the rest is a reciprocal. Factors with nothing
 * to gather stay as they are, and so do both when float32 cannot hold the
 * gathered constant.
 */
function productPart(
  pa: Split<Factor>,
  pb: Split<Factor>,
  rest: NonNullable<Factor>,
  pk: number,
  sign: number,
): { tag: "pair"; x: Expr; y: Expr; minus: boolean } | { tag: "term"; term: Term } {
  const k = literal(pk);
  const untouched = pa.rest?.expr === pa.shape && pb.rest?.expr === pb.shape;
  if (untouched || k === null) return { tag: "pair", x: pa.shape, y: pb.shape, minus: sign < 0 };
  const minus = k.value < 0;
  if (rest.inverse) {
    return { tag: "term", term: { expr: app("/", [literal(Math.abs(pk))!, rest.expr]), negated: minus } };
  }
  if (Math.abs(k.value) === 1) return { tag: "term", term: { expr: rest.expr, negated: minus } };
  return { tag: "pair", x: literal(Math.abs(pk))!, y: rest.expr, minus };
}

/** Strictly better by (static cost, node count), worse by neither. */
function improves(a: Expr, b: Expr, costs: CostTable): boolean {
  const ca = staticCost(a, costs), cb = staticCost(b, costs);
  const sa = dagSize(a), sb = dagSize(b);
  return ca <= cb + 1e-9 && sa <= sb && (ca < cb - 1e-9 || sa < sb);
}

/** Times each node is an argument in `e` (an argument used twice by one node counts twice). */
function useCounts(e: Expr): Map<Expr, number> {
  const uses = new Map<Expr, number>();
  for (const n of postorder(e)) {
    if (n.tag === "app") { for (const a of n.args) uses.set(a, (uses.get(a) ?? 0) + 1); }
  }
  return uses;
}

/** One pass over a form: each maximal chain gathered once. */
function gatherOnce(e: Expr, costs: CostTable): Expr {
  const uses = useCounts(e);
  const memo = new Map<Expr, Expr>();
  const inner = (n: Expr, ops: ReadonlySet<OpName>) =>
    n.tag === "app" && (ops.has(n.op) || n.op === "neg") && uses.get(n) === 1;

  const leafFactor = (n: Expr): Split<Factor> => {
    const g = gather(n);
    return { rest: { expr: g, inverse: false }, k: 1, shape: g };
  };
  const leafTerm = (n: Expr): Split<Term> => {
    const g = gather(n);
    return { rest: { expr: g, negated: false }, k: 0, shape: g };
  };

  const product = (n: Expr, top: boolean): Split<Factor> => {
    if (n.tag === "const") return { rest: null, k: n.value, shape: n };
    if (n.tag !== "app" || !(top || inner(n, PRODUCT_OPS))) return leafFactor(n);
    if (n.op === "neg") {
      const s = product(n.args[0], false);
      return { rest: s.rest, k: -s.k, shape: app("neg", [s.shape]) };
    }
    if (n.op !== "*" && n.op !== "/") return leafFactor(n);
    const a = product(n.args[0], false), b0 = product(n.args[1], false);
    const b = n.op === "/" ? invert(b0) : b0;
    return { rest: mulFactors(a.rest, b.rest), k: a.k * b.k, shape: app(n.op, [a.shape, b0.shape]) };
  };

  const sum = (n: Expr, top: boolean): Split<Term> => {
    if (n.tag === "const") return { rest: null, k: n.value, shape: n };
    if (n.tag !== "app" || !(top || inner(n, SUM_OPS))) return leafTerm(n);
    if (n.op === "neg") {
      const s = sum(n.args[0], false);
      return { ...negateTerm(s), shape: app("neg", [s.shape]) };
    }
    if (n.op === "fma" || n.op === "fms" || n.op === "fnma") return fused(n);
    if (n.op !== "+" && n.op !== "-") return leafTerm(n);
    const a = sum(n.args[0], false), b0 = sum(n.args[1], false);
    const b = n.op === "-" ? negateTerm(b0) : b0;
    return { rest: addTerms(a.rest, b.rest), k: a.k + b.k, shape: app(n.op, [a.shape, b0.shape]) };
  };

  /** A fused op as a sum: its product (a product chain of two factors) plus or minus its addend. */
  const fused = (n: Expr & { tag: "app" }): Split<Term> => {
    const pa = product(n.args[0], false), pb = product(n.args[1], false), c0 = sum(n.args[2], false);
    const shape = app(n.op, [pa.shape, pb.shape, c0.shape]);
    const c = n.op === "fms" ? negateTerm(c0) : c0;
    const sign = n.op === "fnma" ? -1 : 1;
    const rest = mulFactors(pa.rest, pb.rest), pk = sign * pa.k * pb.k;
    if (rest === null) return { rest: c.rest, k: pk + c.k, shape };
    const product2 = productPart(pa, pb, rest, pk, sign);
    if (product2.tag === "term") return { rest: addTerms(product2.term, c.rest), k: c.k, shape };
    const { x, y, minus } = product2;
    if (c.rest === null) return { rest: { expr: app("*", [x, y]), negated: minus }, k: c.k, shape };
    const op: OpName = minus ? (c.rest.negated ? "fma" : "fnma") : (c.rest.negated ? "fms" : "fma");
    return { rest: { expr: app(op, [x, y, c.rest.expr]), negated: minus && c.rest.negated }, k: c.k, shape };
  };

  const gather = (n: Expr): Expr => {
    if (n.tag !== "app") return n;
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    const family = familyOf(n);
    let out: Expr;
    if (family === null) out = app(n.op, n.args.map(gather));
    else {
      const s = family === "sum" ? sum(n, true) : product(n, true);
      const top = family === "sum" ? sumTop(s as Split<Term>) : productTop(s as Split<Factor>);
      out = top !== null && improves(top, s.shape, costs) ? top : s.shape;
    }
    memo.set(n, out);
    return out;
  };
  return gather(e);
}

/** Passes at most: each one that changes the form removes ops, so few are ever needed. */
const MAX_PASSES = 8;

/**
 * `e` with the constants of each product and sum chain gathered (see the
 * module comment); `e` itself when nothing gathers. Never costlier by
 * `costs` nor larger, and gathering the result again leaves it as it is.
 */
export function gatherConstants(e: Expr, costs: CostTable): Expr {
  let cur = e;
  for (let i = 0; i < MAX_PASSES; i++) {
    const next = gatherOnce(cur, costs);
    if (next === cur || !improves(next, cur, costs)) break;
    cur = next;
  }
  return cur;
}
