/**
 * Exponentials and logarithms: products and quotients under exp and log,
 * powers through exp and log, the inverse pairs, the accurate variants
 * (log1p, expm1), and the hyperbolic functions in terms of exp.
 *
 * Float32 overflows at exp(88.7) and 2^128, so a rule that splits one
 * exponential into two (whose factors may overflow or underflow while the
 * product does not) carries bounds like |x| <= 80. Logarithm rules need
 * positive arguments; their reverses, which form a product of two
 * arguments, bound each factor so that the product stays a normal float32.
 * Where the rewritten form cancels badly on part of the domain (exp(x) - 1
 * near 0), the rule is limited to where it does not.
 */
import { defineRules } from "./rule.ts";

const LN2 = "0.6931471805599453";
const LOG2E = "1.4426950408889634";
/** Exponent bound for exp: e^80 and e^-80 are normal float32 numbers. */
const E = "(<= -80 ?x 80)";
const E2 = "(and (<= -80 ?a 80) (<= -80 ?b 80))";
/** Factors in [1e-18, 1e18] multiply to a normal float32. */
const F2 = "(and (<= 1e-18 ?a 1e18) (<= 1e-18 ?b 1e18))";
const POS2 = "(and (> ?a 0) (> ?b 0))";
/** Far enough from 0 that the difference of exponentials does not cancel. */
const AWAY = "(or (<= ?x -0.5) (>= ?x 0.5))";

