/**
 * llvm-mca as a peer: the hot loop is found in gcc's assembly, regions are
 * read back by name, and a costlier loop gets a larger throughput figure.
 */
import assert from "node:assert/strict";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import {
  functionsOf,
  hotLoop,
  MCA_ICELAKE,
  MCA_ZNVER3,
  mcaCyclesPerElement,
  parseMcaReport,
} from "../../pipeline/kernel/mca.ts";

const ASM = `	.text
	.globl	k_1
	.type	k_1, @function
k_1:
.LFB1:
	cmpq	$15, %rdx
	jbe	.L5
.L3:
	vmovups	(%r14,%rbx,4), %zmm1
	vaddps	%zmm1, %zmm1, %zmm0
	addq	$16, %rbx
	cmpq	%rbx, %r12
	jnb	.L3
.L2:
	jb	.L10
	ret
.L5:
	jmp	.L2
.L10:
	jmp	.L5
	.size	k_1, .-k_1
`;

Deno.test("hotLoop: from the first backward branch's label to the branch, instructions only", () => {
  const fns = functionsOf(ASM);
  assert.deepEqual([...fns.keys()], ["k_1"]);
  assert.deepEqual(hotLoop(fns.get("k_1")!), [
    "vmovups	(%r14,%rbx,4), %zmm1",
    "vaddps	%zmm1, %zmm1, %zmm0",
    "addq	$16, %rbx",
    "cmpq	%rbx, %r12",
    "jnb	.L3",
  ]);
  assert.equal(hotLoop(["\tjmp\t.L2", ".L2:", "\tret"]), null);
});

Deno.test("parseMcaReport reads every region's block throughput", () => {
  const text =
    "[0] Code Region - k_a\n\nIterations: 100\nBlock RThroughput: 2.5\n\n[1] Code Region - k_b\nBlock RThroughput: 12.0\n";
  assert.deepEqual([...parseMcaReport(text)], [["k_a", 2.5], ["k_b", 12]]);
});

Deno.test("llvm-mca on compiled kernels: more work, more cycles; both targets answer", async () => {
  const vars = ["x", "y"];
  const ks = ["(+ x y)", "(/ (sqrt (+ (* x x) (* y y))) (+ x 1))", "(+ x y)"].map((s) => ({
    expr: parseExpr(s, vars),
    vars,
  }));
  for (const t of [MCA_ZNVER3, MCA_ICELAKE]) {
    const c = await mcaCyclesPerElement(ks, t);
    assert.ok(c.every((x) => x !== null && x > 0), `${t.label}: ${c}`);
    assert.ok(c[1]! > c[0]!, `${t.label}: ${c}`);
    assert.equal(c[0], c[2]);
  }
});
