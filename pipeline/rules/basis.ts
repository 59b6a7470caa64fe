/**
 * Change of basis: polar and cartesian coordinates, and plane rotations.
 *
 * A round trip through polar coordinates (atan2 then cos/sin, or cos/sin
 * then atan2) costs two or three transcendental calls and gives back what
 * went in; rotations composed or undone collapse to one rotation or none.
 * hypot and the square root of a sum of squares are the same in reals;
 * hypot guards against overflow, so expanding it is bounded to where the
 * squares stay finite in float32 (|x| <= 1e18; sqrt(FLT_MAX) is 1.8e19).
 *
 * Angles: atan2 returns values in [-pi, pi], so recovering an angle holds
 * for angles inside (-pi, pi); the bound 3.14159 stays clear of the edge.
 */
import { defineRules } from "./rule.ts";

/** (x, y) rotated by ?a. */
const RX = "(- (* ?x (cos ?a)) (* ?y (sin ?a)))";
const RY = "(+ (* ?x (sin ?a)) (* ?y (cos ?a)))";
const SQ2 = "(and (<= -1e18 ?x 1e18) (<= -1e18 ?y 1e18))";
const NONZERO = "(or (!= ?x 0) (!= ?y 0))";
const ANGLE = "(< -3.14159 ?t 3.14159)";

export const RULES = defineRules("basis", [
  // Cartesian -> polar -> cartesian.
  { name: "basis-polar-x", lhs: "(* (hypot ?x ?y) (cos (atan2 ?y ?x)))", rhs: "?x" },
  { name: "basis-polar-y", lhs: "(* (hypot ?x ?y) (sin (atan2 ?y ?x)))", rhs: "?y" },
  { name: "basis-polar-x-sqrt", lhs: "(* (sqrt (+ (* ?x ?x) (* ?y ?y))) (cos (atan2 ?y ?x)))", rhs: "?x" },
  { name: "basis-polar-y-sqrt", lhs: "(* (sqrt (+ (* ?x ?x) (* ?y ?y))) (sin (atan2 ?y ?x)))", rhs: "?y" },
  // The direction of a vector without its angle: two calls become a quotient.
  { name: "basis-cos-atan2", lhs: "(cos (atan2 ?y ?x))", rhs: "(/ ?x (hypot ?x ?y))", pre: NONZERO },
  { name: "basis-sin-atan2", lhs: "(sin (atan2 ?y ?x))", rhs: "(/ ?y (hypot ?x ?y))", pre: NONZERO },
  {
    name: "basis-cos-atan2-rsqrt",
    lhs: "(cos (atan2 ?y ?x))",
    rhs: "(mulrsqrt ?x (+ (* ?x ?x) (* ?y ?y)))",
    pre: `(and ${NONZERO} ${SQ2})`,
  },
  {
    name: "basis-sin-atan2-rsqrt",
    lhs: "(sin (atan2 ?y ?x))",
    rhs: "(mulrsqrt ?y (+ (* ?x ?x) (* ?y ?y)))",
    pre: `(and ${NONZERO} ${SQ2})`,
  },

  // Polar -> cartesian -> polar.
  { name: "basis-cart-radius", lhs: "(hypot (* ?r (cos ?t)) (* ?r (sin ?t)))", rhs: "(fabs ?r)" },
  {
    name: "basis-cart-angle",
    lhs: "(atan2 (* ?r (sin ?t)) (* ?r (cos ?t)))",
    rhs: "?t",
    pre: `(and (> ?r 0) ${ANGLE})`,
  },
  { name: "basis-angle-roundtrip", lhs: "(atan2 (sin ?t) (cos ?t))", rhs: "?t", pre: ANGLE },
  { name: "basis-unit-circle", lhs: "(hypot (cos ?t) (sin ?t))", rhs: "1" },
  {
    name: "basis-polar-norm",
    lhs: "(+ (* (* ?r (cos ?t)) (* ?r (cos ?t))) (* (* ?r (sin ?t)) (* ?r (sin ?t))))",
    rhs: "(* ?r ?r)",
  },

  // hypot and sums of squares.
  { name: "basis-hypot-sqrt", lhs: "(hypot ?x ?y)", rhs: "(sqrt (+ (* ?x ?x) (* ?y ?y)))", pre: SQ2 },
  { name: "basis-sqrt-hypot", lhs: "(sqrt (+ (* ?x ?x) (* ?y ?y)))", rhs: "(hypot ?x ?y)" },
  { name: "basis-hypot-fma", lhs: "(hypot ?x ?y)", rhs: "(sqrt (fma ?x ?x (* ?y ?y)))", pre: SQ2 },
  { name: "basis-fma-hypot", lhs: "(sqrt (fma ?x ?x (* ?y ?y)))", rhs: "(hypot ?x ?y)" },
  {
    name: "basis-hypot3-sqrt",
    lhs: "(hypot (hypot ?x ?y) ?z)",
    rhs: "(sqrt (+ (+ (* ?x ?x) (* ?y ?y)) (* ?z ?z)))",
    pre: `(and ${SQ2} (<= -1e18 ?z 1e18))`,
  },
  { name: "basis-hypot-neg", lhs: "(hypot (neg ?x) ?y)", rhs: "(hypot ?x ?y)" },
  { name: "basis-hypot-fabs", lhs: "(hypot (fabs ?x) ?y)", rhs: "(hypot ?x ?y)" },
  { name: "basis-hypot-zero", lhs: "(hypot ?x 0)", rhs: "(fabs ?x)" },
  { name: "basis-hypot-scale", lhs: "(hypot (* ?k ?x) (* ?k ?y))", rhs: "(* (fabs ?k) (hypot ?x ?y))" },
  { name: "basis-atan2-scale", lhs: "(atan2 (* ?k ?y) (* ?k ?x))", rhs: "(atan2 ?y ?x)", pre: "(> ?k 0)" },

  // Rotations: by a then by b is by a + b; by a then back by a (or by -a) is none.
  {
    name: "basis-rotate-compose-x",
    lhs: `(- (* ${RX} (cos ?b)) (* ${RY} (sin ?b)))`,
    rhs: "(- (* ?x (cos (+ ?a ?b))) (* ?y (sin (+ ?a ?b))))",
  },
  {
    name: "basis-rotate-compose-y",
    lhs: `(+ (* ${RX} (sin ?b)) (* ${RY} (cos ?b)))`,
    rhs: "(+ (* ?x (sin (+ ?a ?b))) (* ?y (cos (+ ?a ?b))))",
  },
  { name: "basis-rotate-inverse-x", lhs: `(+ (* ${RX} (cos ?a)) (* ${RY} (sin ?a)))`, rhs: "?x" },
  { name: "basis-rotate-inverse-y", lhs: `(- (* ${RY} (cos ?a)) (* ${RX} (sin ?a)))`, rhs: "?y" },
  { name: "basis-rotate-neg-x", lhs: `(- (* ${RX} (cos (neg ?a))) (* ${RY} (sin (neg ?a))))`, rhs: "?x" },
  { name: "basis-rotate-neg-y", lhs: `(+ (* ${RX} (sin (neg ?a))) (* ${RY} (cos (neg ?a))))`, rhs: "?y" },
]);
