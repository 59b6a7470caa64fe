import assert from "node:assert/strict";
import { z } from "zod";
import { collect, JsonlError, lineSplitter, parseRecords, readLines } from "../../pipeline/records/jsonl.ts";
import { ExpressionRecord } from "../../pipeline/records/schema.ts";
import { runJsonlStage } from "../../pipeline/stages/cli.ts";

const bytes = (s: string) => ReadableStream.from([new TextEncoder().encode(s)]);

Deno.test("line splitter numbers lines across chunk boundaries and CRLF", async () => {
  const chunks = ["a\nb", "b\r\n", "", "c\n\nd"];
  const lines = await collect(ReadableStream.from(chunks).pipeThrough(lineSplitter()));
  assert.deepEqual(lines, [
    { line: 1, text: "a" },
    { line: 2, text: "bb" },
    { line: 3, text: "c" },
    { line: 4, text: "" },
    { line: 5, text: "d" },
  ]);
});

const good = (id: string) => JSON.stringify({ id, expr: "(+ x 1)", vars: ["x"] });

Deno.test("a bad line stops the stream after every good record before it", async () => {
  const input = [good("a"), good("b"), '{"id": "c", "expr": "(+ x 1)"}', good("d")].join("\n");
  let stopped: JsonlError | null = null;
  const recs = await collect(
    readLines(bytes(input)).pipeThrough(parseRecords(ExpressionRecord, { onStop: (e) => (stopped = e) })),
  );
  assert.deepEqual(recs.map((r) => r.id), ["a", "b"]);
  assert.ok(stopped !== null);
  assert.match((stopped as JsonlError).message, /^line 3: vars: /);
});

Deno.test("skip mode goes on and reports each bad line with its number and field", async () => {
  const input = [
    good("a"),
    "{not json",
    JSON.stringify({ id: "b", expr: "(frob x)", vars: ["x"] }),
    JSON.stringify({ id: "c", expr: "(+ x y)", vars: ["x"] }),
    JSON.stringify({ id: "d", expr: "(+ x 1)", vars: ["x"], ranges: { x: [2, 1] } }),
    JSON.stringify({ id: "e", expr: "(+ x 1)", vars: ["x"], extra: { kept: true } }),
  ].join("\n");
  const skipped: string[] = [];
  const recs = await collect(
    readLines(bytes(input)).pipeThrough(
      parseRecords(ExpressionRecord, { onError: "skip", onSkip: (e) => skipped.push(e.message) }),
    ),
  );
  assert.deepEqual(recs.map((r) => r.id), ["a", "e"]);
  assert.deepEqual((recs[1] as Record<string, unknown>).extra, { kept: true }, "unknown fields pass through");
  assert.match(skipped[0], /^line 2: malformed JSON/);
  assert.match(skipped[1], /^line 3: expr: .*unknown operation "frob"/);
  assert.match(skipped[2], /^line 4: expr: uses undeclared variable y/);
  assert.match(skipped[3], /^line 5: ranges\.x: range is empty or inverted/);
});

Deno.test("runJsonlStage writes every good record before a bad line and returns exit code 1", async () => {
  const input = [good("a"), good("b"), "[]", good("c")].join("\n");
  const chunks: Uint8Array[] = [];
  // A slow stage: records are still in flight when the bad line arrives.
  const slow = new TransformStream<ExpressionRecord, ExpressionRecord>({
    async transform(r, ctl) {
      await new Promise((res) => setTimeout(res, 20));
      ctl.enqueue(r);
    },
  });
  const code = await runJsonlStage(
    "test",
    ExpressionRecord,
    slow,
    "stop",
    bytes(input),
    new WritableStream({ write: (c) => void chunks.push(c) }),
  );
  const out = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  assert.equal(code, 1);
  assert.deepEqual(out.trim().split("\n").map((l) => JSON.parse(l).id), ["a", "b"]);
});

Deno.test("schemas reject non-identifier variables and duplicates", () => {
  const r = ExpressionRecord.safeParse({ id: "a", expr: "(+ x 1)", vars: ["x", "x"] });
  assert.equal(r.success, false);
  const s = z.object({ a: z.number() }).safeParse({ a: "1" });
  assert.equal(s.success, false);
});
