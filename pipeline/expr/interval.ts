/**
 * Interval arithmetic over float64, conservative (the true range of an op
 * over its input intervals is always inside the result; rounding is covered
 * by a relative widening). Used to keep generated expressions inside their
 * ops' domains and to decide rule preconditions such as `(> ?x 0)`.
 *
 * An interval that may contain NaN (an op outside its domain) is `null`.
 */
import type { Expr } from "./expr.ts";
import { postorder } from "./expr.ts";
import type { OpName } from "./ops.ts";

export type Interval = readonly [number, number];

const WHOLE: Interval = [-Infinity, Infinity];

/** Widen by a few ulps so that rounding in the real evaluation stays inside. */
function widen([lo, hi]: Interval): Interval {
  const w = (x: number, dir: number) => Number.isFinite(x) ? x + dir * (Math.abs(x) * 4e-16 + Number.MIN_VALUE) : x;
  return [w(lo, -1), w(hi, 1)];
}

const of = (...xs: number[]): Interval | null => {
  if (xs.some(Number.isNaN)) return null;
  return widen([Math.min(...xs), Math.max(...xs)]);
};

const contains = ([lo, hi]: Interval, x: number) => lo <= x && x <= hi;

/** Range of a function that is monotone increasing on the interval. */
const inc = (f: (x: number) => number) => ([lo, hi]: Interval) => of(f(lo), f(hi));
const dec = (f: (x: number) => number) => ([lo, hi]: Interval) => of(f(hi), f(lo));

function mul(a: Interval, b: Interval): Interval | null {
  // 0 * inf is NaN: an interval with both a zero and an infinity is unsafe.
  const ps = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
  return of(...ps);
}

function div(a: Interval, b: Interval): Interval | null {
  if (contains(b, 0)) return null;
  return mul(a, [1 / b[1], 1 / b[0]]);
}

function sq(a: Interval): Interval {
  const [lo, hi] = a;
  if (lo >= 0) return widen([lo * lo, hi * hi]);
  if (hi <= 0) return widen([hi * hi, lo * lo]);
  return widen([0, Math.max(lo * lo, hi * hi)]);
}

/** Range of sin/cos: exact endpoints unless an extremum lies inside. */
function periodic(f: (x: number) => number, peakShift: number) {
  return ([lo, hi]: Interval): Interval | null => {
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
    if (hi - lo >= 2 * Math.PI) return [-1, 1];
    let min = Math.min(f(lo), f(hi)), max = Math.max(f(lo), f(hi));
    // Extrema of f at peakShift + k*pi (max for even k).
    const k0 = Math.ceil((lo - peakShift) / Math.PI);
    for (let k = k0; peakShift + k * Math.PI <= hi; k++) {
      if (k % 2 === 0) max = 1;
      else min = -1;
    }
    const out = widen([min, max]);
    return [Math.max(-1, out[0]), Math.min(1, out[1])];
  };
}

function pow(a: Interval, b: Interval): Interval | null {
  if (b[0] === b[1] && Number.isInteger(b[0])) {
    const n = b[0];
    if (n === 0) return [1, 1];
    if (n > 0) {
      if (n % 2 === 0) return of(...[a[0] ** n, a[1] ** n, ...(contains(a, 0) ? [0] : [])]);
      return of(a[0] ** n, a[1] ** n);
    }
    if (contains(a, 0)) return null;
    if (n % 2 === 0 || a[0] > 0 || a[1] < 0) return of(a[0] ** n, a[1] ** n);
  }
  // General exponents need a positive base: pow = exp(b log a).
  if (a[0] <= 0) return null;
  const l = [Math.log(a[0]), Math.log(a[1])] as const;
  const p = mul(b, [l[0], l[1]]);
  return p === null ? null : of(Math.exp(p[0]), Math.exp(p[1]));
}

const needs = (pred: (i: Interval) => boolean, f: (i: Interval) => Interval | null) => (i: Interval) =>
  pred(i) ? f(i) : null;

const UNARY: Partial<Record<OpName, (a: Interval) => Interval | null>> = {
  neg: ([lo, hi]) => [-hi, -lo],
  fabs: ([lo, hi]) => lo >= 0 ? [lo, hi] : hi <= 0 ? [-hi, -lo] : [0, Math.max(-lo, hi)],
  floor: ([lo, hi]) => [Math.floor(lo), Math.floor(hi)],
  sqrt: needs(([lo]) => lo >= 0, inc(Math.sqrt)),
  cbrt: inc(Math.cbrt),
  rsqrt: needs(([lo]) => lo > 0, dec((x) => 1 / Math.sqrt(x))),
  recip: (a) => div([1, 1], a),
  exp: inc(Math.exp),
  exp2: inc((x) => 2 ** x),
  expm1: inc(Math.expm1),
  log: needs(([lo]) => lo > 0, inc(Math.log)),
  log2: needs(([lo]) => lo > 0, inc(Math.log2)),
  log1p: needs(([lo]) => lo > -1, inc(Math.log1p)),
  sin: periodic(Math.sin, Math.PI / 2),
  cos: periodic(Math.cos, 0),
  tan: ([lo, hi]) => {
    // Monotone between poles at pi/2 + k pi.
    const k = Math.floor((lo + Math.PI / 2) / Math.PI);
    const pole = Math.PI / 2 + k * Math.PI;
    return hi < pole - 1e-9 && lo > pole - Math.PI + 1e-9 ? inc(Math.tan)([lo, hi]) : null;
  },
  asin: needs(([lo, hi]) => lo >= -1 && hi <= 1, inc(Math.asin)),
  acos: needs(([lo, hi]) => lo >= -1 && hi <= 1, dec(Math.acos)),
  atan: inc(Math.atan),
  sinh: inc(Math.sinh),
  cosh: (a) => of(...[Math.cosh(a[0]), Math.cosh(a[1]), ...(contains(a, 0) ? [1] : [])]),
  tanh: inc(Math.tanh),
};

