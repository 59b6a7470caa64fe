/**
 * Variants: every form equals its kernel on random inputs inside the
 * kernel's ranges (to the rounding-error bounds exact rules are checked
 * with), none holds a `d`, the forms are distinct modulo commutativity,
 * and generation is deterministic.
 */
import assert from "node:assert/strict";
import { type Expr, freeVars, hasDerivative, mk, v } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import type { Ranges } from "../../pipeline/expr/sample.ts";
import { evaluateWithError } from "../../pipeline/rules/roundoff.ts";
import { commutativeKey, genEgraphVariants, profileDistance } from "../../pipeline/search/variants.ts";
import { corpusRecords, DEFAULT_CALIBRATE, randomKernels } from "../../pipeline/stages/calibrate.ts";
import { variantRecords } from "../../pipeline/search/variants.ts";
import { VariantRecord } from "../../pipeline/records/schema.ts";

/** Multiple of the summed rounding-error bounds allowed (as the rule tests allow). */
const C = 64;
const POINTS = 200;

/** Points inside the ranges; the kernel's value must be finite there for a comparison. */
function assertEqualValues(kernel: Expr, form: Expr, vars: readonly string[], ranges: Ranges, rng: Rng, what: string) {
  const cols = vars.map((x) => {
    const [lo, hi] = ranges[x] ?? [-100, 100];
    return Float64Array.from({ length: POINTS }, () => lo + (hi - lo) * rng.next());
  });
  const a = evaluateWithError(kernel, vars, cols), b = evaluateWithError(form, vars, cols);
  let compared = 0;
  for (let k = 0; k < POINTS; k++) {
    const x = a.value[k], y = b.value[k];
    if (!Number.isFinite(x) || !Number.isFinite(a.err[k]) || !Number.isFinite(b.err[k])) continue;
    compared++;
    assert.ok(
      Math.abs(x - y) <= C * (a.err[k] + b.err[k]),
      `${what}: ${printFPCore(form)} = ${y} but the kernel ${printFPCore(kernel)} = ${x} at ${
        vars.map((n, i) => `${n}=${cols[i][k]}`).join(" ")
      }`,
    );
  }
  assert.ok(compared > POINTS / 4, `${what}: only ${compared} points had a finite value`);
}

const SMALL = { count: 12, walks: 8, walkSteps: 8, egraphNodes: 1500, egraphMs: 150, kbest: 15, perturbed: 4 };

Deno.test("variants of the corpus kernels equal their kernel on random inputs inside the ranges", () => {
  const rng = new Rng(11);
  const recs = corpusRecords(DEFAULT_CALIBRATE.corpusFiles);
  // Every derivative kernel, and a sample of the others (the whole corpus takes a while).
  const picked = recs.filter((r, i) => r.expr.includes("(d ") || i % 3 === 0);
  for (const rec of picked) {
    const e = parseExpr(rec.expr, rec.vars);
    const vs = genEgraphVariants(e, rec.ranges ?? {}, { ...SMALL, seed: 3 });
    assert.ok(vs.length >= 1, rec.id);
    for (const x of vs) {
      assert.ok(!hasDerivative(x.expr), `${rec.id}: ${x.how} still holds a d`);
      assertEqualValues(e, x.expr, rec.vars, rec.ranges ?? {}, rng, `${rec.id} (${x.how})`);
    }
  }
});

Deno.test("variants of random kernels and backward pairs equal their kernel (property test)", () => {
  const rng = new Rng(5);
  for (const rec of randomKernels(24, 9)) {
    const e = parseExpr(rec.expr, rec.vars);
    const extra = typeof rec.optimized === "string"
      ? [{ expr: parseExpr(rec.optimized, rec.vars), how: "optimized" }]
      : [];
    const vs = genEgraphVariants(e, rec.ranges ?? {}, { ...SMALL, seed: 1 + rng.int(1000) }, extra);
    for (const x of vs) assertEqualValues(e, x.expr, rec.vars, rec.ranges ?? {}, rng, `${rec.id} (${x.how})`);
  }
  for (let i = 0; i < 20; i++) {
    const e = randomExpr(rng, { size: 4 + rng.int(12), vars: ["x", "y"], range: [0.5, 4] });
    const vars = freeVars(e);
    const ranges = Object.fromEntries(vars.map((n) => [n, [0.5, 4] as const]));
    for (const x of genEgraphVariants(e, ranges, { ...SMALL, seed: i })) {
      assertEqualValues(e, x.expr, vars, ranges, rng, `random #${i} (${x.how})`);
    }
  }
});

Deno.test("variants are distinct modulo commutativity, at most count, and deterministic", () => {
  const e = parseExpr("(/ (+ (* x y) (* z x)) (sqrt (+ (* x x) (* y y))))");
  const ranges = { x: [0.5, 2], y: [0.5, 2], z: [-1, 1] } as const;
  const a = genEgraphVariants(e, ranges, { ...SMALL, seed: 7 });
  const b = genEgraphVariants(e, ranges, { ...SMALL, seed: 7 });
  assert.deepEqual(a.map((x) => printFPCore(x.expr)), b.map((x) => printFPCore(x.expr)));
  assert.ok(a.length > 3 && a.length <= SMALL.count, `${a.length} variants`);
  assert.equal(new Set(a.map((x) => commutativeKey(x.expr))).size, a.length);
  assert.equal(a[0].how, "original");
  assert.equal(a[0].expr, e);
  assert.ok(new Set(a.map((x) => x.how.split(":")[0])).size >= 2, "more than one source of forms");
});

Deno.test("commutativeKey ignores operand order of commutative ops only", () => {
  const [x, y, z] = [v("x"), v("y"), v("z")];
  assert.equal(commutativeKey(mk("+", x, y)), commutativeKey(mk("+", y, x)));
  assert.equal(commutativeKey(mk("fma", x, y, z)), commutativeKey(mk("fma", y, x, z)));
  assert.notEqual(commutativeKey(mk("-", x, y)), commutativeKey(mk("-", y, x)));
  assert.notEqual(commutativeKey(mk("fma", x, y, z)), commutativeKey(mk("fma", z, y, x)));
});

Deno.test("profileDistance is relative: one add matters less next to a pow", () => {
  // Profiles: [pow, var, +] weights.
  const pow = Float64Array.from([35.25, 1, 0]), powAdd = Float64Array.from([35.25, 1, 1.25]);
  const mul = Float64Array.from([1.25, 1, 0]), mulAdd = Float64Array.from([1.25, 1, 1.25]);
  assert.ok(profileDistance(pow, powAdd) < 0.05);
  assert.ok(profileDistance(mul, mulAdd) > 0.15);
  assert.equal(profileDistance(pow, pow), 0);
  assert.equal(profileDistance(pow, powAdd), profileDistance(powAdd, pow));
});

Deno.test("variant records: valid, one group per kernel, derivative kernels give the naive derivative", () => {
  const rec = {
    id: "k:d-test",
    expr: "(d x (* (exp x) (sin y)))",
    vars: ["x", "y"],
    ranges: { x: [-1, 1] as [number, number], y: [0, 1] as [number, number] },
    tags: ["t"],
  };
  const out = variantRecords(rec, { ...SMALL, seed: 2 });
  for (const r of out) {
    assert.ok(VariantRecord.safeParse(r).success, JSON.stringify(r));
    assert.equal(r.of, "k:d-test");
    assert.deepEqual(r.tags, ["t"]);
    assert.ok(!r.expr.includes("(d "));
  }
  assert.equal(out[0].how, "naive-derivative");
  assert.equal(new Set(out.map((r) => r.id)).size, out.length);
});
