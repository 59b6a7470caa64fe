/**
 * Printers for both syntaxes. Both are exact inverses of their parsers:
 * `parseExpr(printFPCore(e)) === e` and `parseInfix(printInfix(e)) === e`
 * (hash-consing makes that an identity, not just equality).
 *
 * Shared subexpressions are printed in full at each use, unless the tree
 * spelled out that way would have more than MAX_NODES nodes: FPCore then
 * names them with `let*` (30 nested lets that each double a variable are a
 * 31-node DAG but a tree of 2^30 nodes), so FPCore text, and the records
 * that carry it, stay linear in the DAG. Infix has no `let`: such a tree
 * is refused. `printFPCoreForm` always names them.
 */
import { type Expr, postorder, treeSize } from "./expr.ts";
import { LimitError, MAX_NODES } from "./limits.ts";
import { printLiteral } from "./literal.ts";
import { OPS } from "./ops.ts";
import { fpcoreString } from "./sexpr.ts";

/** FPCore body syntax: `(+ (* a b) c)`; `neg` prints as unary `-`. */
export function printFPCore(e: Expr): string {
  if (treeSize(e) > MAX_NODES) return printShared(e);
  const memo = new Map<number, string>();
  for (const n of postorder(e)) memo.set(n.id, fpcoreNode(n, memo));
  return memo.get(e.id)!;
}

function fpcoreNode(n: Expr, memo: ReadonlyMap<number, string>): string {
  if (n.tag === "const") return printLiteral(n.value);
  if (n.tag === "var") return n.name;
  const name = OPS[n.op].fpcore ?? n.op;
  return `(${name} ${n.args.map((a) => memo.get(a.id)!).join(" ")})`;
}

export interface FPCoreFormInfo {
  readonly name?: string;
  readonly vars: readonly string[];
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Original precondition text; printed instead of the ranges if given. */
  readonly pre?: string;
}

/**
 * A whole `(FPCore (vars) :name ... :pre ... body)` form. Subexpressions
 * used more than once are bound with `let*` so the text stays small.
 */
export function printFPCoreForm(e: Expr, info: FPCoreFormInfo): string {
  const props: string[] = [];
  if (info.name !== undefined) props.push(`:name ${fpcoreString(info.name)}`);
  const pre = info.pre ?? preFromRanges(info.ranges ?? {});
  if (pre !== null) props.push(`:pre ${pre}`);
  props.push(":precision binary32");
  const body = printShared(e);
  return `(FPCore (${info.vars.join(" ")})\n  ${props.join("\n  ")}\n  ${body})`;
}

function preFromRanges(
  ranges: Readonly<Record<string, readonly [number, number]>>,
): string | null {
  const parts = Object.entries(ranges).map(([v, [lo, hi]]) => `(<= ${printLiteral(lo)} ${v} ${printLiteral(hi)})`);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : `(and ${parts.join(" ")})`;
}

/** Body text with `let*` bindings for shared non-leaf nodes. */
function printShared(e: Expr): string {
  const uses = new Map<number, number>();
  const order = postorder(e);
  for (const n of order) {
    if (n.tag === "app") {
      for (const a of n.args) uses.set(a.id, (uses.get(a.id) ?? 0) + 1);
    }
  }
  const taken = new Set(order.filter((n) => n.tag === "var").map((n) => (n as { name: string }).name));
  const memo = new Map<number, string>();
  const bindings: string[] = [];
  let counter = 0;
  for (const n of order) {
    const text = fpcoreNode(n, memo);
    if (n.tag === "app" && (uses.get(n.id) ?? 0) > 1 && n !== e) {
      let name = `t${counter++}`;
      while (taken.has(name)) name = `t${counter++}`;
      bindings.push(`[${name} ${text}]`);
      memo.set(n.id, name);
    } else {
      memo.set(n.id, text);
    }
  }
  const body = memo.get(e.id)!;
  if (bindings.length === 0) return body;
  return `(let* (${bindings.join("\n         ")})\n    ${body})`;
}

const INFIX_BINARY: Partial<Record<string, { sym: string; prec: number }>> = {
  or: { sym: "||", prec: -2 },
  and: { sym: "&&", prec: -1 },
  lt: { sym: "<", prec: 0 },
  le: { sym: "<=", prec: 0 },
  eq: { sym: "==", prec: 0 },
  ne: { sym: "!=", prec: 0 },
  "+": { sym: "+", prec: 1 },
  "-": { sym: "-", prec: 1 },
  "*": { sym: "*", prec: 2 },
  "/": { sym: "/", prec: 2 },
};

/** Precedence of `c ? a : b`, the lowest. */
const SELECT_PREC = -3;

/** Precedence of the text printed for a node: 3 = unary, 4 = atomic/primary. */
interface Printed {
  readonly text: string;
  readonly prec: number;
}

/** Infix syntax: `x * y + sqrt(z)`; ops without an operator are calls. */
export function printInfix(e: Expr): string {
  const n = treeSize(e);
  if (n > MAX_NODES) {
    throw new LimitError(
      `the expression is ${n} nodes as a tree, more than ${MAX_NODES} (limit): infix cannot share ` +
        `subexpressions; print it as FPCore`,
    );
  }
  const memo = new Map<number, Printed>();
  for (const n of postorder(e)) memo.set(n.id, infixNode(n, memo));
  return memo.get(e.id)!.text;
}

function infixNode(n: Expr, memo: ReadonlyMap<number, Printed>): Printed {
  if (n.tag === "var") return { text: n.name, prec: 4 };
  if (n.tag === "const") {
    const t = printLiteral(n.value);
    // A leading minus makes it a unary-level form, not a primary.
    return { text: t, prec: t.startsWith("-") ? 3 : 4 };
  }
  const args = n.args.map((a) => memo.get(a.id)!);
  const bin = INFIX_BINARY[n.op];
  if (bin !== undefined) {
    const [l, r] = args;
    // Left-associative: the right operand needs parentheses at equal level.
    const lt = l.prec < bin.prec ? `(${l.text})` : l.text;
    const rt = r.prec <= bin.prec ? `(${r.text})` : r.text;
    return { text: `${lt} ${bin.sym} ${rt}`, prec: bin.prec };
  }
  if (n.op === "neg") {
    // The operand must be a primary: `-2` would read as a constant and
    // `-x * y` as (-x) * y.
    const a = args[0];
    return { text: a.prec >= 4 && n.args[0].tag !== "const" ? `-${a.text}` : `-(${a.text})`, prec: 3 };
  }
  if (n.op === "not") {
    const a = args[0];
    return { text: a.prec >= 4 ? `!${a.text}` : `!(${a.text})`, prec: 3 };
  }
  if (n.op === "select") {
    // Right-associative and lowest: only a select condition needs parentheses.
    const [c, a, b] = args;
    return { text: `${c.prec <= SELECT_PREC ? `(${c.text})` : c.text} ? ${a.text} : ${b.text}`, prec: SELECT_PREC };
  }
  return { text: `${n.op}(${args.map((a) => a.text).join(", ")})`, prec: 4 };
}
