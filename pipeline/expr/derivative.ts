/**
 * Symbolic differentiation: the meaning of the `(d x e)` op.
 *
 * `d` has no pointwise value of its own; its value is the value of the
 * derivative this module builds. The differentiation rules of
 * `pipeline/rules/` are checked against it, and the evaluator uses it to give
 * `d` a value. Derivatives of the non-smooth ops (fabs, fmin, fmax, floor,
 * copysign) are the ones that hold almost everywhere.
 *
 * The constructors fold the trivial 0 and 1 cases so that derivatives stay
 * small; those folds are exact for finite values, which is the domain of
 * differentiation.
 */
import { app, type Expr, hasDerivative, mk, num, postorder, sortOf } from "./expr.ts";

const ZERO = num(0);
const ONE = num(1);

const isConst = (e: Expr, c: number) => e.tag === "const" && e.value === c;

function add(a: Expr, b: Expr): Expr {
  if (isConst(a, 0)) return b;
  if (isConst(b, 0)) return a;
  return mk("+", a, b);
}
function sub(a: Expr, b: Expr): Expr {
  if (isConst(b, 0)) return a;
  if (isConst(a, 0)) return neg(b);
  return mk("-", a, b);
}
function mul(a: Expr, b: Expr): Expr {
  if (isConst(a, 0) || isConst(b, 0)) return ZERO;
  if (isConst(a, 1)) return b;
  if (isConst(b, 1)) return a;
  return mk("*", a, b);
}
function div(a: Expr, b: Expr): Expr {
  if (isConst(a, 0)) return ZERO;
  if (isConst(b, 1)) return a;
  return mk("/", a, b);
}
function neg(a: Expr): Expr {
  if (isConst(a, 0)) return ZERO;
  if (a.tag === "const") return num(-a.value);
  return mk("neg", a);
}
const sq = (a: Expr) => mk("*", a, a);
const sign = (a: Expr) => mk("copysign", ONE, a);

