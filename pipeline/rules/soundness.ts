/**
 * Numerical soundness check of rewrite rules.
 *
 * Each rule is evaluated on at least `points` random points that satisfy
 * its precondition, comparing lhs and rhs in float64. The allowed
 * difference at a point is `c` times the sum of both sides' rounding-error
 * bounds (`roundoff.ts`), plus `approx * |lhs|` for an approximate rule,
 * plus the smallest normal float64 (underflow is not a difference).
 * A point counts as
 * - agreeing when both sides are NaN or the same infinity;
 * - failing when exactly one side is non-finite (a rule whose sides differ
 *   in domain needs a precondition that excludes the difference) or when
 *   the difference is beyond the allowed one;
 * - undecided (not counted) when a side is ill-conditioned there, i.e. its
 *   error bound is infinite (an argument of a division may be zero...).
 *
 * Holes get values in one of two ways, chosen per rule:
 * - values: every hole is a number from a spread that covers the cases
 *   rules get wrong (`sampling.ts`); the precondition is decided per point
 *   by rejection sampling, with an Oracle that sees that point's values.
 * - expressions: when a rule differentiates (`d`), asks `var?` or
 *   `free-of`, holes must be expressions over variables. A hole used as the
 *   variable of `d`, in `var?` or as the variable of `free-of` is bound to a
 *   variable; the others to small random expressions (`free-of` respected
 *   by construction), each evaluated at a batch of random points.
 *
 * Deterministic: each rule's generator is seeded from its name and the seed.
 */
import { app, type Expr, freeVars, num, v } from "../expr/expr.ts";
import { printFPCore } from "../expr/print.ts";
import { DEFAULT_MIX, randomExpr, Rng } from "../expr/random.ts";
import { holes, instantiate, type Pattern } from "./pattern.ts";
import { holds, type Oracle, type Pre } from "./precondition.ts";
import { evaluateWithError } from "./roundoff.ts";
import type { Rule } from "./rule.ts";
import { drawValue, thresholds } from "./sampling.ts";
import { fnv1a32 } from "../base/hash.ts";

export interface CheckOptions {
  /** Decided points required per rule. */
  readonly points: number;
  readonly seed: number;
  /** Multiple of the rounding-error bound allowed as a difference. */
  readonly c: number;
  /** Give up after this many candidate points per required point. */
  readonly drawsPerPoint: number;
}

export const DEFAULT_CHECK: CheckOptions = { points: 1000, seed: 1, c: 64, drawsPerPoint: 100 };

/** One evaluated point: what the holes were, both sides, and the verdict's numbers. */
export interface Witness {
  /** Hole -> value (or expression text), and variable -> value in expression mode. */
  readonly point: Readonly<Record<string, number | string>>;
  readonly lhs: number;
  readonly rhs: number;
  /** |lhs - rhs| (Infinity when exactly one side is non-finite). */
  readonly err: number;
  /** The allowed difference at that point. */
  readonly tol: number;
}

export interface RuleCheck {
  readonly rule: Rule;
  readonly mode: "values" | "expressions";
  /** Decided points (agreeing or failing). */
  readonly checked: number;
  /** Points where the sides differ beyond the tolerance. */
  readonly failed: number;
  /** Decided points where both sides were finite. */
  readonly finite: number;
  /** Points that satisfied the precondition but were ill-conditioned. */
  readonly undecided: number;
  /** Candidate points drawn (before the precondition). */
  readonly draws: number;
  /** Whether the required number of points was decided. */
  readonly complete: boolean;
  /** The point with the largest difference relative to its tolerance. */
  readonly worst: Witness | null;
  /** Why the rule fails other than by a bad point (too few points...), or null. */
  readonly problem: string | null;
  readonly ok: boolean;
}

/** What a rule's holes need, read off its patterns and precondition. */
interface Plan {
  readonly holes: readonly string[];
  /** Variables named literally in the patterns. */
  readonly literals: readonly string[];
  /** Holes that must be bound to variables. */
  readonly varHoles: ReadonlySet<string>;
  /** Holes the precondition asks `const?` or `int?` about. */
  readonly constHoles: ReadonlySet<string>;
  readonly intHoles: ReadonlySet<string>;
  /** [hole, variable hole]: the first must not depend on the second. */
  readonly freeOf: readonly (readonly [string, string])[];
  readonly mode: "values" | "expressions";
}

