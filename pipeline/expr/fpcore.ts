/**
 * FPCore parser: whole files of `(FPCore (vars) :name ... :pre ... body)`
 * forms, and bare bodies in S-expression form (the `expr` of a record).
 *
 * Supported: every op of the op table under its FPCore name (plus the
 * project's own `fms fnma rsqrt mulrsqrt recip d neg`), `let`, `let*`,
 * decimal, rational and hex literals, `(digits m e b)`, the constants PI, E,
 * INFINITY, NAN, `!` annotations and `cast` (both transparent), and input
 * ranges read from `:pre`. Loops, conditionals, arrays and tensors are named
 * in the error; the other benchmarks of a file still parse.
 */
import { type Expr, isValidVarName, num, sortOf, v } from "./expr.ts";
import { BoundedBuilder, depthMessage, LimitError, MAX_DEPTH } from "./limits.ts";
import { parseLiteral, printLiteral } from "./literal.ts";
import { FPCORE_OPS, type OpName, OPS, stepF32 } from "./ops.ts";
import { evaluate64 } from "./evaluate.ts";
import { ParseError, type Pos, readAll, readOne, type SExpr, showSExpr } from "./sexpr.ts";

export type Range = readonly [number, number];

export interface Benchmark {
  readonly name?: string;
  readonly vars: readonly string[];
  /** Per-variable closed ranges implied by `:pre` (where it implies one). */
  readonly ranges: Readonly<Record<string, Range>>;
  /** The `:pre` text as written, if any. */
  readonly pre?: string;
  readonly expr: Expr;
  /** Position of the `(FPCore` form in the file. */
  readonly pos: Pos;
}

export interface BenchmarkError {
  readonly name?: string;
  readonly pos: Pos;
  readonly error: ParseError;
}

export interface ParsedFile {
  readonly benchmarks: readonly Benchmark[];
  readonly errors: readonly BenchmarkError[];
}

const UNSUPPORTED = new Set([
  "while",
  "while*",
  "for",
  "for*",
  "tensor",
  "tensor*",
  "array",
  "ref",
  "dim",
  "size",
]);
/** FPCore's predicates that have no op of ours: float32 and float64 disagree on which values are normal. */
const BOOLEAN = new Set([
  "isnormal",
]);

/** Our op names that FPCore lacks, accepted as written. */
const OWN_OPS: ReadonlyMap<string, OpName> = new Map(
  (["neg", "fms", "fnma", "rsqrt", "mulrsqrt", "recip", "d"] as OpName[]).map((n) => [n, n]),
);

const CONSTANTS: Readonly<Record<string, number>> = {
  PI: Math.PI,
  E: Math.E,
  INFINITY: Infinity,
  NAN: NaN,
};

/** Parses every FPCore form of a file; one bad form does not stop the rest. */
export function parseFPCoreFile(src: string): ParsedFile {
  const { forms, error } = readAll(src);
  const benchmarks: Benchmark[] = [];
  const errors: BenchmarkError[] = [];
  for (const form of forms) {
    try {
      benchmarks.push(parseFPCoreForm(form));
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      errors.push({ name: formName(form), pos: form.pos, error: err });
    }
  }
  if (error !== null) errors.push({ pos: error.pos, error });
  return { benchmarks, errors };
}

/** The `:name` of a form, found without parsing the rest of it. */
function formName(form: SExpr): string | undefined {
  if (form.kind !== "list") return undefined;
  const items = form.items;
  for (let i = 0; i + 1 < items.length; i++) {
    const it = items[i];
    const value = items[i + 1];
    if (it.kind === "atom" && it.text === ":name" && value.kind === "string") return value.text;
  }
  return undefined;
}

/** The text of an atom; null for anything else, including the missing head of an empty list `()`. */
function atomText(e: SExpr | undefined): string | null {
  return e !== undefined && e.kind === "atom" ? e.text : null;
}

