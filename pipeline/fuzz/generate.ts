/**
 * Seed inputs for the fuzzer: grammar-aware random text in each input
 * format (FPCore files, FPCore bodies, infix, expression records as JSONL),
 * and the shapes that have broken parsers before (deep nesting, wide sums,
 * `let`s that double a variable, huge and odd literals, names made of
 * comment and preprocessor syntax). The text is built here, not by the
 * project's printers, so that it can be wrong in ways the printers never
 * are; mutate.ts then damages it further.
 */
import type { Rng } from "../expr/random.ts";

/** What an input is, which decides the entry points that read it. */
export type Format = "fpcore-file" | "fpcore-expr" | "infix" | "jsonl";
export const FORMATS: readonly Format[] = ["fpcore-file", "fpcore-expr", "infix", "jsonl"];

export interface FuzzInput {
  readonly format: Format;
  readonly text: string;
  /** The generator and mutations that made it, e.g. `deep-nesting+truncate`. */
  readonly kind: string;
}

const UNARY = ["sqrt", "exp", "log", "sin", "cos", "tan", "fabs", "floor", "cbrt", "atan", "tanh", "-"];
const BINARY = ["+", "-", "*", "/", "pow", "fmin", "fmax", "copysign", "atan2", "hypot"];
const TERNARY = ["fma"];
const INFIX_FUNCS = ["sqrt", "exp", "log", "sin", "cos", "abs", "min", "max", "pow", "fma", "ln", "hypot"];

/** Literals that sit at the edges of float32 and float64, and of the literal grammar. */
export const SPECIAL_LITERALS = [
  "NAN",
  "INFINITY",
  "-INFINITY",
  "+INFINITY",
  "-0",
  "-0.0",
  "1e308",
  "1.8e308",
  "1e-320",
  "4.9e-324",
  "1e-45",
  "1.4e-45",
  "3.4028235e38",
  "3.4028236e38",
  "1.17549435e-38",
  "0x1p-149",
  "0x1p-150",
  "0x1p128",
  "0x1.fffffep127",
  "0x1p999999999999999999999",
  "0x1p-999999999999999999999",
  "0x.8p1",
  "0x",
  "0x.p1",
  "1e999999999",
  "1e-999999999",
  "123456789012345678901234567890",
  "1/3",
  "1/0",
  "0/0",
  "-7/99999999999999999999999",
  "99999999999999999999999999999/3",
  "(digits 1 2 3)",
  "(digits 1 999999999 2)",
  "PI",
  "E",
];

/** Whole names that try to escape the places names are written to: C comments, C text, JSON, HTML. */
export const HOSTILE_NAMES = [
  "*/ int injected_sym = 1; /*",
  "x*\\\n/ int injected_sym = 1; /\\\n*",
  "x*??/\n/ int injected_sym = 1; /??/\n*",
  "evil\\\n#include <stdio.h>\nint injected_sym = 1;\n/*",
  "\\",
  "??/",
  "\n#define kop_add(a, b) a\n",
  '#include "/etc/passwd"',
  '"); int injected_sym = 1; //',
  "</script><script>alert(1)</script>",
  "\u2028\u2029",
  "\0",
  "é😀\ud800",
  "a\r\nb",
  "\\n",
];

/** Pieces of comment, splice, trigraph and preprocessor syntax that names are made of. */
const HOSTILE_PIECES = [
  "*",
  "/",
  "\\",
  "\\\n",
  "*\\\n/",
  "/\\\n*",
  "??/",
  "??/\n",
  "*/",
  "/*",
  "//",
  "\n",
  "\r",
  " int injected_sym = 1; ",
  "#include <stdio.h>\n",
  '"',
  "'",
  "x",
];

/** A hostile name: a whole one, or pieces put together at random. */
export function hostileName(rng: Rng): string {
  if (rng.next() < 0.4) return rng.pick(HOSTILE_NAMES);
  let s = "";
  for (let k = 1 + rng.int(6); k > 0; k--) s += rng.pick(HOSTILE_PIECES);
  return s;
}

export function literal(rng: Rng): string {
  const r = rng.next();
  // Rare: some of them hang a reader, and each hang costs a time limit.
  if (r < 0.03) return rng.pick(SPECIAL_LITERALS.filter((l) => !l.startsWith("(")));
  if (r < 0.5) return String(rng.int(10));
  if (r < 0.8) return (rng.range(-100, 100)).toPrecision(1 + rng.int(8));
  if (r < 0.9) return `${rng.int(100)}/${1 + rng.int(100)}`;
  return `0x1.${rng.int(4096).toString(16)}p${rng.int(60) - 30}`;
}

