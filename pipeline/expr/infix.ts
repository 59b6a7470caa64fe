/**
 * Infix parser: `x*y + sqrt(z)`, with C's precedence
 * (`c ? a : b` < `||` < `&&` < comparisons < `+ -` < `* /` < unary minus
 * and `!` < `^`), function calls by op name (plus the
 * aliases `abs`, `min`, `max`, `ln`), `PI` and `E`, and literals as in
 * `literal.ts`. A minus sign directly before a number is part of the number
 * (`-2` is the constant -2, `-(2)` is the negation of 2), so printing and
 * parsing are exact inverses.
 */
import { type Expr, isValidVarName, num, sortOf, v } from "./expr.ts";
import { BoundedBuilder, depthMessage, LimitError, MAX_DEPTH } from "./limits.ts";
import { parseLiteral } from "./literal.ts";
import { isOpName, type OpName, OPS } from "./ops.ts";
import { ParseError, type Pos } from "./sexpr.ts";

type Token =
  | { kind: "num"; text: string; pos: Pos }
  | { kind: "ident"; text: string; pos: Pos }
  | { kind: "sym"; text: string; pos: Pos }
  | { kind: "end"; text: ""; pos: Pos };

const ALIASES: Readonly<Record<string, OpName>> = {
  abs: "fabs",
  min: "fmin",
  max: "fmax",
  ln: "log",
};

const NAMED: Readonly<Record<string, number>> = { PI: Math.PI, E: Math.E };

