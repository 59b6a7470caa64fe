import assert from "node:assert/strict";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { type Expr, postorder, sortOf } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { type Lowered, loweredPostorder } from "../../pipeline/expr/lowering.ts";
import { OPS } from "../../pipeline/expr/ops.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";

const VARS = ["x", "y", "z"];

function columns(rng: Rng, n: number): Float32Array[] {
  return VARS.map(() => Float32Array.from({ length: n }, () => rng.range(0.5, 4)));
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

Deno.test("a lowering that computes its nodes as their ops do changes no value (random forms, random nodes)", () => {
  const rng = new Rng(17);
  const cols = columns(rng, 300);
  for (let t = 0; t < 150; t++) {
    const e = randomExpr(rng, { vars: VARS });
    const nodes = postorder(e).filter((n): n is Expr & { tag: "app" } => n.tag === "app" && sortOf(n) === "real");
    const chosen = nodes.filter(() => rng.next() < 0.4);
    const lowering = new Map<number, Lowered>(chosen.map((n) => {
      const info = OPS[n.op];
      const f = info.class === "fused" ? info.f32 : (...a: number[]) => Math.fround(info.f64(...a));
      return [n.id, { args: n.args, f32: f, cName: `k_${n.op}` }];
    }));
    const want = evaluateBatch(e, VARS, cols, 32);
    const got = evaluateBatch(e, VARS, cols, 32, lowering);
    for (let k = 0; k < want.length; k++) assert.ok(same(want[k], got[k]), `${t} at ${k}: ${got[k]} vs ${want[k]}`);
    // float64 is the reference: a lowering never touches it.
    assert.deepEqual(evaluateBatch(e, VARS, cols, 64, lowering), evaluateBatch(e, VARS, cols, 64));
  }
});

Deno.test("a lowered node reads the nodes its function names, and what only it read is not computed", () => {
  const e = parseExpr("(+ (/ 1 (+ 1 (exp (neg x)))) (exp (neg y)))");
  assert.equal(e.tag, "app");
  const sig = (e as Expr & { tag: "app" }).args[0];
  const x = postorder(e).find((n) => n.tag === "var" && n.name === "x")!;
  const lowering = new Map<number, Lowered>([[sig.id, { args: [x], f32: (a) => Math.fround(a * 10), cName: "k" }]]);
  const order = loweredPostorder(e, lowering).map((n) => n.id);
  const inner = postorder(sig).filter((n) => n !== sig && n !== x && n.tag === "app");
  for (const n of inner) assert.ok(!order.includes(n.id), "the exact sigmoid's inside is not computed");
  const got = evaluateBatch(e, ["x", "y"], [[0.5, 2], [1, 3]], 32, lowering);
  const want = [0.5, 2].map((xv, k) => Math.fround(Math.fround(xv * 10) + Math.fround(Math.exp(-[1, 3][k]))));
  assert.deepEqual([...got], want);
});
