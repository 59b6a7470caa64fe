/**
 * float32 constants as C text. Every constant a kernel contains reaches the
 * C source through `cFloat32`, which builds the literal from the value's
 * bits alone (a C99 hex float), so no text from the input can get into the
 * source and the compiler reads back exactly the float32 the evaluator uses.
 *
 * @example
 * cFloat32(1.5);   // "0x1.8p+0f"
 * cFloat32(-0);    // "-0x0p+0f"
 * cFloat32(0.1);   // "0x1.99999ap-4f" (0.1 rounded to float32 first)
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * The C literal of `x` rounded to float32: a hex float with an `f` suffix,
 * or `INFINITY` / `NAN` (from <math.h>), parenthesized when negative so it
 * can stand as an operand anywhere.
 */
export function cFloat32(x: number): string {
  const f = Math.fround(x);
  if (Number.isNaN(f)) return "NAN";
  if (f === Infinity) return "INFINITY";
  if (f === -Infinity) return "(-INFINITY)";
  const neg = f < 0 || Object.is(f, -0);
  const body = hexMagnitude(Math.abs(f));
  return neg ? `(-${body})` : body;
}

/** `0x1.<hex>p<exp>f` of a non-negative finite float32, exact. */
function hexMagnitude(a: number): string {
  if (a === 0) return "0x0p+0f";
  // Every float32 (subnormals included) is a normal float64, so the float64
  // fields give a normalized hex form whose value is exactly `a`.
  F64[0] = a;
  const lo = U32[0], hi = U32[1];
  const exp = ((hi >>> 20) & 0x7ff) - 1023;
  const frac = ((hi & 0xfffff).toString(16).padStart(5, "0") + lo.toString(16).padStart(8, "0")).replace(/0+$/, "");
  const sign = exp < 0 ? "-" : "+";
  return `0x1${frac.length > 0 ? "." + frac : ""}p${sign}${Math.abs(exp)}f`;
}
