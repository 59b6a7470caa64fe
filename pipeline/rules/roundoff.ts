/**
 * Float64 evaluation with a rounding-error bound for every value.
 *
 * The soundness checker compares the two sides of a rule in float64; they
 * differ by rounding even when the rule is exact in the reals, and by how
 * much depends on the conditioning of each side at the point (sin of a
 * rounded large sum, exp of a rounded 700, a cancellation). So each side is
 * evaluated together with a bound `err` on |computed - exact|, propagated
 * node by node: a node's error is what its own rounding adds plus how far
 * its value can move when its arguments move within their error intervals.
 * Monotone functions are bounded at the interval ends (no linearization);
 * the others by Lipschitz bounds. An argument interval that reaches a
 * singularity (division by something that may be zero, log of something
 * that may be <= 0, tan across a pole) gives an infinite bound: the value
 * says nothing at that point and the checker leaves it undecided.
 *
 * Inputs are exact (err 0); pattern constants are exact when they are dyadic
 * (integers, halves, ...), otherwise they carry half an ulp (PI, 0.1).
 */
import { eliminateDerivatives } from "../expr/derivative.ts";
import { type Expr, postorder } from "../expr/expr.ts";
import { type OpName, OPS } from "../expr/ops.ts";

/** Unit roundoff of float64: half an ulp, relative. */
export const U = 2 ** -53;
/** Absolute rounding error of an op whose result is subnormal. */
const TINY = 2 ** -1074;
/**
 * Ulps of error allowed for each op's own float64 implementation: basic
 * arithmetic is correctly rounded; `Math.*` transcendentals are faithful to
 * a couple of ulps; composite definitions (fma as a*b+c in float64, rsqrt as
 * 1/sqrt) round more than once.
 */
function ownUlps(op: OpName): number {
  switch (op) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "sqrt":
    case "recip":
    case "floor":
    case "neg":
    case "fabs":
    case "copysign":
    case "fmin":
    case "fmax":
      return 1;
    case "fma":
    case "fms":
    case "fnma":
    case "rsqrt":
      return 2;
    case "mulrsqrt":
      return 3;
    default:
      return 4;
  }
}

export interface Evaluated {
  /** Float64 value at each point. */
  readonly value: Float64Array;
  /** Bound on |value - exact value|; Infinity where the point is ill-conditioned. */
  readonly err: Float64Array;
}

/** Whether a constant written in a pattern is exactly what was meant. */
function exactConstant(c: number): boolean {
  return !Number.isFinite(c) || Number.isInteger(c * 2 ** 20);
}

/**
 * Values and error bounds of `e` at `n` points (`columns[i][k]` is `vars[i]`
 * at point k). `d` nodes are eliminated first, so the bound is that of the
 * derivative expression the evaluator actually computes.
 */
export function evaluateWithError(
  e: Expr,
  vars: readonly string[],
  columns: readonly ArrayLike<number>[],
): Evaluated {
  const n = columns.length > 0 ? columns[0].length : 1;
  const index = new Map(vars.map((name, i) => [name, i]));
  const root = eliminateDerivatives(e);
  const values = new Map<number, Evaluated>();
  for (const node of postorder(root)) {
    const value = new Float64Array(n);
    const err = new Float64Array(n);
    if (node.tag === "const") {
      value.fill(node.value);
      err.fill(exactConstant(node.value) ? 0 : U * Math.abs(node.value));
    } else if (node.tag === "var") {
      const i = index.get(node.name);
      if (i === undefined) throw new Error(`unbound variable ${node.name}`);
      const col = columns[i];
      for (let k = 0; k < n; k++) value[k] = col[k];
    } else {
      const fn = OPS[node.op].f64;
      const own = ownUlps(node.op) * U;
      const args = node.args.map((c) => values.get(c.id)!);
      const zero = new Float64Array(n);
      const [a0, a1, a2] = [args[0], args[1] ?? { value: zero, err: zero }, args[2] ?? { value: zero, err: zero }];
      for (let k = 0; k < n; k++) {
        const x = a0.value[k], y = a1.value[k], z = a2.value[k];
        const ex = a0.err[k], ey = a1.err[k], ez = a2.err[k];
        const r = args.length === 1 ? fn(x) : args.length === 2 ? fn(x, y) : fn(x, y, z);
        value[k] = r;
        let bound: number;
        if (OPS[node.op].class === "logic") bound = decided(node.op, x, y, ex, ey, ez);
        else if (!Number.isFinite(ex) || !Number.isFinite(ey) || !Number.isFinite(ez)) bound = Infinity;
        else if (!Number.isFinite(r)) bound = 0; // an overflow or NaN of well-conditioned arguments is real
        else bound = moved(node.op, r, x, y, ex, ey, ez) + ownError(node.op, r, x, y, own);
        err[k] = Number.isNaN(bound) ? Infinity : bound;
      }
    }
    values.set(node.id, { value, err });
  }
  return values.get(root.id)!;
}

