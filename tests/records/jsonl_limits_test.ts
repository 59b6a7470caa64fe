import assert from "node:assert/strict";
import { ExpressionRecord } from "../../pipeline/records/schema.ts";
import { collect, type Line, lineSplitter, MAX_LINE_CHARS, parseRecords } from "../../pipeline/records/jsonl.ts";
import { runJsonlStage } from "../../pipeline/stages/cli.ts";
import { Rng } from "../../pipeline/expr/random.ts";

/** What the splitter must give: every line, numbered, \r\n as \n, long ones marked. */
function reference(text: string, maxChars: number): Line[] {
  const raw = text.split("\n");
  if (raw[raw.length - 1] === "") raw.pop();
  return raw.map((r, i) => {
    const t = r.endsWith("\r") ? r.slice(0, -1) : r;
    return t.length > maxChars ? { line: i + 1, text: "", tooLong: true } : { line: i + 1, text: t };
  });
}

/** Cuts `text` into chunks at random places (empty chunks included). */
function chunks(rng: Rng, text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = rng.next() < 0.1 ? 0 : 1 + rng.int(rng.next() < 0.5 ? 4 : 200);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

Deno.test("quadratic time: lines split across any chunking, long ones whole, are the reference lines", async () => {
  const rng = new Rng(4);
  for (let k = 0; k < 300; k++) {
    const maxChars = 1 + rng.int(60);
    const lines = Array.from({ length: rng.int(8) }, () => {
      const len = rng.pick([0, 1, maxChars - 1, maxChars, maxChars + 1, rng.int(3 * maxChars), 5000]);
      const body = Array.from({ length: Math.max(len, 0) }, () => rng.pick(["a", "é", " ", "{", "\r", "😀"])).join("");
      return body + (rng.next() < 0.3 ? "\r" : "");
    });
    const text = lines.join("\n") + (rng.next() < 0.5 ? "\n" : "");
    const got = await collect(ReadableStream.from(chunks(rng, text)).pipeThrough(lineSplitter(maxChars)));
    assert.deepEqual(got, reference(text, maxChars), JSON.stringify({ text, maxChars }));
  }
});

Deno.test("quadratic time: a line of several MB in 64 KiB chunks comes out whole", async () => {
  const rec = JSON.stringify({ id: "long", expr: "(+ x 1)", vars: ["x"], pad: "p".repeat(5_000_000) });
  const text = `${rec}\n${rec}`;
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 65536) parts.push(text.slice(i, i + 65536));
  const got = await collect(ReadableStream.from(parts).pipeThrough(lineSplitter()));
  assert.equal(got.length, 2);
  assert.equal(got[0].text, rec);
  assert.equal(got[1].text, rec);
});

Deno.test("quadratic time: a line past the limit is refused with its line number, the others still read", async () => {
  assert.equal(MAX_LINE_CHARS, 16 * 1024 * 1024);
  const good = (id: string) => JSON.stringify({ id, expr: "(+ x 1)", vars: ["x"] });
  const text = [good("a"), "x".repeat(100), good("b")].join("\n");
  const skipped: string[] = [];
  const recs = await collect(
    ReadableStream.from([text]).pipeThrough(lineSplitter(50)).pipeThrough(
      parseRecords(ExpressionRecord, { onError: "skip", onSkip: (e) => skipped.push(e.message) }),
    ),
  );
  assert.deepEqual(recs.map((r) => r.id), ["a", "b"]);
  assert.deepEqual(skipped, [`line 2: line longer than ${MAX_LINE_CHARS} characters (the line-length limit)`]);
});

Deno.test("quadratic time: a stage refuses a line over 16 MiB by number, with exit 1, after the records before it", async () => {
  const good = JSON.stringify({ id: "a", expr: "(+ x 1)", vars: ["x"] });
  const huge = "y".repeat(MAX_LINE_CHARS + 10);
  const enc = new TextEncoder();
  const out: Uint8Array[] = [];
  const code = await runJsonlStage(
    "t",
    ExpressionRecord,
    new TransformStream(),
    "stop",
    ReadableStream.from([enc.encode(good + "\n"), enc.encode(huge), enc.encode("\n" + good + "\n")]),
    new WritableStream({ write: (c) => void out.push(c) }),
  );
  assert.equal(code, 1);
  assert.equal(
    new TextDecoder().decode(out.reduce((a, b) => new Uint8Array([...a, ...b]), new Uint8Array())),
    good + "\n",
  );
});
