import assert from "node:assert/strict";
import { join } from "node:path";
import { Rng } from "../../pipeline/expr/random.ts";
import {
  cBlockComment,
  cComment,
  cCommentText,
  cIdentifier,
  cIdentifiers,
  cStringLiteral,
} from "../../pipeline/kernel/c_text.ts";

/** Pieces that have closed, spliced or escaped C comments and literals somewhere. */
const HOSTILE = [
  "\\",
  "\\\n",
  "\\\r\n",
  "\n",
  "\r",
  "\0",
  "*/",
  "/*",
  "*",
  "/",
  "//",
  "??/",
  "??/\n",
  "??=",
  "??'",
  "?",
  '"',
  "'",
  "#include <stdio.h>\n",
  "#define before_0 after_0\n",
  "int injected_sym = 1;",
  " int injected_fn(void) { return 0; } ",
  "é",
  "😀",
  "\u2028",
  "\ud800",
  "\x7f",
  "\t",
  "\f",
  "\v",
  "a",
  "0",
  " ",
  "\\x41",
  "\\101",
  "%",
];

function hostile(rng: Rng): string {
  let s = "";
  const n = rng.int(12);
  for (let i = 0; i < n; i++) s += HOSTILE[rng.int(HOSTILE.length)];
  return s;
}

/** Random strings, plus the shapes a fuzzer or an attacker tries first. */
function samples(seed: number, count: number): string[] {
  const rng = new Rng(seed);
  const fixed = [
    "",
    "x*\\\n/ int injected_sym = 1; /\\\n*",
    "x*??/\n/ int injected_sym = 1; /??/\n*",
    "*/ int injected_sym = 1; /*",
    "\\",
    "??/",
    "/*/",
    "*//*",
  ];
  return [...fixed, ...Array.from({ length: count }, () => hostile(rng))];
}