export const RULES = defineRules("explog", [
  // exp of sums, differences and negations.
  { name: "explog-exp-sum", lhs: "(exp (+ ?a ?b))", rhs: "(* (exp ?a) (exp ?b))", pre: E2 },
  { name: "explog-exp-product", lhs: "(* (exp ?a) (exp ?b))", rhs: "(exp (+ ?a ?b))", pre: E2 },
  { name: "explog-exp-diff", lhs: "(exp (- ?a ?b))", rhs: "(/ (exp ?a) (exp ?b))", pre: E2 },
  { name: "explog-exp-quotient", lhs: "(/ (exp ?a) (exp ?b))", rhs: "(exp (- ?a ?b))", pre: E2 },
  { name: "explog-exp-neg", lhs: "(exp (neg ?x))", rhs: "(recip (exp ?x))", pre: E },
  // A division becomes a multiplication (exp of -x costs the same as of x).
  { name: "explog-recip-exp", lhs: "(recip (exp ?x))", rhs: "(exp (neg ?x))" },
  { name: "explog-div-exp", lhs: "(/ ?a (exp ?x))", rhs: "(* ?a (exp (neg ?x)))", pre: E },
  { name: "explog-sqrt-exp", lhs: "(sqrt (exp ?x))", rhs: "(exp (* 0.5 ?x))", pre: E },
  { name: "explog-pow-exp", lhs: "(pow (exp ?a) ?b)", rhs: "(exp (* ?a ?b))", pre: E2 },
  {
    name: "explog-exp2-sum",
    lhs: "(exp2 (+ ?a ?b))",
    rhs: "(* (exp2 ?a) (exp2 ?b))",
    pre: "(and (<= -120 ?a 120) (<= -120 ?b 120))",
  },

  // log of products, quotients and powers.
  { name: "explog-log-prod", lhs: "(log (* ?a ?b))", rhs: "(+ (log ?a) (log ?b))", pre: POS2 },
  { name: "explog-log-sum", lhs: "(+ (log ?a) (log ?b))", rhs: "(log (* ?a ?b))", pre: F2 },
  { name: "explog-log-quot", lhs: "(log (/ ?a ?b))", rhs: "(- (log ?a) (log ?b))", pre: POS2 },
  { name: "explog-log-diff", lhs: "(- (log ?a) (log ?b))", rhs: "(log (/ ?a ?b))", pre: F2 },
  { name: "explog-log2-prod", lhs: "(log2 (* ?a ?b))", rhs: "(+ (log2 ?a) (log2 ?b))", pre: POS2 },
  {
    name: "explog-log-pow",
    lhs: "(log (pow ?a ?b))",
    rhs: "(* ?b (log ?a))",
    pre: "(and (<= 1e-9 ?a 1e9) (<= -4 ?b 4))",
  },
  { name: "explog-log-sqrt", lhs: "(log (sqrt ?x))", rhs: "(* 0.5 (log ?x))", pre: "(> ?x 0)" },
  { name: "explog-log-recip", lhs: "(log (recip ?x))", rhs: "(neg (log ?x))", pre: "(> ?x 0)" },
  { name: "explog-log-rsqrt", lhs: "(log (rsqrt ?x))", rhs: "(* -0.5 (log ?x))", pre: "(> ?x 0)" },

  // Powers through exp and log.
  { name: "explog-pow-to-exp", lhs: "(pow ?a ?b)", rhs: "(exp (* ?b (log ?a)))", pre: "(> ?a 0)" },
  { name: "explog-exp-to-pow", lhs: "(exp (* ?b (log ?a)))", rhs: "(pow ?a ?b)", pre: "(> ?a 0)" },
  { name: "explog-pow2-exp2", lhs: "(pow 2 ?x)", rhs: "(exp2 ?x)" },
  { name: "explog-exp2-to-exp", lhs: "(exp2 ?x)", rhs: `(exp (* ${LN2} ?x))`, pre: "(<= -120 ?x 120)" },
  // libmvec's exp2f is much cheaper than its expf (12 vs 21 cycles a vector
  // here), so exp and the pow through exp go base 2.
  { name: "explog-exp-to-exp2", lhs: "(exp ?x)", rhs: `(exp2 (* ${LOG2E} ?x))`, pre: "(<= -80 ?x 80)" },
  { name: "explog-pow-to-exp2", lhs: "(pow ?a ?b)", rhs: "(exp2 (* ?b (log2 ?a)))", pre: "(> ?a 0)" },
  { name: "explog-log2-to-log", lhs: "(log2 ?x)", rhs: `(* ${LOG2E} (log ?x))`, pre: "(> ?x 0)" },
  { name: "explog-log-to-log2", lhs: "(log ?x)", rhs: `(* ${LN2} (log2 ?x))`, pre: "(> ?x 0)" },

  // Inverse pairs.
  { name: "explog-exp-log", lhs: "(exp (log ?x))", rhs: "?x", pre: "(> ?x 0)" },
  { name: "explog-log-exp", lhs: "(log (exp ?x))", rhs: "?x", pre: E },
  { name: "explog-exp2-log2", lhs: "(exp2 (log2 ?x))", rhs: "?x", pre: "(> ?x 0)" },
  { name: "explog-log2-exp2", lhs: "(log2 (exp2 ?x))", rhs: "?x", pre: "(<= -120 ?x 120)" },
  { name: "explog-expm1-log1p", lhs: "(expm1 (log1p ?x))", rhs: "?x", pre: "(> ?x -1)" },
  { name: "explog-log1p-expm1", lhs: "(log1p (expm1 ?x))", rhs: "?x", pre: "(<= -30 ?x 80)" },

  // log1p and expm1: fuse always; unfuse only away from 0, where the plain
  // form loses nothing and is cheaper.
  { name: "explog-log1p-fuse", lhs: "(log (+ 1 ?x))", rhs: "(log1p ?x)", pre: "(> ?x -1)" },
  { name: "explog-log1p-fuse-right", lhs: "(log (+ ?x 1))", rhs: "(log1p ?x)", pre: "(> ?x -1)" },
  { name: "explog-log1p-unfuse", lhs: "(log1p ?x)", rhs: "(log (+ 1 ?x))", pre: "(or (>= ?x 0.5) (< -1 ?x -0.5))" },
  { name: "explog-expm1-fuse", lhs: "(- (exp ?x) 1)", rhs: "(expm1 ?x)" },
  { name: "explog-expm1-unfuse", lhs: "(expm1 ?x)", rhs: "(- (exp ?x) 1)", pre: AWAY },
  // Accuracy: log of 1 - x, and a difference of exponentials, through the accurate forms.
  { name: "explog-log1p-neg", lhs: "(log (- 1 ?x))", rhs: "(log1p (neg ?x))", pre: "(< ?x 1)" },
  { name: "explog-exp-diff-expm1", lhs: "(- (exp ?a) (exp ?b))", rhs: "(* (exp ?b) (expm1 (- ?a ?b)))", pre: E2 },
  // e^x / (e^x - 1) = -1 / expm1(-x): no cancellation near 0, no inf / inf for large x.
  // (The bound keeps e^x finite in the float64 check; float32 kernels overflow at 88, where this rewrite helps.)
  {
    name: "explog-exp-over-expm1",
    lhs: "(/ (exp ?x) (- (exp ?x) 1))",
    rhs: "(/ -1 (expm1 (neg ?x)))",
    pre: "(<= -700 ?x 700)",
  },
  // Softplus: log(1 + e^x) = max(x, 0) + log1p(e^-|x|): e^-|x| <= 1 never overflows, and log1p keeps the tail.
  {
    name: "explog-softplus",
    lhs: "(log (+ 1 (exp ?x)))",
    rhs: "(+ (fmax ?x 0) (log1p (exp (neg (fabs ?x)))))",
    pre: "(<= -700 ?x 700)",
  },

  // Hyperbolic functions and exp.
  {
    name: "explog-sinh-exp",
    lhs: "(sinh ?x)",
    rhs: "(* 0.5 (- (exp ?x) (recip (exp ?x))))",
    pre: `(and ${E} ${AWAY})`,
  },
  // sinh = u (u + 2) / (2 (u + 1)) with u = expm1 x: no cancellation near 0.
  {
    name: "explog-sinh-expm1",
    lhs: "(sinh ?x)",
    rhs: "(* 0.5 (/ (* (expm1 ?x) (+ (expm1 ?x) 2)) (+ (expm1 ?x) 1)))",
    pre: "(<= -1 ?x 40)",
  },
  { name: "explog-cosh-exp", lhs: "(cosh ?x)", rhs: "(* 0.5 (+ (exp ?x) (recip (exp ?x))))", pre: E },
  { name: "explog-cosh-fold", lhs: "(* 0.5 (+ (exp ?x) (exp (neg ?x))))", rhs: "(cosh ?x)", pre: E },
  { name: "explog-sinh-fold", lhs: "(* 0.5 (- (exp ?x) (exp (neg ?x))))", rhs: "(sinh ?x)", pre: E },
  { name: "explog-sinh-plus-cosh", lhs: "(+ (sinh ?x) (cosh ?x))", rhs: "(exp ?x)", pre: E },
  { name: "explog-cosh-minus-sinh", lhs: "(- (cosh ?x) (sinh ?x))", rhs: "(exp (neg ?x))", pre: E },
  { name: "explog-cosh-sinh-pyth", lhs: "(- (* (cosh ?x) (cosh ?x)) (* (sinh ?x) (sinh ?x)))", rhs: "1", pre: E },
  { name: "explog-tanh-quot", lhs: "(/ (sinh ?x) (cosh ?x))", rhs: "(tanh ?x)", pre: E },
  // tanh x = 1 - 2 / (e^2x + 1): one exp and a division.
  { name: "explog-tanh-exp", lhs: "(tanh ?x)", rhs: "(- 1 (/ 2 (+ (exp (* 2 ?x)) 1)))", pre: AWAY },
  // tanh x = 2 sigmoid(2x) - 1.
  { name: "explog-tanh-sigmoid", lhs: "(tanh ?x)", rhs: "(- (* 2 (recip (+ 1 (exp (* -2 ?x))))) 1)", pre: AWAY },
  // sigmoid x = (1 + tanh(x/2)) / 2, and back.
  {
    name: "explog-sigmoid-tanh",
    lhs: "(recip (+ 1 (exp (neg ?x))))",
    rhs: "(+ 0.5 (* 0.5 (tanh (* 0.5 ?x))))",
    pre: "(>= ?x -2)",
  },
  { name: "explog-tanh-to-sigmoid", lhs: "(+ 0.5 (* 0.5 (tanh ?x)))", rhs: "(recip (+ 1 (exp (* -2 ?x))))" },
]);
