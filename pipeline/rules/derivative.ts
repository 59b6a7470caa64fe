/**
 * Differentiation: rules that push `(d x e)` inwards until no `d` is left.
 *
 * Every op has a rule whose right side applies `d` only to the op's
 * arguments, so rewriting bottom-up (or in any order, since an inner `d` is
 * itself reducible) ends with a derivative-free expression: nested
 * derivatives `(d x (d y e))` are handled by reducing the inner one first.
 * The meaning of `d` is `pipeline/expr/derivative.ts`; these rules are
 * checked against it.
 *
 * Where the derivative of an op reuses the op's own value (exp, tan, sqrt,
 * recip, pow...) there is a variant that keeps that value as is, so that
 * common-subexpression elimination shares it with the primal computation;
 * fused variants build fma chains directly. `d-commute` swaps mixed partials
 * (equal for the smooth ops, and almost everywhere for the others).
 */
import { defineRules } from "./rule.ts";

const LN2 = "0.6931471805599453";

export const RULES = defineRules("derivative", [
  // Leaves.
  { name: "d-const", lhs: "(d ?x ?c)", rhs: "0", pre: "(free-of ?c ?x)" },
  { name: "d-self", lhs: "(d ?x ?x)", rhs: "1" },
  // Other variables are constants here: d-const covers them.
  { name: "d-linear", lhs: "(d ?x (* ?c ?x))", rhs: "?c", pre: "(free-of ?c ?x)" },

  // Linearity (bidirectional: the reverse factors derivatives out of sums).
  { name: "d-add", lhs: "(d ?x (+ ?a ?b))", rhs: "(+ (d ?x ?a) (d ?x ?b))", bidi: true },
  { name: "d-sub", lhs: "(d ?x (- ?a ?b))", rhs: "(- (d ?x ?a) (d ?x ?b))", bidi: true },
  { name: "d-neg", lhs: "(d ?x (neg ?a))", rhs: "(neg (d ?x ?a))", bidi: true },
  { name: "d-scale-left", lhs: "(d ?x (* ?c ?a))", rhs: "(* ?c (d ?x ?a))", pre: "(free-of ?c ?x)" },
  { name: "d-scale-right", lhs: "(d ?x (* ?a ?c))", rhs: "(* (d ?x ?a) ?c)", pre: "(free-of ?c ?x)" },
  { name: "d-div-const", lhs: "(d ?x (/ ?a ?c))", rhs: "(/ (d ?x ?a) ?c)", pre: "(and (free-of ?c ?x) (!= ?c 0))" },

  // Products and quotients.
  { name: "d-mul", lhs: "(d ?x (* ?a ?b))", rhs: "(+ (* (d ?x ?a) ?b) (* ?a (d ?x ?b)))" },
  { name: "d-mul-fused", lhs: "(d ?x (* ?a ?b))", rhs: "(fma (d ?x ?a) ?b (* ?a (d ?x ?b)))" },
  { name: "d-square", lhs: "(d ?x (* ?a ?a))", rhs: "(* 2 (* ?a (d ?x ?a)))" },
  {
    name: "d-div",
    lhs: "(d ?x (/ ?a ?b))",
    rhs: "(/ (- (* (d ?x ?a) ?b) (* ?a (d ?x ?b))) (* ?b ?b))",
    pre: "(!= ?b 0)",
  },
  // (a/b)' = (a' - (a/b) b') / b: reuses the primal quotient, no b^2.
  {
    name: "d-div-shared",
    lhs: "(d ?x (/ ?a ?b))",
    rhs: "(/ (- (d ?x ?a) (* (/ ?a ?b) (d ?x ?b))) ?b)",
    pre: "(!= ?b 0)",
  },
  { name: "d-recip", lhs: "(d ?x (recip ?a))", rhs: "(neg (* (d ?x ?a) (* (recip ?a) (recip ?a))))", pre: "(!= ?a 0)" },

  // Fused ops.
  { name: "d-fma", lhs: "(d ?x (fma ?a ?b ?c))", rhs: "(+ (+ (* (d ?x ?a) ?b) (* ?a (d ?x ?b))) (d ?x ?c))" },
  { name: "d-fma-fused", lhs: "(d ?x (fma ?a ?b ?c))", rhs: "(fma (d ?x ?a) ?b (fma ?a (d ?x ?b) (d ?x ?c)))" },
  { name: "d-fms", lhs: "(d ?x (fms ?a ?b ?c))", rhs: "(- (+ (* (d ?x ?a) ?b) (* ?a (d ?x ?b))) (d ?x ?c))" },
  { name: "d-fms-fused", lhs: "(d ?x (fms ?a ?b ?c))", rhs: "(fma (d ?x ?a) ?b (fms ?a (d ?x ?b) (d ?x ?c)))" },
  { name: "d-fnma", lhs: "(d ?x (fnma ?a ?b ?c))", rhs: "(- (d ?x ?c) (+ (* (d ?x ?a) ?b) (* ?a (d ?x ?b))))" },
  { name: "d-fnma-fused", lhs: "(d ?x (fnma ?a ?b ?c))", rhs: "(fnma (d ?x ?a) ?b (fnma ?a (d ?x ?b) (d ?x ?c)))" },
  {
    name: "d-mulrsqrt",
    lhs: "(d ?x (mulrsqrt ?a ?b))",
    rhs: "(- (* (d ?x ?a) (rsqrt ?b)) (/ (* (* ?a (d ?x ?b)) (rsqrt ?b)) (* 2 ?b)))",
    pre: "(> ?b 0)",
  },

  // Roots.
  { name: "d-sqrt", lhs: "(d ?x (sqrt ?a))", rhs: "(/ (d ?x ?a) (* 2 (sqrt ?a)))", pre: "(> ?a 0)" },
  { name: "d-sqrt-rsqrt", lhs: "(d ?x (sqrt ?a))", rhs: "(* (* 0.5 (d ?x ?a)) (rsqrt ?a))", pre: "(> ?a 0)" },
  { name: "d-rsqrt", lhs: "(d ?x (rsqrt ?a))", rhs: "(neg (/ (* (d ?x ?a) (rsqrt ?a)) (* 2 ?a)))", pre: "(> ?a 0)" },
  // a^(-3/2) as rsqrt(a)^3: no division.
  {
    name: "d-rsqrt-cube",
    lhs: "(d ?x (rsqrt ?a))",
    rhs: "(* (* -0.5 (d ?x ?a)) (* (rsqrt ?a) (* (rsqrt ?a) (rsqrt ?a))))",
    pre: "(> ?a 0)",
  },
  { name: "d-cbrt", lhs: "(d ?x (cbrt ?a))", rhs: "(/ (d ?x ?a) (* 3 (* (cbrt ?a) (cbrt ?a))))", pre: "(!= ?a 0)" },

  // Exponentials and logarithms.
  { name: "d-exp", lhs: "(d ?x (exp ?a))", rhs: "(* (d ?x ?a) (exp ?a))", pre: "(<= ?a 88)" },
  { name: "d-exp2", lhs: "(d ?x (exp2 ?a))", rhs: `(* (d ?x ?a) (* (exp2 ?a) ${LN2}))`, pre: "(<= ?a 127)" },
  { name: "d-expm1", lhs: "(d ?x (expm1 ?a))", rhs: "(* (d ?x ?a) (exp ?a))", pre: "(<= ?a 88)" },
  { name: "d-expm1-shared", lhs: "(d ?x (expm1 ?a))", rhs: "(* (d ?x ?a) (+ (expm1 ?a) 1))", pre: "(<= ?a 88)" },
  { name: "d-log", lhs: "(d ?x (log ?a))", rhs: "(/ (d ?x ?a) ?a)", pre: "(> ?a 0)" },
  { name: "d-log2", lhs: "(d ?x (log2 ?a))", rhs: `(/ (d ?x ?a) (* ?a ${LN2}))`, pre: "(> ?a 0)" },
  { name: "d-log1p", lhs: "(d ?x (log1p ?a))", rhs: "(/ (d ?x ?a) (+ 1 ?a))", pre: "(> ?a -1)" },
  {
    name: "d-pow-const",
    lhs: "(d ?x (pow ?a ?n))",
    rhs: "(* (* ?n (pow ?a (- ?n 1))) (d ?x ?a))",
    pre: "(and (free-of ?n ?x) (<= -16 ?n 16) (or (> ?a 0) (and (int? ?n) (>= ?n 1))))",
  },
  // n a^n / a: reuses the primal power instead of computing a^(n-1).
  {
    name: "d-pow-shared",
    lhs: "(d ?x (pow ?a ?n))",
    rhs: "(* (/ (* ?n (pow ?a ?n)) ?a) (d ?x ?a))",
    pre: "(and (free-of ?n ?x) (<= -16 ?n 16) (or (> ?a 0) (and (int? ?n) (!= ?a 0))))",
  },
  // a^0 is 1 everywhere, 0^0 included.
  { name: "d-pow-zero", lhs: "(d ?x (pow ?a 0))", rhs: "0" },
  { name: "d-pow-square", lhs: "(d ?x (pow ?a 2))", rhs: "(* (* 2 ?a) (d ?x ?a))" },
  {
    name: "d-pow",
    lhs: "(d ?x (pow ?a ?b))",
    rhs: "(* (pow ?a ?b) (+ (* (d ?x ?b) (log ?a)) (/ (* ?b (d ?x ?a)) ?a)))",
    // |b log a| <= 691: a^b stays a finite double (where it overflows, the
    // product with a zero derivative would be NaN, not 0).
    pre: "(and (<= 1e-6 ?a 1e6) (<= -50 ?b 50))",
  },

  // Trigonometric.
  { name: "d-sin", lhs: "(d ?x (sin ?a))", rhs: "(* (d ?x ?a) (cos ?a))" },
  { name: "d-cos", lhs: "(d ?x (cos ?a))", rhs: "(neg (* (d ?x ?a) (sin ?a)))" },
  { name: "d-tan", lhs: "(d ?x (tan ?a))", rhs: "(/ (d ?x ?a) (* (cos ?a) (cos ?a)))" },
  // 1 + tan^2: reuses the primal tangent, no cosine.
  { name: "d-tan-shared", lhs: "(d ?x (tan ?a))", rhs: "(* (d ?x ?a) (+ 1 (* (tan ?a) (tan ?a))))" },
  { name: "d-asin", lhs: "(d ?x (asin ?a))", rhs: "(/ (d ?x ?a) (sqrt (- 1 (* ?a ?a))))", pre: "(< -1 ?a 1)" },
  { name: "d-asin-rsqrt", lhs: "(d ?x (asin ?a))", rhs: "(mulrsqrt (d ?x ?a) (- 1 (* ?a ?a)))", pre: "(< -1 ?a 1)" },
  { name: "d-acos", lhs: "(d ?x (acos ?a))", rhs: "(neg (/ (d ?x ?a) (sqrt (- 1 (* ?a ?a)))))", pre: "(< -1 ?a 1)" },
  {
    name: "d-acos-rsqrt",
    lhs: "(d ?x (acos ?a))",
    rhs: "(neg (mulrsqrt (d ?x ?a) (- 1 (* ?a ?a))))",
    pre: "(< -1 ?a 1)",
  },
  { name: "d-atan", lhs: "(d ?x (atan ?a))", rhs: "(/ (d ?x ?a) (+ 1 (* ?a ?a)))" },
  {
    name: "d-atan2",
    lhs: "(d ?x (atan2 ?a ?b))",
    rhs: "(/ (- (* ?b (d ?x ?a)) (* ?a (d ?x ?b))) (+ (* ?a ?a) (* ?b ?b)))",
    pre: "(or (!= ?a 0) (!= ?b 0))",
  },
  {
    name: "d-hypot",
    lhs: "(d ?x (hypot ?a ?b))",
    rhs: "(/ (+ (* ?a (d ?x ?a)) (* ?b (d ?x ?b))) (hypot ?a ?b))",
    pre: "(or (!= ?a 0) (!= ?b 0))",
  },

  // Hyperbolic.
  { name: "d-sinh", lhs: "(d ?x (sinh ?a))", rhs: "(* (d ?x ?a) (cosh ?a))", pre: "(<= -88 ?a 88)" },
  { name: "d-cosh", lhs: "(d ?x (cosh ?a))", rhs: "(* (d ?x ?a) (sinh ?a))", pre: "(<= -88 ?a 88)" },
  { name: "d-tanh", lhs: "(d ?x (tanh ?a))", rhs: "(* (d ?x ?a) (- 1 (* (tanh ?a) (tanh ?a))))" },

  // Non-smooth ops: the derivatives that hold almost everywhere.
  { name: "d-fabs", lhs: "(d ?x (fabs ?a))", rhs: "(* (d ?x ?a) (copysign 1 ?a))" },
  { name: "d-copysign", lhs: "(d ?x (copysign ?a ?b))", rhs: "(* (d ?x ?a) (copysign 1 (* ?a ?b)))" },
  {
    name: "d-fmin",
    lhs: "(d ?x (fmin ?a ?b))",
    rhs: "(* 0.5 (- (+ (d ?x ?a) (d ?x ?b)) (* (- (d ?x ?a) (d ?x ?b)) (copysign 1 (- ?a ?b)))))",
  },
  {
    name: "d-fmax",
    lhs: "(d ?x (fmax ?a ?b))",
    rhs: "(* 0.5 (+ (+ (d ?x ?a) (d ?x ?b)) (* (- (d ?x ?a) (d ?x ?b)) (copysign 1 (- ?a ?b)))))",
  },
  { name: "d-floor", lhs: "(d ?x (floor ?a))", rhs: "0" },

  // Mixed partials commute.
  { name: "d-commute", lhs: "(d ?x (d ?y ?e))", rhs: "(d ?y (d ?x ?e))" },
]);
