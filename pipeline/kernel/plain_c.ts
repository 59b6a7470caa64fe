/**
 * The kernel as a user would write it in C, for the compiler peers: a
 * scalar loop, the expression as given, libm calls (`expf`, `sqrtf`),
 * `1.0f / sqrtf(x)` for rsqrt, `fmaf` for the fused ops, and a named
 * temporary for each subexpression used more than once (what `let` is in
 * FPCore). Whether it vectorizes is up to the compiler and its flags.
 *
 * Like the SIMD code generator it writes only ops from a fixed table,
 * variable indices and hex-float constants, under a generated symbol.
 *
 * @example
 * plainKernel(parseExpr("(sqrt (+ (* x x) 1))"), ["x"]).text
 * // void p_...(const float *const *in, float *restrict out, size_t n) {
 * //   const float *restrict p0 = in[0];
 * //   for (size_t i = 0; i < n; i++) {
 * //     const float x0 = p0[i];
 * //     out[i] = sqrtf(((x0 * x0) + 0x1p+0f));
 * // ...
 */
import { type Expr, postorder, sortOf } from "../expr/expr.ts";
import { cExpression } from "../expr/ops.ts";
import { cFloat32 } from "./c_literal.ts";
import { type KernelSource, symbolFor, variableIndex } from "./codegen.ts";

export const PLAIN_PREAMBLE = "#include <math.h>\n#include <stddef.h>\n";

/** The plain scalar C kernel of `e` over the columns `vars`. */
export function plainKernel(e: Expr, vars: readonly string[]): KernelSource {
  const index = variableIndex(e, vars);
  const order = postorder(e);
  const uses = new Map<number, number>();
  for (const n of order) if (n.tag === "app") { for (const a of n.args) uses.set(a.id, (uses.get(a.id) ?? 0) + 1); }
  const text = new Map<number, string>();
  const temps: string[] = [];
  order.forEach((n, k) => {
    let t: string;
    if (n.tag === "const") t = cFloat32(n.value);
    else if (n.tag === "var") t = `x${index.get(n.name)}`;
    else t = cExpression(n.op, n.args.map((a) => text.get(a.id)!));
    if (n.tag === "app" && (uses.get(n.id) ?? 0) > 1) {
      temps.push(`    const ${sortOf(n) === "bool" ? "int" : "float"} t${k} = ${t};`);
      t = `t${k}`;
    }
    text.set(n.id, t);
  });
  const usedVars = [
    ...new Set(order.filter((n) => n.tag === "var").map((n) => index.get((n as { name: string }).name)!)),
  ]
    .sort((a, b) => a - b);
  const lines = [
    "void KSYM(const float *const *in, float *restrict out, size_t n) {",
    ...(usedVars.length === 0 ? ["  (void)in;"] : []),
    ...usedVars.map((i) => `  const float *restrict p${i} = in[${i}];`),
    "  for (size_t i = 0; i < n; i++) {",
    ...usedVars.map((i) => `    const float x${i} = p${i}[i];`),
    ...temps,
    `    out[i] = ${text.get(e.id)!};`,
    "  }",
    "}",
  ];
  const template = lines.join("\n") + "\n";
  const symbol = symbolFor("p_", "plain", template);
  return { symbol, text: template.replaceAll("KSYM", symbol), flavor: "plain" };
}