function planOf(rule: Rule): Plan {
  const varHoles = new Set<string>(), constHoles = new Set<string>(), intHoles = new Set<string>();
  const freeOf: [string, string][] = [];
  const literals = new Set<string>();
  let differentiates = false;
  const walkPattern = (p: Pattern) => {
    if (p.tag === "var") literals.add(p.name);
    if (p.tag !== "app") return;
    if (p.op === "d") {
      differentiates = true;
      if (p.args[0].tag === "hole") varHoles.add(p.args[0].name);
    }
    p.args.forEach(walkPattern);
  };
  walkPattern(rule.lhs);
  walkPattern(rule.rhs);
  const walkPre = (p: Pre) => {
    switch (p.tag) {
      case "and":
      case "or":
        p.parts.forEach(walkPre);
        return;
      case "not":
        walkPre(p.part);
        return;
      case "var?":
        varHoles.add(p.hole);
        return;
      case "int?":
        intHoles.add(p.hole);
        constHoles.add(p.hole);
        return;
      case "const?":
        constHoles.add(p.hole);
        return;
      case "free-of":
        varHoles.add(p.of);
        freeOf.push([p.hole, p.of]);
        return;
      case "cmp":
        return;
    }
  };
  if (rule.pre !== null) walkPre(rule.pre);
  const mode = differentiates || varHoles.size > 0 || freeOf.length > 0 ? "expressions" : "values";
  return { holes: holes(rule.lhs), literals: [...literals], varHoles, constHoles, intHoles, freeOf, mode };
}

/**
 * Differences below the smallest normal float64 are not differences: one
 * side may underflow gradually where the other overflows an intermediate
 * and divides (1 / pow(x, y) = 0 against pow(x, -y) = 1e-310). Far below
 * anything float32 represents.
 */
const UNDERFLOW = 2 ** -1022;

/** Running tally of verdicts and the worst point. */
class Tally {
  checked = 0;
  failed = 0;
  finite = 0;
  undecided = 0;
  worst: Witness | null = null;
  private worstRatio = -1;

  constructor(private readonly c: number, private readonly approx: number | null) {}

  add(l: number, r: number, el: number, er: number, point: () => Witness["point"]): void {
    const lFinite = Number.isFinite(l), rFinite = Number.isFinite(r);
    const wellConditioned = Number.isFinite(el) && Number.isFinite(er);
    if (!lFinite && !rFinite && Object.is(l, r)) {
      this.checked++;
      return;
    }
    if (!wellConditioned) {
      this.undecided++;
      return;
    }
    let err: number, tol: number;
    if (lFinite && rFinite) {
      err = Math.abs(l - r);
      tol = this.c * (el + er) + (this.approx ?? 0) * Math.abs(l) + UNDERFLOW;
      this.finite++;
    } else {
      err = Infinity;
      tol = 0;
    }
    this.checked++;
    const bad = !(err <= tol);
    if (bad) this.failed++;
    const ratio = bad && tol === 0 ? Infinity : err / tol;
    if (ratio > this.worstRatio || this.worst === null) {
      this.worstRatio = Number.isNaN(ratio) ? 0 : ratio;
      this.worst = { point: point(), lhs: l, rhs: r, err, tol };
    }
  }
}

/** Name of the evaluation variable that stands for hole number `i` in value mode. */
const holeVar = (i: number) => `_h${i}`;

