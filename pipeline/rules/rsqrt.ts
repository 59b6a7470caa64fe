/**
 * Reciprocals and reciprocal square roots.
 *
 * On Zen 4 a vector divide or sqrt is not pipelined (5 and 8 cycles per
 * 16 lanes), while `recip`, `rsqrt` and `mulrsqrt` are a hardware estimate
 * plus a Newton step in the pipelined units. So `a / sqrt(b)` (a divide
 * and a sqrt) becomes `mulrsqrt a b`, `1 / sqrt x` becomes `rsqrt x`, and
 * even `sqrt x` can be `x * rsqrt x` where x > 0. Reciprocals that are
 * shared (several divisions by one value) pay once.
 *
 * Splitting a sqrt of a product or quotient is only valid where both
 * factors are non-negative (sqrt(-2 * -3) is not sqrt(-2) sqrt(-3)); the
 * reverse, merging two roots into one, is the profitable direction.
 */
import { defineRules } from "./rule.ts";

export const RULES = defineRules("rsqrt", [
  // Forming rsqrt, mulrsqrt and recip (reverses expand them back).
  { name: "rsqrt-form", lhs: "(/ 1 (sqrt ?x))", rhs: "(rsqrt ?x)", bidi: true },
  { name: "mulrsqrt-form", lhs: "(/ ?a (sqrt ?b))", rhs: "(mulrsqrt ?a ?b)", bidi: true },
  { name: "mulrsqrt-mul", lhs: "(* ?a (rsqrt ?b))", rhs: "(mulrsqrt ?a ?b)", bidi: true },
  { name: "mulrsqrt-mul-left", lhs: "(* (rsqrt ?b) ?a)", rhs: "(mulrsqrt ?a ?b)" },
  { name: "mulrsqrt-one", lhs: "(mulrsqrt 1 ?x)", rhs: "(rsqrt ?x)" },
  { name: "recip-form", lhs: "(/ 1 ?x)", rhs: "(recip ?x)", bidi: true },
  { name: "div-to-recip", lhs: "(/ ?a ?b)", rhs: "(* ?a (recip ?b))", bidi: true },
  { name: "div-const-recip", lhs: "(/ ?a ?c)", rhs: "(* ?a (recip ?c))", pre: "(const? ?c)" },
  { name: "recip-sqrt", lhs: "(recip (sqrt ?x))", rhs: "(rsqrt ?x)" },
  { name: "sqrt-recip", lhs: "(sqrt (recip ?x))", rhs: "(rsqrt ?x)" },
  { name: "rsqrt-recip", lhs: "(rsqrt (recip ?x))", rhs: "(sqrt ?x)" },
  { name: "recip-rsqrt", lhs: "(recip (rsqrt ?x))", rhs: "(sqrt ?x)" },

  // sqrt through rsqrt where x > 0 (at 0, 0 * inf is NaN).
  { name: "sqrt-via-rsqrt", lhs: "(sqrt ?x)", rhs: "(* ?x (rsqrt ?x))", pre: "(> ?x 0)", bidi: true },
  { name: "sqrt-over-self", lhs: "(/ (sqrt ?x) ?x)", rhs: "(rsqrt ?x)", pre: "(> ?x 0)" },
  { name: "self-over-sqrt", lhs: "(/ ?x (sqrt ?x))", rhs: "(sqrt ?x)", pre: "(> ?x 0)" },

  // Involutions and squares.
  { name: "recip-recip", lhs: "(recip (recip ?x))", rhs: "?x" },
  { name: "recip-neg", lhs: "(recip (neg ?x))", rhs: "(neg (recip ?x))" },
  { name: "recip-div", lhs: "(recip (/ ?a ?b))", rhs: "(/ ?b ?a)" },
  { name: "sqrt-square", lhs: "(sqrt (* ?x ?x))", rhs: "(fabs ?x)" },
  { name: "rsqrt-square", lhs: "(rsqrt (* ?x ?x))", rhs: "(recip (fabs ?x))" },
  { name: "mulrsqrt-square", lhs: "(mulrsqrt ?a (* ?b ?b))", rhs: "(/ ?a (fabs ?b))" },
  { name: "square-sqrt", lhs: "(* (sqrt ?x) (sqrt ?x))", rhs: "?x", pre: "(>= ?x 0)" },
  { name: "square-rsqrt", lhs: "(* (rsqrt ?x) (rsqrt ?x))", rhs: "(recip ?x)", pre: "(>= ?x 0)" },

  // Roots and reciprocals of products and quotients.
  { name: "recip-mul", lhs: "(recip (* ?a ?b))", rhs: "(* (recip ?a) (recip ?b))", bidi: true },
  {
    name: "sqrt-mul",
    lhs: "(sqrt (* ?a ?b))",
    rhs: "(* (sqrt ?a) (sqrt ?b))",
    pre: "(and (>= ?a 0) (>= ?b 0))",
    bidi: true,
  },
  {
    name: "sqrt-div",
    lhs: "(sqrt (/ ?a ?b))",
    rhs: "(/ (sqrt ?a) (sqrt ?b))",
    pre: "(and (>= ?a 0) (> ?b 0))",
    bidi: true,
  },
  {
    name: "rsqrt-mul",
    lhs: "(rsqrt (* ?a ?b))",
    rhs: "(* (rsqrt ?a) (rsqrt ?b))",
    pre: "(and (> ?a 0) (> ?b 0))",
    bidi: true,
  },
  { name: "rsqrt-div", lhs: "(rsqrt (/ ?a ?b))", rhs: "(sqrt (/ ?b ?a))", pre: "(and (> ?a 0) (> ?b 0))" },
  {
    name: "sqrt-times-rsqrt",
    lhs: "(* (sqrt ?a) (rsqrt ?b))",
    rhs: "(sqrt (/ ?a ?b))",
    pre: "(and (>= ?a 0) (> ?b 0))",
  },
  {
    name: "mulrsqrt-sqrt",
    lhs: "(mulrsqrt (sqrt ?a) ?b)",
    rhs: "(sqrt (/ ?a ?b))",
    pre: "(and (>= ?a 0) (> ?b 0))",
  },
]);
