/**
 * Vector math written out in components: dot products and squared norms
 * fused into fma chains, normalization by a reciprocal square root instead
 * of a square root and a division, unit vectors whose squared norm is 1,
 * cross-product identities, and Lagrange's identity, which trades the
 * squared cross product for norms and a dot product (or the other way).
 *
 * Bounds: a rule that multiplies two squared norms keeps each component
 * within 1e9, and one that squares a component the original only squared
 * after scaling keeps it within 1e18, so that the rewritten form stays
 * finite in float32 wherever the original was.
 */
import { defineRules } from "./rule.ts";

const S2 = "(+ (* ?x ?x) (* ?y ?y))";
const S3 = "(+ (+ (* ?x ?x) (* ?y ?y)) (* ?z ?z))";
const N2 = `(sqrt ${S2})`;
const N3 = `(sqrt ${S3})`;
const H2 = "(hypot ?x ?y)";
const NONZERO2 = "(or (!= ?x 0) (!= ?y 0))";
/** Dot, cross (z component) and squared norms of 2-D vectors a and b. */
const DOT = "(+ (* ?a1 ?b1) (* ?a2 ?b2))";
const CROSS = "(- (* ?a1 ?b2) (* ?a2 ?b1))";
const NA = "(+ (* ?a1 ?a1) (* ?a2 ?a2))";
const NB = "(+ (* ?b1 ?b1) (* ?b2 ?b2))";
const C1 = "(- (* ?a2 ?b3) (* ?a3 ?b2))";
const C2 = "(- (* ?a3 ?b1) (* ?a1 ?b3))";
const C3 = "(- (* ?a1 ?b2) (* ?a2 ?b1))";
const DOT3 = "(+ (+ (* ?a1 ?b1) (* ?a2 ?b2)) (* ?a3 ?b3))";
const NA3 = "(+ (+ (* ?a1 ?a1) (* ?a2 ?a2)) (* ?a3 ?a3))";
const NB3 = "(+ (+ (* ?b1 ?b1) (* ?b2 ?b2)) (* ?b3 ?b3))";
/** Components within 1e9: a product of two squared norms stays finite in float32. */
const BOUNDED2 = "(and (<= -1e9 ?a1 1e9) (<= -1e9 ?a2 1e9) (<= -1e9 ?b1 1e9) (<= -1e9 ?b2 1e9))";
const sq = (e: string) => `(* ${e} ${e})`;
const over = (a: string, n: string) => `(/ ${a} ${n})`;

