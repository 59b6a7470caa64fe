/**
 * A short seeded fuzz run, the one `deno task fuzz` makes by default
 * (5,000 inputs, a sample through the CLI): no crash, hang, injection or
 * output that reads back differently, within 60 s.
 */
import assert from "node:assert/strict";
import { formatReport, runFuzz } from "../../pipeline/fuzz/campaign.ts";

Deno.test("fuzz: a short seeded run finds no defect within 60 s", async () => {
  const r = await runFuzz({
    count: 5000,
    seed: 1,
    timeLimitMs: 5000,
    readerLimitMs: 500,
    cliFraction: 0.003,
    corpusDir: null,
    shrink: false,
    workers: 2,
    cliLanes: 1,
  });
  const text = formatReport(r);
  console.log(text);
  assert.equal(r.byClass.crash + r.byClass.hang + r.byClass.injection + r.byClass.roundtrip, 0, text);
  assert.ok(r.wallMs <= 60_000, `took ${(r.wallMs / 1000).toFixed(1)} s`);
});
