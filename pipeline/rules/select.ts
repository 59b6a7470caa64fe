/**
 * Conditionals: `select` (FPCore's `if`), comparisons and connectives.
 *
 * Kernels compute a conditional by if-conversion: both arms, then a blend
 * per lane. So the rules that pay remove work from the arms or the blend
 * itself: an op applied in both arms is applied once to the select of its
 * operands; a select that is a min, a max or an absolute value becomes that
 * one instruction; a condition the input ranges decide (`(== ?c 1)` holds
 * when the condition's range is [1, 1]: interval.ts) picks its arm; nested
 * selects on one condition collapse.
 *
 * The min/max/abs rules are exact where the project's rules are exact: for
 * values that are not NaN (ranges hold no NaN, and an op that may make one
 * has no range), with -0 and +0 equal as reals. The accuracy guard checks
 * the result, including at the boundary of every condition.
 */
import { OP_NAMES, type OpName, OPS } from "../expr/ops.ts";
import { defineRules, type RuleSpec } from "./rule.ts";

/** Number-valued ops an arm can share: every real op but `d` and select itself. */
const SHAREABLE: readonly OpName[] = OP_NAMES.filter((op) =>
  op !== "d" && op !== "select" && OPS[op].sort === "real" && OPS[op].class !== "logic"
);

/** (select c (f a) (f b)) => (f (select c a b)), for f with one operand differing. */
function hoists(): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (const op of SHAREABLE) {
    const arity = OPS[op].arity;
    for (let i = 0; i < arity; i++) {
      const arm = (x: string) =>
        `(${op} ${Array.from({ length: arity }, (_, k) => (k === i ? x : `?o${k}`)).join(" ")})`;
      out.push({
        name: arity === 1 ? `select-hoist-${op}` : `select-hoist-${op}-${i + 1}`,
        lhs: `(select ?c ${arm("?a")} ${arm("?b")})`,
        rhs: arm("(select ?c ?a ?b)"),
      });
    }
  }
  return out;
}

export const RULES = defineRules("select", [
  // Arms and conditions.
  { name: "select-same", lhs: "(select ?c ?a ?a)", rhs: "?a" },
  { name: "select-not", lhs: "(select (not ?c) ?a ?b)", rhs: "(select ?c ?b ?a)" },
  { name: "select-decided-true", lhs: "(select ?c ?a ?b)", rhs: "?a", pre: "(== ?c 1)" },
  { name: "select-decided-false", lhs: "(select ?c ?a ?b)", rhs: "?b", pre: "(== ?c 0)" },
  { name: "select-nest-then", lhs: "(select ?c (select ?c ?a ?b) ?d)", rhs: "(select ?c ?a ?d)" },
  { name: "select-nest-else", lhs: "(select ?c ?a (select ?c ?b ?d))", rhs: "(select ?c ?a ?d)" },
  { name: "select-and", lhs: "(select ?c (select ?d ?a ?b) ?b)", rhs: "(select (and ?c ?d) ?a ?b)", bidi: true },
  { name: "select-or", lhs: "(select ?c ?a (select ?d ?a ?b))", rhs: "(select (or ?c ?d) ?a ?b)", bidi: true },
  { name: "not-not", lhs: "(not (not ?c))", rhs: "?c" },
  { name: "and-self", lhs: "(and ?c ?c)", rhs: "?c" },
  { name: "or-self", lhs: "(or ?c ?c)", rhs: "?c" },
  { name: "and-comm", lhs: "(and ?c ?d)", rhs: "(and ?d ?c)" },
  { name: "or-comm", lhs: "(or ?c ?d)", rhs: "(or ?d ?c)" },
  { name: "not-and", lhs: "(not (and ?c ?d))", rhs: "(or (not ?c) (not ?d))", bidi: true },
  { name: "not-or", lhs: "(not (or ?c ?d))", rhs: "(and (not ?c) (not ?d))", bidi: true },

  // Comparisons. a - b has the sign of a - b in IEEE arithmetic (gradual
  // underflow makes a - b = 0 only when a = b; an overflow keeps the sign).
  { name: "lt-sub", lhs: "(lt (- ?a ?b) 0)", rhs: "(lt ?a ?b)", bidi: true },
  { name: "gt-sub", lhs: "(lt 0 (- ?a ?b))", rhs: "(lt ?b ?a)", bidi: true },
  { name: "le-sub", lhs: "(le (- ?a ?b) 0)", rhs: "(le ?a ?b)", bidi: true },
  { name: "eq-sub", lhs: "(eq (- ?a ?b) 0)", rhs: "(eq ?a ?b)", bidi: true },
  { name: "lt-neg", lhs: "(lt (neg ?a) (neg ?b))", rhs: "(lt ?b ?a)" },
  { name: "le-neg", lhs: "(le (neg ?a) (neg ?b))", rhs: "(le ?b ?a)" },
  { name: "eq-comm", lhs: "(eq ?a ?b)", rhs: "(eq ?b ?a)" },
  { name: "ne-comm", lhs: "(ne ?a ?b)", rhs: "(ne ?b ?a)" },

  // Selects that are one instruction.
  { name: "select-fmin", lhs: "(select (lt ?a ?b) ?a ?b)", rhs: "(fmin ?a ?b)" },
  { name: "select-fmin-le", lhs: "(select (le ?a ?b) ?a ?b)", rhs: "(fmin ?a ?b)" },
  { name: "select-fmax", lhs: "(select (lt ?a ?b) ?b ?a)", rhs: "(fmax ?a ?b)" },
  { name: "select-fmax-le", lhs: "(select (le ?a ?b) ?b ?a)", rhs: "(fmax ?a ?b)" },
  { name: "select-fabs", lhs: "(select (lt ?x 0) (neg ?x) ?x)", rhs: "(fabs ?x)" },
  { name: "select-fabs-le", lhs: "(select (le ?x 0) (neg ?x) ?x)", rhs: "(fabs ?x)" },
  { name: "select-fabs-gt", lhs: "(select (lt 0 ?x) ?x (neg ?x))", rhs: "(fabs ?x)" },
  { name: "select-neg-fabs", lhs: "(select (lt ?x 0) ?x (neg ?x))", rhs: "(neg (fabs ?x))" },
  {
    name: "select-copysign",
    lhs: "(select (lt ?y 0) (neg ?x) ?x)",
    rhs: "(copysign ?x ?y)",
    pre: "(and (>= ?x 0) (!= ?y 0))",
  },
  // The outer half of a clamp, once the inner half is a min.
  {
    name: "select-clamp-lo",
    lhs: "(select (lt ?x ?lo) ?lo (fmin ?x ?hi))",
    rhs: "(fmax (fmin ?x ?hi) ?lo)",
    pre: "(<= ?lo ?hi)",
  },
  {
    name: "select-clamp-hi",
    lhs: "(select (lt ?hi ?x) ?hi (fmax ?x ?lo))",
    rhs: "(fmin (fmax ?x ?lo) ?hi)",
    pre: "(<= ?lo ?hi)",
  },

  // An op in both arms, applied once.
  ...hoists(),
]);