async function run(cmd: string, args: string[], cwd: string): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { ok: r.success, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** The tokens of `src` after preprocessing (gcc -E -P), whitespace-separated. */
async function tokens(dir: string, src: string, flags: string[]): Promise<string[]> {
  await Deno.writeTextFile(join(dir, "t.c"), src);
  const r = await run("gcc", [...flags, "-E", "-P", "t.c"], dir);
  assert.ok(r.ok, r.err);
  return r.out.split(/\s+/).filter((t) => t !== "");
}

/** The global symbols `nm` shows for `src` compiled with `flags`. */
async function symbols(dir: string, src: string, flags: string[]): Promise<string[]> {
  await Deno.writeTextFile(join(dir, "t.c"), src);
  const c = await run("gcc", [...flags, "-c", "t.c", "-o", "t.o"], dir);
  assert.ok(c.ok, c.err);
  const nm = await run("nm", ["--defined-only", "-g", "t.o"], dir);
  assert.ok(nm.ok, nm.err);
  return nm.out.trim().split("\n").map((l) => l.trim().split(/\s+/)[2]).filter((s) => s !== undefined).sort();
}

/** -std=c99 turns trigraphs on (`??/` is a backslash), gnu11 leaves them off: both must hold. */
const DIALECTS = [["-std=c99"], ["-std=gnu11"], ["-trigraphs"]];

Deno.test("C text: a comment of any input text stays one comment (preprocessor and nm)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const texts = samples(15, 400);
    const lines: string[] = [];
    const want: string[] = [];
    texts.forEach((t, i) => {
      lines.push(`int before_${i} = 1; ${cComment(t)} int after_${i} = 2;`);
      lines.push(cBlockComment([t, "second " + t, t]), `int block_${i} = 3;`);
      want.push(`int before_${i} = 1; int after_${i} = 2;`, `int block_${i} = 3;`);
    });
    const src = lines.join("\n") + "\n";
    const expected = want.join(" ").split(/\s+/);
    const syms = texts.flatMap((_, i) => [`after_${i}`, `before_${i}`, `block_${i}`]).sort();
    for (const flags of DIALECTS) {
      assert.deepEqual(await tokens(dir, src, flags), expected, `tokens under ${flags}`);
      assert.deepEqual(await symbols(dir, src, flags), syms, `symbols under ${flags}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("C text: comment text is printable ASCII without backslashes, '??', '*/' or '/*'", () => {
  for (const t of samples(16, 3000)) {
    const c = cCommentText(t);
    assert.match(c, /^[\x20-\x5b\x5d-\x7e]*$/);
    assert.ok(!c.includes("*/") && !c.includes("/*") && !c.includes("??"), JSON.stringify([t, c]));
  }
  assert.equal(cCommentText("a */ b /* c"), "a * / b / * c");
  assert.equal(cCommentText("x\\"), "x<U+005C>");
  assert.equal(cCommentText("é\n"), "<U+00E9><U+000A>");
  assert.equal(cCommentText("/*/"), "/ * /");
  assert.equal(cCommentText("???/"), "? ? ?/");
});

Deno.test("C text: a string literal of any input text holds exactly its UTF-8 bytes and nothing leaks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const texts = samples(17, 300);
    const src = [
      "#include <stdio.h>",
      ...texts.map((t, i) => `static const char s_${i}[] = ${cStringLiteral(t)};`),
      "static void hex(const char *s, size_t n) {",
      '  for (size_t i = 0; i < n; i++) printf("%02x", (unsigned char)s[i]);',
      '  printf("\\n");',
      "}",
      "int main(void) {",
      ...texts.map((_, i) => `  hex(s_${i}, sizeof s_${i} - 1);`),
      "  return 0;",
      "}",
    ].join("\n");
    const want = texts.map((t) =>
      [...new TextEncoder().encode(t)].map((b) => b.toString(16).padStart(2, "0")).join("")
    );
    for (const flags of DIALECTS) {
      await Deno.writeTextFile(join(dir, "t.c"), src);
      const c = await run("gcc", [...flags, "-Wall", "-Werror", "t.c", "-o", "t"], dir);
      assert.ok(c.ok, c.err);
      const r = await run(join(dir, "t"), [], dir);
      assert.deepEqual(r.out.split("\n").slice(0, -1), want, `bytes under ${flags}`);
      assert.deepEqual(await symbols(dir, src, flags), ["main"], "no symbol but main");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(cStringLiteral('a"b\\?\n0'), '"a\\042b\\134\\077\\0120"');
});

/** Every name over a small alphabet up to length `n`: the names most likely to collide. */
function allNames(alphabet: readonly string[], n: number): string[] {
  let level = [""];
  const out = [""];
  for (let k = 0; k < n; k++) {
    level = level.flatMap((s) => alphabet.map((c) => s + c));
    out.push(...level);
  }
  return out;
}

const C_KEYWORDS = new Set(
  ("auto break case char const continue default do double else enum extern float for goto if inline int long " +
    "register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while " +
    "_Bool _Complex _Imaginary _Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert _Thread_local")
    .split(" "),
);

Deno.test("C text: identifiers are valid, never keywords or reserved, and one-to-one", async () => {
  const names = [
    ...allNames(["a", "_", "2", "0", " ", "-", "é", "x"], 4),
    ...samples(18, 2000),
    "my kernel",
    "my_kernel",
    "my_20_kernel",
    "my_20_kernel__",
    "a__2",
  ];
  for (const prefix of ["x_", "kopt_"]) {
    const seen = new Map<string, string>();
    for (const n of new Set(names)) {
      const id = cIdentifier(prefix, n);
      assert.match(id, /^[a-z][A-Za-z0-9_]*$/);
      assert.ok(!C_KEYWORDS.has(id) && !id.startsWith("_"));
      const other = seen.get(id);
      assert.ok(other === undefined, `${JSON.stringify(n)} and ${JSON.stringify(other)} both give ${id}`);
      seen.set(id, n);
    }
  }
  assert.equal(cIdentifier("x_", "lambert_diffuse"), "x_lambert_diffuse");
  assert.equal(cIdentifier("x_", "my-kernel"), "x_my_2d_kernel__");
  assert.throws(() => cIdentifier("_", "a"));

  // A list with repeats: unique identifiers, also against names that look like the numbered ones.
  const list = ["a", "a", "a__2", "a_2", "a", "a 2", "", "", "a__"];
  const ids = cIdentifiers("kopt_", list);
  assert.equal(new Set(ids).size, ids.length, ids.join(" "));
  // The C compiler agrees: one definition each, no redefinition error.
  const dir = await Deno.makeTempDir();
  try {
    const all = cIdentifiers("x_", [...list, ...names.slice(0, 3000)]);
    const syms = await symbols(dir, all.map((id) => `int ${id} = 1;`).join("\n") + "\n", ["-std=c99"]);
    assert.deepEqual(syms, [...all].sort());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
