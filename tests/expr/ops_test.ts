/**
 * The op table's C facts: what the code generators, the vector math
 * wrappers and the exactness checks derive from it.
 */
import assert from "node:assert/strict";
import { cExpression, OP_NAMES, OPS } from "../../pipeline/expr/ops.ts";
import { EXACT_OPS, VECTOR_MATH } from "../../pipeline/kernel/preamble.ts";

Deno.test("ops: every compilable op has a plain C form naming each operand once, in order", () => {
  for (const op of OP_NAMES) {
    const info = OPS[op];
    if (op === "d") {
      assert.equal(info.c, null);
      continue;
    }
    const operands = ["A0", "B1", "C2"].slice(0, info.arity);
    const text = cExpression(op, operands);
    assert.ok(!text.includes("$"), `${op}: ${text}`);
    const at = operands.map((o) => text.indexOf(o));
    assert.ok(at.every((p) => p >= 0), `${op}: ${text}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at, `${op}: operands out of order in ${text}`);
    assert.match(info.ident, /^[a-z][a-z0-9]*$/, `${op}: ident`);
  }
  assert.throws(() => cExpression("d", ["x", "y"]), /no C form/);
});

Deno.test("ops: vector math is the libm ops, which are the transcendental class and never exact", () => {
  const libm = OP_NAMES.filter((op) => OPS[op].libm !== null);
  assert.deepEqual(libm, OP_NAMES.filter((op) => OPS[op].class === "transcendental"));
  assert.deepEqual(Object.keys(VECTOR_MATH), libm);
  for (const op of libm) {
    assert.deepEqual(VECTOR_MATH[op], [OPS[op].libm, OPS[op].arity]);
    assert.equal(OPS[op].exact, false, op);
    assert.equal(
      cExpression(op, ["a", "b"].slice(0, OPS[op].arity)),
      `${OPS[op].libm}(${["a", "b"].slice(0, OPS[op].arity).join(", ")})`,
    );
  }
  assert.deepEqual(EXACT_OPS, OP_NAMES.filter((op) => OPS[op].exact));
  // The approximations of our SIMD code: rsqrt and mulrsqrt (an estimate and a Newton step).
  assert.deepEqual(OP_NAMES.filter((op) => !OPS[op].exact && OPS[op].libm === null), ["rsqrt", "mulrsqrt", "d"]);
});

Deno.test("ops: idents are unique, so helpers and C enumerators never collide", () => {
  const idents = OP_NAMES.map((op) => OPS[op].ident);
  assert.equal(new Set(idents).size, idents.length);
});
