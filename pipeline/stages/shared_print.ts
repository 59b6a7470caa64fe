/**
 * Printing for people: a subexpression used more than once is named once
 * (`t0`, `t1`... in post-order) instead of being spelled out at every use,
 * so that optimized forms, which share a lot (x^16 as four squarings),
 * stay as short as the DAG they are. FPCore gets `let*` (which the parser
 * reads back); infix gets `t0 = ...; t1 = ...; result`.
 *
 * @example
 * infixShared(parseInfix("(x*x)*(x*x)"));   // "t0 = x * x; t0 * t0"
 */
import { app, type Expr, freeVars, postorder, v } from "../expr/expr.ts";
import { printFPCore, printInfix } from "../expr/print.ts";

interface Named {
  /** Bindings in order: name and the bound node with earlier names substituted. */
  readonly bindings: readonly (readonly [string, Expr])[];
  readonly body: Expr;
}

function nameShared(e: Expr): Named {
  const order = postorder(e);
  const uses = new Map<number, number>();
  for (const n of order) if (n.tag === "app") { for (const a of n.args) uses.set(a.id, (uses.get(a.id) ?? 0) + 1); }
  const taken = new Set(freeVars(e));
  let counter = 0;
  const fresh = () => {
    let name = `t${counter++}`;
    while (taken.has(name)) name = `t${counter++}`;
    return name;
  };
  const memo = new Map<number, Expr>();
  const bindings: [string, Expr][] = [];
  for (const n of order) {
    const rebuilt = n.tag === "app" ? app(n.op, n.args.map((a) => memo.get(a.id)!)) : n;
    if (n.tag === "app" && n !== e && (uses.get(n.id) ?? 0) > 1) {
      const name = fresh();
      bindings.push([name, rebuilt]);
      memo.set(n.id, v(name));
    } else memo.set(n.id, rebuilt);
  }
  return { bindings, body: memo.get(e.id)! };
}

/** FPCore body with `let*` for shared subexpressions. */
export function fpcoreShared(e: Expr): string {
  const { bindings, body } = nameShared(e);
  if (bindings.length === 0) return printFPCore(e);
  return `(let* (${bindings.map(([n, x]) => `[${n} ${printFPCore(x)}]`).join(" ")}) ${printFPCore(body)})`;
}

/** Infix with `name = value;` lines for shared subexpressions, joined by `sep`. */
export function infixShared(e: Expr, sep = "; "): string {
  const { bindings, body } = nameShared(e);
  return [...bindings.map(([n, x]) => `${n} = ${printInfix(x)}`), printInfix(body)].join(sep);
}