/** One `(FPCore ...)` form. */
export function parseFPCoreForm(form: SExpr): Benchmark {
  if (form.kind !== "list" || atomText(form.items[0] ?? form) !== "FPCore") {
    throw new ParseError("expected an (FPCore ...) form", form.pos);
  }
  let i = 1;
  // FPCore 2: an optional identifier before the argument list.
  if (form.items[i]?.kind === "atom") i++;
  const argList = form.items[i++];
  if (argList === undefined || argList.kind !== "list") {
    throw new ParseError("expected the argument list of the FPCore form", argList?.pos ?? form.pos);
  }
  const name0 = formName(form);
  // A loop or conditional anywhere is the real reason a form cannot be a
  // kernel: name it before smaller complaints (argument names like `x*`).
  const construct = findUnsupported(form.items.slice(i));
  if (construct !== null) {
    throw new ParseError(`unsupported construct: ${construct.text}${where(name0)}`, construct.pos);
  }
  const vars = argList.items.map((a) => parseArg(a, name0));
  const seen = new Set<string>();
  for (const [k, name] of vars.entries()) {
    if (seen.has(name)) throw new ParseError(`argument ${name} is declared twice`, argList.items[k].pos);
    seen.add(name);
  }
  const props = new Map<string, SExpr>();
  const rest = form.items.slice(i);
  let j = 0;
  while (j < rest.length - 1) {
    const key = rest[j];
    if (key.kind !== "atom" || !key.text.startsWith(":")) {
      throw new ParseError(`expected a property like :name, found ${showSExpr(key)}`, key.pos);
    }
    props.set(key.text, rest[j + 1]);
    j += 2;
  }
  if (j !== rest.length - 1) {
    throw new ParseError("expected the body of the FPCore form after its properties", form.pos);
  }
  const bodyS = rest[j];
  const nameS = props.get(":name");
  const name = nameS?.kind === "string" ? nameS.text : undefined;
  const expr = toExpr(bodyS, newContext(false, vars, name));
  const preS = props.get(":pre");
  const ranges = preS === undefined ? {} : rangesFromPre(preS, new Set(vars));
  return {
    ...(name !== undefined ? { name } : {}),
    vars,
    ranges,
    ...(preS !== undefined ? { pre: showSExpr(preS) } : {}),
    expr,
    pos: form.pos,
  };
}

/** The first loop/conditional/array head in the forms, if any. */
function findUnsupported(forms: readonly SExpr[]): { text: string; pos: Pos } | null {
  for (const f of forms) {
    if (f.kind !== "list") continue;
    const head = f.items[0];
    if (head?.kind === "atom" && UNSUPPORTED.has(head.text)) return { text: head.text, pos: head.pos };
    const inner = findUnsupported(f.items);
    if (inner !== null) return inner;
  }
  return null;
}

function parseArg(a: SExpr, bench: string | undefined): string {
  if (a.kind === "atom") return checkVarName(a.text, a.pos);
  if (a.kind === "list" && atomText(a.items[0]) === "!") {
    // (! :precision binary32 x): the name is the last item.
    return parseArg(a.items[a.items.length - 1], bench);
  }
  throw new ParseError(
    `unsupported construct: array argument ${showSExpr(a)}${where(bench)}`,
    a.pos,
  );
}

function checkVarName(name: string, pos: Pos): string {
  if (!isValidVarName(name)) {
    throw new ParseError(`invalid variable name ${JSON.stringify(name)}`, pos);
  }
  return name;
}

const where = (bench: string | undefined) => bench === undefined ? "" : ` in benchmark ${JSON.stringify(bench)}`;

/** Parses a bare body, e.g. `(+ (* a b) c)`; every free symbol is a variable. */
export function parseExpr(src: string, vars?: readonly string[]): Expr {
  const s = readOne(src);
  return toExpr(s, newContext(vars === undefined, vars ?? [], undefined));
}

/** What an expression is read in: the names in scope, the benchmark, the size limits. */
interface Context {
  readonly scope: Scope;
  readonly bench: string | undefined;
  readonly nodes: BoundedBuilder;
}

function newContext(free: boolean, vars: readonly string[], bench: string | undefined): Context {
  const scope = new Scope(free);
  for (const n of vars) scope.push(n, v(n));
  return { scope, bench, nodes: new BoundedBuilder() };
}

/** An op node, counted against the limits; past them, an error at `pos` naming the benchmark. */
function build(ctx: Context, op: OpName, args: readonly Expr[], pos: Pos): Expr {
  try {
    return ctx.nodes.app(op, args);
  } catch (e) {
    if (e instanceof LimitError) throw new ParseError(e.message + where(ctx.bench), pos);
    throw e;
  }
}

/**
 * S-expression to a number-valued Expr: the body of a kernel and every
 * float operand.
 */
