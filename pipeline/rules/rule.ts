/**
 * Rewrite rules as data.
 *
 * A domain file lists its rules with `defineRules(domain, [...])`:
 *
 *   { name: "fma-fuse", lhs: "(+ (* ?a ?b) ?c)", rhs: "(fma ?a ?b ?c)" }
 *   { name: "sqrt-sq", lhs: "(sqrt (* ?x ?x))", rhs: "(fabs ?x)", bidi: true }
 *   { name: "log-exp", lhs: "(log (exp ?x))", rhs: "?x", pre: "(< ?x 80)" }
 *   { name: "sin-small", lhs: "(sin ?x)", rhs: "?x", pre: "(< -1e-4 ?x 1e-4)", approx: 2e-9 }
 *
 * `bidi` rules expand to two, the reverse named `<name>-rev` (a reverse
 * must not introduce holes the other side lacks). `approx` marks a rule that
 * holds only approximately and gives its relative error bound; an exact rule
 * is checked to float64 rounding. Every rule is verified numerically by
 * `soundness.ts` (`deno task rules`).
 */
import { holes, holeSorts, parsePattern, type Pattern } from "./pattern.ts";
import { OPS, type Sort } from "../expr/ops.ts";
import { parsePre, type Pre, preHoles } from "./precondition.ts";

export const DOMAINS = [
  "algebra",
  "fma",
  "strength",
  "rsqrt",
  "derivative",
  "trig",
  "explog",
  "basis",
  "vector",
  "simd",
  "select",
] as const;

export type Domain = typeof DOMAINS[number];

export interface Rule {
  /** Unique across all domains. */
  readonly name: string;
  readonly domain: Domain;
  readonly lhs: Pattern;
  readonly rhs: Pattern;
  readonly pre: Pre | null;
  /** Relative error bound for approximate rules; null for exact ones. */
  readonly approx: number | null;
  /** Holes that stand for truth values (conditions); the others are numbers. */
  readonly boolHoles: readonly string[];
  /** Source text, for messages and printing. */
  readonly text: { readonly lhs: string; readonly rhs: string; readonly pre?: string };
}

export interface RuleSpec {
  readonly name: string;
  readonly lhs: string;
  readonly rhs: string;
  readonly pre?: string;
  readonly bidi?: boolean;
  readonly approx?: number;
}

function build(domain: Domain, name: string, lhsText: string, rhsText: string, spec: RuleSpec): Rule {
  const lhs = parsePattern(lhsText);
  const rhs = parsePattern(rhsText);
  const pre = spec.pre !== undefined ? parsePre(spec.pre) : null;
  const bound = new Set(holes(lhs));
  for (const h of holes(rhs)) {
    if (!bound.has(h)) throw new Error(`rule ${name}: ?${h} appears on the right but not on the left`);
  }
  for (const h of pre === null ? [] : preHoles(pre)) {
    if (!bound.has(h)) throw new Error(`rule ${name}: precondition uses unbound ?${h}`);
  }
  if (lhs.tag === "hole") throw new Error(`rule ${name}: a bare hole on the left matches everything`);
  const sorts = new Map<string, Sort>();
  try {
    const sort = lhs.tag === "app" ? OPS[lhs.op].sort : "real";
    holeSorts(lhs, sort, sorts);
    holeSorts(rhs, sort, sorts);
  } catch (e) {
    throw new Error(`rule ${name}: ${(e as Error).message}`);
  }
  return {
    name,
    domain,
    lhs,
    rhs,
    pre,
    approx: spec.approx ?? null,
    boolHoles: [...sorts].filter(([, s]) => s === "bool").map(([h]) => h),
    text: { lhs: lhsText, rhs: rhsText, ...(spec.pre !== undefined ? { pre: spec.pre } : {}) },
  };
}

/** Expands and checks the rule specs of one domain. */
export function defineRules(domain: Domain, specs: readonly RuleSpec[]): readonly Rule[] {
  const out: Rule[] = [];
  for (const s of specs) {
    out.push(build(domain, s.name, s.lhs, s.rhs, s));
    if (s.bidi) out.push(build(domain, `${s.name}-rev`, s.rhs, s.lhs, s));
  }
  return Object.freeze(out);
}
