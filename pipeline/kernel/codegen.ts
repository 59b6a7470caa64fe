/**
 * Expr -> C: one function per kernel over struct-of-arrays float32 inputs,
 *
 *     void k_<hash>(const float *const *in, float *out, size_t n)
 *
 * where `in[i]` is the column of the record's i-th variable. The hot loop is
 * written with explicit vectors (the `kop_*` helpers of preamble.ts): one
 * C variable per unique node in post-order, so a shared subexpression is
 * computed once; nodes without variables are computed once before the loop;
 * the tail is one masked vector iteration of the same code, so every
 * element is computed by the same instructions. A lowering
 * (pipeline/expr/lowering.ts) computes its nodes by calls to approximate
 * functions (pipeline/approx/), whose C the kernel's text carries. Truth values (comparisons,
 * connectives) are lane masks of type `kb`; a conditional is if-converted:
 * both arms are computed and `kop_select` blends them.
 *
 * Only validated ops (a fixed table), variable indices and hex-float
 * constants reach the C text; the symbol is a hash of the text, never a
 * name from the input. `d` cannot be compiled: eliminate it first
 * (pipeline/expr/derivative.ts `eliminateDerivatives`).
 *
 * @example
 * const k = simdKernel(parseExpr("(+ (* x y) 1)"), ["x", "y"], "avx512");
 * k.symbol;   // "k_3f2a..." (16 hex digits)
 * simdPreamble("avx512") + k.text;   // a complete translation unit
 */
import { createHash } from "node:crypto";
import { type Expr, postorder, sortOf } from "../expr/expr.ts";
import { OP_NAMES, OPS } from "../expr/ops.ts";
import { cFloat32 } from "./c_literal.ts";
import type { Isa } from "../target/target.ts";
import { loweredArgs, loweredPostorder, type Lowering, NO_LOWERING } from "../expr/lowering.ts";
import { approxKernelC } from "../approx/catalog.ts";

/** Bumped whenever the generated code changes meaning or speed: it keys caches. */
export const CODEGEN_VERSION = 2;

/** An expression the code generator refuses (the reason names the problem). */
export class CodegenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CodegenError";
  }
}

/** One kernel's C text, to be compiled after its flavor's preamble. */
export interface KernelSource {
  /** Generated from a hash of the text: `k_` (SIMD) or `p_` (plain) + 16 hex. */
  readonly symbol: string;
  /** Function definitions (the kernel and its static helpers). */
  readonly text: string;
  /** Which preamble the text needs: an ISA, or "plain" for user-style C. */
  readonly flavor: Isa | "plain";
}

/** The helper each op compiles to (`kop_<ident>` of the op table); `d` has none. */
const HELPER: ReadonlyMap<string, string> = new Map(
  OP_NAMES.filter((op) => op !== "d").map((op) => [op, `kop_${OPS[op].ident}`]),
);

/** Placeholder for the symbol while the text is hashed. */
const SYM = "KSYM";

/** Index of each variable in the record's list; refuses unknown ones. */
export function variableIndex(e: Expr, vars: readonly string[]): Map<string, number> {
  const index = new Map(vars.map((name, i) => [name, i]));
  for (const n of postorder(e)) {
    if (n.tag === "var" && !index.has(n.name)) {
      throw new CodegenError(`variable ${JSON.stringify(n.name)} is not among the record's vars`);
    }
    if (n.tag === "app" && n.op === "d") {
      throw new CodegenError(
        "contains (d x e), which has no pointwise value: eliminate derivatives first (eliminateDerivatives)",
      );
    }
    if (n.tag === "app" && !HELPER.has(n.op)) throw new CodegenError(`op ${n.op} cannot be compiled`);
  }
  return index;
}

/** `prefix` + 16 hex digits of a hash of the text (with the placeholder symbol). */
export function symbolFor(prefix: "k_" | "p_", flavor: string, text: string): string {
  const h = createHash("sha256").update(`codegen ${CODEGEN_VERSION}\n${flavor}\n${text}`).digest("hex");
  return prefix + h.slice(0, 16);
}

/**
 * Another build of the same kernel: the same code under its own symbol, so
 * it is compiled and placed apart from the original. Timing two copies tells
 * the harness's noise from a real difference: one function timed twice sits
 * at one address and agrees with itself to 0.1% (median), while two builds
 * of one form differed by 8-10% at the 95th percentile on Zen 5: a loop
 * 32 bytes off a 64-byte line measured 10% apart from the same loop on one.
 */
