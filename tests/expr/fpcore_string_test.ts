import assert from "node:assert/strict";
import { parseExpr, parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";
import { printFPCoreForm } from "../../pipeline/expr/print.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { fpcoreString, readOne } from "../../pipeline/expr/sexpr.ts";

/** Characters that broke or could break a string round trip, and ordinary ones. */
const ALPHABET = [
  ..."abcXYZ019 _-:;()[]{}*/#",
  '"',
  "\\",
  "\n",
  "\r",
  "\t",
  "\u0000",
  "\u001b",
  "é",
  "ß",
  "中",
  "😀",
  "\u2028",
  "\\n",
  '\\"',
  "*/",
  "/*",
];

function randomName(rng: Rng): string {
  return Array.from({ length: rng.int(24) }, () => rng.pick(ALPHABET)).join("");
}

Deno.test("round trip: random :name strings survive printFPCoreForm and the FPCore reader", () => {
  const rng = new Rng(7);
  const body = parseExpr("(+ (* x y) 1)");
  for (let k = 0; k < 2000; k++) {
    const name = randomName(rng);
    const text = printFPCoreForm(body, { name, vars: ["x", "y"], ranges: { x: [0, 1] } });
    const { benchmarks, errors } = parseFPCoreFile(text);
    assert.deepEqual(errors, [], JSON.stringify(text));
    assert.equal(benchmarks[0].name, name, JSON.stringify(text));
    assert.equal(benchmarks[0].expr, body);
  }
});

Deno.test("round trip: fpcoreString writes only the escapes the FPCore standard defines", () => {
  const rng = new Rng(8);
  for (let k = 0; k < 2000; k++) {
    const s = randomName(rng);
    const written = fpcoreString(s);
    // Every backslash escapes a quote or a backslash; nothing else is escaped.
    assert.match(written, /^"([^"\\]|\\["\\])*"$/s);
    const read = readOne(written);
    assert.equal(read.kind, "string");
    assert.equal(read.kind === "string" ? read.text : null, s);
  }
  assert.equal(fpcoreString('a\nb"c\\d'), '"a\nb\\"c\\\\d"');
});
