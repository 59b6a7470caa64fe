/**
 * Approximate functions where the user's accuracy allowance pays for them:
 * given a form and the guard's limit, put at each site (approx/sites.ts) the
 * loosest approximation (approx/catalog.ts) that keeps the whole kernel's max
 * error within the limit, as the guard measures it (the float32 model with
 * the approximations computed bit for bit as the built code computes them,
 * on the guard's samples and boundaries, floored ulps).
 *
 * Only tiers whose declared bound is within the user's allowance are
 * offered (`--max-ulp 4` allows the 1, 2 and 4-ulp tiers): the guard bounds
 * the kernel's max error, and a kernel whose original is thousands of ulps
 * off at one point would otherwise admit a 4096-ulp exp everywhere else.
 *
 * Greedy, most expensive site first: a site takes the loosest tier whose
 * kernel still passes, given the tiers already placed, and only if it lowers
 * the static cost (an approximation slower than the vector math library's
 * call on this target is never placed). Tiers are tried loosest first
 * because error budgets are spent where the speed is: a 4096-ulp exp2 is
 * about half the cost of a 1-ulp one.
 *
 * The result is the form as it was plus a lowering (expr/lowering.ts): the
 * search, the Judge and the printed form stay exact IR, and what the
 * approximations did is said by their list and declared bounds.
 */
import { type CostTable, nodeCost } from "../expr/cost.ts";
import type { Expr } from "../expr/expr.ts";
import { loweredPostorder, type Lowering } from "../expr/lowering.ts";
import type { Ranges } from "../expr/sample.ts";
import type { ErrorStats } from "../expr/ulp.ts";
import { type Approximation, approximations } from "../approx/catalog.ts";
import { approximationCost, approxSites, loweringOf, type Placement } from "../approx/sites.ts";

export interface Approximated {
  readonly expr: Expr;
  readonly lowering: Lowering;
  /** What was placed where: every approximation used, with its declared bound. */
  readonly placements: readonly Placement[];
  /** Max error of the lowered kernel in the float32 model, on the guard's samples. */
  readonly error: ErrorStats;
  /** Static cost with each placement's approximation priced by its body (approximationCost). */
  readonly staticCost: number;
}

/** Static cost of `e` computed under `placements`. */
export function loweredCost(e: Expr, placements: readonly Placement[], costs: CostTable): number {
  const at = new Map(placements.map((p) => [p.site.node.id, p.approx]));
  let sum = 0;
  for (const n of loweredPostorder(e, loweringOf(placements))) {
    const a = at.get(n.id);
    sum += a === undefined ? nodeCost(n, costs) : approximationCost(a, costs);
  }
  return sum;
}

/**
 * `e` with approximations of declared bound at most `maxBound` placed within
 * `limit` (floored ulps); null when no site can take one. `errorOf` measures
 * a lowering as the guard does; `screen` is a cheaper lower bound of it (a
 * subset of the samples) tried first.
 */
export function approximate(
  e: Expr,
  ranges: Ranges,
  costs: CostTable,
  limit: number,
  maxBound: number,
  errorOf: (l: Lowering) => ErrorStats,
  screen: (l: Lowering) => ErrorStats,
): Approximated | null {
  const sites = approxSites(e, ranges);
  const all = approximations().filter((a) => a.bound <= maxBound);
  if (sites.length === 0 || all.length === 0) return null;
  const tiersOf = (fn: string): Approximation[] => all.filter((a) => a.fn === fn).reverse(); // loosest first
  // Most expensive first: the subtree a site replaces, priced alone.
  const alone = (p: Placement[]) => loweredCost(e, p, costs);
  const base = alone([]);
  const saving = new Map(
    sites.flatMap((s) => {
      const loosest = tiersOf(s.fn)[0];
      return loosest === undefined ? [] : [[s, base - alone([{ site: s, approx: loosest }])] as const];
    }),
  );
  const order = [...saving.keys()].sort((a, b) => saving.get(b)! - saving.get(a)!);
  let placed: Placement[] = [];
  let cost = base;
  let error: ErrorStats | null = null;
  for (const site of order) {
    // A site inside a subtree an earlier placement replaced is no longer computed.
    if (!loweredPostorder(e, loweringOf(placed)).includes(site.node)) continue;
    for (const approx of tiersOf(site.fn)) {
      const next = [...placed, { site, approx }];
      const c = alone(next);
      if (c >= cost) continue;
      const l = loweringOf(next);
      if (screen(l).maxUlp > limit) continue;
      const err = errorOf(l);
      if (err.maxUlp > limit) continue;
      placed = next;
      cost = c;
      error = err;
      break;
    }
  }
  if (placed.length === 0 || error === null) return null;
  return { expr: e, lowering: loweringOf(placed), placements: placed, error, staticCost: cost };
}

/** The approximations used, in words: `exp2 within 4096 ulp, log2 within 64 ulp`. */
export function placementsText(placements: readonly Placement[]): string {
  return placements.map((p) => `${p.approx.fn} within ${p.approx.bound} ulp (${p.approx.cName})`).join(", ");
}
