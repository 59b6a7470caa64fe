/**
 * Mutations of fuzz inputs. Each takes the text and a seeded Rng and
 * returns new text; they know the grammar only as far as tokens and
 * brackets (and JSON for JSONL), so that they make inputs the generator's
 * grammar never would: torn in the middle of a token, with one byte wrong,
 * brackets unbalanced, a literal swapped for a special one, an op name
 * nobody defined, an argument too many or too few.
 */
import type { Rng } from "../expr/random.ts";
import { type Format, type FuzzInput, hostileName, SPECIAL_LITERALS } from "./generate.ts";

export type Mutator = (text: string, rng: Rng) => string;

/** Tokens of S-expression, infix and JSON text alike: brackets, strings, words, whitespace; they join back to the text. */
export function tokenize(text: string): string[] {
  // A scanner, not a regex: a backtracking regex overflows the stack on a string token of 100 kB.
  const out: string[] = [];
  const n = text.length;
  const space = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
  const single = (c: string) => "()[]{},".includes(c);
  let i = 0;
  while (i < n) {
    const c = text[i];
    let j = i + 1;
    if (space(c)) { while (j < n && space(text[j])) j++; }
    else if (c === '"') {
      while (j < n && text[j] !== '"') j += text[j] === "\\" && j + 1 < n ? 2 : 1;
      if (j < n) j++;
    } else if (!single(c)) { while (j < n && !space(text[j]) && !single(text[j]) && text[j] !== '"') j++; }
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

/** Indices of tokens that are words (not brackets, spaces or strings). */
function words(tokens: readonly string[]): number[] {
  return tokens.flatMap((t, i) => /^[^\s()[\]{},"]/.test(t) ? [i] : []);
}

function replaceWord(text: string, rng: Rng, f: (w: string) => string): string {
  const ts = tokenize(text);
  const ws = words(ts);
  if (ws.length === 0) return text;
  const i = rng.pick(ws);
  ts[i] = f(ts[i]);
  return ts.join("");
}

const UNICODE = ["é", "😀", "\u2028", "\u200b", "\ufeff", "\ud800", "\u0000", "\u00a0", "𝑥", "ﬁ", "\u202e", "∞"];

export const MUTATORS: Readonly<Record<string, Mutator>> = {
  truncate: (t, rng) => t.slice(0, rng.int(t.length + 1)),
  "byte-flip": (t, rng) => {
    const b = new TextEncoder().encode(t);
    if (b.length === 0) return t;
    for (let k = 1 + rng.int(3); k > 0; k--) b[rng.int(b.length)] ^= 1 << rng.int(8);
    return new TextDecoder().decode(b);
  },
  "insert-bracket": (t, rng) => {
    const at = rng.int(t.length + 1);
    return t.slice(0, at) + rng.pick(["(", ")", "[", "]", "{", "}"]).repeat(1 + rng.int(3)) + t.slice(at);
  },
  "delete-bracket": (t, rng) => {
    const at = [...t.matchAll(/[()[\]{}]/g)].map((m) => m.index!);
    if (at.length === 0) return t;
    const i = rng.pick(at);
    return t.slice(0, i) + t.slice(i + 1);
  },
  unicode: (t, rng) => {
    const at = rng.int(t.length + 1);
    return t.slice(0, at) + rng.pick(UNICODE) + t.slice(at);
  },
  "special-literal": (t, rng) =>
    replaceWord(t, rng, () => rng.pick(SPECIAL_LITERALS.filter((l) => !l.startsWith("(")))),
  "unknown-op": (t, rng) => {
    const heads = [...t.matchAll(/\(\s*([^\s()[\]"]+)/g)];
    if (heads.length === 0) return t;
    const m = rng.pick(heads);
    const at = m.index! + m[0].length - m[1].length;
    const op = rng.pick(["frobnicate", "sqrtt", "if", "while", "tensor", "<", "and", "not", "ref", "FPCore", "let"]);
    return t.slice(0, at) + op + t.slice(at + m[1].length);
  },
  "wrong-arity": (t, rng) => {
    const ts = tokenize(t);
    const ws = words(ts);
    if (ws.length === 0) return t;
    const i = rng.pick(ws);
    // Drop an argument, or repeat one.
    ts[i] = rng.next() < 0.5 ? "" : `${ts[i]} ${ts[i]}`;
    return ts.join("");
  },
  "rename-var": (t, rng) =>
    replaceWord(t, rng, () => rng.pick(["undeclared", "x", "x.y", "_", "9x", "PI", "TRUE", "a-b", "let"])),
  "hostile-name": (t, rng) => {
    const ts = tokenize(t);
    const strs = ts.flatMap((s, i) => s.startsWith('"') ? [i] : []);
    const name = hostileName(rng);
    if (strs.length === 0) return t + " " + name;
    const i = rng.pick(strs);
    // Inside a JSON or FPCore string: keep it a string of the host syntax.
    ts[i] = JSON.stringify(name);
    return ts.join("");
  },
  "duplicate-span": (t, rng) => {
    const a = rng.int(t.length + 1), b = Math.min(t.length, a + rng.int(64));
    const span = t.slice(a, b);
    return t.slice(0, b) + span.repeat(1 + rng.int(8)) + t.slice(b);
  },
  "deep-wrap": (t, rng) => {
    const d = rng.pick([10, 100, 1000, 5000]);
    const ts = tokenize(t);
    const ws = words(ts);
    if (ws.length === 0) return t;
    const i = rng.pick(ws);
    ts[i] = "(- ".repeat(d) + ts[i] + ")".repeat(d);
    return ts.join("");
  },
};

/** Mutations of JSONL text: its lines, not its expressions. */
export const JSONL_MUTATORS: Readonly<Record<string, Mutator>> = {
  "torn-line": (t, rng) => {
    const lines = t.split("\n");
    const i = rng.int(lines.length);
    lines[i] = lines[i].slice(0, rng.int(lines[i].length + 1));
    return lines.join("\n");
  },
  "huge-line": (t, rng) => {
    const n = rng.pick([1 << 16, 1 << 20, 16 << 20]);
    const filler = rng.next() < 0.5 ? "x".repeat(n) : " ".repeat(n);
    return t + JSON.stringify({ id: "huge", expr: "(+ x 1)", vars: ["x"], pad: filler }) + "\n";
  },
  "wrong-type": (t, rng) => {
    const lines = t.split("\n");
    const i = rng.int(lines.length);
    let rec: unknown;
    try {
      rec = JSON.parse(lines[i]);
    } catch {
      return t;
    }
    if (typeof rec !== "object" || rec === null) return t;
    const keys = ["id", "expr", "vars", "ranges", "name", "tags", "pre"];
    const bad = [null, 1, -1e308, "", [], {}, [[1, 2]], ["x", 1], true, "x".repeat(1000), { lo: 0 }, [1, 0], [0, null]];
    (rec as Record<string, unknown>)[rng.pick(keys)] = rng.pick(bad);
    lines[i] = JSON.stringify(rec);
    return lines.join("\n");
  },
  "not-an-object": (t, rng) => t + rng.pick(["[]", "null", "1", '"s"', "{", "}", "\u0000", "{}{}", "NaN"]) + "\n",
  "blank-and-crlf": (t, rng) => rng.next() < 0.5 ? t.replaceAll("\n", "\r\n") : "\n\n" + t + "\n  \n",
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);
export const JSONL_MUTATOR_NAMES = Object.keys(JSONL_MUTATORS);

/** The mutators that apply to `format`. */
export function mutatorsFor(format: Format): string[] {
  return format === "jsonl" ? [...MUTATOR_NAMES, ...JSONL_MUTATOR_NAMES] : MUTATOR_NAMES;
}

export function applyMutator(name: string, text: string, rng: Rng): string {
  const m = MUTATORS[name] ?? JSONL_MUTATORS[name];
  if (m === undefined) throw new Error(`no mutator ${name}`);
  return m(text, rng);
}

/** `input` after `count` random mutations, its kind naming each. */
/** How often each mutator is drawn, relative to 1: a huge line costs a second to make and to read. */
const WEIGHT: Readonly<Record<string, number>> = { "huge-line": 0.1, "deep-wrap": 0.5 };

export function mutate(input: FuzzInput, rng: Rng, count: number): FuzzInput {
  let text = input.text;
  const names: string[] = [];
  const pool = mutatorsFor(input.format).map((n) => [n, WEIGHT[n] ?? 1] as const);
  for (let i = 0; i < count; i++) {
    const name = rng.weighted(pool);
    text = applyMutator(name, text, rng);
    names.push(name);
  }
  return { format: input.format, text, kind: [input.kind, ...names].join("+") };
}
