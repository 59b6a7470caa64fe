/**
 * Every reproducer the fuzzer saved must now be answered cleanly through its
 * entry point: a clean error or accepted, never a crash, a hang, an
 * injection or output that reads back differently.
 */
import assert from "node:assert/strict";
import { makeInput } from "../../pipeline/fuzz/campaign.ts";
import { runCli } from "../../pipeline/fuzz/cli_run.ts";
import { isFailure, type Verdict } from "../../pipeline/fuzz/classify.ts";
import { loadCorpus } from "../../pipeline/fuzz/corpus.ts";
import { ReaderPool } from "../../pipeline/fuzz/pool.ts";

Deno.test("fuzz corpus: every saved reproducer is now answered cleanly", async () => {
  const corpus = loadCorpus();
  // The bar: every input answered within 5 s.
  const pool = new ReaderPool(2, 5000);
  const failed: string[] = [];
  try {
    await Promise.all(corpus.map(async ({ file, text, entry }) => {
      let input = text;
      if (input === null) {
        const made = makeInput(entry.seed, entry.index, entry.grammar ?? 1);
        assert.equal(made.text.length, entry.originalLength, `${file}: the generator no longer makes this input`);
        input = made.text;
      }
      const v: Verdict = entry.entry === "reader"
        ? await pool.run(entry.format, input)
        : await runCli(entry.entry, entry.format, input, 10_000);
      if (isFailure(v)) failed.push(`${file} (${entry.entry}, found as ${entry.class}): ${v.cls}: ${v.detail}`);
    }));
  } finally {
    pool.close();
  }
  assert.deepEqual(failed, [], `${failed.length} of ${corpus.length} reproducers still fail`);
});
