/**
 * Expression -> bytecode for the C interpreter (`csrc/eval.c`): one
 * instruction per unique node in post-order, four int32 each
 * `{kind, a, b, c}`. Leaves carry a variable or constant index, ops carry
 * the slots of their arguments.
 */
import { eliminateDerivatives } from "./derivative.ts";
import { type Expr, postorder } from "./expr.ts";
import { LEAF_CONST, LEAF_VAR, opCode } from "./ops.ts";

export interface Bytecode {
  readonly code: Int32Array;
  readonly consts: Float32Array;
  readonly ninstr: number;
}

export function toBytecode(e: Expr, vars: readonly string[]): Bytecode {
  const nodes = postorder(eliminateDerivatives(e));
  const code = new Int32Array(4 * nodes.length);
  const consts: number[] = [];
  const slot = new Map<number, number>();
  const varIndex = new Map(vars.map((n, i) => [n, i]));
  nodes.forEach((n, i) => {
    const at = 4 * i;
    if (n.tag === "const") {
      code[at] = LEAF_CONST;
      code[at + 1] = consts.length;
      consts.push(n.value);
    } else if (n.tag === "var") {
      const k = varIndex.get(n.name);
      if (k === undefined) throw new Error(`unbound variable ${n.name}`);
      code[at] = LEAF_VAR;
      code[at + 1] = k;
    } else {
      code[at] = opCode(n.op);
      n.args.forEach((a, j) => (code[at + 1 + j] = slot.get(a.id)!));
    }
    slot.set(n.id, i);
  });
  return { code, consts: Float32Array.from(consts), ninstr: nodes.length };
}
