/**
 * Property tests for the derivative, trig, explog, basis and vector rules:
 * rules applied inside random expressions keep their values, and the
 * derivative rules, applied until nothing changes, eliminate every `d`.
 *
 * Each trial plants the left side of a rule (holes filled with random
 * subexpressions) inside a random context, then rewrites a random matching
 * site of the whole expression with any rule of the domain whose
 * precondition the input ranges prove, as a rewriting engine would. Values
 * are compared in float64 with the rounding-error bounds of `roundoff.ts`.
 */
import assert from "node:assert/strict";
import { app, type Expr, freeVars, hasDerivative, mk, num, postorder, rebuild, v } from "../../pipeline/expr/expr.ts";
import { differentiate } from "../../pipeline/expr/derivative.ts";
import { exprInterval, type Interval } from "../../pipeline/expr/interval.ts";
import { OPS } from "../../pipeline/expr/ops.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { DEFAULT_MIX, type OpMix, randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { RULES as basis } from "../../pipeline/rules/basis.ts";
import { RULES as derivative } from "../../pipeline/rules/derivative.ts";
import { RULES as explog } from "../../pipeline/rules/explog.ts";
import { holes, instantiate, match, type Pattern } from "../../pipeline/rules/pattern.ts";
import { holds, type Oracle } from "../../pipeline/rules/precondition.ts";
import { evaluateWithError } from "../../pipeline/rules/roundoff.ts";
import type { Rule } from "../../pipeline/rules/rule.ts";
import { RULES as trig } from "../../pipeline/rules/trig.ts";
import { RULES as vector } from "../../pipeline/rules/vector.ts";

const VARS = ["x", "y", "z"];
/** Input boxes: positive, symmetric, inside (-pi/4, pi/4) and inside (0, pi/2). */
const RANGES: readonly Interval[] = [[0.5, 3], [-3, 3], [-0.7, 0.7], [0.1, 1.5]];
/** Multiple of the summed rounding-error bounds allowed as a difference. */
const C = 64;

/** Facts the input ranges prove about what holes are bound to. */
function oracle(b: ReadonlyMap<string, Expr>, range: Interval): Oracle {
  const ranges = Object.fromEntries(VARS.map((x) => [x, range]));
  return {
    interval: (h) => exprInterval(b.get(h)!, ranges),
    constant: (h) => {
      const e = b.get(h)!;
      return e.tag === "const" ? e.value : null;
    },
    variable: (h) => {
      const e = b.get(h)!;
      return e.tag === "var" ? e.name : null;
    },
    freeOf: (h, x) => !freeVars(b.get(h)!).includes(x),
  };
}

/** The right side of `rule` at `site`, or null if it does not match or its precondition is unproved. */
function apply(rule: Rule, site: Expr, range: Interval): Expr | null {
  const b = match(rule.lhs, site);
  if (b === null || !holds(rule.pre, oracle(b, range))) return null;
  return instantiate(rule.rhs, b);
}

/** `root` with every occurrence of `target` replaced. */
function replace(root: Expr, target: Expr, by: Expr): Expr {
  return rebuild(root, (n, args) => (n === target ? by : n.tag === "app" ? app(n.op, args) : n));
}

/** Holes that name the variable of a `d`: they must be bound to variables. */
function variableHoles(p: Pattern, out = new Set<string>()): Set<string> {
  if (p.tag === "app") {
    if (p.op === "d" && p.args[0].tag === "hole") out.add(p.args[0].name);
    p.args.forEach((a) => variableHoles(a, out));
  }
  return out;
}

