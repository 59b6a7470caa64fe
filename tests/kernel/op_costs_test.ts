import assert from "node:assert/strict";
import { postorder } from "../../pipeline/expr/expr.ts";
import { opKernels } from "../../pipeline/kernel/op_costs.ts";
import { formatOpCosts } from "../../pipeline/kernel/op_costs.ts";
import { targetFor } from "../../pipeline/target/target.ts";

const count = (e: ReturnType<typeof opKernels>["withOp"], op: string) =>
  postorder(e).filter((n) => n.tag === "app" && n.op === op).length;

Deno.test("op-cost kernels differ by exactly M independent applications of the op", () => {
  for (const [op, ctx] of [["exp", "add"], ["pow", "add"], ["fma", "mul"], ["/", "add"]] as const) {
    const { withOp, without } = opKernels(op, 8, undefined, ctx);
    assert.equal(count(withOp, op), 8, `${op}: 8 unique applications (nothing shared)`);
    assert.equal(count(without, op), 0);
    // Everything else is the same: the a_j and the combining ops.
    const join = ctx === "add" ? "+" : "*";
    assert.equal(count(without, join), 8 + 7);
    assert.equal(count(withOp, join), 8 + 7);
  }
  const neg = opKernels("pow", 4, 2);
  assert.match(JSON.stringify(postorder(neg.withOp).filter((n) => n.tag === "const").map((n) => n)), /"value":2\b/);
});

Deno.test("the op-cost table counts cycles in units of one add", () => {
  const t = formatOpCosts([
    { label: "+", op: "+", nsPerElem: 0.0125, nsPerVector: 0.2, tableCycles: 1 },
    { label: "exp", op: "exp", nsPerElem: 0.25, nsPerVector: 4, tableCycles: 12 },
  ], targetFor("avx512", "x86_64"));
  assert.match(t, /5\.00 GHz/);
  assert.match(t, /exp\s+0\.2500\s+4\.000\s+20\.0\s+12/);
});
