import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipFile, openMaybeGzip } from "../../pipeline/records/gzip.ts";
import { Rng } from "../../pipeline/expr/random.ts";

async function text(s: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(s).text();
}

Deno.test("gzip: a shipped .jsonl.gz reads back byte for byte; other files pass through unchanged", async () => {
  const dir = Deno.makeTempDirSync();
  const rng = new Rng(3);
  for (let trial = 0; trial < 5; trial++) {
    const lines = Array.from({ length: rng.int(2000) }, (_, i) => JSON.stringify({ id: `k${i}`, ns: rng.range(0, 9) }));
    const body = lines.join("\n") + (lines.length > 0 ? "\n" : "");
    const plain = join(dir, `m${trial}.jsonl`), packed = join(dir, `m${trial}.jsonl.gz`);
    Deno.writeTextFileSync(plain, body);
    const bytes = await gzipFile(plain, packed);
    assert.equal(bytes, Deno.statSync(packed).size);
    if (lines.length > 100) assert.ok(bytes < body.length / 2, `${bytes} of ${body.length}`);
    assert.equal(await text(await openMaybeGzip(packed)), body);
    assert.equal(await text(await openMaybeGzip(plain)), body);
  }
  assert.deepEqual([...Deno.readDirSync(dir)].filter((e) => e.name.includes(".tmp-")), [], "no temporary left");
});
