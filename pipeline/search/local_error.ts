/**
 * Local error (Herbie's localization): how much error each operation adds
 * by itself, i.e. the op computed in float32 on its arguments' exact
 * (float64) values rounded to float32, against the op in float64 on the
 * exact values. A form's error is usually made at one or two nodes (the
 * subtraction that cancels, the log of a rounded exponential); rewriting
 * there, rather than everywhere, keeps an accuracy search small.
 */
import { type Expr, postorder } from "../expr/expr.ts";
import { OPS } from "../expr/ops.ts";
import { flooredUlps, outputFloor } from "../expr/ulp.ts";

/**
 * Mean bits of local error (log2(1 + floored ulps)) of every operation node
 * of `e` over the sampled `columns` (one per var), by node id.
 */
export function localErrors(
  e: Expr,
  vars: readonly string[],
  columns: readonly ArrayLike<number>[],
): Map<number, number> {
  const n = columns.length > 0 ? columns[0].length : 1;
  const index = new Map(vars.map((name, i) => [name, i]));
  const exact = new Map<number, Float64Array>();
  const out = new Map<number, number>();
  for (const node of postorder(e)) {
    const col = new Float64Array(n);
    if (node.tag === "const") col.fill(node.value);
    else if (node.tag === "var") {
      const src = columns[index.get(node.name) ?? -1];
      if (src === undefined) throw new Error(`unbound variable ${node.name}`);
      for (let k = 0; k < n; k++) col[k] = src[k];
    } else if (node.op !== "d") {
      const info = OPS[node.op];
      const args = node.args.map((a) => exact.get(a.id)!);
      const local = new Float64Array(n);
      const x = [0, 0, 0], r = [0, 0, 0];
      for (let k = 0; k < n; k++) {
        for (let j = 0; j < args.length; j++) {
          x[j] = args[j][k];
          r[j] = Math.fround(x[j]);
        }
        col[k] = info.f64(...x.slice(0, args.length));
        local[k] = info.class === "fused"
          ? info.f32(...r.slice(0, args.length))
          : Math.fround(info.f64(...r.slice(0, args.length)));
      }
      const floor = outputFloor(col);
      let bits = 0;
      for (let k = 0; k < n; k++) bits += Math.log2(1 + flooredUlps(local[k], col[k], floor));
      out.set(node.id, n > 0 ? bits / n : 0);
    }
    exact.set(node.id, col);
  }
  return out;
}
