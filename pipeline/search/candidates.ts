/**
 * Rewrite candidates: (site, rule) pairs that match the current expression,
 * with their preconditions proved from the input ranges. Rules are indexed
 * by the op at the root of their left side, so a node is only tried against
 * rules that can match it.
 */
import { app, type Expr, freeVars, num, postorder } from "../expr/expr.ts";
import { exprInterval, type Interval } from "../expr/interval.ts";
import { OPS } from "../expr/ops.ts";
import type { Ranges } from "../expr/sample.ts";
import { instantiate, match } from "../rules/pattern.ts";
import { holds, type Oracle } from "../rules/precondition.ts";
import type { Rule } from "../rules/rule.ts";

export interface Candidate {
  /** The node the rule rewrites (every occurrence of it). */
  readonly site: Expr;
  readonly rule: Rule;
  /** Index of the rule in the searched rule list. */
  readonly ruleIndex: number;
  /** What the site becomes. */
  readonly result: Expr;
}

/** Facts about nodes, memoized per search (nodes are immutable). */
export class NodeFacts {
  private readonly intervals = new Map<number, Interval | null>();
  private readonly vars = new Map<number, ReadonlySet<string>>();
  constructor(readonly ranges: Ranges) {}

  interval(e: Expr): Interval | null {
    let r = this.intervals.get(e.id);
    if (r === undefined && !this.intervals.has(e.id)) {
      r = exprInterval(e, this.ranges as Record<string, Interval>);
      this.intervals.set(e.id, r);
    }
    return r ?? null;
  }

  dependsOn(e: Expr): ReadonlySet<string> {
    let s = this.vars.get(e.id);
    if (s === undefined) {
      s = new Set(freeVars(e));
      this.vars.set(e.id, s);
    }
    return s;
  }

  oracle(b: ReadonlyMap<string, Expr>): Oracle {
    return {
      interval: (h) => {
        const e = b.get(h);
        return e === undefined ? null : this.interval(e);
      },
      constant: (h) => {
        const e = b.get(h);
        return e?.tag === "const" ? e.value : null;
      },
      variable: (h) => {
        const e = b.get(h);
        return e?.tag === "var" ? e.name : null;
      },
      freeOf: (h, x) => {
        const e = b.get(h);
        return e !== undefined && !this.dependsOn(e).has(x);
      },
    };
  }
}

/** Rules grouped by the op at the root of their left side. */
export class RuleIndex {
  private readonly byOp = new Map<string, number[]>();
  constructor(readonly rules: readonly Rule[]) {
    rules.forEach((r, i) => {
      const key = r.lhs.tag === "app" ? r.lhs.op : r.lhs.tag;
      const list = this.byOp.get(key);
      if (list === undefined) this.byOp.set(key, [i]);
      else list.push(i);
    });
  }

  /** Indices of rules whose left side could match `e` at its root. */
  rulesFor(e: Expr): readonly number[] {
    const key = e.tag === "app" ? e.op : e.tag;
    return this.byOp.get(key) ?? [];
  }
}

/**
 * Folds constant subtrees of a freshly built expression, in float64 (the
 * kernel then holds the constant rounded once to float32, which is at least
 * as accurate as computing it in float32). Non-finite results are kept as
 * expressions so that no NaN or infinity is introduced by folding.
 */
export function foldConstants(e: Expr): Expr {
  if (e.tag !== "app") return e;
  // Once per unique node, bottom-up: a recursion over the tree visited a
  // shared node once per path to it (2^30 times for 30 doublings) and nested
  // as deep as the expression.
  const memo = new Map<number, Expr>();
  for (const n of postorder(e)) {
    // A truth value is never a constant leaf: the IR has none (a decided condition picks its arm by rule).
    if (n.tag !== "app" || n.op === "d" || OPS[n.op].sort !== "real") {
      memo.set(n.id, n);
      continue;
    }
    const args = n.args.map((a) => memo.get(a.id)!);
    let out: Expr | null = null;
    if (args.every((a) => a.tag === "const")) {
      const value = OPS[n.op].f64(...args.map((a) => (a as { value: number }).value));
      if (Number.isFinite(value)) out = num(value);
    }
    memo.set(n.id, out ?? (args.every((a, i) => a === n.args[i]) ? n : app(n.op, args)));
  }
  return memo.get(e.id)!;
}

/** Every candidate at `site`: rules that match there and whose preconditions hold. */
export function candidatesAt(site: Expr, index: RuleIndex, facts: NodeFacts): Candidate[] {
  const out: Candidate[] = [];
  for (const i of index.rulesFor(site)) {
    const rule = index.rules[i];
    const b = match(rule.lhs, site);
    if (b === null) continue;
    if (!holds(rule.pre, facts.oracle(b))) continue;
    let result: Expr;
    try {
      result = foldConstants(instantiate(rule.rhs, b));
    } catch {
      continue; // e.g. (d x e) with a non-variable x: not a valid expression
    }
    if (result === site) continue;
    out.push({ site, rule, ruleIndex: i, result });
  }
  return out;
}