export const RULES = defineRules("vector", [
  // Dot products as fma chains.
  {
    name: "vector-dot3-fuse",
    lhs: "(+ (+ (* ?a ?b) (* ?c ?d)) (* ?e ?f))",
    rhs: "(fma ?a ?b (fma ?c ?d (* ?e ?f)))",
    bidi: true,
  },
  {
    name: "vector-dot3-fuse-right",
    lhs: "(+ (* ?a ?b) (+ (* ?c ?d) (* ?e ?f)))",
    rhs: "(fma ?a ?b (fma ?c ?d (* ?e ?f)))",
  },
  {
    name: "vector-dot4-fuse",
    lhs: "(+ (+ (+ (* ?a ?b) (* ?c ?d)) (* ?e ?f)) (* ?g ?h))",
    rhs: "(fma ?a ?b (fma ?c ?d (fma ?e ?f (* ?g ?h))))",
    bidi: true,
  },
  {
    name: "vector-dot4-pairs",
    lhs: "(+ (+ (* ?a ?b) (* ?c ?d)) (+ (* ?e ?f) (* ?g ?h)))",
    rhs: "(fma ?a ?b (fma ?c ?d (fma ?e ?f (* ?g ?h))))",
  },
  { name: "vector-sqnorm2-fuse", lhs: S2, rhs: "(fma ?x ?x (* ?y ?y))" },
  { name: "vector-sqnorm3-fuse", lhs: S3, rhs: "(fma ?x ?x (fma ?y ?y (* ?z ?z)))", bidi: true },
  {
    name: "vector-scaled-sqnorm2",
    lhs: "(+ (* (* ?k ?x) (* ?k ?x)) (* (* ?k ?y) (* ?k ?y)))",
    rhs: `(* (* ?k ?k) ${S2})`,
    pre: "(and (<= -1e18 ?k 1e18) (<= -1e18 ?x 1e18) (<= -1e18 ?y 1e18))",
  },
  // (a - b)^2 = (b - a)^2 exactly, so distances written either way share.
  { name: "vector-sqdiff-swap", lhs: "(* (- ?a ?b) (- ?a ?b))", rhs: "(* (- ?b ?a) (- ?b ?a))" },

  // Normalization: one rsqrt-multiply instead of a sqrt and a division.
  { name: "vector-normalize2", lhs: over("?a", N2), rhs: `(mulrsqrt ?a ${S2})` },
  { name: "vector-normalize3", lhs: over("?a", N3), rhs: `(mulrsqrt ?a ${S3})` },
  {
    name: "vector-normalize2-hypot",
    lhs: over("?a", H2),
    rhs: `(mulrsqrt ?a ${S2})`,
    pre: "(and (<= -1e18 ?x 1e18) (<= -1e18 ?y 1e18))",
  },
  { name: "vector-sqnorm-over-norm", lhs: over(S2, N2), rhs: N2, pre: NONZERO2 },
  { name: "vector-sqnorm-over-hypot", lhs: over(S2, H2), rhs: H2, pre: NONZERO2 },
  { name: "vector-norm-squared", lhs: sq(N2), rhs: S2 },
  { name: "vector-hypot-squared", lhs: sq(H2), rhs: "(fma ?x ?x (* ?y ?y))" },

  // A normalized vector has norm 1.
  { name: "vector-unit2", lhs: `(+ ${sq(over("?x", N2))} ${sq(over("?y", N2))})`, rhs: "1", pre: NONZERO2 },
  { name: "vector-unit2-hypot", lhs: `(+ ${sq(over("?x", H2))} ${sq(over("?y", H2))})`, rhs: "1", pre: NONZERO2 },
  {
    name: "vector-unit2-rsqrt",
    lhs: `(+ ${sq(`(mulrsqrt ?x ${S2})`)} ${sq(`(mulrsqrt ?y ${S2})`)})`,
    rhs: "1",
    pre: NONZERO2,
  },
  {
    name: "vector-unit3",
    lhs: `(+ (+ ${sq(over("?x", N3))} ${sq(over("?y", N3))}) ${sq(over("?z", N3))})`,
    rhs: "1",
    pre: "(or (!= ?x 0) (!= ?y 0) (!= ?z 0))",
  },
  { name: "vector-unit2-norm", lhs: `(hypot ${over("?x", H2)} ${over("?y", H2)})`, rhs: "1", pre: NONZERO2 },

  // Cross products.
  { name: "vector-cross-anticomm", lhs: "(- (* ?a ?b) (* ?c ?d))", rhs: "(neg (- (* ?c ?d) (* ?a ?b)))", bidi: true },
  { name: "vector-cross-self", lhs: "(- (* ?a ?b) (* ?b ?a))", rhs: "0" },
  // a . (a x b) = 0.
  { name: "vector-triple-self", lhs: `(+ (+ (* ?a1 ${C1}) (* ?a2 ${C2})) (* ?a3 ${C3}))`, rhs: "0" },

  // Lagrange's identity: |a x b|^2 + (a . b)^2 = |a|^2 |b|^2.
  { name: "vector-lagrange2", lhs: `(+ ${sq(CROSS)} ${sq(DOT)})`, rhs: `(* ${NA} ${NB})`, pre: BOUNDED2 },
  { name: "vector-lagrange2-cross", lhs: `(- (* ${NA} ${NB}) ${sq(DOT)})`, rhs: sq(CROSS) },
  { name: "vector-lagrange2-dot", lhs: `(- (* ${NA} ${NB}) ${sq(CROSS)})`, rhs: sq(DOT) },
  {
    name: "vector-lagrange3",
    lhs: `(+ (+ (+ ${sq(C1)} ${sq(C2)}) ${sq(C3)}) ${sq(DOT3)})`,
    rhs: `(* ${NA3} ${NB3})`,
    pre: `(and ${BOUNDED2} (<= -1e9 ?a3 1e9) (<= -1e9 ?b3 1e9))`,
  },

  // Cosine of the angle between two vectors: one rsqrt-multiply.
  {
    name: "vector-cos-angle2",
    lhs: `(/ ${DOT} (* (sqrt ${NA}) (sqrt ${NB})))`,
    rhs: `(mulrsqrt ${DOT} (* ${NA} ${NB}))`,
    pre: BOUNDED2,
  },
]);
