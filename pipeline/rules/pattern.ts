/**
 * Patterns: expressions with holes `?a`, the two sides of a rewrite rule.
 * Written as S-expressions, `(+ (* ?a ?b) ?c)`; a literal matches an equal
 * constant, a plain name matches that variable, `?name` matches anything.
 *
 * Matching here is on expression trees (what guided search rewrites); the
 * e-graph has its own matcher over e-classes (`pipeline/egraph/ematch.ts`).
 */
import { app, type Expr, num, v } from "../expr/expr.ts";
import { parseLiteral } from "../expr/literal.ts";
import { FPCORE_OPS, isOpName, type OpName, OPS, type Sort } from "../expr/ops.ts";
import { ParseError, readOne, type SExpr } from "../expr/sexpr.ts";

export type Pattern =
  | { readonly tag: "hole"; readonly name: string }
  | { readonly tag: "const"; readonly value: number }
  | { readonly tag: "var"; readonly name: string }
  | { readonly tag: "app"; readonly op: OpName; readonly args: readonly Pattern[] };

/** What the holes of a pattern are bound to. */
export type Binding = ReadonlyMap<string, Expr>;

/** Parses `(+ (* ?a ?b) ?c)`. */
export function parsePattern(src: string): Pattern {
  return fromSExpr(readOne(src));
}

function fromSExpr(s: SExpr): Pattern {
  if (s.kind === "string") throw new ParseError("strings are not patterns", s.pos);
  if (s.kind === "atom") {
    if (s.text.startsWith("?")) {
      if (s.text.length < 2) throw new ParseError("a hole needs a name: ?a", s.pos);
      return { tag: "hole", name: s.text.slice(1) };
    }
    const lit = parseLiteral(s.text);
    if (lit !== null) return { tag: "const", value: lit };
    if (s.text === "PI") return { tag: "const", value: Math.PI };
    if (s.text === "E") return { tag: "const", value: Math.E };
    return { tag: "var", name: v(s.text).name };
  }
  const [head, ...rest] = s.items;
  if (head === undefined || head.kind !== "atom") throw new ParseError("expected an op name", s.pos);
  const args = rest.map(fromSExpr);
  let op: OpName | undefined;
  if (head.text === "-" && args.length === 1) op = "neg";
  else op = FPCORE_OPS.get(head.text) ?? (isOpName(head.text) ? head.text : undefined);
  if (op === undefined) throw new ParseError(`unknown op ${head.text}`, head.pos);
  if (OPS[op].arity !== args.length) {
    throw new ParseError(`${head.text} takes ${OPS[op].arity} argument(s), found ${args.length}`, head.pos);
  }
  return { tag: "app", op, args };
}

/** Prints a pattern back to S-expression text. */
export function printPattern(p: Pattern): string {
  switch (p.tag) {
    case "hole":
      return `?${p.name}`;
    case "const":
      return Object.is(p.value, -0) ? "-0" : String(p.value);
    case "var":
      return p.name;
    case "app": {
      const name = p.op === "neg" ? "-" : (OPS[p.op].fpcore ?? p.op);
      return `(${name} ${p.args.map(printPattern).join(" ")})`;
    }
  }
}

/**
 * Records the sort each hole of `p` must have when `p` stands where a value
 * of `sort` belongs; throws when `p` cannot be of that sort or a hole is
 * used as both a number and a truth value.
 */
export function holeSorts(p: Pattern, sort: Sort, into: Map<string, Sort>): void {
  const need = (have: Sort) => {
    if (have !== sort) throw new Error(`${printPattern(p)} is a ${have === "real" ? "number" : "truth value"}`);
  };
  switch (p.tag) {
    case "hole": {
      const old = into.get(p.name);
      if (old !== undefined && old !== sort) throw new Error(`?${p.name} is used as a number and as a truth value`);
      into.set(p.name, sort);
      return;
    }
    case "const":
    case "var":
      return need("real");
    case "app":
      need(OPS[p.op].sort);
      p.args.forEach((a, i) => holeSorts(a, OPS[p.op].argSorts[i], into));
  }
}

/** Hole names of a pattern, in order of first appearance. */
export function holes(p: Pattern): string[] {
  const out: string[] = [];
  const walk = (q: Pattern) => {
    if (q.tag === "hole") {
      if (!out.includes(q.name)) out.push(q.name);
    } else if (q.tag === "app") q.args.forEach(walk);
  };
  walk(p);
  return out;
}

/** Number of op nodes: how specific a pattern is. */
export function patternSize(p: Pattern): number {
  return p.tag === "app" ? 1 + p.args.reduce((s, a) => s + patternSize(a), 0) : 0;
}

/**
 * Matches `p` against the tree `e`; a hole used twice must see the same
 * (hash-consed, so `===`) subexpression both times.
 */
export function match(p: Pattern, e: Expr, into: Map<string, Expr> = new Map()): Binding | null {
  return matchInto(p, e, into) ? into : null;
}

function matchInto(p: Pattern, e: Expr, b: Map<string, Expr>): boolean {
  switch (p.tag) {
    case "hole": {
      const old = b.get(p.name);
      if (old !== undefined) return old === e;
      b.set(p.name, e);
      return true;
    }
    case "const":
      return e.tag === "const" && Object.is(e.value, p.value);
    case "var":
      return e.tag === "var" && e.name === p.name;
    case "app":
      if (e.tag !== "app" || e.op !== p.op) return false;
      for (let i = 0; i < p.args.length; i++) {
        if (!matchInto(p.args[i], e.args[i], b)) return false;
      }
      return true;
  }
}

/** Builds the expression of `p` with its holes filled from `b`. */
export function instantiate(p: Pattern, b: Binding): Expr {
  switch (p.tag) {
    case "hole": {
      const e = b.get(p.name);
      if (e === undefined) throw new Error(`hole ?${p.name} is not bound`);
      return e;
    }
    case "const":
      return num(p.value);
    case "var":
      return v(p.name);
    case "app":
      return app(p.op, p.args.map((a) => instantiate(a, b)));
  }
}
