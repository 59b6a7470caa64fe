import assert from "node:assert/strict";
import { Rng } from "../../pipeline/expr/random.ts";
import { makeInput } from "../../pipeline/fuzz/campaign.ts";
import { FORMATS, grammatical, SHAPE_NAMES, SHAPES } from "../../pipeline/fuzz/generate.ts";
import {
  applyMutator,
  JSONL_MUTATOR_NAMES,
  mutate,
  MUTATOR_NAMES,
  mutatorsFor,
  tokenize,
} from "../../pipeline/fuzz/mutate.ts";

Deno.test("fuzz tokenize: tokens join back to the text, whatever it holds", () => {
  const rng = new Rng(3);
  const texts = ['(+ x "a \\" b") [1, 2]', '"unterminated \\', "a\\", "  \n\t", "", "é😀(", '{"id": "x"}'];
  for (let i = 0; i < 300; i++) texts.push(makeInput(5, i).text);
  for (let i = 0; i < 200; i++) texts.push(String.fromCharCode(...Array.from({ length: 20 }, () => rng.int(128))));
  for (const t of texts) assert.equal(tokenize(t).join(""), t);
  assert.deepEqual(tokenize("(+ x 1)"), ["(", "+", " ", "x", " ", "1", ")"]);
  // A 200 kB string token: a backtracking regex would overflow the stack here.
  assert.equal(tokenize(`"${"w".repeat(200_000)}"`).length, 1);
});

Deno.test("fuzz mutators: each is seeded and does what its name says", () => {
  const base = '(FPCore (x y) :name "k" (+ (* x y) (sqrt x)))';
  for (const name of MUTATOR_NAMES) {
    assert.equal(applyMutator(name, base, new Rng(9)), applyMutator(name, base, new Rng(9)), `${name} is seeded`);
  }
  const rng = new Rng(11);
  let changedOps = 0;
  for (let i = 0; i < 50; i++) {
    assert.ok(base.startsWith(applyMutator("truncate", base, rng)));
    const bal = (s: string) => [...s].filter((c) => c === "(").length - [...s].filter((c) => c === ")").length;
    assert.notEqual(bal(applyMutator("delete-bracket", base, rng)), 0);
    assert.match(applyMutator("special-literal", base, rng), /NAN|INF|e|0x|\/|-0|\d{10}/);
    if (applyMutator("unknown-op", base, rng) !== base) changedOps++;
    assert.notEqual(applyMutator("byte-flip", base, rng), base);
  }
  assert.ok(changedOps > 40, `${changedOps} of 50 unknown-op mutations changed an op`);
  const lines = '{"id":"a","expr":"x","vars":["x"]}\n{"id":"b","expr":"x","vars":["x"]}\n';
  for (const name of JSONL_MUTATOR_NAMES) assert.equal(typeof applyMutator(name, lines, new Rng(1)), "string");
  const wrong = applyMutator("wrong-type", lines, new Rng(2));
  assert.notEqual(wrong, lines);
  assert.ok(wrong.split("\n").every((l) => l === "" || JSON.parse(l) !== undefined), "still JSON, wrong types");
  assert.deepEqual(mutatorsFor("infix"), MUTATOR_NAMES);
  assert.ok(mutatorsFor("jsonl").includes("torn-line"));
});

Deno.test("fuzz generators: every format and shape; input i of a seed is always the same", () => {
  const rng = new Rng(1);
  for (const f of FORMATS) for (let i = 0; i < 20; i++) assert.equal(grammatical(rng, f).format, f);
  for (const s of SHAPE_NAMES) for (const f of FORMATS) assert.equal(typeof SHAPES[s](rng, f), "string");
  assert.deepEqual(makeInput(7, 123), makeInput(7, 123));
  assert.notDeepEqual(makeInput(7, 123), makeInput(8, 123));
  const m = mutate({ format: "infix", text: "x + 1", kind: "grammar" }, new Rng(4), 2);
  assert.match(m.kind, /^grammar\+[a-z-]+\+[a-z-]+$/);
  // Both the generator and the mutations reach the literals of the issue.
  const texts = Array.from({ length: 3000 }, (_, i) => makeInput(1, i).text).join("\n");
  for (const needle of ["0x1p999999999999999999999", "*/", "??/", "#include", "NAN", "INFINITY", "let"]) {
    assert.ok(texts.includes(needle), needle);
  }
});