function toExpr(s: SExpr, ctx: Context): Expr {
  const t = toTerm(s, ctx);
  if (typeof t === "boolean" || sortOf(t) !== "real") {
    throw new ParseError(`expected a number, found a truth value ${showTerm(s)}${where(ctx.bench)}`, s.pos);
  }
  return t;
}

/** S-expression to a condition: a truth-valued Expr, or TRUE/FALSE where it folded to one. */
function toCond(s: SExpr, ctx: Context): Expr | boolean {
  const t = toTerm(s, ctx);
  if (typeof t !== "boolean" && sortOf(t) !== "bool") {
    throw new ParseError(`expected a condition, found a number ${showTerm(s)}${where(ctx.bench)}`, s.pos);
  }
  return t;
}

const showTerm = (s: SExpr): string => {
  const text = showSExpr(s);
  return text.length <= 40 ? text : text.slice(0, 37) + "...";
};

/**
 * What a subexpression reads as: an Expr of either sort, or a truth value
 * that folded to a constant (TRUE, FALSE, and connectives of them).
 * The IR has no truth-valued constants: a known condition picks its arm
 * here, so an `if` decided by constants never reaches the kernel.
 */
type Term = Expr | boolean;

/**
 * S-expression to a term. Recursive, at most as deep as the s-expression,
 * which the reader bounds by MAX_DEPTH.
 */
function toTerm(s: SExpr, ctx: Context): Term {
  const { scope, bench } = ctx;
  if (s.kind === "string") {
    throw new ParseError(`expected an expression, found the string ${JSON.stringify(s.text)}`, s.pos);
  }
  if (s.kind === "atom") {
    const lit = parseLiteral(s.text);
    if (lit !== null) return num(lit);
    if (s.text in CONSTANTS) return num(CONSTANTS[s.text]);
    const bound = scope.get(s.text);
    if (bound !== undefined) return bound;
    if (s.text === "TRUE") return true;
    if (s.text === "FALSE") return false;
    throw new ParseError(`unknown variable ${JSON.stringify(s.text)}${where(bench)}`, s.pos);
  }
  if (s.tooDeep) throw new ParseError(depthMessage() + where(bench), s.pos);
  const [head, ...rest] = s.items;
  if (head === undefined) throw new ParseError("expected an operation, found ()", s.pos);
  const op = atomText(head);
  if (op === null) {
    throw new ParseError(`expected an operation name, found ${showSExpr(head)}`, head.pos);
  }
  if (op === "let" || op === "let*") return parseLet(op, s, rest, ctx);
  if (op === "!") {
    if (rest.length === 0) throw new ParseError("(! ...) needs an expression", s.pos);
    return toTerm(rest[rest.length - 1], ctx);
  }
  if (op === "cast") {
    if (rest.length !== 1) throw new ParseError("cast takes 1 argument", s.pos);
    return toExpr(rest[0], ctx);
  }
  if (op === "digits") return parseDigits(s, rest);
  if (UNSUPPORTED.has(op)) {
    const why = op.startsWith("while") || op.startsWith("for") ? " (loops are not kernels of one expression)" : "";
    throw new ParseError(`unsupported construct: ${op}${why}${where(bench)}`, head.pos);
  }
  if (BOOLEAN.has(op)) {
    throw new ParseError(`unsupported construct: ${op}${where(bench)}`, head.pos);
  }
  if (op === "if") return parseIf(s, rest, ctx);
  if (CONDITIONS.has(op)) return parseCondition(op, s, rest, ctx);
  // A loop, not map: one stack frame per level of nesting instead of three.
  const args: Expr[] = [];
  for (const a of rest) args.push(toExpr(a, ctx));
  if (op === "-" && args.length === 1) return build(ctx, "neg", args, s.pos);
  if ((op === "+" || op === "*") && args.length > 2) {
    // A left fold nests one level per term: name the width, not just the depth.
    if (ctx.nodes.foldDepth(args.map((a) => ctx.nodes.note(a))) > MAX_DEPTH) {
      throw new ParseError(`(${op} ...) of ${args.length} terms: ${depthMessage()}${where(bench)}`, s.pos);
    }
    return args.slice(1).reduce((acc, a) => build(ctx, op, [acc, a], s.pos), args[0]);
  }
  const name = FPCORE_OPS.get(op) ?? OWN_OPS.get(op) ?? (op === "-" ? "-" : undefined);
  if (name === undefined || OPS[name].class === "logic") {
    throw new ParseError(`unknown operation ${JSON.stringify(op)}${where(bench)}`, head.pos);
  }
  const arity = OPS[name].arity;
  if (args.length !== arity) {
    throw new ParseError(
      `${op} takes ${arity} argument${arity === 1 ? "" : "s"}, found ${args.length}`,
      s.pos,
    );
  }
  if (name === "d" && args[0].tag !== "var") {
    throw new ParseError("the first argument of (d x e) must be a variable", rest[0].pos);
  }
  return build(ctx, name, args, s.pos);
}

