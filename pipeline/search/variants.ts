/**
 * Variants of a kernel (`gen_egraph_variants`): many equivalent forms of one
 * function, so that the Judge's training data holds different costs of the
 * same function and learns to rank forms, not only kernels.
 *
 * Sources of forms, all of them sound on the record's input ranges:
 * - the kernel itself, and for a backward-generated pair its `optimized` form;
 * - derivative kernels: `eliminateDerivatives` (the naive derivative), and
 *   elimination by the derivative rules applied in random order, which
 *   gives other (often simpler) derivative forms;
 * - random walks: rewrites drawn at random among every (site, rule) match
 *   of the exact rules whose precondition is proved over the ranges
 *   (`search/candidates.ts`), half the time among the rules that change the
 *   static cost (up or down), so that walks reach forms of other costs
 *   rather than reordering sums; every intermediate form is kept;
 * - a partly saturated e-graph (node and time limits): the k best trees by
 *   the static cost, and greedy extractions under randomly perturbed op
 *   costs, which pick forms that a different cost table would prefer (exp
 *   versus pow, divide versus reciprocal...), the disagreements a learned
 *   cost model must settle.
 *
 * The pool is de-duplicated modulo commutativity (a + b and b + a compile
 * to the same instructions), then up to `count` forms are chosen by
 * farthest-point sampling over op-count vectors (each op weighted by its
 * static cost), at least `minDistance` apart, so the chosen forms differ in
 * what they compute, not only in how operands are ordered, and enough that
 * their times differ by more than the measurement's noise. Forms that still hold a `d` are eliminated with
 * `eliminateDerivatives` so that every variant compiles.
 *
 * Deterministic for a given seed and input.
 *
 * @example
 * const vs = genEgraphVariants(parseExpr("(d x (exp (* x x)))"), { x: [-1, 1] }, { count: 10 });
 * vs.map((v) => `${v.how}: ${printFPCore(v.expr)}`);
 */
import { type Expr, hasDerivative, postorder } from "../expr/expr.ts";
import { eliminateDerivatives } from "../expr/derivative.ts";
// Variants only need some weighting of ops to spread over: the op table's own, for every target.
import { nodeCost, REFERENCE_COSTS, staticCost } from "../expr/cost.ts";
import { KIND_COUNT, LEAF_CONST, LEAF_VAR, opCode } from "../expr/ops.ts";
import { Rng } from "../expr/random.ts";
import type { Ranges } from "../expr/sample.ts";
import { EGraph } from "../egraph/egraph.ts";
import { Extractor } from "../egraph/extract.ts";
import { kBest } from "../egraph/kbest.ts";
import { runRules } from "../egraph/runner.ts";
import { ALL_RULES } from "../rules/all.ts";
import { ruleCostDelta } from "../rules/cost.ts";
import type { Rule } from "../rules/rule.ts";
import { type Candidate, candidatesAt, NodeFacts, RuleIndex } from "./candidates.ts";
import { replaceNode } from "./rewrite.ts";
import { fnv1a32, FNV32_BASIS } from "../base/hash.ts";
import { parseExpr } from "../expr/fpcore.ts";
import { printFPCore } from "../expr/print.ts";
import { ErrorRecord, type ExpressionRecord, type VariantRecord } from "../records/schema.ts";

export interface Variant {
  readonly expr: Expr;
  /** Where it came from: original, optimized, naive-derivative, rule-derivative, walk, kbest, perturbed. */
  readonly how: string;
  /** Rules applied along a walk (or to eliminate a derivative), in order. */
  readonly steps?: readonly string[];
}

export interface VariantOptions {
  /** Variants to return per kernel (at most; fewer when the pool is smaller). */
  readonly count: number;
  readonly seed: number;
  /** Random walks and their longest length. */
  readonly walks: number;
  readonly walkSteps: number;
  /** Probability that a walk step picks among the cost-changing rewrites. */
  readonly costBias: number;
  /** A walk stops when the DAG grows past `growth` times the start plus 16 nodes. */
  readonly growth: number;
  /** E-graph limits (0 nodes: no e-graph). */
  readonly egraphNodes: number;
  readonly egraphMs: number;
  readonly egraphIters: number;
  /** k of the k-best extraction, and extractions under perturbed costs. */
  readonly kbest: number;
  readonly perturbed: number;
  /** Least relative op-profile distance between chosen forms (see `spread`). */
  readonly minDistance: number;
  /** The rules; approximate ones are always left out. */
  readonly rules: readonly Rule[];
}