export function varName(rng: Rng, i: number): string {
  const r = rng.next();
  if (r < 0.85) return ["x", "y", "z", "a", "b", "c", "t", "u"][i % 8];
  if (r < 0.95) return `v_${i}.${rng.int(100)}`;
  return "x" + "y".repeat(100 + rng.int(5000));
}

/**
 * Generations of the grammar. A saved reproducer that is too big to keep is
 * made again from its seed and index, so an input, once generated, must stay
 * the same: a change to the grammar is a new generation, and every earlier
 * one is still generated as it was. 1: straight-line code; 2: conditionals
 * (`if`, comparisons and chains, connectives, predicates, `?:`).
 */
export type Grammar = 1 | 2;
/** The generation new campaigns use. */
export const GRAMMAR: Grammar = 2;

/** A random FPCore body over `vars`, about `size` ops, with `let` and `let*` now and then. */
export function fpcoreBody(rng: Rng, vars: readonly string[], size: number, g: Grammar = GRAMMAR): string {
  if (size <= 0 || rng.next() < 0.1) {
    return vars.length > 0 && rng.next() < 0.65 ? rng.pick(vars) : literal(rng);
  }
  const r = rng.next();
  if (r < 0.06) {
    const name = `l${rng.int(5)}`;
    const bound = fpcoreBody(rng, vars, (size - 1) >> 1, g);
    return `(${rng.next() < 0.5 ? "let" : "let*"} ([${name} ${bound}]) ${
      fpcoreBody(rng, [...vars, name], (size - 1) >> 1, g)
    })`;
  }
  if (r < 0.3) return `(${rng.pick(UNARY)} ${fpcoreBody(rng, vars, size - 1, g)})`;
  // Generation 2 draws once more here; generation 1 never did.
  if (g >= 2 && r < 0.36 && rng.next() < 0.9) {
    const sub = () => fpcoreBody(rng, vars, Math.floor((size - 1) / 4), g);
    return `(if ${fpcoreCondition(rng, sub)} ${sub()} ${sub()})`;
  }
  if (r < 0.92) {
    const k = rng.next() < 0.1 ? 3 + rng.int(4) : 2;
    const op = k > 2 ? rng.pick(["+", "*"]) : rng.pick(BINARY);
    const parts = Array.from({ length: k }, () => fpcoreBody(rng, vars, Math.floor((size - 1) / k), g));
    return `(${op} ${parts.join(" ")})`;
  }
  const parts = Array.from({ length: 3 }, () => fpcoreBody(rng, vars, Math.floor((size - 1) / 3), g));
  return `(${rng.pick(TERNARY)} ${parts.join(" ")})`;
}

/** A random FPCore condition: comparisons (chains too), connectives, predicates, TRUE and FALSE. */
function fpcoreCondition(rng: Rng, sub: () => string): string {
  const r = rng.next();
  if (r < 0.05) return rng.pick(["TRUE", "FALSE"]);
  if (r < 0.12) return `(${rng.pick(["isnan", "isinf", "isfinite", "signbit"])} ${sub()})`;
  if (r < 0.25) return `(not ${fpcoreCondition(rng, sub)})`;
  if (r < 0.4) return `(${rng.pick(["and", "or"])} ${fpcoreCondition(rng, sub)} ${fpcoreCondition(rng, sub)})`;
  const k = rng.next() < 0.2 ? 3 : 2;
  return `(${rng.pick(["<", "<=", ">", ">=", "==", "!="])} ${Array.from({ length: k }, sub).join(" ")})`;
}

/** A random infix expression over `vars`. */
export function infixBody(rng: Rng, vars: readonly string[], size: number, g: Grammar = GRAMMAR): string {
  if (size <= 0 || rng.next() < 0.1) return vars.length > 0 && rng.next() < 0.65 ? rng.pick(vars) : literal(rng);
  const r = rng.next();
  const sub = () => infixBody(rng, vars, (size - 1) >> 1, g);
  if (r < 0.25) {
    const f = rng.pick(INFIX_FUNCS);
    const arity = ["min", "max", "pow", "hypot"].includes(f) ? 2 : f === "fma" ? 3 : 1;
    return `${f}(${Array.from({ length: arity }, sub).join(", ")})`;
  }
  if (g >= 2 && r >= 0.25 && r < 0.3 && rng.next() < 0.9) {
    const cmp = () => `${sub()} ${rng.pick(["<", "<=", ">", ">=", "==", "!="])} ${sub()}`;
    const cond = rng.next() < 0.3 ? `${cmp()} ${rng.pick(["&&", "||"])} !(${cmp()})` : cmp();
    return `(${cond} ? ${sub()} : ${sub()})`;
  }
  if (r < 0.35) return `-(${sub()})`;
  if (r < 0.45) return `(${sub()})`;
  return `${sub()} ${rng.pick(["+", "-", "*", "/", "^"])} ${sub()}`;
}

