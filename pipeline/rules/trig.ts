/**
 * Trigonometry: identities that trade transcendental calls for arithmetic
 * (a sine and a cosine of the same angle share one range reduction; a
 * product of two calls becomes one call of a sum), and the inverse-function
 * compositions that vanish into square roots.
 *
 * Ranges: inverse compositions hold only on the principal branch (asin of
 * sin x is x for |x| <= pi/2), half-angle square roots only where the sign
 * of the half-angle function is known. Bounds like 1.5707 and 3.14159 stay
 * just inside pi/2 and pi so that rounding of the bound never matters.
 * Squares introduced by a rule (1 + x^2 under rsqrt) are bounded so that
 * they stay finite in float32, where the original expression did not
 * overflow.
 */
import { defineRules } from "./rule.ts";

/** |x| below this squares to a finite float32 (sqrt(FLT_MAX) is 1.8e19). */
const SQ = "1e18";

export const RULES = defineRules("trig", [
  // Pythagorean identities.
  { name: "trig-pyth", lhs: "(+ (* (sin ?x) (sin ?x)) (* (cos ?x) (cos ?x)))", rhs: "1" },
  { name: "trig-pyth-cos-first", lhs: "(+ (* (cos ?x) (cos ?x)) (* (sin ?x) (sin ?x)))", rhs: "1" },
  { name: "trig-pyth-fma", lhs: "(fma (sin ?x) (sin ?x) (* (cos ?x) (cos ?x)))", rhs: "1" },
  { name: "trig-one-minus-sin-sq", lhs: "(- 1 (* (sin ?x) (sin ?x)))", rhs: "(* (cos ?x) (cos ?x))", bidi: true },
  { name: "trig-one-minus-cos-sq", lhs: "(- 1 (* (cos ?x) (cos ?x)))", rhs: "(* (sin ?x) (sin ?x))", bidi: true },
  { name: "trig-one-plus-tan-sq", lhs: "(+ 1 (* (tan ?x) (tan ?x)))", rhs: "(recip (* (cos ?x) (cos ?x)))" },

  // Angle sum and difference.
  {
    name: "trig-sin-sum",
    lhs: "(sin (+ ?a ?b))",
    rhs: "(+ (* (sin ?a) (cos ?b)) (* (cos ?a) (sin ?b)))",
    bidi: true,
  },
  {
    name: "trig-sin-diff",
    lhs: "(sin (- ?a ?b))",
    rhs: "(- (* (sin ?a) (cos ?b)) (* (cos ?a) (sin ?b)))",
    bidi: true,
  },
  {
    name: "trig-cos-sum",
    lhs: "(cos (+ ?a ?b))",
    rhs: "(- (* (cos ?a) (cos ?b)) (* (sin ?a) (sin ?b)))",
    bidi: true,
  },
  {
    name: "trig-cos-diff",
    lhs: "(cos (- ?a ?b))",
    rhs: "(+ (* (cos ?a) (cos ?b)) (* (sin ?a) (sin ?b)))",
    bidi: true,
  },

  // Double and triple angle.
  { name: "trig-sin-double", lhs: "(sin (* 2 ?x))", rhs: "(* 2 (* (sin ?x) (cos ?x)))", bidi: true },
  // One call instead of two.
  { name: "trig-sin-cos-product", lhs: "(* (sin ?x) (cos ?x))", rhs: "(* 0.5 (sin (* 2 ?x)))" },
  {
    name: "trig-cos-double",
    lhs: "(cos (* 2 ?x))",
    rhs: "(- (* (cos ?x) (cos ?x)) (* (sin ?x) (sin ?x)))",
    bidi: true,
  },
  { name: "trig-cos-double-cos", lhs: "(cos (* 2 ?x))", rhs: "(- (* 2 (* (cos ?x) (cos ?x))) 1)", bidi: true },
  { name: "trig-cos-double-sin", lhs: "(cos (* 2 ?x))", rhs: "(- 1 (* 2 (* (sin ?x) (sin ?x))))", bidi: true },
  { name: "trig-sin-sq-reduce", lhs: "(* (sin ?x) (sin ?x))", rhs: "(* 0.5 (- 1 (cos (* 2 ?x))))" },
  { name: "trig-cos-sq-reduce", lhs: "(* (cos ?x) (cos ?x))", rhs: "(* 0.5 (+ 1 (cos (* 2 ?x))))" },
  {
    name: "trig-tan-double",
    lhs: "(tan (* 2 ?x))",
    rhs: "(/ (* 2 (tan ?x)) (- 1 (* (tan ?x) (tan ?x))))",
    pre: "(< -0.78 ?x 0.78)",
  },
  {
    name: "trig-sin-triple",
    lhs: "(sin (* 3 ?x))",
    rhs: "(- (* 3 (sin ?x)) (* 4 (* (sin ?x) (* (sin ?x) (sin ?x)))))",
  },
  {
    name: "trig-cos-triple",
    lhs: "(cos (* 3 ?x))",
    rhs: "(- (* 4 (* (cos ?x) (* (cos ?x) (cos ?x)))) (* 3 (cos ?x)))",
  },

  // Half angle. sin(x/2) = sin x / sqrt(2 (1 + cos x)) has no cancellation
  // near 0 and the right sign on (-pi, pi); the fabs form holds everywhere.
  {
    name: "trig-sin-half",
    lhs: "(sin (* 0.5 ?x))",
    rhs: "(/ (sin ?x) (sqrt (* 2 (+ 1 (cos ?x)))))",
    pre: "(< -3.1 ?x 3.1)",
  },
  { name: "trig-fabs-sin-half", lhs: "(fabs (sin (* 0.5 ?x)))", rhs: "(sqrt (* 0.5 (- 1 (cos ?x))))" },
  {
    name: "trig-cos-half",
    lhs: "(cos (* 0.5 ?x))",
    rhs: "(sqrt (* 0.5 (+ 1 (cos ?x))))",
    pre: "(< -3.14159 ?x 3.14159)",
  },
  { name: "trig-fabs-cos-half", lhs: "(fabs (cos (* 0.5 ?x)))", rhs: "(sqrt (* 0.5 (+ 1 (cos ?x))))" },
  { name: "trig-tan-half", lhs: "(tan (* 0.5 ?x))", rhs: "(/ (sin ?x) (+ 1 (cos ?x)))", pre: "(< -3.1 ?x 3.1)" },

  // Products to sums and sums to products.
  { name: "trig-prod-sin-sin", lhs: "(* (sin ?a) (sin ?b))", rhs: "(* 0.5 (- (cos (- ?a ?b)) (cos (+ ?a ?b))))" },
  { name: "trig-prod-cos-cos", lhs: "(* (cos ?a) (cos ?b))", rhs: "(* 0.5 (+ (cos (- ?a ?b)) (cos (+ ?a ?b))))" },
  { name: "trig-prod-sin-cos", lhs: "(* (sin ?a) (cos ?b))", rhs: "(* 0.5 (+ (sin (+ ?a ?b)) (sin (- ?a ?b))))" },
  {
    name: "trig-sum-sin",
    lhs: "(+ (sin ?a) (sin ?b))",
    rhs: "(* 2 (* (sin (* 0.5 (+ ?a ?b))) (cos (* 0.5 (- ?a ?b)))))",
  },
  {
    name: "trig-diff-sin",
    lhs: "(- (sin ?a) (sin ?b))",
    rhs: "(* 2 (* (cos (* 0.5 (+ ?a ?b))) (sin (* 0.5 (- ?a ?b)))))",
  },
  {
    name: "trig-sum-cos",
    lhs: "(+ (cos ?a) (cos ?b))",
    rhs: "(* 2 (* (cos (* 0.5 (+ ?a ?b))) (cos (* 0.5 (- ?a ?b)))))",
  },
  {
    name: "trig-diff-cos",
    lhs: "(- (cos ?a) (cos ?b))",
    rhs: "(* -2 (* (sin (* 0.5 (+ ?a ?b))) (sin (* 0.5 (- ?a ?b)))))",
  },
  // Accuracy: differences that cancel near equal arguments, as products
  // that do not (1 - cos x near 0; tan and atan of close arguments).
  { name: "trig-one-minus-cos", lhs: "(- 1 (cos ?x))", rhs: "(* 2 (* (sin (* 0.5 ?x)) (sin (* 0.5 ?x))))" },
  { name: "trig-diff-tan", lhs: "(- (tan ?a) (tan ?b))", rhs: "(/ (sin (- ?a ?b)) (* (cos ?a) (cos ?b)))" },
  // atan(x + 1) - atan(x) for any x: x (x + 1) >= -1/4 > -1, so the difference formula holds everywhere.
  { name: "trig-diff-atan-shift", lhs: "(- (atan (+ ?x 1)) (atan ?x))", rhs: "(atan (/ 1 (+ 1 (* ?x (+ ?x 1)))))" },
  {
    name: "trig-diff-atan",
    lhs: "(- (atan ?a) (atan ?b))",
    rhs: "(atan (/ (- ?a ?b) (+ 1 (* ?a ?b))))",
    pre: "(or (and (>= ?a 0) (>= ?b 0)) (and (<= ?a 0) (<= ?b 0)))",
  },

  // Parity.
  { name: "trig-sin-neg", lhs: "(sin (neg ?x))", rhs: "(neg (sin ?x))", bidi: true },
  { name: "trig-cos-neg", lhs: "(cos (neg ?x))", rhs: "(cos ?x)" },
  { name: "trig-cos-fabs", lhs: "(cos (fabs ?x))", rhs: "(cos ?x)" },
  { name: "trig-tan-neg", lhs: "(tan (neg ?x))", rhs: "(neg (tan ?x))", bidi: true },
  { name: "trig-asin-neg", lhs: "(asin (neg ?x))", rhs: "(neg (asin ?x))" },
  { name: "trig-atan-neg", lhs: "(atan (neg ?x))", rhs: "(neg (atan ?x))" },
  { name: "trig-acos-neg", lhs: "(acos (neg ?x))", rhs: "(- PI (acos ?x))" },
  { name: "trig-atan2-neg", lhs: "(atan2 (neg ?y) ?x)", rhs: "(neg (atan2 ?y ?x))" },

  // Tangent as a quotient: both sides are undefined at the same poles.
  { name: "trig-tan-quot", lhs: "(tan ?x)", rhs: "(/ (sin ?x) (cos ?x))", bidi: true },
  { name: "trig-tan-cos", lhs: "(* (tan ?x) (cos ?x))", rhs: "(sin ?x)" },
  { name: "trig-cot", lhs: "(/ (cos ?x) (sin ?x))", rhs: "(recip (tan ?x))", bidi: true },

  // Inverse functions.
  { name: "trig-sin-asin", lhs: "(sin (asin ?x))", rhs: "?x", pre: "(<= -1 ?x 1)" },
  { name: "trig-cos-acos", lhs: "(cos (acos ?x))", rhs: "?x", pre: "(<= -1 ?x 1)" },
  { name: "trig-tan-atan", lhs: "(tan (atan ?x))", rhs: "?x" },
  { name: "trig-cos-asin", lhs: "(cos (asin ?x))", rhs: "(sqrt (- 1 (* ?x ?x)))", pre: "(<= -1 ?x 1)" },
  { name: "trig-sin-acos", lhs: "(sin (acos ?x))", rhs: "(sqrt (- 1 (* ?x ?x)))", pre: "(<= -1 ?x 1)" },
  { name: "trig-cos-atan", lhs: "(cos (atan ?x))", rhs: "(rsqrt (+ 1 (* ?x ?x)))", pre: `(< -${SQ} ?x ${SQ})` },
  { name: "trig-sin-atan", lhs: "(sin (atan ?x))", rhs: "(mulrsqrt ?x (+ 1 (* ?x ?x)))", pre: `(< -${SQ} ?x ${SQ})` },
  { name: "trig-tan-asin", lhs: "(tan (asin ?x))", rhs: "(mulrsqrt ?x (- 1 (* ?x ?x)))", pre: "(< -1 ?x 1)" },
  {
    name: "trig-tan-acos",
    lhs: "(tan (acos ?x))",
    rhs: "(/ (sqrt (- 1 (* ?x ?x))) ?x)",
    pre: "(and (< -1 ?x 1) (!= ?x 0))",
  },
  { name: "trig-asin-sin", lhs: "(asin (sin ?x))", rhs: "?x", pre: "(<= -1.5707 ?x 1.5707)" },
  { name: "trig-acos-cos", lhs: "(acos (cos ?x))", rhs: "?x", pre: "(<= 0 ?x 3.14159)" },
  { name: "trig-atan-tan", lhs: "(atan (tan ?x))", rhs: "?x", pre: "(< -1.5707 ?x 1.5707)" },
  { name: "trig-atan2-atan", lhs: "(atan2 ?y ?x)", rhs: "(atan (/ ?y ?x))", pre: "(> ?x 0)", bidi: true },
]);