function checkValues(rule: Rule, plan: Plan, o: CheckOptions, rng: Rng, tally: Tally): number {
  const names = [...plan.holes.map((_, i) => holeVar(i)), ...plan.literals];
  // A truth-valued hole is (_h != 0) with _h drawn from {0, 1}: its value is its truth.
  const isBool = plan.holes.map((h) => rule.boolHoles.includes(h));
  const binding = new Map(
    plan.holes.map((h, i) => [h, isBool[i] ? app("ne", [v(holeVar(i)), num(0)]) : v(holeVar(i)) as Expr]),
  );
  const lhs = instantiate(rule.lhs, binding), rhs = instantiate(rule.rhs, binding);
  const ts = [...plan.holes, ...plan.literals].map((h) => thresholds(rule.pre, h));
  const wantsInt = plan.holes.map((h) => plan.intHoles.has(h));
  const holeIndex = new Map(plan.holes.map((h, i) => [h, i]));
  const maxDraws = o.points * o.drawsPerPoint;
  let draws = 0;
  const values = new Float64Array(names.length);
  const isConst = new Array<boolean>(plan.holes.length).fill(false);
  const oracle: Oracle = {
    interval: (h) => {
      const x = values[holeIndex.get(h)!];
      return Number.isNaN(x) ? null : [x, x];
    },
    constant: (h) => (isConst[holeIndex.get(h)!] ? values[holeIndex.get(h)!] : null),
    variable: () => null,
    freeOf: () => false,
  };
  while (tally.checked < o.points && draws < maxDraws) {
    const want = Math.min(maxDraws - draws, 2 * (o.points - tally.checked) + 16);
    const cols = names.map(() => [] as number[]);
    for (let k = 0; k < want; k++) {
      draws++;
      for (let i = 0; i < names.length; i++) {
        values[i] = isBool[i] ? (rng.next() < 0.5 ? 0 : 1) : drawValue(rng, ts[i], wantsInt[i] ?? false);
      }
      // A hole the precondition asks const? about is a constant most of the time.
      for (let i = 0; i < plan.holes.length; i++) isConst[i] = plan.constHoles.has(plan.holes[i]) && rng.next() < 0.8;
      if (!holds(rule.pre, oracle)) continue;
      for (let i = 0; i < names.length; i++) cols[i].push(values[i]);
    }
    if (cols.length > 0 && cols[0].length === 0) continue;
    const L = evaluateWithError(lhs, names, cols), R = evaluateWithError(rhs, names, cols);
    const n = cols.length > 0 ? cols[0].length : 1;
    for (let k = 0; k < n && tally.checked < o.points; k++) {
      tally.add(L.value[k], R.value[k], L.err[k], R.err[k], () => {
        const point: Record<string, number> = {};
        plan.holes.forEach((h, i) => (point[h] = cols[i][k]));
        plan.literals.forEach((name, j) => (point[name] = cols[plan.holes.length + j][k]));
        return point;
      });
    }
    // A rule without holes or variables is one point, however often it is drawn.
    if (names.length === 0) break;
  }
  return draws;
}

/** Variables that random hole expressions range over in expression mode. */
const POOL = ["x", "y"];
/** Points evaluated per random instantiation of the holes. */
const POINTS_PER_INSTANCE = 25;
const RANGES: readonly (readonly [number, number])[] = [[0.5, 3], [-3, 3]];

function checkExpressions(rule: Rule, plan: Plan, o: CheckOptions, rng: Rng, tally: Tally): number {
  const vars = [...new Set([...POOL, ...plan.literals])];
  const maxDraws = o.points * o.drawsPerPoint;
  let draws = 0;
  // Bind variable holes first: the others' free-of constraints refer to them.
  const order = [...plan.holes].sort((a, b) => Number(plan.varHoles.has(b)) - Number(plan.varHoles.has(a)));
  while (tally.checked < o.points && draws < maxDraws) {
    const range = rng.pick(RANGES);
    const binding = new Map<string, Expr>();
    for (const h of order) {
      if (rule.boolHoles.includes(h)) {
        // A random comparison of random expressions (or of one with a constant).
        const side = () =>
          randomExpr(rng, { size: 1 + rng.int(3), maxDepth: 3, vars: POOL, range, constProb: 0.2, mix: MIX });
        const cmp = rng.pick(["lt", "le", "eq", "ne"] as const);
        binding.set(h, app(cmp, [side(), rng.next() < 0.5 ? side() : num(rng.range(range[0], range[1]))]));
        continue;
      }
      if (plan.varHoles.has(h)) {
        binding.set(h, v(rng.pick(POOL)));
        continue;
      }
      if (plan.constHoles.has(h) && rng.next() < 0.8) {
        binding.set(h, num(drawValue(rng, thresholds(rule.pre, h), plan.intHoles.has(h))));
        continue;
      }
      const banned = new Set(
        plan.freeOf.filter(([e]) => e === h).map(([, x]) => (binding.get(x) as { name: string }).name),
      );
      const allowed = POOL.filter((x) => !banned.has(x));
      const r = rng.next();
      if (allowed.length === 0 || r < 0.1) binding.set(h, num(drawValue(rng, [], false)));
      else if (r < 0.25) binding.set(h, v(rng.pick(allowed)));
      else {
        binding.set(
          h,
          randomExpr(rng, { size: 1 + rng.int(3), maxDepth: 4, vars: allowed, range, constProb: 0.2, mix: MIX }),
        );
      }
    }
    const lhs = instantiate(rule.lhs, binding), rhs = instantiate(rule.rhs, binding);
    const cols = vars.map(() => Array.from({ length: POINTS_PER_INSTANCE }, () => rng.range(range[0], range[1])));
    draws += POINTS_PER_INSTANCE;
    const holeValues = new Map(plan.holes.map((h) => [h, evaluateWithError(binding.get(h)!, vars, cols).value]));
    let k = 0;
    const oracle: Oracle = {
      interval: (h) => {
        const x = holeValues.get(h)![k];
        return Number.isNaN(x) ? null : [x, x];
      },
      constant: (h) => {
        const e = binding.get(h)!;
        return e.tag === "const" ? e.value : null;
      },
      variable: (h) => {
        const e = binding.get(h)!;
        return e.tag === "var" ? e.name : null;
      },
      freeOf: (h, name) => !freeVars(binding.get(h)!).includes(name),
    };
    const kept: number[] = [];
    for (k = 0; k < POINTS_PER_INSTANCE; k++) if (holds(rule.pre, oracle)) kept.push(k);
    if (kept.length === 0) continue;
    const keptCols = cols.map((col) => kept.map((j) => col[j]));
    const L = evaluateWithError(lhs, vars, keptCols), R = evaluateWithError(rhs, vars, keptCols);
    for (let j = 0; j < kept.length && tally.checked < o.points; j++) {
      tally.add(L.value[j], R.value[j], L.err[j], R.err[j], () => {
        const point: Record<string, number | string> = {};
        for (const h of plan.holes) point[h] = printFPCore(binding.get(h)!);
        vars.forEach((x, i) => (point[x] = keptCols[i][j]));
        return point;
      });
    }
  }
  return draws;
}

