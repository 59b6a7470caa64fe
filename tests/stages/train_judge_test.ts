/**
 * The train-judge stage: bad input lines are reported with their line
 * number and field, records with an error field are left out, and measured
 * records become weights that load back.
 */
import assert from "node:assert/strict";
import { readMeasured } from "../../pipeline/stages/train_judge.ts";
import { JsonlError } from "../../pipeline/records/jsonl.ts";
import { loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { readSummary } from "../../pipeline/nnue/train_judge.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { runCli } from "./run_cli.ts";

const MACHINE = {
  hash: "m",
  cpu: "test cpu",
  cpu_id: "0",
  cpu_flags: ["avx2"],
  cores: 2,
  compiler: "gcc 12",
  glibc: "2.36",
};

/** A measured variant record as bench writes it (the kernel fields do not matter here). */
function measured(of: string, k: number, expr: string, ns: number) {
  return {
    id: `${of}#v${k}`,
    of,
    how: k === 0 ? "original" : "walk:original",
    expr,
    vars: ["x", "y"],
    ranges: { x: [0.5, 2], y: [0.5, 2] },
    ns_per_elem: ns,
    ratio: ns / 0.3,
    ref_ns_per_elem: 0.3,
    cv: 0.01,
    reps: 100,
    n: 4096,
    machine: MACHINE,
    max_ulp: 1,
    mean_ulp: 0.5,
  };
}

function stream(text: string): ReadableStream<Uint8Array> {
  return ReadableStream.from([new TextEncoder().encode(text)]);
}

Deno.test("readMeasured names the line and field of a bad record; error records are counted", async () => {
  const good = JSON.stringify(measured("k", 0, "(+ x y)", 0.1));
  const failed = JSON.stringify({
    id: "k#v1",
    expr: "(+ x y)",
    vars: ["x"],
    error: { stage: "bench", message: "crash" },
  });
  const noTime = JSON.stringify({ ...measured("k", 2, "(* x y)", 0.1), ns_per_elem: undefined });
  await assert.rejects(
    () => readMeasured(stream(`${good}\n${failed}\n\n${noTime}\n`)),
    (e: unknown) => e instanceof JsonlError && /^line 4: ns_per_elem: /.test(e.message),
  );
  await assert.rejects(
    () => readMeasured(stream(`${good}\n{not json\n`)),
    (e: unknown) => e instanceof JsonlError && /^line 2: malformed JSON/.test(e.message),
  );
  const noOf = JSON.stringify({ ...measured("k", 3, "(* x y)", 0.1), of: undefined });
  await assert.rejects(
    () => readMeasured(stream(`${noOf}\n`)),
    (e: unknown) => e instanceof JsonlError && /^line 1: of: /.test(e.message),
  );
  const r = await readMeasured(stream(`${good}\n${failed}\n${noTime}\n`), "skip");
  assert.equal(r.records.length, 1);
  assert.equal(r.errors, 1);
  assert.deepEqual(r.skipped.map((e) => e.line), [3]);
});

Deno.test("train-judge: line-numbered error and exit code 1 for a bad line; weights that load back", async () => {
  const bad = await runCli(
    ["train-judge", "--out", Deno.makeTempDirSync()],
    `${JSON.stringify(measured("k", 0, "(+ x y)", 0.1))}\n{"id":3}\n`,
  );
  assert.equal(bad.code, 1);
  assert.match(bad.err, /train-judge: error: line 2: /);

  // Kernels whose variants cost about their op count: something to learn.
  const rng = new Rng(2);
  const forms = ["(+ x y)", "(* (+ x y) x)", "(sqrt (+ x y))", "(exp (* x y))", "(/ (exp x) (+ y 1))", "(log (+ x y))"];
  const lines: string[] = [];
  for (let k = 0; k < 20; k++) {
    forms.forEach((f, i) =>
      lines.push(JSON.stringify(measured(`kernel-${k}`, i, f, (0.05 + 0.1 * i) * (1 + 0.05 * rng.next()))))
    );
  }
  const dir = Deno.makeTempDirSync();
  const ok = await runCli(
    ["train-judge", "--out", dir, "--epochs", "3", "--validation", "0.3"],
    lines.join("\n") + "\n",
  );
  assert.equal(ok.code, 0, ok.err);
  const summary = JSON.parse(ok.out.trim());
  assert.equal(summary.records, lines.length);
  assert.ok(summary.validationKernels.length > 0 && summary.trainKernels.length > 0);
  assert.deepEqual(summary.validationKernels.filter((k: string) => summary.trainKernels.includes(k)), []);
  assert.deepEqual(readSummary(dir)?.trainKernels, summary.trainKernels);
  using nw = loadNetwork(dir);
  assert.equal(nw.fs.depth, summary.config.depth);
});