const SMOOTH: OpMix = {
  "+": 4,
  "-": 3,
  "*": 4,
  "/": 1.5,
  neg: 0.5,
  sqrt: 1,
  cbrt: 0.3,
  exp: 1,
  exp2: 0.3,
  expm1: 0.3,
  log: 1,
  log2: 0.3,
  log1p: 0.3,
  sin: 1,
  cos: 1,
  tan: 0.3,
  asin: 0.3,
  acos: 0.3,
  atan: 0.5,
  sinh: 0.3,
  cosh: 0.3,
  tanh: 0.5,
  pow: 0.5,
  hypot: 0.5,
  atan2: 0.5,
  fma: 1,
  fms: 0.5,
  fnma: 0.5,
  rsqrt: 0.5,
  recip: 0.5,
  mulrsqrt: 0.5,
};

/** A random subexpression for a hole: mostly small, sometimes a leaf. */
function filler(rng: Rng, range: Interval, mix: OpMix): Expr {
  const r = rng.next();
  if (r < 0.35) return v(rng.pick(VARS));
  if (r < 0.45) return num(Math.fround(rng.range(range[0], range[1])));
  return randomExpr(rng, { size: 1 + rng.int(3), maxDepth: 4, vars: VARS, range, mix, constProb: 0.2 });
}

/**
 * The left side of `rule` with random fillers (the site), wrapped in a
 * random context, over a random box. Fillers are redrawn a few times until
 * the box proves the rule's precondition, so that guarded rules get tried.
 */
function planted(rule: Rule, rng: Rng): { e: Expr; site: Expr; range: Interval } {
  const vh = variableHoles(rule.lhs);
  let b = new Map<string, Expr>();
  let range = rng.pick(RANGES);
  for (let attempt = 0; attempt < 20; attempt++) {
    range = rng.pick(RANGES);
    b = new Map();
    for (const h of holes(rule.lhs)) b.set(h, vh.has(h) ? v(rng.pick(VARS)) : filler(rng, range, DEFAULT_MIX));
    if (holds(rule.pre, oracle(b, range))) break;
  }
  const site = instantiate(rule.lhs, b);
  let e: Expr = site;
  for (let depth = rng.int(3); depth > 0; depth--) {
    const other = filler(rng, range, DEFAULT_MIX);
    const op = rng.pick(["+", "-", "*", "fma"] as const);
    e = op === "fma" ? mk("fma", e, other, num(1.5)) : rng.next() < 0.5 ? mk(op, e, other) : mk(op, other, e);
  }
  return { e, site, range };
}

interface Agreement {
  readonly compared: number;
  readonly bad: string | null;
}

/**
 * Compares two expressions at random points of the box; reports the first
 * disagreement. With `site` (the rewritten node before and after), a point
 * where exactly one side is NaN but the site itself kept its value is left
 * out: the context turned a rounding difference at a domain edge into NaN
 * (acos of 1 + 1 ulp), which says nothing about the rule.
 */
function agree(a: Expr, b: Expr, range: Interval, rng: Rng, n = 64, site?: readonly [Expr, Expr]): Agreement {
  const cols = VARS.map(() => Array.from({ length: n }, () => rng.range(range[0], range[1])));
  const A = evaluateWithError(a, VARS, cols), B = evaluateWithError(b, VARS, cols);
  const S = site === undefined ? null : site.map((e) => evaluateWithError(e, VARS, cols));
  const close = (x: number, y: number, ex: number, ey: number) => Object.is(x, y) || Math.abs(x - y) <= C * (ex + ey);
  let compared = 0;
  for (let k = 0; k < n; k++) {
    const x = A.value[k], y = B.value[k];
    if (!Number.isFinite(A.err[k]) || !Number.isFinite(B.err[k])) continue;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (S !== null && Number.isNaN(x) !== Number.isNaN(y)) {
      const [before, after] = S;
      const v0 = before.value[k], v1 = after.value[k];
      if (Number.isFinite(v0) && Number.isFinite(v1) && close(v0, v1, before.err[k], after.err[k])) continue;
    }
    compared++;
    if (!close(x, y, A.err[k], B.err[k])) {
      const at = VARS.map((name, i) => `${name}=${cols[i][k]}`).join(" ");
      return { compared, bad: `at ${at}: ${x} vs ${y}` };
    }
  }
  return { compared, bad: null };
}