function pre(rng: Rng, vars: readonly string[]): string {
  const parts = vars.map((v) => {
    const lo = rng.next() < 0.1 ? rng.pick(["-INFINITY", "NAN", "1"]) : String(-rng.int(100));
    const hi = rng.next() < 0.1 ? rng.pick(["INFINITY", "NAN", "0"]) : String(1 + rng.int(100));
    return `(<= ${lo} ${v} ${hi})`;
  });
  return parts.length === 1 ? parts[0] : `(and ${parts.join(" ")})`;
}

/** A benchmark name: usually plain, sometimes long, odd or hostile. */
export function benchName(rng: Rng): string {
  const r = rng.next();
  if (r < 0.6) return `kernel ${rng.int(1000)}`;
  if (r < 0.8) return hostileName(rng);
  if (r < 0.9) return "n".repeat(1 + rng.int(20000));
  return rng.pick(["ünïcödé", "名前", "tab\there", 'quote"d', "back\\slash", "", " "]);
}

/** FPCore string syntax: `"` and `\` escaped, everything else as is. */
export function fpcoreString(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

export function fpcoreForm(rng: Rng, g: Grammar = GRAMMAR): string {
  const n = 1 + rng.int(3);
  const vars = Array.from({ length: n }, (_, i) => varName(rng, i));
  const props: string[] = [];
  if (rng.next() < 0.8) props.push(`:name ${fpcoreString(benchName(rng))}`);
  if (rng.next() < 0.5) props.push(`:pre ${pre(rng, vars)}`);
  if (rng.next() < 0.2) props.push(":precision binary32");
  return `(FPCore (${vars.join(" ")}) ${props.join(" ")} ${fpcoreBody(rng, vars, rng.int(12), g)})`;
}

function jsonlRecord(rng: Rng, i: number, g: Grammar): string {
  const vars = Array.from({ length: 1 + rng.int(3) }, (_, k) => varName(rng, k));
  const rec: Record<string, unknown> = {
    id: rng.next() < 0.3 ? benchName(rng) : `r${i}`,
    expr: fpcoreBody(rng, vars, rng.int(10), g),
    vars,
  };
  if (rng.next() < 0.4) rec.ranges = Object.fromEntries(vars.map((v) => [v, [-rng.int(10), rng.int(10)]]));
  if (rng.next() < 0.3) rec.name = benchName(rng);
  return JSON.stringify(rec);
}

/** A grammatical input of `format` (which may still be wrong: undeclared names, bad arity). */
export function grammatical(rng: Rng, format: Format, g: Grammar = GRAMMAR): FuzzInput {
  const vars = ["x", "y", "z"].slice(0, 1 + rng.int(3));
  const size = rng.int(14);
  switch (format) {
    case "fpcore-file":
      return {
        format,
        kind: "grammar",
        text: Array.from({ length: 1 + rng.int(3) }, () => fpcoreForm(rng, g)).join("\n"),
      };
    case "fpcore-expr":
      return { format, kind: "grammar", text: fpcoreBody(rng, vars, size, g) };
    case "infix":
      return { format, kind: "grammar", text: infixBody(rng, vars, size, g) };
    case "jsonl":
      return {
        format,
        kind: "grammar",
        text: Array.from({ length: 1 + rng.int(4) }, (_, i) => jsonlRecord(rng, i, g)).join("\n") + "\n",
      };
  }
}

/** A body in `format` syntax, for the shapes below. */
function wrap(format: Format, body: string, vars = ["x"], name = "shape"): string {
  switch (format) {
    case "fpcore-file":
      return `(FPCore (${vars.join(" ")}) :name ${fpcoreString(name)} ${body})`;
    case "jsonl":
      return JSON.stringify({ id: name, expr: body, vars }) + "\n";
    default:
      return body;
  }
}

/** A size drawn on a log scale, so that both small and huge cases come up. */
function logSize(rng: Rng, lo: number, hi: number): number {
  return Math.round(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo))));
}