const NUMBER = /^(0[xX][0-9a-fA-F]*(\.[0-9a-fA-F]*)?([pP][+-]?\d+)?|(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*/;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0, line = 1, col = 1;
  const step = (k: number) => {
    for (let j = 0; j < k; j++) {
      if (src[i] === "\n") {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      step(1);
      continue;
    }
    const pos = { line, col };
    const rest = src.slice(i);
    const n = NUMBER.exec(rest);
    if (n !== null && n[0].length > 0 && /[0-9.]/.test(c)) {
      out.push({ kind: "num", text: n[0], pos });
      step(n[0].length);
      continue;
    }
    const id = IDENT.exec(rest);
    if (id !== null) {
      const text = id[0];
      const kind = text === "INFINITY" || text === "NAN" ? "num" : "ident";
      out.push({ kind, text, pos });
      step(text.length);
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      out.push({ kind: "sym", text: two, pos });
      step(2);
      continue;
    }
    if ("+-*/^(),<>!?:".includes(c)) {
      out.push({ kind: "sym", text: c, pos });
      step(1);
      continue;
    }
    throw new ParseError(`unexpected character ${JSON.stringify(c)}`, pos);
  }
  out.push({ kind: "end", text: "", pos: { line, col } });
  return out;
}

/** Parses an infix expression; names that are not calls are variables. */
export function parseInfix(src: string): Expr {
  const p = new Parser(tokenize(src));
  const e = p.expr();
  p.expectEnd();
  if (sortOf(e) !== "real") throw new ParseError("the expression is a truth value, not a number", { line: 1, col: 1 });
  return e;
}

const TWO_CHAR = new Set(["<=", ">=", "==", "!=", "&&", "||"]);

/**
 * Recursive descent, as deep as the input nests: every construct that
 * recurses (parentheses, calls, unary minus, the right side of `^`) counts
 * one level and is refused past MAX_DEPTH, and every node is built through
 * a BoundedBuilder, so long `+` chains are refused past the limits too.
 */
class Parser {
  private i = 0;
  private nesting = 0;
  private readonly nodes = new BoundedBuilder();
  constructor(private readonly toks: readonly Token[]) {}

  private app(op: OpName, args: readonly Expr[], at: Token): Expr {
    args.forEach((a, i) => {
      const want = OPS[op].argSorts[i];
      if (sortOf(a) !== want) {
        const what = (s: string) => (s === "real" ? "a number" : "a truth value");
        throw new ParseError(`${describe(at)} needs ${what(want)}, found ${what(sortOf(a))}`, at.pos);
      }
    });
    try {
      return this.nodes.app(op, args);
    } catch (e) {
      if (e instanceof LimitError) throw new ParseError(e.message, at.pos);
      throw e;
    }
  }

  /**
   * One level deeper; past MAX_DEPTH, an error at `at`. The callers step
   * back out themselves (`this.nesting--`) rather than through a callback:
   * every frame a level costs brings the stack's end nearer, and a level
   * must cost few enough that MAX_DEPTH levels fit on any stack Deno gives.
   * An error leaves the count high, but it ends the parse.
   */
  private enter(at: Token): void {
    if (this.nesting >= MAX_DEPTH) throw new ParseError(depthMessage(), at.pos);
    this.nesting++;
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  private next(): Token {
    return this.toks[this.i++];
  }
  private isSym(t: Token, s: string): boolean {
    return t.kind === "sym" && t.text === s;
  }
  private expectSym(s: string, what: string): void {
    const t = this.next();
    if (!this.isSym(t, s)) throw new ParseError(`expected '${s}' ${what}, found ${describe(t)}`, t.pos);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== "end") {
      throw new ParseError(`expected an operator or the end of the expression, found ${describe(t)}`, t.pos);
    }
  }

  /** `c ? a : b` (right-associative), or a binary expression. */
  expr(): Expr {
    const c = this.binary(OR);
    const q = this.peek();
    if (!this.isSym(q, "?")) return c;
    this.next();
    this.enter(q);
    const a = this.expr();
    this.expectSym(":", "after the true arm of '?'");
    const b = this.expr();
    this.nesting--;
    return this.app("select", [c, a, b], q);
  }

  /**
   * Left-associative binary operators (PRECEDENCE) by precedence
   * climbing: one frame per level of nesting, not one per precedence.
   */
  private binary(min: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const p = t.kind === "sym" ? PRECEDENCE.get(t.text) : undefined;
      if (p === undefined || p < min) return left;
      this.next();
      const right = this.binary(p + 1);
      const [op, swap] = BINARY_OPS[t.text];
      left = this.app(op, swap ? [right, left] : [left, right], t);
    }
  }

  /** Prefix signs, then a primary and its right-associative `^`. */
  private unary(): Expr {
    const t = this.peek();
    if (this.isSym(t, "-")) {
      this.next();
      const n = this.peek();
      // `-2` is a literal unless it is the base of a power: -2^2 = -(2^2).
      if (n.kind === "num" && !this.isSym(this.peek(1), "^")) {
        this.next();
        return num(-literal(n));
      }
      this.enter(t);
      const operand = this.unary();
      this.nesting--;
      return this.app("neg", [operand], t);
    }
    if (this.isSym(t, "!")) {
      this.next();
      this.enter(t);
      const operand = this.unary();
      this.nesting--;
      return this.app("not", [operand], t);
    }
    if (this.isSym(t, "+")) {
      this.next();
      this.enter(t);
      const operand = this.unary();
      this.nesting--;
      return operand;
    }
    const base = this.primary();
    const hat = this.peek();
    if (!this.isSym(hat, "^")) return base;
    this.next();
    this.enter(hat);
    const exponent = this.unary();
    this.nesting--;
    return this.app("pow", [base, exponent], hat);
  }

  private primary(): Expr {
    const t = this.next();
    if (t.kind === "num") return num(literal(t));
    if (this.isSym(t, "(")) {
      this.enter(t);
      const e = this.expr();
      this.nesting--;
      this.expectSym(")", "to close '('");
      return e;
    }
    if (t.kind === "ident") {
      if (this.isSym(this.peek(), "(")) return this.call(t);
      if (t.text in NAMED) return num(NAMED[t.text]);
      if (!isValidVarName(t.text)) throw new ParseError(`invalid variable name ${JSON.stringify(t.text)}`, t.pos);
      return v(t.text);
    }
    throw new ParseError(`expected a number, a variable, a call or '(', found ${describe(t)}`, t.pos);
  }

  private call(name: Token): Expr {
    const op = ALIASES[name.text] ?? (isOpName(name.text) ? name.text : undefined);
    if (op === undefined || INFIX_ONLY_SYMBOLS.has(name.text)) {
      throw new ParseError(`unknown function ${JSON.stringify(name.text)}`, name.pos);
    }
    this.next(); // (
    const args: Expr[] = [];
    if (!this.isSym(this.peek(), ")")) {
      for (;;) {
        this.enter(name);
        args.push(this.expr());
        this.nesting--;
        if (this.isSym(this.peek(), ",")) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectSym(")", `to close the call of ${name.text}`);
    const arity = OPS[op].arity;
    if (args.length !== arity) {
      throw new ParseError(
        `${name.text} takes ${arity} argument${arity === 1 ? "" : "s"}, found ${args.length}`,
        name.pos,
      );
    }
    if (op === "d" && args[0].tag !== "var") {
      throw new ParseError("the first argument of d(x, e) must be a variable", name.pos);
    }
    return this.app(op, args, name);
  }
}

/** Precedence of `||`, the lowest binary operator. */
const OR = -2;
/** Binary operators by precedence (all left-associative; `^` is parsed with the signs). */
const PRECEDENCE: ReadonlyMap<string, number> = new Map([
  ["||", OR],
  ["&&", -1],
  ...["<", "<=", ">", ">=", "==", "!="].map((s) => [s, 0] as const),
  ["+", 1],
  ["-", 1],
  ["*", 2],
  ["/", 2],
]);
/** The op of each binary operator, and whether its operands swap (`a > b` is `b < a`). */
const BINARY_OPS: Readonly<Record<string, readonly [OpName, boolean]>> = {
  "||": ["or", false],
  "&&": ["and", false],
  "<": ["lt", false],
  "<=": ["le", false],
  ">": ["lt", true],
  ">=": ["le", true],
  "==": ["eq", false],
  "!=": ["ne", false],
  "+": ["+", false],
  "-": ["-", false],
  "*": ["*", false],
  "/": ["/", false],
};

/** Op names that are operators in infix, not callable names. */
const INFIX_ONLY_SYMBOLS = new Set(["+", "-", "*", "/"]);

function literal(t: Token): number {
  const x = parseLiteral(t.text);
  if (x === null) throw new ParseError(`malformed number ${JSON.stringify(t.text)}`, t.pos);
  return x;
}

function describe(t: Token): string {
  return t.kind === "end" ? "the end of the expression" : `'${t.text}'`;
}
