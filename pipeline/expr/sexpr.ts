/**
 * S-expression reader with source positions, the first half of the FPCore
 * parser. `(`/`)` and `[`/`]` are both brackets (FPBench uses `[x e]` in
 * `let`), `;` starts a comment, strings are double-quoted with the escapes
 * of the FPCore standard (`\"` and `\\`; any other escaped character
 * stands for itself).
 *
 * Lists nest at most MAX_LIST_DEPTH deep: a deeper list is read over without
 * recursion and kept as a `tooDeep` placeholder, so the reader's stack stays
 * bounded, the form it is in can be refused by name, and the forms after it
 * are still read.
 */
import { MAX_LIST_DEPTH } from "./limits.ts";

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type SExpr =
  | { readonly kind: "atom"; readonly text: string; readonly pos: Pos }
  | { readonly kind: "string"; readonly text: string; readonly pos: Pos }
  | {
    readonly kind: "list";
    readonly items: readonly SExpr[];
    readonly pos: Pos;
    /** A list nested deeper than MAX_LIST_DEPTH, read over: `items` is empty. */
    readonly tooDeep?: true;
  };

/** A parse error that knows where it happened. */
export class ParseError extends Error {
  constructor(
    readonly reason: string,
    readonly pos: Pos,
  ) {
    super(`line ${pos.line}, column ${pos.col}: ${reason}`);
    this.name = "ParseError";
  }
}

const CLOSER: Record<string, string> = { "(": ")", "[": "]" };

/**
 * Reads every top-level S-expression of `src`. A syntax error ends the
 * reading but keeps the forms read before it.
 */
export function readAll(src: string): { forms: SExpr[]; error: ParseError | null } {
  const r = new Reader(src);
  const forms: SExpr[] = [];
  try {
    for (;;) {
      r.skipSpace();
      if (r.done()) return { forms, error: null };
      forms.push(r.read());
    }
  } catch (e) {
    if (e instanceof ParseError) return { forms, error: e };
    throw e;
  }
}

/** Reads exactly one S-expression; trailing text is an error. */
export function readOne(src: string): SExpr {
  const r = new Reader(src);
  r.skipSpace();
  if (r.done()) throw new ParseError("expected an expression, found nothing", r.pos());
  const e = r.read();
  r.skipSpace();
  if (!r.done()) throw new ParseError("unexpected text after the expression", r.pos());
  return e;
}

class Reader {
  private i = 0;
  private depth = 0;
  private line = 1;
  private col = 1;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.i >= this.src.length;
  }

  pos(): Pos {
    return { line: this.line, col: this.col };
  }

  private advance(): string {
    const c = this.src[this.i++];
    if (c === "\n") {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    return c;
  }

  skipSpace(): void {
    while (!this.done()) {
      const c = this.src[this.i];
      if (c === ";") {
        while (!this.done() && this.src[this.i] !== "\n") this.advance();
      } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        this.advance();
      } else {
        return;
      }
    }
  }

  read(): SExpr {
    const pos = this.pos();
    const c = this.src[this.i];
    if (c === "(" || c === "[") {
      if (this.depth >= MAX_LIST_DEPTH) {
        this.skipList();
        return { kind: "list", items: [], pos, tooDeep: true };
      }
      this.depth++;
      this.advance();
      const items: SExpr[] = [];
      for (;;) {
        this.skipSpace();
        if (this.done()) {
          throw new ParseError(
            `expected '${CLOSER[c]}' to close the '${c}' opened at line ${pos.line}, column ${pos.col}`,
            this.pos(),
          );
        }
        const d = this.src[this.i];
        if (d === ")" || d === "]") {
          if (d !== CLOSER[c]) {
            throw new ParseError(
              `expected '${CLOSER[c]}' to close the '${c}' opened at line ${pos.line}, column ${pos.col}, found '${d}'`,
              this.pos(),
            );
          }
          this.advance();
          this.depth--;
          return { kind: "list", items, pos };
        }
        items.push(this.read());
      }
    }
    if (c === ")" || c === "]") {
      throw new ParseError(`unexpected '${c}'`, pos);
    }
    if (c === '"') {
      this.advance();
      let text = "";
      for (;;) {
        if (this.done()) throw new ParseError("unterminated string", pos);
        const d = this.advance();
        if (d === '"') return { kind: "string", text, pos };
        if (d === "\\") {
          if (this.done()) throw new ParseError("unterminated string", pos);
          text += this.advance();
        } else {
          text += d;
        }
      }
    }
    let text = "";
    while (!this.done()) {
      const d = this.src[this.i];
      if (' \t\n\r()[];"'.includes(d)) break;
      text += this.advance();
    }
    return { kind: "atom", text, pos };
  }

  /**
   * Reads over the list that opens here, however deep, with a stack of
   * closers instead of recursion; brackets must still match.
   */
  private skipList(): void {
    const opened: { closer: string; pos: Pos }[] = [];
    do {
      this.skipSpace();
      if (this.done()) {
        const o = opened[0];
        throw new ParseError(
          `expected '${o.closer}' to close the '${o.closer === ")" ? "(" : "["}' opened at line ${o.pos.line}, ` +
            `column ${o.pos.col} (lists nested deeper than ${MAX_LIST_DEPTH} levels (limit))`,
          this.pos(),
        );
      }
      const pos = this.pos();
      const d = this.src[this.i];
      if (d === "(" || d === "[") {
        this.advance();
        opened.push({ closer: CLOSER[d], pos });
      } else if (d === ")" || d === "]") {
        const o = opened.pop()!;
        if (d !== o.closer) {
          throw new ParseError(
            `expected '${o.closer}' to close the '${o.closer === ")" ? "(" : "["}' opened at line ${o.pos.line}, ` +
              `column ${o.pos.col}, found '${d}'`,
            pos,
          );
        }
        this.advance();
      } else {
        this.read(); // an atom or a string: no recursion
      }
    } while (opened.length > 0);
  }
}

/**
 * A string in FPCore syntax that this reader reads back as `text`: only `"`
 * and `\` are escaped, as the FPCore standard defines; every other
 * character (newlines, unicode) is written as itself.
 */
export function fpcoreString(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => "\\" + c)}"`;
}

/** Prints an S-expression back (for error messages and `:pre` round trips). */
export function showSExpr(e: SExpr): string {
  switch (e.kind) {
    case "atom":
      return e.text;
    case "string":
      return fpcoreString(e.text);
    case "list":
      return e.tooDeep ? "(...)" : `(${e.items.map(showSExpr).join(" ")})`;
  }
}
