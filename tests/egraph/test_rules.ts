/**
 * A small rule set for the e-graph tests, independent of the project's
 * rule files: exact algebra, FMA fusion and two rules with preconditions.
 */
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { type Expr, postorder } from "../../pipeline/expr/expr.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { defineRules } from "../../pipeline/rules/rule.ts";

export const TEST_RULES = defineRules("algebra", [
  { name: "t-comm-add", lhs: "(+ ?a ?b)", rhs: "(+ ?b ?a)" },
  { name: "t-comm-mul", lhs: "(* ?a ?b)", rhs: "(* ?b ?a)" },
  { name: "t-assoc-add", lhs: "(+ (+ ?a ?b) ?c)", rhs: "(+ ?a (+ ?b ?c))", bidi: true },
  { name: "t-assoc-mul", lhs: "(* (* ?a ?b) ?c)", rhs: "(* ?a (* ?b ?c))", bidi: true },
  { name: "t-dist", lhs: "(* ?a (+ ?b ?c))", rhs: "(+ (* ?a ?b) (* ?a ?c))", bidi: true },
  { name: "t-add0", lhs: "(+ ?a 0)", rhs: "?a" },
  { name: "t-mul1", lhs: "(* ?a 1)", rhs: "?a" },
  { name: "t-mul0", lhs: "(* ?a 0)", rhs: "0" },
  { name: "t-sub-self", lhs: "(- ?a ?a)", rhs: "0" },
  { name: "t-sub-neg", lhs: "(- ?a ?b)", rhs: "(+ ?a (neg ?b))", bidi: true },
  { name: "t-neg-neg", lhs: "(neg (neg ?a))", rhs: "?a" },
  { name: "t-double", lhs: "(+ ?a ?a)", rhs: "(* 2 ?a)", bidi: true },
  { name: "t-half", lhs: "(/ ?a 2)", rhs: "(* ?a 0.5)" },
  { name: "t-fma", lhs: "(+ (* ?a ?b) ?c)", rhs: "(fma ?a ?b ?c)" },
  { name: "t-div-self", lhs: "(/ ?a ?a)", rhs: "1", pre: "(!= ?a 0)" },
  { name: "t-sqrt-sq", lhs: "(sqrt (* ?a ?a))", rhs: "?a", pre: "(>= ?a 0)" },
  { name: "t-exp-log", lhs: "(exp (log ?a))", rhs: "?a", pre: "(> ?a 0)" },
  { name: "t-recip-approx", lhs: "(/ 1 ?a)", rhs: "(recip ?a)", approx: 1e-3 },
]);

/**
 * Whether `b` equals `a` on `n` random points in `range`, up to float64
 * rounding: the tolerance scales with the largest intermediate value of `a`
 * (cancellation can leave a result far below its parts). Points where `a`
 * is not finite are skipped.
 */
export function agreeOnRandomPoints(
  a: Expr,
  b: Expr,
  vars: readonly string[],
  range: readonly [number, number],
  n: number,
  seed: number,
): string | null {
  const rng = new Rng(seed);
  const cols = vars.map(() => Float64Array.from({ length: n }, () => rng.range(range[0], range[1])));
  // A constant expression evaluates to one value: broadcast it.
  const values = (e: Expr) => {
    const r = evaluateBatch(e, vars, cols, 64);
    return r.length === n ? r : new Float64Array(n).fill(r[0]);
  };
  const va = values(a), vb = values(b);
  const scale = new Float64Array(n).fill(1);
  for (const s of postorder(a)) {
    const vs = values(s);
    for (let k = 0; k < n; k++) if (Number.isFinite(vs[k])) scale[k] = Math.max(scale[k], Math.abs(vs[k]));
  }
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(va[k])) continue;
    if (!(Math.abs(va[k] - vb[k]) <= 1e-9 * scale[k])) {
      return `at ${vars.map((v, i) => `${v}=${cols[i][k]}`).join(" ")}: ${va[k]} vs ${vb[k]}`;
    }
  }
  return null;
}