/** Rewrites `site` of `e` and checks the value is kept; true if some point was compared. */
function checkRewrite(e: Expr, site: Expr, out: Expr, rule: Rule, range: Interval, rng: Rng): boolean {
  const r = agree(e, replace(e, site, out), range, rng, 64, [site, out]);
  assert.equal(
    r.bad,
    null,
    `${rule.name} at ${printFPCore(site)} in ${printFPCore(e)} over [${range}] changed the value ${r.bad}`,
  );
  return r.compared > 0;
}

/**
 * Plants every rule of `rules` several times; each time applies it at the
 * planted site (when the box proves its precondition), and some rule of the
 * domain at a random matching site, checking that the value is kept.
 * Returns the names of the rules that were applied and compared.
 */
function rewriteTrials(rules: readonly Rule[], seed: number, perRule: number): Set<string> {
  const rng = new Rng(seed);
  const applied = new Set<string>();
  for (const plantedRule of rules) {
    for (let t = 0; t < perRule; t++) {
      const { e, site, range } = planted(plantedRule, rng);
      const own = apply(plantedRule, site, range);
      if (own !== null && checkRewrite(e, site, own, plantedRule, range, rng)) applied.add(plantedRule.name);
      const sites: [Expr, Rule, Expr][] = [];
      for (const node of postorder(e)) {
        for (const rule of rules) {
          const out = apply(rule, node, range);
          if (out !== null && out !== node) sites.push([node, rule, out]);
        }
      }
      if (sites.length === 0) continue;
      const [at, rule, out] = rng.pick(sites);
      if (checkRewrite(e, at, out, rule, range, rng)) applied.add(rule.name);
    }
  }
  return applied;
}

const DOMAINS: readonly (readonly [string, readonly Rule[], number])[] = [
  ["derivative", derivative, 30],
  ["trig", trig, 30],
  ["explog", explog, 20],
  ["basis", basis, 10],
  ["vector", vector, 15],
];

for (const [name, rules, minimum] of DOMAINS) {
  Deno.test(`${name}: at least ${minimum} distinct rules`, () => {
    assert.ok(rules.length >= minimum, `${rules.length} rules`);
    assert.equal(new Set(rules.map((r) => r.name)).size, rules.length, "duplicate names");
    const texts = rules.map((r) => `${r.text.lhs} => ${r.text.rhs} if ${r.text.pre ?? ""}`);
    assert.equal(new Set(texts).size, rules.length, "duplicate rules");
  });

  Deno.test(`${name}: rules rewritten at random sites of random expressions keep the value`, () => {
    const applied = rewriteTrials(rules, 0x5eed + name.length, 8);
    // Each rule was planted eight times over boxes that satisfy its precondition.
    const never = rules.filter((r) => !applied.has(r.name)).map((r) => r.name);
    assert.deepEqual(never, [], "rules never applied (their preconditions were never proved)");
  });
}

/** The derivative rules that move `d` inwards: every `d` they create applies to a hole. */
const ELIMINATING = derivative.filter((r) => {
  if (r.lhs.tag !== "app" || r.lhs.op !== "d") return false;
  const ok = (p: Pattern): boolean =>
    p.tag !== "app" || ((p.op !== "d" || p.args[1].tag === "hole") && p.args.every(ok));
  return ok(r.rhs);
});

/**
 * One bottom-up pass: each node rewritten at most once by a random applicable
 * rule. Constant subtrees are folded, as rewriting engines do (so that the
 * exponent `(- 3 1)` of a derivative of a cube is the constant 2 again).
 */
