/**
 * Algebra: the field laws as rewrites. Commutativity and associativity let
 * the other domains' patterns meet their operands in the order they need;
 * distribution and factoring trade a multiply for an add; the division
 * rules merge divisions (a divide costs five multiplies on Zen 4: two
 * quotients over a common denominator are one divide); cancellation removes
 * work outright.
 *
 * Identities with 0 assume finite operands: `x * 0 = 0` and `x - x = 0` are
 * false for x = inf or NaN, which kernels are not meant to compute with
 * (their inputs have finite ranges); no precondition can say "finite" more
 * cheaply than the ranges already do. Cancellations that divide by a hole
 * carry `(!= ?x 0)`.
 */
import { defineRules } from "./rule.ts";

export const RULES = defineRules("algebra", [
  // Constants gathered across an association, where they fold into one: a
  // tree search sees no gain in the neutral reassociation steps that
  // saturation takes for free, so the folding move is one rule.
  { name: "mul-const-gather", lhs: "(* (* ?a ?c) ?d)", rhs: "(* ?a (* ?c ?d))", pre: "(and (const? ?c) (const? ?d))" },
  {
    name: "mul-const-gather-left",
    lhs: "(* (* ?c ?a) ?d)",
    rhs: "(* ?a (* ?c ?d))",
    pre: "(and (const? ?c) (const? ?d))",
  },
  {
    name: "mul-const-gather-right",
    lhs: "(* ?d (* ?a ?c))",
    rhs: "(* ?a (* ?c ?d))",
    pre: "(and (const? ?c) (const? ?d))",
  },
  {
    name: "mul-const-gather-inner",
    lhs: "(* ?d (* ?c ?a))",
    rhs: "(* ?a (* ?c ?d))",
    pre: "(and (const? ?c) (const? ?d))",
  },
  {
    name: "mul-const-gather-both",
    lhs: "(* (* ?a ?c) (* ?b ?d))",
    rhs: "(* (* ?a ?b) (* ?c ?d))",
    pre: "(and (const? ?c) (const? ?d))",
  },
  { name: "add-const-gather", lhs: "(+ (+ ?a ?c) ?d)", rhs: "(+ ?a (+ ?c ?d))", pre: "(and (const? ?c) (const? ?d))" },
  {
    name: "add-const-gather-right",
    lhs: "(+ ?d (+ ?a ?c))",
    rhs: "(+ ?a (+ ?c ?d))",
    pre: "(and (const? ?c) (const? ?d))",
  },
  {
    name: "div-const-gather",
    lhs: "(/ (* ?a ?c) ?d)",
    rhs: "(* ?a (/ ?c ?d))",
    pre: "(and (const? ?c) (const? ?d) (!= ?d 0))",
  },
  {
    name: "div-div-const-gather",
    lhs: "(/ (/ ?a ?c) ?d)",
    rhs: "(/ ?a (* ?c ?d))",
    pre: "(and (const? ?c) (const? ?d) (!= ?c 0) (!= ?d 0))",
  },

  // Commutativity and associativity.
  { name: "add-comm", lhs: "(+ ?a ?b)", rhs: "(+ ?b ?a)" },
  { name: "mul-comm", lhs: "(* ?a ?b)", rhs: "(* ?b ?a)" },
  { name: "add-assoc", lhs: "(+ (+ ?a ?b) ?c)", rhs: "(+ ?a (+ ?b ?c))", bidi: true },
  { name: "mul-assoc", lhs: "(* (* ?a ?b) ?c)", rhs: "(* ?a (* ?b ?c))", bidi: true },
  { name: "add-sub-assoc", lhs: "(- (+ ?a ?b) ?c)", rhs: "(+ ?a (- ?b ?c))", bidi: true },
  { name: "sub-sub-assoc", lhs: "(- (- ?a ?b) ?c)", rhs: "(- ?a (+ ?b ?c))", bidi: true },
  { name: "sub-sub-flip", lhs: "(- ?a (- ?b ?c))", rhs: "(+ (- ?a ?b) ?c)", bidi: true },
  { name: "mul-div-assoc", lhs: "(/ (* ?a ?b) ?c)", rhs: "(* ?a (/ ?b ?c))", bidi: true },
  { name: "div-mul-swap", lhs: "(* (/ ?a ?b) ?c)", rhs: "(/ (* ?a ?c) ?b)" },

  // Distribution (forwards) and factoring (the reverses).
  { name: "dist-left", lhs: "(* ?a (+ ?b ?c))", rhs: "(+ (* ?a ?b) (* ?a ?c))", bidi: true },
  { name: "dist-right", lhs: "(* (+ ?a ?b) ?c)", rhs: "(+ (* ?a ?c) (* ?b ?c))", bidi: true },
  { name: "dist-sub-left", lhs: "(* ?a (- ?b ?c))", rhs: "(- (* ?a ?b) (* ?a ?c))", bidi: true },
  { name: "dist-sub-right", lhs: "(* (- ?a ?b) ?c)", rhs: "(- (* ?a ?c) (* ?b ?c))", bidi: true },
  { name: "factor-add-one", lhs: "(+ (* ?a ?b) ?b)", rhs: "(* (+ ?a 1) ?b)", bidi: true },
  { name: "factor-sub-one", lhs: "(- (* ?a ?b) ?b)", rhs: "(* (- ?a 1) ?b)" },

  // Division: distribute over sums (reverse: one divide for two), merge chains.
  // At c = 0 the split side can be inf - inf = NaN where the other is inf.
  { name: "div-add", lhs: "(/ (+ ?a ?b) ?c)", rhs: "(+ (/ ?a ?c) (/ ?b ?c))", pre: "(!= ?c 0)", bidi: true },
  { name: "div-sub", lhs: "(/ (- ?a ?b) ?c)", rhs: "(- (/ ?a ?c) (/ ?b ?c))", pre: "(!= ?c 0)", bidi: true },
  { name: "div-div", lhs: "(/ (/ ?a ?b) ?c)", rhs: "(/ ?a (* ?b ?c))", bidi: true },
  { name: "div-by-div", lhs: "(/ ?a (/ ?b ?c))", rhs: "(/ (* ?a ?c) ?b)" },
  // Merging quotients: with both denominators 0 one side is inf - inf = NaN, the other inf.
  {
    name: "div-of-divs",
    lhs: "(/ (/ ?a ?b) (/ ?c ?d))",
    rhs: "(/ (* ?a ?d) (* ?b ?c))",
    pre: "(and (!= ?b 0) (!= ?d 0))",
  },
  {
    name: "mul-of-divs",
    lhs: "(* (/ ?a ?b) (/ ?c ?d))",
    rhs: "(/ (* ?a ?c) (* ?b ?d))",
    pre: "(and (!= ?b 0) (!= ?d 0))",
  },
  {
    name: "add-of-divs",
    lhs: "(+ (/ ?a ?b) (/ ?c ?d))",
    rhs: "(/ (+ (* ?a ?d) (* ?b ?c)) (* ?b ?d))",
    pre: "(and (!= ?b 0) (!= ?d 0))",
  },
  {
    name: "sub-of-divs",
    lhs: "(- (/ ?a ?b) (/ ?c ?d))",
    rhs: "(/ (- (* ?a ?d) (* ?b ?c)) (* ?b ?d))",
    pre: "(and (!= ?b 0) (!= ?d 0))",
  },

  // Identities.
  { name: "add-zero", lhs: "(+ ?a 0)", rhs: "?a" },
  { name: "zero-add", lhs: "(+ 0 ?a)", rhs: "?a" },
  { name: "sub-zero", lhs: "(- ?a 0)", rhs: "?a" },
  // Adding -0 is the identity even for -0 itself (x + 0 turns -0 into +0).
  { name: "add-neg-zero", lhs: "(+ ?a -0)", rhs: "?a" },
  { name: "neg-zero-add", lhs: "(+ -0 ?a)", rhs: "?a" },
  // Subtracting -0 is the identity up to the sign of a zero result, as adding 0 is.
  { name: "sub-neg-zero", lhs: "(- ?a -0)", rhs: "?a" },
  { name: "mul-one", lhs: "(* ?a 1)", rhs: "?a" },
  { name: "one-mul", lhs: "(* 1 ?a)", rhs: "?a" },
  { name: "div-one", lhs: "(/ ?a 1)", rhs: "?a" },
  { name: "mul-zero", lhs: "(* ?a 0)", rhs: "0" },
  { name: "zero-mul", lhs: "(* 0 ?a)", rhs: "0" },
  { name: "zero-div", lhs: "(/ 0 ?a)", rhs: "0", pre: "(!= ?a 0)" },

  // Cancellation.
  { name: "sub-self", lhs: "(- ?a ?a)", rhs: "0" },
  { name: "div-self", lhs: "(/ ?a ?a)", rhs: "1", pre: "(!= ?a 0)" },
  { name: "add-sub-cancel", lhs: "(- (+ ?a ?b) ?b)", rhs: "?a" },
  { name: "add-sub-cancel-left", lhs: "(- (+ ?a ?b) ?a)", rhs: "?b" },
  { name: "sub-add-cancel", lhs: "(+ (- ?a ?b) ?b)", rhs: "?a" },
  { name: "add-sub-other", lhs: "(+ ?a (- ?b ?a))", rhs: "?b" },
  { name: "sub-add-neg", lhs: "(- ?a (+ ?a ?b))", rhs: "(neg ?b)" },
  { name: "sub-sub-cancel", lhs: "(- (- ?a ?b) ?a)", rhs: "(neg ?b)" },
  // Accuracy (Herbie's conjugates): a difference of close roots cancels;
  // over the sum of the roots it becomes a difference of the radicands,
  // which the cancellations above often make exact (sqrt(x+1) - sqrt(x)).
  {
    name: "sqrt-diff-conjugate",
    lhs: "(- (sqrt ?a) (sqrt ?b))",
    rhs: "(/ (- ?a ?b) (+ (sqrt ?a) (sqrt ?b)))",
    pre: "(and (>= ?a 0) (>= ?b 0) (or (> ?a 0) (> ?b 0)))",
  },
  {
    name: "sqrt-sub-conjugate",
    lhs: "(- (sqrt ?a) ?b)",
    rhs: "(/ (- ?a (* ?b ?b)) (+ (sqrt ?a) ?b))",
    pre: "(and (>= ?a 0) (> ?b 0))",
  },
  {
    name: "cbrt-diff-conjugate",
    lhs: "(- (cbrt ?a) (cbrt ?b))",
    rhs: "(/ (- ?a ?b) (+ (* (cbrt ?a) (cbrt ?a)) (+ (* (cbrt ?a) (cbrt ?b)) (* (cbrt ?b) (cbrt ?b)))))",
    // u^2 + uv + v^2 vanishes only at u = v = 0: one of a, b away from 0 is enough.
    pre: "(or (> ?a 0) (< ?a 0) (> ?b 0) (< ?b 0))",
  },
  // Accuracy: differences of close reciprocals (and reciprocal roots) cancel;
  // over a common denominator the difference of the arguments, when they are
  // x and x + c, is c itself, exact.
  {
    name: "recip-diff-shift",
    lhs: "(- (/ 1 (+ ?x ?c)) (/ 1 ?x))",
    rhs: "(/ (neg ?c) (* ?x (+ ?x ?c)))",
  },
  {
    name: "recip-second-difference",
    lhs: "(+ (- (/ 1 (+ ?x 1)) (/ 2 ?x)) (/ 1 (- ?x 1)))",
    rhs: "(/ 2 (* ?x (* (- ?x 1) (+ ?x 1))))",
  },
  {
    name: "rsqrt-diff-shift",
    lhs: "(- (/ 1 (sqrt ?x)) (/ 1 (sqrt (+ ?x ?c))))",
    rhs: "(/ ?c (* (* (sqrt ?x) (sqrt (+ ?x ?c))) (+ (sqrt ?x) (sqrt (+ ?x ?c)))))",
    pre: "(and (>= ?x 0) (> ?c 0))",
  },
  { name: "mul-div-cancel", lhs: "(/ (* ?a ?b) ?b)", rhs: "?a", pre: "(!= ?b 0)" },
  { name: "mul-div-cancel-left", lhs: "(/ (* ?a ?b) ?a)", rhs: "?b", pre: "(!= ?a 0)" },
  { name: "div-mul-cancel", lhs: "(* (/ ?a ?b) ?b)", rhs: "?a", pre: "(!= ?b 0)" },
  { name: "div-common-factor", lhs: "(/ (* ?a ?b) (* ?a ?c))", rhs: "(/ ?b ?c)", pre: "(!= ?a 0)" },
  { name: "div-by-multiple", lhs: "(/ ?a (* ?a ?b))", rhs: "(/ 1 ?b)", pre: "(!= ?a 0)" },

  // Negation and subtraction.
  { name: "sub-to-add-neg", lhs: "(- ?a ?b)", rhs: "(+ ?a (neg ?b))", bidi: true },
  { name: "neg-add-to-sub", lhs: "(+ (neg ?a) ?b)", rhs: "(- ?b ?a)" },
  { name: "sub-neg", lhs: "(- ?a (neg ?b))", rhs: "(+ ?a ?b)" },
  { name: "zero-sub", lhs: "(- 0 ?a)", rhs: "(neg ?a)", bidi: true },
  // -0 - a is -a exactly, zeros included. Unfused forms carry it (a folded `neg 0`), and without it no
  // single rewrite removes the dead subtraction: the search and tidy both walk past it.
  { name: "negzero-sub", lhs: "(- -0 ?a)", rhs: "(neg ?a)" },
  { name: "neg-neg", lhs: "(neg (neg ?a))", rhs: "?a" },
  { name: "neg-sub", lhs: "(neg (- ?a ?b))", rhs: "(- ?b ?a)", bidi: true },
  { name: "neg-add", lhs: "(neg (+ ?a ?b))", rhs: "(+ (neg ?a) (neg ?b))", bidi: true },
  { name: "neg-sub-neg", lhs: "(- (neg ?a) ?b)", rhs: "(neg (+ ?a ?b))" },
  { name: "neg-mul-left", lhs: "(* (neg ?a) ?b)", rhs: "(neg (* ?a ?b))", bidi: true },
  { name: "neg-mul-right", lhs: "(* ?a (neg ?b))", rhs: "(neg (* ?a ?b))" },
  { name: "neg-mul-both", lhs: "(* (neg ?a) (neg ?b))", rhs: "(* ?a ?b)" },
  { name: "neg-div-left", lhs: "(/ (neg ?a) ?b)", rhs: "(neg (/ ?a ?b))", bidi: true },
  { name: "neg-div-right", lhs: "(/ ?a (neg ?b))", rhs: "(neg (/ ?a ?b))" },

  // Squares of sums and differences; difference of squares.
  { name: "diff-squares", lhs: "(- (* ?a ?a) (* ?b ?b))", rhs: "(* (+ ?a ?b) (- ?a ?b))", bidi: true },
  {
    name: "square-sum",
    lhs: "(* (+ ?a ?b) (+ ?a ?b))",
    rhs: "(+ (+ (* ?a ?a) (* 2 (* ?a ?b))) (* ?b ?b))",
    bidi: true,
  },
  {
    name: "square-diff",
    lhs: "(* (- ?a ?b) (- ?a ?b))",
    rhs: "(+ (- (* ?a ?a) (* 2 (* ?a ?b))) (* ?b ?b))",
    bidi: true,
  },
]);