/** FPCore's comparisons, connectives and the predicates we can write with them. */
const CONDITIONS = new Set([
  "<",
  ">",
  "<=",
  ">=",
  "==",
  "!=",
  "and",
  "or",
  "not",
  "isnan",
  "isinf",
  "isfinite",
  "signbit",
]);

/**
 * `(if c a b)`: a select of two numbers. Both arms are read (and checked)
 * even when the condition is known, so a bad arm is an error either way.
 * Truth-valued arms become connectives: (c and a) or (not c and b).
 */
function parseIf(s: SExpr, rest: readonly SExpr[], ctx: Context): Term {
  if (rest.length !== 3) throw new ParseError(`if takes 3 arguments, found ${rest.length}`, s.pos);
  const c = toCond(rest[0], ctx);
  const a = toTerm(rest[1], ctx);
  const b = toTerm(rest[2], ctx);
  const sortA = typeof a === "boolean" ? "bool" : sortOf(a);
  const sortB = typeof b === "boolean" ? "bool" : sortOf(b);
  if (sortA !== sortB) {
    throw new ParseError(`the arms of if differ: one is a number, the other a truth value${where(ctx.bench)}`, s.pos);
  }
  if (typeof c === "boolean") return c ? a : b;
  if (sortA === "real") return build(ctx, "select", [c, a as Expr, b as Expr], s.pos);
  const and = (x: Term, y: Term) => connective(ctx, "and", x, y, s.pos);
  return connective(ctx, "or", and(c, a), and(connective(ctx, "not", c, c, s.pos), b), s.pos);
}

/**
 * A comparison chain or connective, n-ary as FPCore writes them:
 * `(< a b c)` is a < b and b < c, `(!= a b c)` says every pair differs,
 * `(> a b)` is `(< b a)`. Predicates become comparisons: `isnan x` is
 * x != x, `isinf x` is |x| == inf, `isfinite x` is |x| < inf, `signbit x`
 * is copysign(1, x) < 0.
 */
function parseCondition(op: string, s: SExpr, rest: readonly SExpr[], ctx: Context): Term {
  const pos = s.pos;
  if (op === "and" || op === "or" || op === "not") {
    const args = rest.map((r) => toCond(r, ctx));
    if (op === "not") {
      if (args.length !== 1) throw new ParseError(`not takes 1 argument, found ${args.length}`, pos);
      return connective(ctx, "not", args[0], args[0], pos);
    }
    if (args.length === 0) return op === "and";
    return args.slice(1).reduce((acc, a) => connective(ctx, op, acc, a, pos), args[0]);
  }
  const args = rest.map((r) => toExpr(r, ctx));
  const unary = (): Expr => {
    if (args.length !== 1) throw new ParseError(`${op} takes 1 argument, found ${args.length}`, pos);
    return args[0];
  };
  const inf = num(Infinity);
  if (op === "isnan") return comparison(ctx, "ne", unary(), unary(), pos);
  if (op === "isinf") return comparison(ctx, "eq", build(ctx, "fabs", [unary()], pos), inf, pos);
  if (op === "isfinite") return comparison(ctx, "lt", build(ctx, "fabs", [unary()], pos), inf, pos);
  if (op === "signbit") return comparison(ctx, "lt", build(ctx, "copysign", [num(1), unary()], pos), num(0), pos);
  if (args.length < 2) throw new ParseError(`${op} takes at least 2 arguments, found ${args.length}`, pos);
  const pair = (a: Expr, b: Expr): Term => {
    if (op === "<") return comparison(ctx, "lt", a, b, pos);
    if (op === ">") return comparison(ctx, "lt", b, a, pos);
    if (op === "<=") return comparison(ctx, "le", a, b, pos);
    if (op === ">=") return comparison(ctx, "le", b, a, pos);
    if (op === "==") return comparison(ctx, "eq", a, b, pos);
    return comparison(ctx, "ne", a, b, pos);
  };
  const pairs: Term[] = [];
  if (op === "!=") {
    for (let i = 0; i < args.length; i++) for (let j = i + 1; j < args.length; j++) pairs.push(pair(args[i], args[j]));
  } else {
    for (let i = 0; i + 1 < args.length; i++) pairs.push(pair(args[i], args[i + 1]));
  }
  return pairs.slice(1).reduce((acc, t) => connective(ctx, "and", acc, t, pos), pairs[0]);
}

