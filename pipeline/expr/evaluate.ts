/**
 * Evaluation: float64 is the reference, float32 models the kernel (inputs
 * and constants rounded to float32, one rounding after every op, fused ops
 * rounded once).
 *
 * Batch evaluation walks the unique nodes once, each over a whole column of
 * inputs, so a shared subexpression is computed once and the per-node
 * dispatch is paid once per column rather than once per point.
 *
 * @example
 * evaluate64(parseInfix("x*y + 1"), { x: 2, y: 3 }); // 7
 */
import { eliminateDerivatives } from "./derivative.ts";
import { type Expr, postorder } from "./expr.ts";
import { type OpName, OPS } from "./ops.ts";
import { loweredArgs, loweredPostorder, type Lowering, NO_LOWERING } from "./lowering.ts";

export type Precision = 32 | 64;

export type Env = Readonly<Record<string, number>>;

/** Value of `e` at one point. */
export function evaluate(e: Expr, env: Env, precision: Precision): number {
  const names = Object.keys(env);
  const cols = names.map((n) => [env[n]]);
  return evaluateBatch(e, names, cols, precision)[0];
}

export const evaluate64 = (e: Expr, env: Env): number => evaluate(e, env, 64);
export const evaluate32 = (e: Expr, env: Env): number => evaluate(e, env, 32);

type Column = Float64Array | Float32Array;

/**
 * Values of `e` at `n` points: `columns[i][k]` is variable `vars[i]` at
 * point k. Throws if `e` uses a variable not in `vars`.
 *
 * In float32, intermediate columns are Float32Arrays: a value computed in
 * float64 and stored there is rounded once, which is exactly the float32
 * semantics of every op but the fused ones (they round once from the exact
 * a*b+c, so they use their own float32 functions).
 *
 * A `lowering` (float32 only) computes its nodes by their functions, as the
 * kernel built with it does (lowering.ts): how approximate functions are
 * checked against the guard.
 */
export function evaluateBatch(
  e: Expr,
  vars: readonly string[],
  columns: readonly ArrayLike<number>[],
  precision: Precision,
  lowering: Lowering = NO_LOWERING,
): Float64Array {
  if (precision === 64) lowering = NO_LOWERING;
  const n = columns.length > 0 ? columns[0].length : 1;
  // A column goes back to the pool after its last reader, so a kernel needs
  // as many columns as it has values live at once, not one per node (the
  // accuracy guard evaluates hundreds of forms on 10,000 points each).
  const free: Column[] = [];
  const alloc = (): Column => free.pop() ?? (precision === 32 ? new Float32Array(n) : new Float64Array(n));
  const index = new Map(vars.map((name, i) => [name, i]));
  const values = new Map<number, Column>();
  const root = eliminateDerivatives(e);
  const order = lowering.size === 0 ? postorder(root) : loweredPostorder(root, lowering);
  const lastReader = new Map<number, number>();
  order.forEach((node, i) => {
    for (const c of loweredArgs(node, lowering)) lastReader.set(c.id, i);
  });
  for (const [i, node] of order.entries()) {
    const out = alloc();
    if (node.tag === "const") {
      out.fill(node.value);
    } else if (node.tag === "var") {
      const i = index.get(node.name);
      if (i === undefined) throw new Error(`unbound variable ${node.name}`);
      const col = columns[i];
      for (let k = 0; k < n; k++) out[k] = col[k];
    } else {
      const low = lowering.get(node.id);
      const a = (low?.args ?? node.args).map((c) => values.get(c.id)!);
      if (low !== undefined || !inlineOp(node.op, a, out)) {
        const info = OPS[node.op];
        const fn = low?.f32 ?? (precision === 32 && info.class === "fused" ? info.f32 : info.f64);
        if (a.length === 1) {
          const a0 = a[0];
          for (let k = 0; k < n; k++) out[k] = fn(a0[k]);
        } else if (a.length === 2) {
          const [a0, a1] = a;
          for (let k = 0; k < n; k++) out[k] = fn(a0[k], a1[k]);
        } else {
          const [a0, a1, a2] = a;
          for (let k = 0; k < n; k++) out[k] = fn(a0[k], a1[k], a2[k]);
        }
      }
    }
    values.set(node.id, out);
    if (node.tag === "app") {
      for (const c of loweredArgs(node, lowering)) {
        const col = values.get(c.id);
        // undefined: an op reading one value twice (x * x) already freed it.
        if (lastReader.get(c.id) !== i || col === undefined) continue;
        free.push(col);
        values.delete(c.id);
      }
    }
  }
  const result = values.get(root.id)!;
  return result instanceof Float64Array ? result : Float64Array.from(result);
}

/**
 * The arithmetic ops as plain loops (no call per element): most of a
 * kernel's nodes, and the hot path of every accuracy check. The column type
 * does the float32 rounding. Returns false for ops it leaves to the table.
 */
function inlineOp(op: OpName, a: readonly Column[], out: Column): boolean {
  const n = out.length;
  const x = a[0], y = a[1];
  switch (op) {
    case "+":
      for (let k = 0; k < n; k++) out[k] = x[k] + y[k];
      return true;
    case "-":
      for (let k = 0; k < n; k++) out[k] = x[k] - y[k];
      return true;
    case "*":
      for (let k = 0; k < n; k++) out[k] = x[k] * y[k];
      return true;
    case "/":
      for (let k = 0; k < n; k++) out[k] = x[k] / y[k];
      return true;
    case "neg":
      for (let k = 0; k < n; k++) out[k] = -x[k];
      return true;
    case "fabs":
      for (let k = 0; k < n; k++) out[k] = Math.abs(x[k]);
      return true;
    case "sqrt":
      for (let k = 0; k < n; k++) out[k] = Math.sqrt(x[k]);
      return true;
    default:
      return false;
  }
}