export const DEFAULT_VARIANTS: VariantOptions = {
  count: 24,
  seed: 1,
  walks: 16,
  walkSteps: 14,
  costBias: 0.6,
  growth: 2.5,
  egraphNodes: 4000,
  egraphMs: 400,
  egraphIters: 8,
  kbest: 40,
  perturbed: 12,
  minDistance: 0.05,
  rules: ALL_RULES,
};

const COMMUTATIVE = new Set(["+", "*", "fmin", "fmax", "hypot"]);
/** Ops whose first two arguments are a product (a * b + c and friends). */
const PRODUCT_FIRST = new Set(["fma", "fms", "fnma"]);

/**
 * A key equal for forms that differ only in the order of commutative
 * operands: what the chosen variants must differ in.
 */
export function commutativeKey(e: Expr): string {
  const memo = new Map<number, string>();
  for (const n of postorder(e)) {
    let k: string;
    if (n.tag === "const") k = `c${n.value}`;
    else if (n.tag === "var") k = n.name;
    else {
      const a = n.args.map((x) => memo.get(x.id)!);
      if (COMMUTATIVE.has(n.op)) a.sort();
      else if (PRODUCT_FIRST.has(n.op)) {
        const [p, q] = [a[0], a[1]].sort();
        a[0] = p;
        a[1] = q;
      }
      k = `(${n.op} ${a.join(" ")})`;
    }
    memo.set(n.id, k);
  }
  return memo.get(e.id)!;
}

/**
 * Unique-node op counts weighted by static cost (plus a little for every
 * node, so free ones count): the space variants are spread over.
 */
function opProfile(e: Expr): Float64Array {
  const p = new Float64Array(KIND_COUNT);
  for (const n of postorder(e)) {
    const k = n.tag === "const" ? LEAF_CONST : n.tag === "var" ? LEAF_VAR : opCode(n.op);
    p[k] += NODE_WEIGHT + nodeCost(n, REFERENCE_COSTS);
  }
  return p;
}

const NODE_WEIGHT = 0.25;

/**
 * Relative distance of two op profiles: the weight of the ops one form has
 * and the other lacks, over their mean total weight plus the loop's fixed
 * overhead. Two forms of a pow-dominated kernel that differ by one add are
 * close; an add more in a kernel of three adds is far.
 */
export function profileDistance(a: Float64Array, b: Float64Array): number {
  let d = 0, ta = 0, tb = 0;
  for (let i = 0; i < a.length; i++) {
    d += Math.abs(a[i] - b[i]);
    ta += a[i];
    tb += b[i];
  }
  return d / ((ta + tb) / 2 + LOOP_OVERHEAD);
}

/**
 * What every kernel pays besides its ops, in static cost units per vector
 * (loads, the store, the loop): small kernels are bound by it, so a few
 * cheap ops more or less hardly change their time.
 */
const LOOP_OVERHEAD = 4;

/** Candidates at every unique node, memoized by node (nodes are immutable). */
class CandidateCache {
  private readonly memo = new Map<number, Candidate[]>();
  constructor(private readonly index: RuleIndex, private readonly facts: NodeFacts) {}
  all(e: Expr): Candidate[] {
    const out: Candidate[] = [];
    for (const n of postorder(e)) {
      let c = this.memo.get(n.id);
      if (c === undefined) {
        c = candidatesAt(n, this.index, this.facts);
        this.memo.set(n.id, c);
      }
      for (const x of c) out.push(x);
    }
    return out;
  }
}

/**
 * Eliminates the `d` nodes of `e` with the derivative rules, choosing the
 * next rewrite at random; what the rules cannot finish (a `d` left after
 * `maxSteps`, or one no rule matches) is finished by `eliminateDerivatives`.
 */
export function eliminateByRules(
  e: Expr,
  rng: Rng,
  facts: NodeFacts,
  rules: readonly Rule[],
  maxSteps = 400,
): Variant {
  const index = new RuleIndex(rules.filter((r) => r.domain === "derivative" && r.approx === null));
  const cache = new CandidateCache(index, facts);
  const steps: string[] = [];
  let cur = e;
  for (let i = 0; i < maxSteps && hasDerivative(cur); i++) {
    // Only rewrites that act on a d node: the others do not progress.
    const cands = cache.all(cur).filter((c) => c.site.tag === "app" && c.site.op === "d");
    if (cands.length === 0) break;
    const c = rng.pick(cands);
    cur = replaceNode(cur, c.site, c.result);
    steps.push(c.rule.name);
  }
  const done = hasDerivative(cur) ? eliminateDerivatives(cur) : cur;
  return { expr: done, how: "rule-derivative", steps };
}

