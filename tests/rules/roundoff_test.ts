import assert from "node:assert/strict";
import { app, type Expr, num, v } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { evaluateWithError } from "../../pipeline/rules/roundoff.ts";

/** Exact rationals, to know the true value of float64 arithmetic. */
interface Q {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function q(n: bigint, d: bigint): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

/** The exact value of a finite double. */
function fromDouble(x: number): Q {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp !== 0) mant |= 1n << 52n;
  const e = (exp === 0 ? 1 : exp) - 1075;
  const n = neg ? -mant : mant;
  return e >= 0 ? q(n << BigInt(e), 1n) : q(n, 1n << BigInt(-e));
}

const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q) => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q) => q(a.n * b.n, a.d * b.d);
const div = (a: Q, b: Q) => q(a.n * b.d, a.d * b.n);
const abs = (a: Q) => q(a.n < 0n ? -a.n : a.n, a.d);
const le = (a: Q, b: Q) => a.n * b.d <= b.n * a.d;

function exact(e: Expr, env: Record<string, number>): Q | null {
  if (e.tag === "const") return fromDouble(e.value);
  if (e.tag === "var") return fromDouble(env[e.name]);
  const [a, b] = e.args.map((x) => exact(x, env));
  if (a === null || b === null) return null;
  switch (e.op) {
    case "+":
      return add(a, b);
    case "-":
      return sub(a, b);
    case "*":
      return mul(a, b);
    case "/":
      return b.n === 0n ? null : div(a, b);
    default:
      throw new Error(`no exact rule for ${e.op}`);
  }
}

/** The bound is itself summed in float64, so it may be a few ulps below its exact value. */
const SLACK = 1 + 2 ** -40;

Deno.test("the error bound of + - * / holds against exact rational arithmetic", () => {
  const rng = new Rng(11);
  const vars = ["x", "y", "z"];
  let tested = 0;
  for (let i = 0; i < 300; i++) {
    const e = randomExpr(rng, {
      size: 1 + rng.int(8),
      vars,
      range: [-4, 4],
      mix: { "+": 3, "-": 3, "*": 3, "/": 1 },
      constProb: 0.2,
    });
    const cols = vars.map(() =>
      Array.from({ length: 20 }, () => (rng.next() < 0.5 ? -1 : 1) * 2 ** rng.range(-20, 20))
    );
    const { value, err } = evaluateWithError(e, vars, cols);
    for (let k = 0; k < 20; k++) {
      if (!Number.isFinite(value[k]) || !Number.isFinite(err[k])) continue;
      const env = Object.fromEntries(vars.map((x, j) => [x, cols[j][k]]));
      const truth = exact(e, env);
      if (truth === null) continue;
      assert.ok(
        le(abs(sub(fromDouble(value[k]), truth)), fromDouble(err[k] * SLACK)),
        `bound broken for ${printFPCore(e)} at ${JSON.stringify(env)}: ${value[k]} err ${err[k]}`,
      );
      tested++;
    }
  }
  assert.ok(tested > 4000, `only ${tested} points tested`);
});

Deno.test("exact arithmetic carries no error: integer exponents stay exact for pow", () => {
  const e = parseExpr("(pow x (- n 1))", ["x", "n"]);
  const r = evaluateWithError(e, ["x", "n"], [[-2.5], [3]]);
  assert.equal(r.value[0], 6.25);
  assert.ok(Number.isFinite(r.err[0]) && r.err[0] < 1e-14);
});

Deno.test("an argument that may reach a singularity makes the bound infinite", () => {
  // 0.1 + 0.2 - 0.3 is a rounding residue: its sign is unknown, so log and 1/ of it are undecidable.
  const residue = parseExpr("(- (+ 0.1 0.2) 0.3)", []);
  const r = evaluateWithError(residue, [], []);
  assert.ok(r.err[0] >= Math.abs(r.value[0]));
  assert.equal(evaluateWithError(app("log", [residue]), [], []).err[0], Infinity);
  assert.equal(evaluateWithError(app("/", [v("x"), residue]), ["x"], [[1]]).err[0], Infinity);
  // Exact inputs have no error at all.
  assert.equal(evaluateWithError(app("log", [v("x")]), ["x"], [[2]]).err[0] < 1e-15, true);
});

Deno.test("the bound grows with the conditioning: exp of a rounded large sum", () => {
  // 700 + 2^-50 rounds to 700: the sum is off by exactly 2^-50.
  const sum = app("+", [v("x"), num(2 ** -50)]);
  const inner = evaluateWithError(sum, ["x"], [[700]]);
  const outer = evaluateWithError(app("exp", [sum]), ["x"], [[700]]);
  // exp turns the sum's absolute error into a relative one of the same size.
  assert.equal(inner.err[0], 2 ** -50);
  assert.ok(outer.err[0] / outer.value[0] >= inner.err[0]);
});
