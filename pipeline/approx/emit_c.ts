/**
 * Prints an approximation as C: the vocabulary (`vocab.ts`) run with
 * values that are C variable names, each op one `const` line calling its
 * `kap_*` helper (`prelude.ts`). The body is the same for every ISA; the
 * result is a `static inline` function of `kav` arguments.
 */
import type { Ops } from "./vocab.ts";

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

/** A float32 constant as an exact C literal: hexadecimal, `0x1.921fb6p+1f`. */
export function cFloat(x: number): string {
  if (Number.isNaN(x)) return "NAN";
  if (x === Infinity) return "INFINITY";
  if (x === -Infinity) return "(-INFINITY)";
  F[0] = x;
  const u = U[0];
  const sign = u >>> 31 ? "-" : "";
  const e = (u >>> 23) & 0xff, m = u & 0x7fffff;
  if (e === 0 && m === 0) return `${sign}0.0f`;
  // Mantissa as 6 hex digits (23 bits shifted to 24), exponent unbiased.
  const [lead, exp] = e === 0 ? [0, -126] : [1, e - 127];
  return `${sign}0x${lead}.${(m << 1).toString(16).padStart(6, "0")}p${exp >= 0 ? "+" : ""}${exp}f`;
}

class Emitter implements Ops<string, string> {
  readonly lines: string[] = [];
  private n = 0;
  private consts = new Map<string, string>();

  private v(expr: string): string {
    const name = `t${this.n++}`;
    this.lines.push(`  const kav ${name} = ${expr};`);
    return name;
  }
  private m(expr: string): string {
    const name = `m${this.n++}`;
    this.lines.push(`  const kam ${name} = ${expr};`);
    return name;
  }
  c(x: number): string {
    const lit = cFloat(x);
    let name = this.consts.get(lit);
    if (name === undefined) {
      name = this.v(`kap_set1(${lit})`);
      this.consts.set(lit, name);
    }
    return name;
  }
  add = (a: string, b: string) => this.v(`kap_add(${a}, ${b})`);
  sub = (a: string, b: string) => this.v(`kap_sub(${a}, ${b})`);
  mul = (a: string, b: string) => this.v(`kap_mul(${a}, ${b})`);
  div = (a: string, b: string) => this.v(`kap_div(${a}, ${b})`);
  fma = (a: string, b: string, c: string) => this.v(`kap_fma(${a}, ${b}, ${c})`);
  neg = (a: string) => this.v(`kap_neg(${a})`);
  abs = (a: string) => this.v(`kap_abs(${a})`);
  copysign = (a: string, b: string) => this.v(`kap_copysign(${a}, ${b})`);
  min = (a: string, b: string) => this.v(`kap_min(${a}, ${b})`);
  max = (a: string, b: string) => this.v(`kap_max(${a}, ${b})`);
  rint = (a: string) => this.v(`kap_rint(${a})`);
  floor = (a: string) => this.v(`kap_floor(${a})`);
  pow2i = (a: string) => this.v(`kap_pow2i(${a})`);
  ldexp = (a: string, b: string) => this.v(`kap_ldexp(${a}, ${b})`);
  logExp = (a: string) => this.v(`kap_logexp(${a})`);
  logMant = (a: string) => this.v(`kap_logmant(${a})`);
  rsqrtSeed = (a: string) => this.v(`kap_rsqrtseed(${a})`);
  lt = (a: string, b: string) => this.m(`kap_lt(${a}, ${b})`);
  gt = (a: string, b: string) => this.m(`kap_gt(${a}, ${b})`);
  eq = (a: string, b: string) => this.m(`kap_eq(${a}, ${b})`);
  nge = (a: string, b: string) => this.m(`kap_nge(${a}, ${b})`);
  isnan = (a: string) => this.m(`kap_isnan(${a})`);
  or = (a: string, b: string) => this.m(`kap_or(${a}, ${b})`);
  select = (m: string, a: string, b: string) => this.v(`kap_select(${m}, ${a}, ${b})`);
}

/**
 * `static inline kav name(kav x, ...)` computing `body` over the
 * parameters (named `params`), in the vocabulary's C form.
 */
export function emitFunction(
  name: string,
  params: readonly string[],
  body: (o: Ops<string, string>, args: string[]) => string,
  comment = "",
): string {
  const e = new Emitter();
  const r = body(e, [...params]);
  const head = comment === "" ? "" : `/* ${comment} */\n`;
  return `${head}KAP kav ${name}(${params.map((p) => `kav ${p}`).join(", ")}) {\n${
    e.lines.join("\n")
  }\n  return ${r};\n}\n`;
}