/**
 * A comparison. Two constants are not folded here (the printer writes such
 * comparisons, and reading must give back the same expression); the
 * intervals decide them, and the rules pick the arm.
 */
function comparison(ctx: Context, op: "lt" | "le" | "eq" | "ne", a: Expr, b: Expr, pos: Pos): Term {
  return build(ctx, op, [a, b], pos);
}

/** `and`, `or`, `not` (which reads only `a`), folding TRUE and FALSE away. */
function connective(ctx: Context, op: "and" | "or" | "not", a: Term, b: Term, pos: Pos): Term {
  if (op === "not") return typeof a === "boolean" ? !a : build(ctx, "not", [a], pos);
  if (typeof a === "boolean") return op === "and" ? (a ? b : false) : (a ? true : b);
  if (typeof b === "boolean") return op === "and" ? (b ? a : false) : (b ? true : a);
  return build(ctx, op, [a, b], pos);
}

function parseLet(
  op: "let" | "let*",
  s: SExpr & { kind: "list" },
  rest: readonly SExpr[],
  ctx: Context,
): Term {
  if (rest.length === 2 && rest[0].kind === "list" && rest[0].tooDeep) {
    throw new ParseError(depthMessage() + where(ctx.bench), rest[0].pos);
  }
  if (rest.length !== 2 || rest[0].kind !== "list") {
    throw new ParseError(`expected (${op} ([name expr] ...) body)`, s.pos);
  }
  // Bindings are pushed onto the one scope and popped after the body, so a
  // let of n bindings costs O(n), not a copy of the scope per binding.
  const bound: string[] = [];
  const parallel: [string, Term][] = [];
  try {
    for (const b of rest[0].items) {
      if (b.kind === "list" && b.tooDeep) throw new ParseError(depthMessage() + where(ctx.bench), b.pos);
      if (b.kind !== "list" || b.items.length !== 2 || b.items[0].kind !== "atom") {
        throw new ParseError(`expected a binding [name expr] in ${op}`, b.pos);
      }
      // Let names never reach the output (they are inlined), so any FPCore
      // symbol will do, `t*` included.
      const name = b.items[0].text;
      if (parseLiteral(name) !== null) throw new ParseError(`cannot bind the number ${name}`, b.items[0].pos);
      // let binds in parallel (values see the outer scope), let* in sequence.
      const value = toTerm(b.items[1], ctx);
      if (op === "let") parallel.push([name, value]);
      else {
        ctx.scope.push(name, value);
        bound.push(name);
      }
    }
    for (const [name, value] of parallel) {
      ctx.scope.push(name, value);
      bound.push(name);
    }
    return toTerm(rest[1], ctx);
  } finally {
    for (const name of bound) ctx.scope.pop(name);
  }
}

/**
 * Names in scope, each a stack of its bindings (the innermost last). A free
 * scope (bare bodies) also reads any unbound name as a variable.
 */
class Scope {
  private readonly bound = new Map<string, Term[]>();
  constructor(private readonly free: boolean) {}

  get(name: string): Term | undefined {
    const stack = this.bound.get(name);
    if (stack !== undefined && stack.length > 0) return stack[stack.length - 1];
    return this.free && isValidVarName(name) ? v(name) : undefined;
  }

  push(name: string, value: Term): void {
    const stack = this.bound.get(name);
    if (stack === undefined) this.bound.set(name, [value]);
    else stack.push(value);
  }

  pop(name: string): void {
    this.bound.get(name)!.pop();
  }
}

function parseDigits(s: SExpr, rest: readonly SExpr[]): Expr {
  const ns = rest.map((r) => (r.kind === "atom" ? parseLiteral(r.text) : null));
  if (ns.length !== 3 || ns.some((n) => n === null || !Number.isInteger(n))) {
    throw new ParseError("expected (digits m e b) with integer m, e, b", s.pos);
  }
  const [m, e, b] = ns as number[];
  return num(m * Math.pow(b, e));
}