function eliminationPass(e: Expr, range: Interval, rng: Rng): Expr {
  return rebuild(e, (n, args) => {
    if (n.tag !== "app") return n;
    if (n.op !== "d" && args.every((a) => a.tag === "const")) {
      const value = OPS[n.op].f64(...args.map((a) => (a as { value: number }).value));
      if (Number.isFinite(value)) return num(value);
    }
    const node = app(n.op, args);
    if (node.op !== "d") return node;
    const outs = ELIMINATING.map((r) => apply(r, node, range)).filter((x): x is Expr => x !== null);
    return outs.length === 0 ? node : rng.pick(outs);
  });
}

/** Random derivative-free expression whose ops are all smooth on the box (strictly inside their domains). */
function smoothExpr(rng: Rng, range: Interval): Expr {
  const ranges = Object.fromEntries(VARS.map((x) => [x, range]));
  const strict = (e: Expr) =>
    postorder(e).every((n) => {
      if (n.tag !== "app") return true;
      const a = n.args.map((c) => exprInterval(c, ranges)!);
      switch (n.op) {
        case "sqrt":
        case "rsqrt":
        case "log":
        case "log2":
        case "cbrt":
          return a[0][0] > 0;
        case "mulrsqrt":
          return a[1][0] > 0;
        case "log1p":
          return a[0][0] > -1;
        case "asin":
        case "acos":
          return a[0][0] > -1 && a[0][1] < 1;
        case "pow": {
          // What the pow rules cover: a constant exponent, or a moderate power.
          const k = n.args[1];
          const c = k.tag === "const" ? k.value : null;
          if (c !== null && Number.isInteger(c) && Math.abs(c) <= 16) return a[0][0] > 0 || c >= 1 || a[0][1] < 0;
          if (c !== null) return a[0][0] > 0 && Math.abs(c) <= 16;
          return a[0][0] >= 1e-6 && a[0][1] <= 1e6 && a[1][0] >= -50 && a[1][1] <= 50;
        }
        case "hypot":
        case "atan2":
          return a[0][0] > 0 || a[0][1] < 0 || a[1][0] > 0 || a[1][1] < 0;
        default:
          return true;
      }
    });
  for (;;) {
    const e = randomExpr(rng, { size: 2 + rng.int(7), maxDepth: 6, vars: VARS, range, mix: SMOOTH, constProb: 0.2 });
    if (strict(e)) return e;
  }
}

Deno.test("derivative: rewriting to a fixpoint eliminates every d and matches differentiate", () => {
  const rng = new Rng(2024);
  let nested = 0;
  for (let trial = 0; trial < 300; trial++) {
    const range = rng.pick([RANGES[0], RANGES[3]]);
    const body = smoothExpr(rng, range);
    const x = rng.pick(VARS);
    // A third of the trials take a second derivative, by the same or another variable.
    const second = rng.next() < 1 / 3 ? rng.pick(VARS) : null;
    const start = second === null ? mk("d", v(x), body) : mk("d", v(second), mk("d", v(x), body));
    if (second !== null) nested++;
    let e: Expr = start;
    for (let pass = 0; pass < 200 && hasDerivative(e); pass++) {
      const next = eliminationPass(e, range, rng);
      if (next === e) break;
      e = next;
    }
    assert.ok(!hasDerivative(e), `d left in ${printFPCore(e)} from ${printFPCore(start)}`);
    const reference = second === null ? differentiate(body, x) : differentiate(differentiate(body, x), second);
    const r = agree(e, reference, range, rng, 32);
    assert.equal(r.bad, null, `${printFPCore(start)} became ${printFPCore(e)}: ${r.bad}`);
  }
  assert.ok(nested > 50);
});

Deno.test("derivative: d-commute swaps mixed partials without changing the value", () => {
  const rng = new Rng(7);
  const rule = derivative.find((r) => r.name === "d-commute")!;
  for (let trial = 0; trial < 50; trial++) {
    const range = RANGES[0];
    const e = mk("d", v("x"), mk("d", v("y"), smoothExpr(rng, range)));
    const out = apply(rule, e, range);
    assert.ok(out !== null);
    assert.equal(agree(e, out, range, rng, 32).bad, null);
  }
});