/** Ops of random hole expressions: the default kernel mix plus the other smooth unary ops. */
const MIX = { ...DEFAULT_MIX, tanh: 0.5, atan: 0.5, exp2: 0.3, log2: 0.3, cbrt: 0.3, sinh: 0.3, tan: 0.3 };

/** Checks one rule; see the module comment for what passing means. */
export function checkRule(rule: Rule, options: Partial<CheckOptions> = {}): RuleCheck {
  const o: CheckOptions = { ...DEFAULT_CHECK, ...options };
  const plan = planOf(rule);
  const rng = new Rng(fnv1a32(rule.name) ^ o.seed);
  const tally = new Tally(o.c, rule.approx);
  const draws = plan.mode === "values"
    ? checkValues(rule, plan, o, rng, tally)
    : checkExpressions(rule, plan, o, rng, tally);
  const closed = plan.holes.length === 0 && plan.literals.length === 0;
  const complete = tally.checked >= o.points || (closed && tally.checked > 0);
  let problem: string | null = null;
  if (!complete) {
    problem = `only ${tally.checked} of ${o.points} points decided in ${draws} draws ` +
      `(${tally.undecided} ill-conditioned; the rest failed the precondition)`;
  } else if (tally.finite < tally.checked / 10) {
    problem = `both sides non-finite at ${tally.checked - tally.finite} of ${tally.checked} points`;
  }
  return {
    rule,
    mode: plan.mode,
    checked: tally.checked,
    failed: tally.failed,
    finite: tally.finite,
    undecided: tally.undecided,
    draws,
    complete,
    worst: tally.worst,
    problem,
    ok: tally.failed === 0 && problem === null,
  };
}

/** Checks many rules. */
export function checkRules(rules: readonly Rule[], options: Partial<CheckOptions> = {}): RuleCheck[] {
  return rules.map((r) => checkRule(r, options));
}

/** One line describing a failing rule and its worst point, for reports. */
export function describeFailure(c: RuleCheck): string {
  const r = c.rule;
  const pre = r.text.pre !== undefined ? ` when ${r.text.pre}` : "";
  const head = `${r.domain}/${r.name}: ${r.text.lhs} => ${r.text.rhs}${pre}`;
  const lines = [head, `  ${c.failed} of ${c.checked} points failed${c.problem !== null ? `; ${c.problem}` : ""}`];
  if (c.worst !== null) {
    const w = c.worst;
    const at = Object.entries(w.point).map(([k, x]) => `${k}=${x}`).join(" ");
    lines.push(
      `  worst at ${at}: lhs=${w.lhs} rhs=${w.rhs} |diff|=${w.err.toExponential(3)} tol=${w.tol.toExponential(3)}`,
    );
  }
  return lines.join("\n");
}