/** One random walk from `start`, returning every form it passes through. */
function walk(
  start: Variant,
  rng: Rng,
  cache: CandidateCache,
  costly: ReadonlyMap<Rule, number>,
  o: VariantOptions,
): Variant[] {
  const out: Variant[] = [];
  const limit = o.growth * postorder(start.expr).length + 16;
  const steps = [...(start.steps ?? [])];
  let cur = start.expr;
  const length = 1 + rng.int(o.walkSteps);
  for (let i = 0; i < length; i++) {
    const all = cache.all(cur);
    if (all.length === 0) break;
    const changing = all.filter((c) => costly.has(c.rule));
    // Cost-changing moves in proportion to how much they change: a rewrite
    // that adds or removes a call moves the time, one that adds x * 1 barely.
    const c = changing.length > 0 && rng.next() < o.costBias
      ? rng.weighted(changing.map((x) => [x, Math.abs(costly.get(x.rule)!)] as const))
      : rng.pick(all);
    const next = replaceNode(cur, c.site, c.result);
    if (postorder(next).length > limit) break;
    cur = next;
    steps.push(c.rule.name);
    out.push({ expr: cur, how: `walk:${start.how}`, steps: [...steps] });
  }
  return out;
}

/** Static kind costs multiplied by random factors in [1/4, 4] (log-uniform). */
function perturbedCosts(rng: Rng): Float64Array {
  const c = REFERENCE_COSTS.byKind.slice();
  for (let k = 2; k < c.length; k++) c[k] *= Math.exp(rng.range(-Math.LN2 * 2, Math.LN2 * 2));
  return c;
}

/** Forms from a partly saturated e-graph holding every start form. */
function egraphForms(starts: readonly Variant[], ranges: Ranges, rng: Rng, o: VariantOptions): Variant[] {
  if (o.egraphNodes <= 0) return [];
  const g = new EGraph({ ranges: ranges as Record<string, [number, number]> });
  const root = g.add(starts[0].expr);
  for (const s of starts.slice(1)) g.union(root, g.add(s.expr));
  g.rebuild();
  runRules(g, o.rules, { nodeLimit: o.egraphNodes, timeLimitMs: o.egraphMs, iterLimit: o.egraphIters });
  const out: Variant[] = kBest(g, root, o.kbest, new Extractor(g, REFERENCE_COSTS.byKind)).map((r, i) => ({
    expr: r.expr,
    how: `kbest:${i}`,
  }));
  for (let i = 0; i < o.perturbed; i++) {
    const ex = new Extractor(g, perturbedCosts(rng));
    for (const [j, r] of kBest(g, root, 2, ex).entries()) out.push({ expr: r.expr, how: `perturbed:${i}.${j}` });
  }
  return out;
}

/**
 * Up to `o.count` distinct variants of `e` (which may contain `d`), all
 * free of `d`. `extra` forms (e.g. a backward pair's optimized side) are
 * start forms too. The first variants are the start forms, then the rest
 * in the order farthest-point sampling chose them.
 */
