/**
 * SIMD-specific rules: min/max/abs/copysign are single cheap vector
 * instructions (blend-free on AVX-512), so identities among them mostly
 * remove ops or turn a divide into a sign transfer; clamps can be written
 * with the min and max in either order when lo <= hi.
 *
 * The Newton-step forms refine an estimate: `recip` and `rsqrt` are a
 * hardware estimate plus one step, and these rules (exact in the reals,
 * since x * recip(x) = 1) let the search add a second step where accuracy
 * needs it, written with fused ops.
 *
 * The approximate rules trade a sqrt or a divide for a fused op near 1.
 * Each declares its relative error bound (the next Taylor term at the edge
 * of its precondition), well below float32's 6e-8.
 */
import { defineRules } from "./rule.ts";

export const RULES = defineRules("simd", [
  // min and max.
  { name: "fmin-self", lhs: "(fmin ?x ?x)", rhs: "?x" },
  { name: "fmax-self", lhs: "(fmax ?x ?x)", rhs: "?x" },
  { name: "fmin-comm", lhs: "(fmin ?a ?b)", rhs: "(fmin ?b ?a)" },
  { name: "fmax-comm", lhs: "(fmax ?a ?b)", rhs: "(fmax ?b ?a)" },
  { name: "fmin-assoc", lhs: "(fmin (fmin ?a ?b) ?c)", rhs: "(fmin ?a (fmin ?b ?c))" },
  { name: "fmax-assoc", lhs: "(fmax (fmax ?a ?b) ?c)", rhs: "(fmax ?a (fmax ?b ?c))" },
  { name: "fmin-absorb", lhs: "(fmin ?a (fmax ?a ?b))", rhs: "?a" },
  { name: "fmax-absorb", lhs: "(fmax ?a (fmin ?a ?b))", rhs: "?a" },
  { name: "neg-fmin", lhs: "(neg (fmin ?a ?b))", rhs: "(fmax (neg ?a) (neg ?b))" },
  { name: "neg-fmax", lhs: "(neg (fmax ?a ?b))", rhs: "(fmin (neg ?a) (neg ?b))" },
  { name: "fmin-add", lhs: "(fmin (+ ?a ?c) (+ ?b ?c))", rhs: "(+ (fmin ?a ?b) ?c)" },
  { name: "fmax-add", lhs: "(fmax (+ ?a ?c) (+ ?b ?c))", rhs: "(+ (fmax ?a ?b) ?c)" },
  { name: "fmax-scale", lhs: "(fmax (* ?a ?c) (* ?b ?c))", rhs: "(* (fmax ?a ?b) ?c)", pre: "(>= ?c 0)" },
  { name: "fmin-scale", lhs: "(fmin (* ?a ?c) (* ?b ?c))", rhs: "(* (fmin ?a ?b) ?c)", pre: "(>= ?c 0)" },
  { name: "min-plus-max", lhs: "(+ (fmin ?a ?b) (fmax ?a ?b))", rhs: "(+ ?a ?b)" },
  { name: "min-times-max", lhs: "(* (fmin ?a ?b) (fmax ?a ?b))", rhs: "(* ?a ?b)" },
  {
    name: "clamp-order",
    lhs: "(fmax (fmin ?x ?hi) ?lo)",
    rhs: "(fmin (fmax ?x ?lo) ?hi)",
    pre: "(<= ?lo ?hi)",
    bidi: true,
  },

  // Absolute value and sign.
  { name: "fabs-fabs", lhs: "(fabs (fabs ?x))", rhs: "(fabs ?x)" },
  { name: "fabs-neg", lhs: "(fabs (neg ?x))", rhs: "(fabs ?x)" },
  { name: "fabs-mul", lhs: "(fabs (* ?a ?b))", rhs: "(* (fabs ?a) (fabs ?b))", bidi: true },
  { name: "fabs-div", lhs: "(fabs (/ ?a ?b))", rhs: "(/ (fabs ?a) (fabs ?b))" },
  { name: "fabs-as-max", lhs: "(fmax ?x (neg ?x))", rhs: "(fabs ?x)" },
  { name: "mul-sign", lhs: "(* ?x (copysign 1 ?x))", rhs: "(fabs ?x)" },
  { name: "div-fabs-self", lhs: "(/ ?x (fabs ?x))", rhs: "(copysign 1 ?x)", pre: "(!= ?x 0)" },
  { name: "copysign-self", lhs: "(copysign ?x ?x)", rhs: "?x" },
  { name: "copysign-fabs", lhs: "(copysign (fabs ?x) ?y)", rhs: "(copysign ?x ?y)" },
  { name: "copysign-neg", lhs: "(copysign (neg ?x) ?y)", rhs: "(copysign ?x ?y)" },
  { name: "fabs-copysign", lhs: "(fabs (copysign ?x ?y))", rhs: "(fabs ?x)" },
  { name: "copysign-one", lhs: "(copysign ?x 1)", rhs: "(fabs ?x)" },
  { name: "copysign-minus-one", lhs: "(copysign ?x -1)", rhs: "(neg (fabs ?x))" },

  // Newton steps (exact in the reals).
  // At x = 0 the step computes inf * (0 * inf) = NaN.
  { name: "recip-newton", lhs: "(recip ?x)", rhs: "(* (recip ?x) (fnma ?x (recip ?x) 2))", pre: "(!= ?x 0)" },
  {
    name: "rsqrt-newton",
    lhs: "(rsqrt ?x)",
    rhs: "(* (rsqrt ?x) (fnma (* 0.5 ?x) (* (rsqrt ?x) (rsqrt ?x)) 1.5))",
    pre: "(> ?x 0)",
  },
  {
    name: "sqrt-newton",
    lhs: "(sqrt ?x)",
    rhs: "(* (* ?x (rsqrt ?x)) (fnma (* 0.5 ?x) (* (rsqrt ?x) (rsqrt ?x)) 1.5))",
    pre: "(> ?x 0)",
  },

  // First-order approximations near 1 (approx = relative error bound).
  { name: "sqrt-near-one", lhs: "(sqrt (+ 1 ?x))", rhs: "(fma 0.5 ?x 1)", pre: "(< -1e-4 ?x 1e-4)", approx: 1.3e-9 },
  { name: "rsqrt-near-one", lhs: "(rsqrt (+ 1 ?x))", rhs: "(fnma 0.5 ?x 1)", pre: "(< -1e-4 ?x 1e-4)", approx: 3.8e-9 },
  { name: "recip-near-one", lhs: "(recip (+ 1 ?x))", rhs: "(- 1 ?x)", pre: "(< -1e-4 ?x 1e-4)", approx: 1.01e-8 },
  {
    name: "cbrt-near-one",
    lhs: "(cbrt (+ 1 ?x))",
    rhs: "(fma 0.3333333333333333 ?x 1)",
    pre: "(< -1e-4 ?x 1e-4)",
    approx: 1.2e-9,
  },
]);