export function separateCopy(src: KernelSource, copy: number): KernelSource {
  const prefix = src.symbol.startsWith("p_") ? "p_" : "k_";
  const symbol = symbolFor(prefix, src.flavor, `${src.text}\n/* copy ${copy} */`);
  return { ...src, symbol, text: src.text.replaceAll(src.symbol, symbol) };
}

/** The SIMD kernel of `e` over the columns `vars`, for `isa`, with `lowering`'s nodes computed by their functions. */
export function simdKernel(
  e: Expr,
  vars: readonly string[],
  isa: Isa,
  lowering: Lowering = NO_LOWERING,
): KernelSource {
  const index = variableIndex(e, vars);
  const order = loweredPostorder(e, lowering);
  const argsOf = (n: Expr) => loweredArgs(n, lowering);
  const pos = new Map(order.map((n, i) => [n.id, i]));
  // Loop-invariant nodes: no variable below them.
  const invariant = new Set<number>();
  for (const n of order) {
    if (n.tag === "const" || (n.tag === "app" && argsOf(n).every((a) => invariant.has(a.id)))) invariant.add(n.id);
  }
  const type = (n: Expr): string => (sortOf(n) === "bool" ? "kb" : "kv");
  const name = (n: Expr): string => {
    if (n.tag === "var") return `x${index.get(n.name)}`;
    return `${invariant.has(n.id) ? "h" : "t"}${pos.get(n.id)}`;
  };
  const define = (n: Expr): string => {
    if (n.tag === "const") return `kop_set1(${cFloat32(n.value)})`;
    const low = lowering.get(n.id);
    if (low !== undefined) return `${low.cName}(${low.args.map(name).join(", ")})`;
    if (n.tag === "app") return `${HELPER.get(n.op)}(${n.args.map(name).join(", ")})`;
    throw new Error("variables are parameters, not definitions");
  };

  // Invariants computed before the loop, then the ones the loop body reads.
  const hoisted = order.filter((n) => invariant.has(n.id));
  const bodyNodes = order.filter((n) => !invariant.has(n.id) && n.tag === "app");
  const usedInBody = new Set<number>();
  for (const n of bodyNodes) argsOf(n).forEach((a) => usedInBody.add(a.id));
  usedInBody.add(e.id);
  const hoistParams = hoisted.filter((n) => usedInBody.has(n.id));
  const usedVars = [
    ...new Set(order.filter((n) => n.tag === "var").map((n) => index.get((n as { name: string }).name)!)),
  ]
    .sort((a, b) => a - b);

  const params = [...usedVars.map((i) => `kv x${i}`), ...hoistParams.map((n) => `${type(n)} ${name(n)}`)];
  const lines: string[] = [];
  if (lowering.size > 0) lines.push(approxKernelC(isa, [...lowering.values()].map((l) => l.cName)).trimEnd());
  lines.push(`KOP kv ${SYM}_f(${params.length > 0 ? params.join(", ") : "void"}) {`);
  for (const n of bodyNodes) lines.push(`  const ${type(n)} ${name(n)} = ${define(n)};`);
  lines.push(`  return ${name(e)};`, "}");
  lines.push(`void ${SYM}(const float *const *in, float *out, size_t n) {`);
  if (usedVars.length === 0) lines.push("  (void)in;");
  for (const i of usedVars) lines.push(`  const float *const p${i} = in[${i}];`);
  for (const n of hoisted) lines.push(`  const ${type(n)} ${name(n)} = ${define(n)};`);
  const call = (load: (i: number) => string) =>
    `${SYM}_f(${[...usedVars.map(load), ...hoistParams.map(name)].join(", ")})`;
  lines.push(
    "  size_t i = 0;",
    `  for (; i + KL <= n; i += KL) kop_store(out + i, ${call((i) => `kop_load(p${i} + i)`)});`,
    "  if (i < n) {",
    "    const km m = kop_mask(n - i);",
    `    kop_storem(out + i, m, ${call((i) => `kop_loadm(p${i} + i, m)`)});`,
    "  }",
    "}",
  );
  const template = lines.join("\n") + "\n";
  const symbol = symbolFor("k_", isa, template);
  return { symbol, text: template.replaceAll(SYM, symbol), flavor: isa };
}
