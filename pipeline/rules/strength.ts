/**
 * Strength reduction: replace an expensive op by cheaper ones.
 *
 * `pow` is the most expensive op in the table (a log, a multiply and an exp
 * in extended precision); with a small integer or half-integer exponent it
 * is a few multiplies, a sqrt, an rsqrt or a cbrt. Powers are built by
 * repeated squaring, and since expressions are hash-consed a repeated
 * square like (* (* x x) (* x x)) is computed once: x^4 is two multiplies.
 * Division by a constant becomes a multiply by its (folded) reciprocal.
 *
 * Domains: pow(x, 0.5) and sqrt(x) are both NaN for x < 0, and so are pow
 * with any non-integer exponent and its sqrt/rsqrt forms, so those need no
 * precondition; cbrt is defined for negatives where pow(x, 1/3) is not, so
 * that rule needs x >= 0. (They differ at -0 and -inf, which kernels do not
 * feed to pow.)
 */
import { defineRules } from "./rule.ts";

export const RULES = defineRules("strength", [
  // pow with integer exponents: repeated squaring.
  { name: "pow-0", lhs: "(pow ?x 0)", rhs: "1" },
  { name: "pow-1", lhs: "(pow ?x 1)", rhs: "?x" },
  { name: "pow-2", lhs: "(pow ?x 2)", rhs: "(* ?x ?x)" },
  { name: "pow-3", lhs: "(pow ?x 3)", rhs: "(* (* ?x ?x) ?x)" },
  { name: "pow-4", lhs: "(pow ?x 4)", rhs: "(* (* ?x ?x) (* ?x ?x))" },
  { name: "pow-5", lhs: "(pow ?x 5)", rhs: "(* (* (* ?x ?x) (* ?x ?x)) ?x)" },
  { name: "pow-6", lhs: "(pow ?x 6)", rhs: "(* (* (* ?x ?x) ?x) (* (* ?x ?x) ?x))" },
  { name: "pow-7", lhs: "(pow ?x 7)", rhs: "(* (* (* ?x ?x) (* ?x ?x)) (* (* ?x ?x) ?x))" },
  { name: "pow-8", lhs: "(pow ?x 8)", rhs: "(* (* (* ?x ?x) (* ?x ?x)) (* (* ?x ?x) (* ?x ?x)))" },
  // x^12 = (x^3)^2^2 and x^16 = x^2^2^2^2: four multiplies each once shared squares are computed once.
  {
    name: "pow-12",
    lhs: "(pow ?x 12)",
    rhs: "(* (* (* (* ?x ?x) ?x) (* (* ?x ?x) ?x)) (* (* (* ?x ?x) ?x) (* (* ?x ?x) ?x)))",
  },
  {
    name: "pow-16",
    lhs: "(pow ?x 16)",
    rhs: "(* (* (* (* ?x ?x) (* ?x ?x)) (* (* ?x ?x) (* ?x ?x))) (* (* (* ?x ?x) (* ?x ?x)) (* (* ?x ?x) (* ?x ?x))))",
  },
  { name: "pow-neg-1", lhs: "(pow ?x -1)", rhs: "(/ 1 ?x)" },
  { name: "pow-neg-2", lhs: "(pow ?x -2)", rhs: "(/ 1 (* ?x ?x))" },
  { name: "pow-neg-3", lhs: "(pow ?x -3)", rhs: "(/ 1 (* (* ?x ?x) ?x))" },
  { name: "pow-neg-4", lhs: "(pow ?x -4)", rhs: "(/ 1 (* (* ?x ?x) (* ?x ?x)))" },

  // pow with half-integer and other simple fractional exponents.
  { name: "pow-half", lhs: "(pow ?x 0.5)", rhs: "(sqrt ?x)" },
  { name: "pow-neg-half", lhs: "(pow ?x -0.5)", rhs: "(rsqrt ?x)" },
  { name: "pow-neg-half-div", lhs: "(pow ?x -0.5)", rhs: "(/ 1 (sqrt ?x))" },
  { name: "pow-three-halves", lhs: "(pow ?x 1.5)", rhs: "(* ?x (sqrt ?x))" },
  { name: "pow-neg-three-halves", lhs: "(pow ?x -1.5)", rhs: "(/ (rsqrt ?x) ?x)" },
  { name: "pow-five-halves", lhs: "(pow ?x 2.5)", rhs: "(* (* ?x ?x) (sqrt ?x))" },
  { name: "pow-quarter", lhs: "(pow ?x 0.25)", rhs: "(sqrt (sqrt ?x))" },
  { name: "pow-third", lhs: "(pow ?x 0.3333333333333333)", rhs: "(cbrt ?x)", pre: "(>= ?x 0)" },
  { name: "pow-two-thirds", lhs: "(pow ?x 0.6666666666666666)", rhs: "(cbrt (* ?x ?x))", pre: "(>= ?x 0)" },
  { name: "pow-square-half", lhs: "(pow (* ?x ?x) 0.5)", rhs: "(fabs ?x)" },
  { name: "recip-pow", lhs: "(/ 1 (pow ?x ?y))", rhs: "(pow ?x (neg ?y))" },

  // Other bases: exp2 and exp are a third of pow's cost.
  // (pow 2 x) => (exp2 x) is explog's.
  { name: "pow-base-4", lhs: "(pow 4 ?x)", rhs: "(exp2 (+ ?x ?x))" },
  { name: "pow-base-half", lhs: "(pow 0.5 ?x)", rhs: "(exp2 (neg ?x))" },
  { name: "pow-base-10", lhs: "(pow 10 ?x)", rhs: "(exp2 (* ?x 3.321928094887362))" },
  { name: "pow-base-e", lhs: "(pow E ?x)", rhs: "(exp ?x)" },
  { name: "pow-to-exp2", lhs: "(pow ?b ?x)", rhs: "(exp2 (* ?x (log2 ?b)))", pre: "(> ?b 0)" },

  // Division by constants: the reciprocal folds, a multiply replaces the divide.
  { name: "div-const", lhs: "(/ ?x ?c)", rhs: "(* ?x (/ 1 ?c))", pre: "(const? ?c)" },
  { name: "div-2", lhs: "(/ ?x 2)", rhs: "(* ?x 0.5)" },
  { name: "div-4", lhs: "(/ ?x 4)", rhs: "(* ?x 0.25)" },
  { name: "div-half", lhs: "(/ ?x 0.5)", rhs: "(* ?x 2)" },
  { name: "div-minus-one", lhs: "(/ ?x -1)", rhs: "(neg ?x)" },

  // Doubling, negation, squaring.
  { name: "double", lhs: "(+ ?x ?x)", rhs: "(* 2 ?x)", bidi: true },
  { name: "double-right", lhs: "(* ?x 2)", rhs: "(+ ?x ?x)" },
  { name: "mul-minus-one", lhs: "(* ?x -1)", rhs: "(neg ?x)" },
  { name: "minus-one-mul", lhs: "(* -1 ?x)", rhs: "(neg ?x)" },
  { name: "square-fabs", lhs: "(* (fabs ?x) (fabs ?x))", rhs: "(* ?x ?x)" },
  { name: "square-neg", lhs: "(* (neg ?x) (neg ?x))", rhs: "(* ?x ?x)" },
  { name: "fabs-square", lhs: "(fabs (* ?x ?x))", rhs: "(* ?x ?x)" },
]);