/**
 * The error of a truth value or a select. A truth value's error is 0 when
 * the rounding of its operands cannot change it, and Infinity when it can
 * (a comparison of values closer than their errors): then the point says
 * nothing, like a pole. A select is exact: its error is that of the arm
 * taken, when the condition is decided.
 */
function decided(op: OpName, x: number, y: number, ex: number, ey: number, ez: number): number {
  switch (op) {
    case "select":
      return ex !== 0 ? Infinity : x !== 0 ? ey : ez;
    case "lt":
    case "le":
    case "eq":
    case "ne":
      if (Number.isNaN(x) || Number.isNaN(y)) return ex + ey === 0 ? 0 : Infinity;
      if (ex + ey === 0) return 0;
      return Math.abs(x - y) > ex + ey ? 0 : Infinity;
    case "and":
      // A certain false decides it whatever the other operand is.
      return (x === 0 && ex === 0) || (y === 0 && ey === 0) ? 0 : Math.max(ex, ey);
    case "or":
      return (x !== 0 && ex === 0) || (y !== 0 && ey === 0) ? 0 : Math.max(ex, ey);
    case "not":
      return ex;
  }
  throw new Error(`${op} is not a truth-valued op or a select`);
}

/** Splits a float64 into two halves of 26 bits whose products are exact (Dekker). */
function split(a: number): [number, number] {
  const c = 134217729 * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

/**
 * The rounding error of the op itself at this point. For + - * it is the
 * exact error (TwoSum, Dekker's TwoProduct), so integer and other exact
 * arithmetic stays exact and can feed `pow` or `floor`; for the rest a bound.
 */
function ownError(op: OpName, r: number, x: number, y: number, rel: number): number {
  if (op === "+" || op === "-") {
    const b = op === "+" ? y : -y;
    const bb = r - x;
    return Math.abs((x - (r - bb)) + (b - bb));
  }
  if (op === "*" && Math.abs(x) < 2 ** 900 && Math.abs(y) < 2 ** 900 && Math.abs(r) > 2 ** -900) {
    const [xh, xl] = split(x), [yh, yl] = split(y);
    return Math.abs(((xh * yh - r) + xh * yl + xl * yh) + xl * yl);
  }
  return rel * Math.abs(r) + TINY;
}

/**
 * The half-width to evaluate at for an argument x with error e. An error far
 * below x's ulp would vanish in x ± e (700 + 2^-50 is 700), so the function
 * is probed over a representable width and its change scaled back down by
 * e / w (the secant slope times e).
 */
function probeWidth(x: number, e: number): number {
  return e === 0 ? 0 : Math.max(e, Math.abs(x) * 2 ** -40);
}

/**
 * How far a monotone unary `f` can move from `r = f(x)` when x moves by up
 * to `e`, the probe clamped into the domain [dlo, dhi] where f is continuous.
 */
function monotone(f: (t: number) => number, r: number, x: number, e: number, dlo = -Infinity, dhi = Infinity): number {
  if (e === 0) return 0;
  const w = probeWidth(x, e);
  const lo = Math.max(x - w, dlo), hi = Math.min(x + w, dhi);
  return Math.max(Math.abs(f(hi) - r), Math.abs(r - f(lo))) * (e / w);
}

/**
 * How far `f(x, y)` can move from r when x, y move by up to ex, ey, for f
 * monotone in each argument separately on the box: its corners bound it.
 */
function corners(f: (a: number, b: number) => number, r: number, x: number, ex: number, y: number, ey: number): number {
  const wx = probeWidth(x, ex), wy = probeWidth(y, ey);
  let m = 0;
  for (const p of [x - wx, x + wx]) {
    for (const q of [y - wy, y + wy]) m = Math.max(m, Math.abs(f(p, q) - r));
  }
  return m * Math.max(wx === 0 ? 0 : ex / wx, wy === 0 ? 0 : ey / wy);
}

/** Bound on the change of division a/b when a, b move by ea, eb. */
function quotient(r: number, b: number, ea: number, eb: number): number {
  const room = Math.abs(b) - eb;
  if (!(room > 0)) return Infinity;
  return (ea + Math.abs(r) * eb) / room;
}

/** Whether [lo, hi] crosses a pole of tan (an odd multiple of pi/2). */
function crossesTanPole(lo: number, hi: number): boolean {
  return Math.floor(lo / Math.PI - 0.5) !== Math.floor(hi / Math.PI - 0.5);
}

/**
 * How far an op's exact value can move when its arguments move within their
 * error bounds (x and y by ex and ey, a third argument by ez), `r` being the
 * value at the computed arguments. Zero errors give zero movement.
 */
function moved(op: OpName, r: number, x: number, y: number, ex: number, ey: number, ez: number): number {
  if (ex === 0 && ey === 0 && ez === 0) return 0;
  const f1 = OPS[op].f64;
  const lo = x - ex, hi = x + ex;
  switch (op) {
    case "+":
    case "-":
      return ex + ey;
    case "*":
      return Math.abs(y) * ex + Math.abs(x) * ey + ex * ey;
    case "/":
      return quotient(r, y, ex, ey);
    case "recip":
      return quotient(r, x, 0, ex);
    case "neg":
    case "fabs":
      return ex;
    case "copysign":
      // Within the error of y its sign may flip, and with it the result.
      return Math.abs(y) <= ey || (y === 0 && ey === 0) ? 2 * Math.abs(x) + ex : ex;
    case "fmin":
    case "fmax":
      return Math.max(ex, ey);
    case "floor":
      return Math.floor(hi) - Math.floor(lo);
    case "fma":
    case "fms":
    case "fnma":
      return Math.abs(y) * ex + Math.abs(x) * ey + ex * ey + ez;
    case "sqrt":
    case "cbrt":
    case "asin":
    case "acos":
      // Continuous up to the domain edge: clamp the interval into the domain.
      return op === "sqrt"
        ? monotone(f1, r, x, ex, 0)
        : op === "cbrt"
        ? monotone(f1, r, x, ex)
        : monotone(f1, r, x, ex, -1, 1);
    case "exp":
    case "exp2":
    case "expm1":
    case "atan":
    case "sinh":
    case "tanh":
      return monotone(f1, r, x, ex);
    case "log":
    case "log2":
      return lo > 0 ? monotone(f1, r, x, ex) : Infinity;
    case "log1p":
      return lo > -1 ? monotone(f1, r, x, ex) : Infinity;
    case "rsqrt":
      return lo > 0 ? monotone(f1, r, x, ex) : Infinity;
    case "mulrsqrt": {
      if (!(y - ey > 0)) return Infinity;
      const s = Math.sqrt(y);
      const es = monotone(Math.sqrt, s, y, ey);
      return quotient(r, s, ex, es);
    }
    case "cosh": {
      const m = monotone(f1, r, x, ex);
      return lo < 0 && hi > 0 ? Math.max(m, Math.abs(r - 1)) : m;
    }
    case "sin":
    case "cos": {
      // |f'| <= 1 and |f''| <= 1: linear with slope |f'(x)| plus curvature.
      const slope = Math.abs(op === "sin" ? Math.cos(x) : Math.sin(x));
      return Math.min(ex, slope * ex + ex * ex / 2);
    }
    case "tan":
      return crossesTanPole(lo, hi) ? Infinity : monotone(f1, r, x, ex);
    case "hypot":
      return ex + ey;
    case "atan2": {
      const reach = Math.hypot(ex, ey);
      const dist = Math.hypot(x, y) - reach;
      if (!(dist > 0)) return Infinity;
      // The branch cut on the negative x axis: a sign flip of y jumps by 2 pi.
      const cut = Math.abs(x) > 0 && x < 0 && Math.abs(y) <= ey ? 2 * Math.PI : 0;
      return (ex + ey) / dist + cut;
    }
    case "pow":
      return powMoved(r, x, y, ex, ey);
    case "d":
      throw new Error("unreachable: derivatives are eliminated before evaluation");
    case "select":
    case "lt":
    case "le":
    case "eq":
    case "ne":
    case "and":
    case "or":
    case "not":
      throw new Error("unreachable: truth values and selects are bounded by `decided`");
  }
}

function powMoved(r: number, x: number, y: number, ex: number, ey: number): number {
  const lo = x - ex, hi = x + ex;
  // For a positive base, pow is monotone in each argument separately.
  if (lo > 0) return corners(Math.pow, r, x, ex, y, ey);
  // A negative base needs an exact (integer) exponent; then |pow| is monotone in |x|.
  if (hi < 0 && ey === 0) return corners(Math.pow, r, x, ex, y, 0);
  // A base that may reach zero (the error is as large as the base): pow is
  // continuous there for positive exponents, and monotone on [0, hi].
  if (x >= 0 && y - ey > 0) {
    let m = 0;
    for (const p of [0, hi]) for (const q of [y - ey, y + ey]) m = Math.max(m, Math.abs(Math.pow(p, q) - r));
    return m;
  }
  return Infinity;
}
