/**
 * Numeric literals shared by the FPCore and infix syntaxes: decimals with an
 * exponent, rationals `p/q`, hex floats `0x1.8p3`, and the named constants
 * INFINITY and NAN. Printing uses JavaScript's shortest round-trip form, so
 * `parseLiteral(printLiteral(x))` is `x` bit for bit (including -0).
 */

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const RATIONAL = /^([+-]?)(\d+)\/(\d+)$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(\.([0-9a-fA-F]*))?([pP]([+-]?\d+))?$/;

/** The value of a literal, or null when `text` is not a numeric literal. */
export function parseLiteral(text: string): number | null {
  if (DECIMAL.test(text)) return Number(text);
  if (text === "INFINITY" || text === "+INFINITY") return Infinity;
  if (text === "-INFINITY") return -Infinity;
  if (text === "NAN") return NaN;
  const r = RATIONAL.exec(text);
  if (r !== null) {
    const sign = r[1] === "-" ? -1 : 1;
    return sign * ratio(BigInt(r[2]), BigInt(r[3]));
  }
  const h = HEX.exec(text);
  if (h !== null && (h[2].length > 0 || (h[4] ?? "").length > 0)) {
    const sign = h[1] === "-" ? -1 : 1;
    const frac = h[4] ?? "";
    const mant = BigInt("0x" + (h[2] + frac || "0"));
    const exp = Number(h[6] ?? "0") - 4 * frac.length;
    return sign * scaleB(mant, exp);
  }
  return null;
}

/** p/q correctly rounded to float64. */
function ratio(p: bigint, q: bigint): number {
  if (q === 0n) return p === 0n ? NaN : Infinity;
  const LIMIT = 1n << 53n;
  if (p < LIMIT && q < LIMIT) return Number(p) / Number(q);
  // Scale so the quotient has 64 significant bits, then one rounding.
  let shift = 64 - (p.toString(2).length - q.toString(2).length);
  if (shift < 0) shift = 0;
  const num = p << BigInt(shift);
  const quo = num / q;
  const sticky = num % q === 0n ? 0n : 1n;
  return scaleB((quo << 1n) | sticky, -shift - 1);
}

/** m * 2^e with one rounding (Number(bigint) rounds to nearest). */
function scaleB(m: bigint, e: number): number {
  if (m === 0n) return 0;
  // Keep 60 bits so the conversion rounds once, then scale exactly.
  const bits = m.toString(2).length;
  if (bits > 60) {
    const drop = bits - 60;
    const sticky = (m & ((1n << BigInt(drop)) - 1n)) === 0n ? 0n : 1n;
    m = (m >> BigInt(drop)) | sticky;
    e += drop;
  }
  let x = Number(m);
  // 1 <= x < 2^60, so past these bounds the result is already inf or 0 (as
  // for a decimal literal out of range); clamping keeps the loops below
  // short: an exponent like 1e21 is not changed by subtracting 1000.
  e = Math.min(Math.max(e, -1200), 1100);
  // Multiply by powers of two in safe steps (exact unless under/overflow).
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/** Shortest text that parses back to exactly `x`. */
export function printLiteral(x: number): string {
  if (Number.isNaN(x)) return "NAN";
  if (x === Infinity) return "INFINITY";
  if (x === -Infinity) return "-INFINITY";
  if (Object.is(x, -0)) return "-0";
  return String(x);
}

/**
 * The shortest decimal, as a float64, that rounds to the same float32 as
 * `x`: how a constant computed in float64 for a float32 kernel is kept. The
 * kernel reads exactly `Math.fround(x)` either way, and the form prints as
 * `2.4` rather than `2.4000000953674316` (or `2.3999999999999995`).
 * Infinities, NaN and zeros are their float32 selves.
 *
 * @example
 * shortestFloat32(1.4426950408889634 * 1.6635532333438687);   // 2.4
 */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || f === 0) return f;
  for (let digits = 1; digits < 9; digits++) {
    const y = Number(f.toPrecision(digits));
    if (Math.fround(y) === f) return y;
  }
  // Nine significant digits always round-trip a float32.
  return Number(f.toPrecision(9));
}