const BINARY: Partial<Record<OpName, (a: Interval, b: Interval) => Interval | null>> = {
  "+": (a, b) => of(a[0] + b[0], a[1] + b[1]),
  "-": (a, b) => of(a[0] - b[1], a[1] - b[0]),
  "*": (a, b) => (a === b ? sq(a) : mul(a, b)),
  "/": div,
  copysign: (a, b) => {
    const m = UNARY.fabs!(a)!;
    if (b[0] >= 0) return m;
    if (b[1] < 0) return [-m[1], -m[0]];
    return [-m[1], m[1]];
  },
  fmin: (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1])],
  fmax: (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1])],
  mulrsqrt: (a, b) => {
    const r = UNARY.rsqrt!(b);
    return r === null ? null : mul(a, r);
  },
  atan2: () => [-Math.PI, Math.PI],
  pow,
  hypot: (a, b) => {
    const x = UNARY.fabs!(a)!, y = UNARY.fabs!(b)!;
    return of(Math.hypot(x[0], y[0]), Math.hypot(x[1], y[1]));
  },
};

/**
 * Truth values as intervals: [1, 1] is certainly true, [0, 0] certainly
 * false, [0, 1] either. A comparison is decided where the ranges do not
 * overlap (ranges never hold NaN: an op that may make one has no range).
 */
const TRUE: Interval = [1, 1], FALSE: Interval = [0, 0], EITHER: Interval = [0, 1];
const truth = (yes: boolean, no: boolean): Interval => (yes ? TRUE : no ? FALSE : EITHER);

const LOGIC: Partial<Record<OpName, (a: Interval, b: Interval) => Interval>> = {
  lt: (a, b) => truth(a[1] < b[0], a[0] >= b[1]),
  le: (a, b) => truth(a[1] <= b[0], a[0] > b[1]),
  eq: (a, b) => truth(a[0] === a[1] && b[0] === b[1] && a[0] === b[0], a[1] < b[0] || b[1] < a[0]),
  ne: (a, b) => truth(a[1] < b[0] || b[1] < a[0], a[0] === a[1] && b[0] === b[1] && a[0] === b[0]),
  and: (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1])],
  or: (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1])],
  not: (a) => [1 - a[1], 1 - a[0]],
};

/** Range of an op over argument ranges; null if it may leave its domain. */
export function opInterval(op: OpName, args: readonly Interval[]): Interval | null {
  if (op === "select") {
    const [c, a, b] = args;
    if (c[0] === 1) return a;
    if (c[1] === 0) return b;
    return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
  }
  const logic = LOGIC[op];
  if (logic !== undefined) return logic(args[0], args[1]);
  if (op === "fma" || op === "fms" || op === "fnma") {
    const p = mul(args[0], args[1]);
    if (p === null) return null;
    const c = args[2];
    if (op === "fma") return BINARY["+"]!(p, c);
    if (op === "fms") return BINARY["-"]!(p, c);
    return BINARY["-"]!(c, p);
  }
  if (op === "d") return WHOLE;
  const f1 = UNARY[op];
  if (f1 !== undefined) return f1(args[0]);
  const f2 = BINARY[op];
  if (f2 !== undefined) return f2(args[0], args[1]);
  throw new Error(`no interval rule for ${op}`);
}

/**
 * Range of `e` given variable ranges (unlisted variables are unbounded).
 * Null if some op may be applied outside its domain.
 */
export function exprInterval(
  e: Expr,
  ranges: Readonly<Record<string, Interval>>,
): Interval | null {
  const memo = new Map<number, Interval | null>();
  for (const n of postorder(e)) {
    let r: Interval | null;
    if (n.tag === "const") r = Number.isNaN(n.value) ? null : [n.value, n.value];
    else if (n.tag === "var") r = ranges[n.name] ?? WHOLE;
    else {
      const args = n.args.map((a) => memo.get(a.id)!);
      r = args.some((a) => a === null) ? null : opInterval(n.op, args as Interval[]);
    }
    // One array per node: `*` takes the same array twice for a square, so
    // two variables sharing one range object must not share the array.
    memo.set(n.id, r === null ? null : [r[0], r[1]]);
  }
  return memo.get(e.id)!;
}