/** The shapes that stress depth, width and sharing, in `format`. */
export const SHAPES: Readonly<Record<string, (rng: Rng, format: Format) => string>> = {
  "deep-nesting": (rng, format) => {
    const d = logSize(rng, 50, 12000);
    if (format === "infix") {
      return rng.next() < 0.5 ? "sqrt(".repeat(d) + "x" + ")".repeat(d) : "(".repeat(d) + "x" + ")".repeat(d);
    }
    return wrap(format, "(sqrt ".repeat(d) + "x" + ")".repeat(d));
  },
  "unbalanced": (rng, format) => {
    const d = logSize(rng, 1, 12000);
    const open = rng.next() < 0.7;
    const body = open ? "(".repeat(d) + "+ x 1" : "(+ x 1" + ")".repeat(d + 1);
    return format === "jsonl" ? wrap(format, body) : body;
  },
  "wide-sum": (rng, format) => {
    const n = logSize(rng, 10, 20000);
    if (format === "infix") return Array.from({ length: n }, (_, i) => (i % 2 ? "x" : "y")).join(" + ");
    return wrap(format, `(+ ${Array.from({ length: n }, (_, i) => (i % 3 ? "x" : String(i))).join(" ")})`, ["x"]);
  },
  "let-doubling": (rng, format) => {
    const d = rng.pick([1, 2, 5, 10, 16, 20, 24, 30]);
    let body = "a";
    for (let i = 0; i < d; i++) body = `(let ([a (+ a a)]) ${body})`;
    const text = `(let ([a x]) ${body})`;
    return format === "infix" ? `x + ${"(x + x) * ".repeat(d)}x` : wrap(format, text);
  },
  "special-literal": (rng, format) => {
    const lit = rng.pick(SPECIAL_LITERALS);
    if (format === "infix") return `x * ${lit.startsWith("(") ? "1" : lit} + 1`;
    return wrap(format, `(+ (* x ${lit}) ${rng.pick(SPECIAL_LITERALS)})`);
  },
  "hostile-name": (rng, format) => {
    const name = hostileName(rng) + (rng.next() < 0.5 ? hostileName(rng) : "");
    if (format === "fpcore-file") return `(FPCore (x y) :name ${fpcoreString(name)} (+ (* x y) 1))`;
    if (format === "jsonl") return JSON.stringify({ id: name, name, expr: "(+ (* x y) 1)", vars: ["x", "y"] }) + "\n";
    return format === "infix" ? `x * ${name}` : `(+ x ${name})`;
  },
  "long-name": (rng, format) => {
    const v = "v" + "w".repeat(logSize(rng, 100, 200000));
    return wrap(format, `(+ ${v} 1)`, [v], "n".repeat(logSize(rng, 100, 100000)));
  },
  "duplicate-var": (rng, format) => {
    if (format === "fpcore-file") return `(FPCore (x x ${rng.next() < 0.5 ? "y" : "x"}) (+ x 1))`;
    if (format === "jsonl") return JSON.stringify({ id: "d", expr: "(+ x 1)", vars: ["x", "x"] }) + "\n";
    return format === "infix" ? "x + x" : "(let ([x 1] [x 2]) x)";
  },
  "undeclared-var": (_rng, format) => wrap(format === "infix" ? "fpcore-expr" : format, "(+ x undeclared)", ["x"]),
  "unknown-op": (rng, format) => {
    const op = rng.pick(["frobnicate", "if", "while", "array", "<", "and", "TRUE", "cast", "!", "digits", "d"]);
    return format === "infix" ? `${op}(x)` : wrap(format, `(${op} x 1)`);
  },
  "wrong-arity": (rng, format) => {
    const body = rng.pick([
      "(sqrt x x)",
      "(fma x)",
      "(+)",
      "(- )",
      "(pow x)",
      "(exp)",
      "(/ x)",
      "(let)",
      "(let ([a]) a)",
    ]);
    return format === "infix" ? rng.pick(["sqrt(x, x)", "fma(x)", "pow(x)", "max()"]) : wrap(format, body);
  },
};

export const SHAPE_NAMES = Object.keys(SHAPES);

/** A seed input: a grammatical one, or one of the shapes. */
export function seedInput(rng: Rng, g: Grammar = GRAMMAR): FuzzInput {
  const format = rng.pick(FORMATS);
  // Mostly grammar: the shapes are few and known, and the big ones take time to read.
  if (rng.next() < 0.85) return grammatical(rng, format, g);
  const kind = rng.pick(SHAPE_NAMES);
  return { format, kind, text: SHAPES[kind](rng, format) };
}