/** d/dx of a node whose children are `a` (with derivatives `da`). */
function rule(
  e: Expr & { tag: "app" },
  a: readonly Expr[],
  da: readonly Expr[],
): Expr {
  const [u, w] = a;
  const [du, dw] = da;
  switch (e.op) {
    case "+":
      return add(du, dw);
    case "-":
      return sub(du, dw);
    case "*":
      return add(mul(du, w), mul(u, dw));
    case "/":
      return div(sub(mul(du, w), mul(u, dw)), sq(w));
    case "neg":
      return neg(du);
    case "fabs":
      return mul(du, sign(u));
    case "copysign":
      return mul(du, sign(mk("*", u, w)));
    case "fmin":
      // fmin(u,w) = (u + w - |u - w|) / 2
      return mul(num(0.5), sub(add(du, dw), mul(sub(du, dw), sign(mk("-", u, w)))));
    case "fmax":
      return mul(num(0.5), add(add(du, dw), mul(sub(du, dw), sign(mk("-", u, w)))));
    case "floor":
      return ZERO;
    case "sqrt":
      return div(du, mul(num(2), e));
    case "cbrt":
      return div(du, mul(num(3), sq(e)));
    case "fma":
      return add(add(mul(du, w), mul(u, dw)), da[2]);
    case "fms":
      return sub(add(mul(du, w), mul(u, dw)), da[2]);
    case "fnma":
      return sub(da[2], add(mul(du, w), mul(u, dw)));
    case "rsqrt":
      // -u'/(2 u sqrt u) = -u' rsqrt(u) / (2u)
      return neg(div(mul(du, e), mul(num(2), u)));
    case "mulrsqrt": {
      // u * rsqrt(w): u' rsqrt(w) - u w' rsqrt(w) / (2w)
      const r = mk("rsqrt", w);
      return sub(mul(du, r), div(mul(mul(u, dw), r), mul(num(2), w)));
    }
    case "recip":
      return neg(div(du, sq(u)));
    case "exp":
      return mul(du, e);
    case "exp2":
      return mul(du, mul(e, num(Math.LN2)));
    case "expm1":
      return mul(du, mk("exp", u));
    case "log":
      return div(du, u);
    case "log2":
      return div(du, mul(u, num(Math.LN2)));
    case "log1p":
      return div(du, mk("+", ONE, u));
    case "sin":
      return mul(du, mk("cos", u));
    case "cos":
      return neg(mul(du, mk("sin", u)));
    case "tan":
      return div(du, sq(mk("cos", u)));
    case "asin":
      return div(du, mk("sqrt", mk("-", ONE, sq(u))));
    case "acos":
      return neg(div(du, mk("sqrt", mk("-", ONE, sq(u)))));
    case "atan":
      return div(du, mk("+", ONE, sq(u)));
    case "atan2":
      // atan2(u, w) = atan(u / w): (w u' - u w') / (u^2 + w^2)
      return div(sub(mul(w, du), mul(u, dw)), mk("+", sq(u), sq(w)));
    case "sinh":
      return mul(du, mk("cosh", u));
    case "cosh":
      return mul(du, mk("sinh", u));
    case "tanh":
      return mul(du, mk("-", ONE, sq(e)));
    case "pow": {
      if (isConst(dw, 0)) {
        // Constant exponent: w u^(w-1) u', valid for negative bases too.
        return mul(mul(w, mk("pow", u, sub(w, ONE))), du);
      }
      return mul(e, add(mul(dw, mk("log", u)), div(mul(w, du), u)));
    }
    case "hypot":
      return div(add(mul(u, du), mul(w, dw)), e);
    case "d":
      throw new Error("unreachable: inner derivatives are eliminated first");
    case "select": {
      // Piecewise: the derivative of the arm taken (at the boundary, the
      // one-sided derivative of that arm, as for fabs and fmin).
      const [, dt, df] = da;
      return dt === df ? dt : mk("select", u, dt, df);
    }
    case "lt":
    case "le":
    case "eq":
    case "ne":
    case "and":
    case "or":
    case "not":
      throw new Error("unreachable: truth values have no derivative");
  }
}

/** The derivative of a derivative-free expression with respect to `x`. */
function differentiateFree(e: Expr, x: string): Expr {
  const memo = new Map<number, Expr>();
  for (const n of postorder(e)) {
    if (n.tag === "const") memo.set(n.id, ZERO);
    else if (n.tag === "var") memo.set(n.id, n.name === x ? ONE : ZERO);
    else if (sortOf(n) === "bool") memo.set(n.id, ZERO); // read by no rule: a select differentiates its arms only
    else {
      memo.set(n.id, rule(n, n.args, n.args.map((c) => memo.get(c.id)!)));
    }
  }
  return memo.get(e.id)!;
}

/** d e / d x, for any expression (inner `d` nodes are eliminated first). */
export function differentiate(e: Expr, x: string): Expr {
  return differentiateFree(eliminateDerivatives(e), x);
}

const eliminated = new WeakMap<Expr, Expr>();

/** Replaces every `(d x e)` by the derivative it denotes, innermost first. */
export function eliminateDerivatives(e: Expr): Expr {
  if (!hasDerivative(e)) return e;
  const hit = eliminated.get(e);
  if (hit !== undefined) return hit;
  const memo = new Map<number, Expr>();
  for (const n of postorder(e)) {
    if (n.tag !== "app") {
      memo.set(n.id, n);
      continue;
    }
    const args = n.args.map((c) => memo.get(c.id)!);
    if (n.op === "d") {
      const x = args[0];
      if (x.tag !== "var") throw new Error("(d x e) needs a variable x");
      memo.set(n.id, differentiateFree(args[1], x.name));
    } else {
      memo.set(n.id, app(n.op, args));
    }
  }
  const out = memo.get(e.id)!;
  eliminated.set(e, out);
  return out;
}
