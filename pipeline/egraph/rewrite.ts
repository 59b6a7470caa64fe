/**
 * A rule made ready for the e-graph (egg's rewrite.rs): its left side
 * compiled for e-matching, its right side as a template whose holes are
 * indices into a match, and its precondition decided per match by the
 * analysis facts of the bound classes.
 *
 * Searching and applying are separate steps, as in egg: the runner searches
 * every rule on one rebuilt e-graph, then applies all the matches, then
 * rebuilds once.
 *
 * @example
 * const rw = compileRule(rule);
 * const m = searchRule(g, rw);
 * applyMatches(g, rw, m);
 * g.rebuild();
 */
import { opCode } from "../expr/ops.ts";
import type { Pattern } from "../rules/pattern.ts";
import { holds } from "../rules/precondition.ts";
import type { Rule } from "../rules/rule.ts";
import { CODE_D, type EGraph } from "./egraph.ts";
import { compilePattern, ematch, type Matches, type Program, type SearchLimits } from "./ematch.ts";
import { MatchOracle } from "./oracle.ts";

/** Right side of a rule with holes numbered as in the left side's matches. */
type Template =
  | { readonly t: "hole"; readonly i: number }
  | { readonly t: "const"; readonly value: number }
  | { readonly t: "var"; readonly name: string }
  | { readonly t: "app"; readonly op: number; readonly args: readonly Template[] };

export interface Rewrite {
  readonly rule: Rule;
  readonly lhs: Program;
  readonly rhs: Template;
}

function template(p: Pattern, holes: readonly string[]): Template {
  switch (p.tag) {
    case "hole": {
      const i = holes.indexOf(p.name);
      if (i < 0) throw new Error(`?${p.name} is not bound by the left side`);
      return { t: "hole", i };
    }
    case "const":
      return { t: "const", value: p.value };
    case "var":
      return { t: "var", name: p.name };
    case "app":
      return { t: "app", op: opCode(p.op), args: p.args.map((a) => template(a, holes)) };
  }
}

export function compileRule(rule: Rule): Rewrite {
  const lhs = compilePattern(rule.lhs);
  return { rule, lhs, rhs: template(rule.rhs, lhs.holes) };
}

/** Matches of the rule's left side, within the limits. */
export function searchRule(g: EGraph, rw: Rewrite, limits: SearchLimits = {}): Matches {
  return ematch(g, rw.lhs, limits);
}

/**
 * Adds the template with holes filled from `data[off...]`; returns its class,
 * or -1 when it cannot be built (a `d` whose first operand is not a
 * variable's class).
 */
function instantiate(g: EGraph, t: Template, data: readonly number[], off: number): number {
  switch (t.t) {
    case "hole":
      return data[off + t.i];
    case "const":
      return g.addConst(t.value);
    case "var":
      return g.addVar(t.name);
    case "app": {
      const a = t.args;
      const x = instantiate(g, a[0], data, off);
      const y = a.length > 1 ? instantiate(g, a[1], data, off) : -1;
      const z = a.length > 2 ? instantiate(g, a[2], data, off) : -1;
      if (x < 0 || (a.length > 1 && y < 0) || (a.length > 2 && z < 0)) return -1;
      if (t.op === CODE_D && g.variableOf(x) === null) return -1;
      return g.addNode(t.op, x, y, z);
    }
  }
}

export interface ApplyResult {
  /** Matches whose precondition held and whose right side was added. */
  readonly applied: number;
  /** Of those, how many merged two classes (the rest were already equal). */
  readonly unions: number;
  /** Whether `stop` ended the application early. */
  readonly stopped: boolean;
}

/**
 * Applies matches: each whose precondition is proved gets its right side
 * added and unioned with the matched class. `stop` is polled every few
 * matches (node and time limits); the graph needs `rebuild()` afterwards.
 */
export function applyMatches(
  g: EGraph,
  rw: Rewrite,
  m: Matches,
  stop: () => boolean = () => false,
): ApplyResult {
  const oracle = rw.rule.pre === null ? null : new MatchOracle(g, rw.lhs.holes);
  let applied = 0, unions = 0;
  for (let i = 0; i < m.count; i++) {
    if ((i & 63) === 0 && stop()) return { applied, unions, stopped: true };
    const off = i * m.width;
    if (oracle !== null && !holds(rw.rule.pre, oracle.bind(m.data, off + 1))) continue;
    const cls = instantiate(g, rw.rhs, m.data, off + 1);
    if (cls < 0) continue;
    applied++;
    if (g.union(m.data[off], cls)) unions++;
  }
  return { applied, unions, stopped: false };
}
