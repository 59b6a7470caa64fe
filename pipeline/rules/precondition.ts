/**
 * Rule preconditions: conditions on what the holes are bound to.
 *
 *   (> ?x 0) (>= ?x 0) (< ?x 1) (<= -1 ?x 1) (!= ?x 0)   comparisons, chains
 *   (and p ...) (or p ...) (not p)
 *   (const? ?c)      ?c is a constant
 *   (int? ?n)        ?n is an integer constant
 *   (var? ?x)        ?x is a variable
 *   (free-of ?e ?x)  ?e does not depend on the variable bound to ?x
 *
 * A precondition is decided against an `Oracle` that knows facts about the
 * bound expressions: an interval of values (from input ranges, or a single
 * point when sampling), a constant value, the variables it depends on. A
 * rewrite fires only when the precondition is *proved*: an unknown fact
 * counts as false, so preconditions are conservative.
 */
import type { Interval } from "../expr/interval.ts";
import { parseLiteral } from "../expr/literal.ts";
import { ParseError, readOne, type SExpr } from "../expr/sexpr.ts";

type Term = { readonly tag: "hole"; readonly name: string } | { readonly tag: "num"; readonly value: number };

export type CmpOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

export type Pre =
  | { readonly tag: "cmp"; readonly op: CmpOp; readonly terms: readonly Term[] }
  | { readonly tag: "and" | "or"; readonly parts: readonly Pre[] }
  | { readonly tag: "not"; readonly part: Pre }
  | { readonly tag: "const?" | "int?" | "var?"; readonly hole: string }
  | { readonly tag: "free-of"; readonly hole: string; readonly of: string };

/** Facts about the expressions bound to holes. */
export interface Oracle {
  /** Range of values the bound expression takes, or null if unknown. */
  interval(hole: string): Interval | null;
  /** The constant the hole is bound to, if it is one. */
  constant(hole: string): number | null;
  /** The variable name the hole is bound to, if it is a variable. */
  variable(hole: string): string | null;
  /** Whether the bound expression is provably free of variable `name`. */
  freeOf(hole: string, name: string): boolean;
}

const CMP = new Set(["<", "<=", ">", ">=", "==", "!="]);

export function parsePre(src: string): Pre {
  return fromSExpr(readOne(src));
}

function fromSExpr(s: SExpr): Pre {
  if (s.kind !== "list" || s.items.length === 0 || s.items[0].kind !== "atom") {
    throw new ParseError("expected a condition like (> ?x 0)", s.pos);
  }
  const head = s.items[0].text;
  const rest = s.items.slice(1);
  const hole = (t: SExpr): string => {
    if (t.kind !== "atom" || !t.text.startsWith("?")) {
      throw new ParseError(`expected a hole, found ${t.kind === "atom" ? t.text : "a list"}`, t.pos);
    }
    return t.text.slice(1);
  };
  if (CMP.has(head)) {
    if (rest.length < 2) throw new ParseError(`${head} needs two or more terms`, s.pos);
    const terms = rest.map((t): Term => {
      if (t.kind === "atom" && t.text.startsWith("?")) return { tag: "hole", name: t.text.slice(1) };
      const lit = t.kind === "atom" ? parseLiteral(t.text) : null;
      if (lit === null) throw new ParseError("comparison terms are holes or numbers", t.pos);
      return { tag: "num", value: lit };
    });
    return { tag: "cmp", op: head as CmpOp, terms };
  }
  if (head === "and" || head === "or") return { tag: head, parts: rest.map(fromSExpr) };
  if (head === "not" && rest.length === 1) return { tag: "not", part: fromSExpr(rest[0]) };
  if ((head === "const?" || head === "int?" || head === "var?") && rest.length === 1) {
    return { tag: head, hole: hole(rest[0]) };
  }
  if (head === "free-of" && rest.length === 2) return { tag: "free-of", hole: hole(rest[0]), of: hole(rest[1]) };
  throw new ParseError(`unknown condition ${head}`, s.pos);
}

/** Holes a precondition mentions. */
export function preHoles(p: Pre): string[] {
  switch (p.tag) {
    case "cmp":
      return p.terms.flatMap((t) => (t.tag === "hole" ? [t.name] : []));
    case "and":
    case "or":
      return p.parts.flatMap(preHoles);
    case "not":
      return preHoles(p.part);
    case "free-of":
      return [p.hole, p.of];
    default:
      return [p.hole];
  }
}

type Tri = boolean | null;

/** Decides a pair comparison from intervals: true/false when certain. */
function cmpPair(op: CmpOp, a: Interval, b: Interval): Tri {
  const [al, ah] = a, [bl, bh] = b;
  switch (op) {
    case "<":
      return ah < bl ? true : al >= bh ? false : null;
    case "<=":
      return ah <= bl ? true : al > bh ? false : null;
    case ">":
      return al > bh ? true : ah <= bl ? false : null;
    case ">=":
      return al >= bh ? true : ah < bl ? false : null;
    case "==":
      return al === ah && bl === bh && al === bl ? true : ah < bl || al > bh ? false : null;
    case "!=":
      return ah < bl || al > bh ? true : al === ah && bl === bh && al === bl ? false : null;
  }
}

function decide(p: Pre, o: Oracle): Tri {
  switch (p.tag) {
    case "cmp": {
      const ivs = p.terms.map((t): Interval | null => {
        if (t.tag === "num") return [t.value, t.value];
        const c = o.constant(t.name);
        return c !== null ? [c, c] : o.interval(t.name);
      });
      let result: Tri = true;
      for (let i = 0; i + 1 < ivs.length; i++) {
        const a = ivs[i], b = ivs[i + 1];
        const r = a === null || b === null ? null : cmpPair(p.op, a, b);
        if (r === false) return false;
        if (r === null) result = null;
      }
      return result;
    }
    case "and": {
      let result: Tri = true;
      for (const q of p.parts) {
        const r = decide(q, o);
        if (r === false) return false;
        if (r === null) result = null;
      }
      return result;
    }
    case "or": {
      let result: Tri = false;
      for (const q of p.parts) {
        const r = decide(q, o);
        if (r === true) return true;
        if (r === null) result = null;
      }
      return result;
    }
    case "not": {
      const r = decide(p.part, o);
      return r === null ? null : !r;
    }
    case "const?":
      return o.constant(p.hole) !== null;
    case "int?": {
      const c = o.constant(p.hole);
      return c !== null && Number.isInteger(c);
    }
    case "var?":
      return o.variable(p.hole) !== null;
    case "free-of": {
      const x = o.variable(p.of);
      return x !== null && o.freeOf(p.hole, x);
    }
  }
}

/** True only when the oracle's facts prove the precondition. */
export function holds(p: Pre | null, o: Oracle): boolean {
  return p === null || decide(p, o) === true;
}
