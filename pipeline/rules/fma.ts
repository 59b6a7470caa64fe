/**
 * FMA fusion and unfusion. A fused multiply-add is one instruction where a
 * multiply and an add are two (and it rounds once, so fusing never loses
 * accuracy in float32). The three fused ops cover every sign pattern:
 * fma = a*b + c, fms = a*b - c, fnma = c - a*b.
 *
 * Fusion is written for every operand position and sign, because a pattern
 * matcher (the guided search rewrites trees, not e-classes) only sees the
 * order the expression has. The reverses (`-rev`) unfuse: they let the
 * search reach forms where a different pairing fuses better, and they are
 * what the unfuse stage uses to make training data.
 *
 * Horner: a polynomial evaluated as nested fmas costs one op per
 * coefficient; the rules recognise the expanded and the Estrin forms.
 */
import { defineRules } from "./rule.ts";

export const RULES = defineRules("fma", [
  // Fusion in every operand position.
  { name: "fma-fuse", lhs: "(+ (* ?a ?b) ?c)", rhs: "(fma ?a ?b ?c)", bidi: true },
  { name: "fma-fuse-right", lhs: "(+ ?c (* ?a ?b))", rhs: "(fma ?a ?b ?c)", bidi: true },
  { name: "fms-fuse", lhs: "(- (* ?a ?b) ?c)", rhs: "(fms ?a ?b ?c)", bidi: true },
  { name: "fnma-fuse", lhs: "(- ?c (* ?a ?b))", rhs: "(fnma ?a ?b ?c)", bidi: true },
  { name: "fnma-fuse-neg", lhs: "(+ (neg (* ?a ?b)) ?c)", rhs: "(fnma ?a ?b ?c)" },
  { name: "fnma-fuse-neg-right", lhs: "(+ ?c (neg (* ?a ?b)))", rhs: "(fnma ?a ?b ?c)" },
  { name: "fma-fuse-neg-sub", lhs: "(- (neg (* ?a ?b)) ?c)", rhs: "(neg (fma ?a ?b ?c))" },
  { name: "fma-fuse-self", lhs: "(+ ?a (* ?a ?b))", rhs: "(fma ?a ?b ?a)" },
  { name: "fma-fuse-self-right", lhs: "(+ (* ?a ?b) ?a)", rhs: "(fma ?a ?b ?a)" },
  { name: "fma-fuse-double", lhs: "(+ (+ ?a ?a) ?b)", rhs: "(fma 2 ?a ?b)" },
  { name: "fms-fuse-double", lhs: "(- (+ ?a ?a) ?b)", rhs: "(fms 2 ?a ?b)" },
  { name: "fma-fuse-dot2", lhs: "(+ (* ?a ?b) (* ?c ?d))", rhs: "(fma ?a ?b (* ?c ?d))" },
  { name: "fms-fuse-cross2", lhs: "(- (* ?a ?b) (* ?c ?d))", rhs: "(fms ?a ?b (* ?c ?d))" },
  { name: "fnma-fuse-cross2", lhs: "(- (* ?a ?b) (* ?c ?d))", rhs: "(fnma ?c ?d (* ?a ?b))" },

  // Signs move between the fused ops.
  { name: "fma-neg", lhs: "(neg (fma ?a ?b ?c))", rhs: "(fnma ?a ?b (neg ?c))" },
  { name: "fms-neg", lhs: "(neg (fms ?a ?b ?c))", rhs: "(fnma ?a ?b ?c)", bidi: true },
  { name: "fnma-neg", lhs: "(neg (fnma ?a ?b ?c))", rhs: "(fms ?a ?b ?c)", bidi: true },
  { name: "fma-neg-first", lhs: "(fma (neg ?a) ?b ?c)", rhs: "(fnma ?a ?b ?c)", bidi: true },
  { name: "fma-neg-second", lhs: "(fma ?a (neg ?b) ?c)", rhs: "(fnma ?a ?b ?c)" },
  { name: "fma-neg-addend", lhs: "(fma ?a ?b (neg ?c))", rhs: "(fms ?a ?b ?c)", bidi: true },
  { name: "fnma-neg-first", lhs: "(fnma (neg ?a) ?b ?c)", rhs: "(fma ?a ?b ?c)" },
  { name: "fms-neg-first", lhs: "(fms (neg ?a) ?b ?c)", rhs: "(neg (fma ?a ?b ?c))" },

  // The product inside is commutative.
  { name: "fma-comm", lhs: "(fma ?a ?b ?c)", rhs: "(fma ?b ?a ?c)" },
  { name: "fms-comm", lhs: "(fms ?a ?b ?c)", rhs: "(fms ?b ?a ?c)" },
  { name: "fnma-comm", lhs: "(fnma ?a ?b ?c)", rhs: "(fnma ?b ?a ?c)" },

  // Chains: an addend moves into or out of a fused op, accumulations reorder.
  { name: "fma-add-addend", lhs: "(+ (fma ?a ?b ?c) ?d)", rhs: "(fma ?a ?b (+ ?c ?d))", bidi: true },
  { name: "fma-sub-addend", lhs: "(- (fma ?a ?b ?c) ?d)", rhs: "(fma ?a ?b (- ?c ?d))" },
  { name: "fma-chain-swap", lhs: "(fma ?a ?b (fma ?c ?d ?e))", rhs: "(fma ?c ?d (fma ?a ?b ?e))" },

  // Horner's scheme for a quadratic, from the expanded, Horner-unfused and Estrin forms.
  {
    name: "horner-quadratic",
    lhs: "(+ (+ (* (* ?a ?x) ?x) (* ?b ?x)) ?c)",
    rhs: "(fma (fma ?a ?x ?b) ?x ?c)",
  },
  {
    name: "horner-quadratic-square",
    lhs: "(+ (* ?a (* ?x ?x)) (+ (* ?b ?x) ?c))",
    rhs: "(fma (fma ?a ?x ?b) ?x ?c)",
  },
  { name: "horner-unfused", lhs: "(+ (* (+ (* ?a ?x) ?b) ?x) ?c)", rhs: "(fma (fma ?a ?x ?b) ?x ?c)" },
  { name: "horner-from-estrin", lhs: "(fma ?a (* ?x ?x) (fma ?b ?x ?c))", rhs: "(fma (fma ?a ?x ?b) ?x ?c)" },
  // Horner steps on already-fused chains: once a greedy search has fused
  // a*x*x + b*x + c term by term, these still reach the nested form (without
  // them fusing first is a dead end that only lookahead can avoid).
  { name: "horner-step-fused", lhs: "(fma (* ?a ?x) ?x (fma ?b ?x ?c))", rhs: "(fma (fma ?a ?x ?b) ?x ?c)" },
  { name: "horner-step-fused-left", lhs: "(fma ?x (* ?a ?x) (fma ?b ?x ?c))", rhs: "(fma (fma ?a ?x ?b) ?x ?c)" },
  { name: "horner-step-product", lhs: "(fma (* ?a ?x) ?x (* ?b ?x))", rhs: "(* (fma ?a ?x ?b) ?x)" },
  { name: "fma-factor", lhs: "(fma ?a ?x (* ?b ?x))", rhs: "(* (+ ?a ?b) ?x)" },
  { name: "fma-factor-left", lhs: "(fma ?x ?a (* ?x ?b))", rhs: "(* ?x (+ ?a ?b))" },
  { name: "fma-factor-addend", lhs: "(fma ?a ?x (fma ?b ?x ?c))", rhs: "(fma (+ ?a ?b) ?x ?c)" },

  // Degenerate fused ops (finite operands, as in algebra's x * 0).
  { name: "fma-one", lhs: "(fma ?a 1 ?b)", rhs: "(+ ?a ?b)" },
  { name: "fma-minus-one", lhs: "(fma ?a -1 ?b)", rhs: "(- ?b ?a)" },
  { name: "fma-zero-factor", lhs: "(fma ?a 0 ?b)", rhs: "?b" },
  { name: "fma-zero-addend", lhs: "(fma ?a ?b 0)", rhs: "(* ?a ?b)" },
  // Constant folding leaves -0 behind (0 * -c); adding it is the identity.
  { name: "fma-neg-zero-addend", lhs: "(fma ?a ?b -0)", rhs: "(* ?a ?b)" },
  { name: "fms-neg-zero-addend", lhs: "(fms ?a ?b -0)", rhs: "(* ?a ?b)" },
  { name: "fms-zero-addend", lhs: "(fms ?a ?b 0)", rhs: "(* ?a ?b)" },
  { name: "fnma-zero-addend", lhs: "(fnma ?a ?b 0)", rhs: "(neg (* ?a ?b))" },
]);
