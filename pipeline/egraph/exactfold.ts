/**
 * Exact constant folding: the float64 value of an op on float64 constants,
 * but only when that value is the exact real result.
 *
 * The e-graph reasons about real numbers: two expressions in one class are
 * equal as reals. A folded constant that was rounded is not equal to the
 * expression it came from, and the error compounds: 1/(c*c) folded one way
 * and (1/c)*(1/c) another give two different constants for one real, a
 * later cancellation of the two looks like a non-zero number, and a rule
 * with precondition (!= ?x 0) then divides by what is really zero. One such
 * step is enough to merge 0 with 1 and collapse the whole graph (it did, on
 * the corpus, before this module). So the e-graph folds only exact results;
 * rounded values are kept apart, as the "approximate value" of a class that
 * extraction uses and equalities never see (`analysis.ts`).
 *
 * Exactness is decided with error-free transformations: TwoSum for sums,
 * Dekker's TwoProduct for products (no FMA in JS), and the product check
 * q*b == a for quotients and s*s == a for square roots. Transcendentals are
 * exact only at the points where the math is (exp 0 = 1, log 1 = 0, exp2 of
 * an integer, ...). Signed zero is not a real number: -0 folds to 0.
 */
import type { OpName } from "../expr/ops.ts";

/** Dekker's split constant for float64: 2^27 + 1. */
const SPLIT = 134217729;

/** a + b is exactly representable. */
function sumExact(a: number, b: number): boolean {
  const s = a + b;
  if (!Number.isFinite(s)) return false;
  const bb = s - a;
  return (a - (s - bb)) + (b - bb) === 0;
}

/** a * b is exactly representable (and finite, not underflowing). */
function productExact(a: number, b: number): boolean {
  const p = a * b;
  if (!Number.isFinite(p)) return false;
  if (p === 0) return a === 0 || b === 0;
  // Dekker's split loses accuracy near overflow and in subnormals.
  if (Math.abs(a) > 1e150 || Math.abs(b) > 1e150 || Math.abs(p) < 1e-290) return false;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  const err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return err === 0;
}

const zeroNorm = (x: number) => (x === 0 ? 0 : x);

function quotient(a: number, b: number): number | null {
  if (b === 0) return null;
  const q = a / b;
  return productExact(q, b) && q * b === a ? q : null;
}

function root(a: number): number | null {
  if (a < 0) return null;
  const s = Math.sqrt(a);
  return productExact(s, s) && s * s === a ? s : null;
}

function isPowerOfTwo(x: number): boolean {
  return x > 0 && Number.isFinite(x) && Math.log2(x) === Math.round(Math.log2(x)) &&
    2 ** Math.round(Math.log2(x)) === x;
}

/** a^n for a small integer n >= 0 by exact repeated multiplication. */
function intPower(a: number, n: number): number | null {
  let r = 1;
  for (let i = 0; i < n; i++) {
    if (!productExact(r, a)) return null;
    r *= a;
  }
  return r;
}

/**
 * The exact value of `op` on `args` (float64 constants), or null when the
 * result would be rounded, is not finite, or is not known to be exact.
 */
export function foldExact(op: OpName, args: readonly number[]): number | null {
  const [a, b, c] = args;
  if (args.some((x) => !Number.isFinite(x))) return null;
  let r: number | null;
  switch (op) {
    case "+":
      r = sumExact(a, b) ? a + b : null;
      break;
    case "-":
      r = sumExact(a, -b) ? a - b : null;
      break;
    case "*":
      r = productExact(a, b) ? a * b : null;
      break;
    case "/":
      r = quotient(a, b);
      break;
    case "neg":
      r = -a;
      break;
    case "fabs":
      r = Math.abs(a);
      break;
    case "copysign":
      r = b < 0 ? -Math.abs(a) : Math.abs(a);
      break;
    case "fmin":
      r = Math.min(a, b);
      break;
    case "fmax":
      r = Math.max(a, b);
      break;
    case "floor":
      r = Math.floor(a);
      break;
    case "sqrt":
      r = root(a);
      break;
    case "cbrt": {
      const s = Math.cbrt(a);
      r = productExact(s, s) && productExact(s * s, s) && s * s * s === a ? s : null;
      break;
    }
    case "fma":
    case "fms":
    case "fnma": {
      if (!productExact(a, b)) return null;
      const p = op === "fnma" ? -(a * b) : a * b;
      const q = op === "fms" ? -c : c;
      r = sumExact(p, q) ? p + q : null;
      break;
    }
    case "recip":
      r = quotient(1, a);
      break;
    case "rsqrt": {
      const s = root(a);
      r = s === null ? null : quotient(1, s);
      break;
    }
    case "mulrsqrt": {
      const s = root(b);
      r = s === null ? null : quotient(a, s);
      break;
    }
    case "exp":
      r = a === 0 ? 1 : null;
      break;
    case "exp2":
      r = Number.isInteger(a) && a >= -1022 && a <= 1023 ? 2 ** a : null;
      break;
    case "expm1":
    case "log1p":
    case "sin":
    case "tan":
    case "asin":
    case "atan":
    case "sinh":
    case "tanh":
      r = a === 0 ? 0 : null;
      break;
    case "log":
      r = a === 1 ? 0 : null;
      break;
    case "log2":
      r = isPowerOfTwo(a) ? Math.round(Math.log2(a)) : null;
      break;
    case "cos":
    case "cosh":
      r = a === 0 ? 1 : null;
      break;
    case "acos":
      r = a === 1 ? 0 : null;
      break;
    case "atan2":
      r = a === 0 && b > 0 ? 0 : null;
      break;
    case "pow":
      if (b === 0) r = 1;
      else if (b === 0.5) r = root(a);
      else if (Number.isInteger(b) && b > 0 && b <= 64) r = intPower(a, b);
      else if (Number.isInteger(b) && b < 0 && b >= -64) {
        const p = intPower(a, -b);
        r = p === null ? null : quotient(1, p);
      } else r = null;
      break;
    case "hypot": {
      const s = productExact(a, a) && productExact(b, b) && sumExact(a * a, b * b) ? root(a * a + b * b) : null;
      r = s;
      break;
    }
    case "d":
    case "select":
    case "lt":
    case "le":
    case "eq":
    case "ne":
    case "and":
    case "or":
    case "not":
      // Truth values are not numbers: a comparison of constants stays a comparison.
      r = null;
      break;
  }
  return r === null || !Number.isFinite(r) ? null : zeroNorm(r);
}