export function genEgraphVariants(
  e: Expr,
  ranges: Ranges,
  options: Partial<VariantOptions> = {},
  extra: readonly Variant[] = [],
): Variant[] {
  const o: VariantOptions = { ...DEFAULT_VARIANTS, ...options };
  const rng = new Rng(o.seed);
  const rules = o.rules.filter((r) => r.approx === null);
  const facts = new NodeFacts(ranges);
  // Start forms, d-free.
  const starts: Variant[] = [];
  if (hasDerivative(e)) {
    starts.push({ expr: eliminateDerivatives(e), how: "naive-derivative" });
    for (let i = 0; i < 2; i++) starts.push(eliminateByRules(e, rng, facts, rules));
  } else {
    starts.push({ expr: e, how: "original" });
  }
  for (const x of extra) starts.push(hasDerivative(x.expr) ? { ...x, expr: eliminateDerivatives(x.expr) } : x);

  const index = new RuleIndex(rules.filter((r) => r.domain !== "derivative"));
  const cache = new CandidateCache(index, facts);
  const costly = new Map(rules.filter((r) => ruleCostDelta(r) !== 0).map((r) => [r, ruleCostDelta(r)]));
  const pool: Variant[] = [...starts];
  for (let i = 0; i < o.walks; i++) pool.push(...walk(starts[i % starts.length], rng, cache, costly, o));
  pool.push(...egraphForms(starts, ranges, rng, o));

  // De-duplicate (modulo commutativity), keeping the first source of each form.
  const unique: Variant[] = [];
  const keys = new Set<string>();
  for (const p of pool) {
    const v = hasDerivative(p.expr) ? { ...p, expr: eliminateDerivatives(p.expr), how: `${p.how}+naive` } : p;
    const k = commutativeKey(v.expr);
    if (keys.has(k)) continue;
    keys.add(k);
    unique.push(v);
  }
  return spread(unique, starts.length, o.count, o.minDistance);
}

/**
 * Farthest-point sampling: the first `fixed` variants, then repeatedly the
 * one farthest (in relative op-profile distance) from every chosen one,
 * while that distance is at least `minDistance`; ties go to the cheaper,
 * then the earlier. Forms closer than that would differ in time by about
 * the measurement's noise, and their order would teach nothing.
 */
function spread(vs: readonly Variant[], fixed: number, count: number, minDistance: number): Variant[] {
  const prof = vs.map((v) => opProfile(v.expr));
  const cost = vs.map((v) => staticCost(v.expr, REFERENCE_COSTS));
  const chosen: number[] = [];
  const near = new Float64Array(vs.length).fill(Infinity);
  const take = (i: number) => {
    chosen.push(i);
    for (let j = 0; j < vs.length; j++) near[j] = Math.min(near[j], profileDistance(prof[i], prof[j]));
  };
  for (let i = 0; i < Math.min(fixed, count); i++) take(i);
  while (chosen.length < count) {
    let best = -1;
    for (let j = 0; j < vs.length; j++) {
      if (chosen.includes(j)) continue;
      if (best < 0 || near[j] > near[best] || (near[j] === near[best] && cost[j] < cost[best])) best = j;
    }
    if (best < 0 || near[best] < minDistance) break;
    take(best);
  }
  return chosen.map((i) => vs[i]);
}

/** Per-kernel seed: a kernel gets the same variants wherever it sits in a stream. */
export function kernelSeed(seed: number, id: string): number {
  return fnv1a32(id, FNV32_BASIS ^ seed);
}

/** The variant records of one expression record. */
export function variantRecords(rec: ExpressionRecord, options: Partial<VariantOptions> = {}): VariantRecord[] {
  const seed = kernelSeed(options.seed ?? DEFAULT_VARIANTS.seed, rec.id);
  const e = parseExpr(rec.expr, rec.vars);
  const optimized = typeof rec.optimized === "string" ? rec.optimized : null;
  const extra = optimized !== null ? [{ expr: parseExpr(optimized, rec.vars), how: "optimized" }] : [];
  const vs = genEgraphVariants(e, rec.ranges ?? {}, { ...options, seed }, extra);
  // The kernel's fields pass through; fields describing one form do not.
  const { id: _id, expr: _expr, optimized: _o, steps: _s, ...rest } = rec;
  return vs.map((v, k) => ({
    ...rest,
    id: `${rec.id}#v${k}`,
    of: rec.id,
    expr: printFPCore(v.expr),
    how: v.how,
    ...(v.steps !== undefined && v.steps.length > 0 ? { steps: [...v.steps] } : {}),
    static_cost: staticCost(v.expr, REFERENCE_COSTS),
  }));
}

/**
 * Variants of a record as the stage emits them: a record that already
 * carries an error passes unchanged, one whose variants cannot be built
 * comes out with an error field (the stream goes on).
 */
export function variantsOrError(
  rec: ExpressionRecord,
  options: Partial<VariantOptions> = {},
): (VariantRecord | ErrorRecord)[] {
  const failed = ErrorRecord.safeParse(rec);
  if (failed.success) return [failed.data];
  try {
    return variantRecords(rec, options);
  } catch (e) {
    return [{ ...rec, error: { stage: "variants", message: (e as Error).message } }];
  }
}
