/**
 * The one way text from the input (benchmark names, `:name`, JSONL ids,
 * variable names, file names in the command line) reaches generated C: as
 * comment text, as a string literal, or as an identifier.
 *
 * C removes comments only in translation phase 3, after trigraphs (phase 1)
 * and backslash-newline splicing (phase 2). So replacing `*` `/` is not
 * enough: a `\` at the end of a line, or the trigraph `??/` that means `\`,
 * glues the next line on and can rebuild `*` `/` across the two. The
 * writers here therefore never put a backslash, a `??` pair, a line break
 * or any byte outside printable ASCII into a comment, and never let `*` and
 * `/` touch there; a string literal holds only a safe alphabet and
 * fixed-length octal escapes; an identifier is made of [A-Za-z0-9_] only.
 *
 * @example
 * cCommentText("a\\ b ??/");    // "a<U+005C> b ? ?/"
 * cStringLiteral('say "hi"\n'); // "\"say \\042hi\\042\\012\""
 * cIdentifier("x_", "my-kernel"); // "x_my_2d_kernel__"
 */

/** Characters written as themselves in a comment: printable ASCII but the backslash. */
function commentChar(c: string): boolean {
  const k = c.charCodeAt(0);
  return c.length === 1 && k >= 0x20 && k <= 0x7e && c !== "\\";
}

/** `<U+XXXX>`: a character named without the character itself (and without a backslash). */
function codePointName(c: string): string {
  return `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/**
 * `s` as text for inside a C comment, on one line: nothing in it can end
 * the comment, start a nested one, splice lines or form a trigraph, so the
 * comment around it stays one comment whatever `s` holds.
 */
export function cCommentText(s: string): string {
  let out = "";
  for (const c of s) {
    const prev = out[out.length - 1];
    if (!commentChar(c)) out += codePointName(c);
    // A space keeps `*/`, `/*` and `??` apart, whichever side came from the input.
    else if ((c === "/" && prev === "*") || (c === "*" && prev === "/") || (c === "?" && prev === "?")) {
      out += " " + c;
    } else out += c;
  }
  return out;
}

/** `/* s *\/` on one line. */
export function cComment(s: string): string {
  return `/* ${cCommentText(s)} */`;
}

/** A block comment of `lines` (each made safe), ` * ` before each, `indent` before that. */
export function cBlockComment(lines: readonly string[], indent = ""): string {
  const body = lines.map((l) => `${indent} * ${cCommentText(l)}`.trimEnd());
  return [`${indent}/*`, ...body, `${indent} */`].join("\n");
}

/** Bytes written as themselves in a string literal: no `"`, `\`, `?` (trigraphs), no controls. */
const LITERAL_SAFE = /^[A-Za-z0-9 !#$%&'()*+,\-./:;<=>@[\]^_`{|}~]$/;

/**
 * `s` (as UTF-8) as a C string literal, quotes included. Every other byte
 * is a three-digit octal escape: an octal escape ends after three digits,
 * so a digit that follows cannot be read into it (a hex escape would).
 */
export function cStringLiteral(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && LITERAL_SAFE.test(c) ? c : "\\" + b.toString(8).padStart(3, "0");
  }
  return out + '"';
}

/** Names kept as they are: letters and digits in runs joined by single underscores. */
const PLAIN_NAME = /^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$/;

/**
 * A C identifier for `name` behind `prefix` (which must start with a
 * letter and end with `_`, e.g. `x_`, `kopt_`), one-to-one: two different
 * names never give one identifier. A plain name stays as it is; in any
 * other name each character outside [A-Za-z0-9] is written
 * `_<hex code point>_` and the whole gets a `__` suffix, which no plain
 * name has (it has no `__`), so the two kinds never meet and each decodes
 * one way. The prefix keeps it clear of keywords, of our own symbols
 * (`k_`, `p_`, `kop_`) and of names reserved to the implementation
 * (`_X...`, `__...`).
 */
export function cIdentifier(prefix: string, name: string): string {
  if (!/^[a-z][a-z0-9]*_$/.test(prefix)) throw new Error(`identifier prefix ${JSON.stringify(prefix)}`);
  if (PLAIN_NAME.test(name)) return prefix + name;
  let out = "";
  for (const c of name) out += /^[A-Za-z0-9]$/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}_`;
  return prefix + out + "__";
}

/**
 * Identifiers for a list of names in one scope: `cIdentifier` of each, and
 * a repeated name gets `__2`, `__3`, ...: no identifier of `cIdentifier`
 * ends in `__` and digits, so a numbered one cannot meet another name's.
 */
export function cIdentifiers(prefix: string, names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const base = cIdentifier(prefix, n);
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}__${k}`;
  });
}