/**
 * Ranges implied by a precondition: conjunctions of comparison chains
 * between variables and constant expressions. Strict bounds move one
 * float32 step inward, since kernels see float32 inputs. Clauses that are
 * not such bounds constrain nothing here (they stay in the `:pre` text).
 *
 * Ranges are finite and not empty, as every stage after `parse` requires
 * (schema.ts): an infinite outer bound (`(< x INFINITY)`) says no more than
 * that x is finite and counts as no bound; a precondition that leaves no
 * finite value (`(<= 1 x 0)`, `(>= x INFINITY)`) is an error, so `parse`
 * and `optimize` refuse the same benchmarks.
 */
export function rangesFromPre(pre: SExpr, vars: ReadonlySet<string>): Record<string, Range> {
  const lo = new Map<string, number>();
  const hi = new Map<string, number>();
  const bound = (m: Map<string, number>, name: string, x: number, better: (a: number, b: number) => boolean) => {
    const old = m.get(name);
    if (old === undefined || better(x, old)) m.set(name, x);
  };
  // A strict bound steps inward only from a float32 value: stepping from an
  // infinity (or past the float32 range) gives the largest float32 or NaN.
  const inward = (x: number, strict: boolean, dir: 1 | -1) =>
    strict && Number.isFinite(Math.fround(x)) ? stepF32(Math.fround(x), dir) : x;
  const lower = (name: string, x: number, strict: boolean) => {
    if (x !== -Infinity) bound(lo, name, inward(x, strict, 1), (n, o) => n > o);
  };
  const upper = (name: string, x: number, strict: boolean) => {
    if (x !== Infinity) bound(hi, name, inward(x, strict, -1), (n, o) => n < o);
  };
  const walk = (p: SExpr) => {
    if (p.kind !== "list" || p.items.length === 0) return;
    const op = atomText(p.items[0]);
    if (op === "and") {
      p.items.slice(1).forEach(walk);
      return;
    }
    if (op !== "<" && op !== "<=" && op !== ">" && op !== ">=" && op !== "==") return;
    const terms = p.items.slice(1).map((t) => classify(t, vars));
    // Normalise to ascending chains: a > b is b < a.
    const asc = op === ">" || op === ">=" ? terms.slice().reverse() : terms;
    const strict = op === "<" || op === ">";
    for (let k = 0; k + 1 < asc.length; k++) {
      const a = asc[k], b = asc[k + 1];
      if (a.kind === "var" && b.kind === "const") {
        upper(a.name, b.value, strict);
        if (op === "==") lower(a.name, b.value, false);
      } else if (a.kind === "const" && b.kind === "var") {
        lower(b.name, a.value, strict);
        if (op === "==") upper(b.name, a.value, false);
      }
    }
  };
  walk(pre);
  const out: Record<string, Range> = {};
  for (const name of vars) {
    const l = lo.get(name), h = hi.get(name);
    if (l === Infinity || h === -Infinity || (l !== undefined && h !== undefined && l > h)) {
      const show = (x: number | undefined, dflt: string) => x === undefined ? dflt : printLiteral(x);
      throw new ParseError(
        `:pre leaves no finite value for ${name}: its range [${show(l, "-INFINITY")}, ${show(h, "INFINITY")}] is empty`,
        pre.pos,
      );
    }
    if (l !== undefined && h !== undefined) out[name] = [l, h];
    else if (l !== undefined) out[name] = [l, Math.max(l, 0) + DEFAULT_HALF_WIDTH];
    else if (h !== undefined) out[name] = [Math.min(h, 0) - DEFAULT_HALF_WIDTH, h];
  }
  return out;
}

/**
 * A one-sided bound gets this much room on its open side. It only shapes
 * where inputs are sampled; it is written into the record, not hidden.
 */
export const DEFAULT_HALF_WIDTH = 1000;

type PreTerm = { kind: "var"; name: string } | { kind: "const"; value: number } | { kind: "other" };

function classify(t: SExpr, vars: ReadonlySet<string>): PreTerm {
  if (t.kind === "atom" && vars.has(t.text)) return { kind: "var", name: t.text };
  try {
    const e = toExpr(t, newContext(false, [], undefined));
    const value = evaluate64(e, {});
    return Number.isNaN(value) ? { kind: "other" } : { kind: "const", value };
  } catch {
    return { kind: "other" };
  }
}
