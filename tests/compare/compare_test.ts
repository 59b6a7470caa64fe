import assert from "node:assert/strict";
import { join } from "node:path";
import { readCompareResult } from "../../pipeline/compare/results.ts";
import { targets } from "../../pipeline/compare/table.ts";
import { runCli } from "../stages/run_cli.ts";

Deno.test("compare: two kernels through every column in one run; JSON valid; the targets printed", async () => {
  const dir = await Deno.makeTempDir();
  const json = join(dir, "c.json");
  const r = await runCli([
    "compare",
    "--kernels",
    "2",
    "--time",
    "0.2",
    "--rounds",
    "1",
    "--n",
    "256",
    "--front",
    "1",
    "--json",
    json,
  ]);
  assert.equal(r.code, 0, r.err);
  const res = readCompareResult(json);
  assert.equal(res.kernels.length, 2);
  for (const k of res.kernels) {
    for (const c of res.columns) assert.ok(k.cells[c]?.ok, `${k.id} / ${c}`);
    // The guided column is exactly the returned build's measurement.
    assert.deepEqual(k.cells["guided"], k.cells[k.returned.build]);
  }
  assert.match(r.out, /^ns per element/m);
  assert.match(r.out, /^geomean speedup of guided/m);
  assert.match(r.out, /^kernels over the guard/m);
  const lines = r.out.split("\n").filter((l) => /^ {2}\d\. \[(PASS|FAIL|N\/A)\]/.test(l));
  assert.equal(lines.length, 3, "three targets");
  assert.equal(targets(res).length, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("compare and report: bad usage and unreadable inputs are one error and a non-zero exit", async () => {
  const bad = await runCli(["compare", "--corpus", "no/such/dir"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err.split("\n")[0], /compare: --corpus: .*no\/such\/dir/);
  const opt = await runCli(["compare", "--time", "soon"]);
  assert.equal(opt.code, 2);
  assert.match(opt.err.split("\n")[0], /time: must be a number/);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "x.json"), '{"kind": "kopt-compare", "version": 1}');
  const rep = await runCli(["report", "--from", join(dir, "x.json"), "--out", join(dir, "r.html")]);
  assert.equal(rep.code, 1);
  assert.match(rep.err.split("\n")[0], /x\.json: created: /);
  const help = await runCli(["report", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /^usage: deno task report/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("target 3 says where gcc -O3 -ffast-math is faster only by breaking the accuracy guard", () => {
  const canned = readCompareResult(join(import.meta.dirname!, "data", "compare_small.json"));
  const k = canned.kernels[0];
  const fm = k.cells["gcc -O3 -ffast-math"];
  assert.ok(fm.ok);
  const fast = { ...fm, ns: fm.ns / 2, ratio: fm.ratio / 2 };
  const withFm = (maxUlp: number) => ({
    ...canned,
    kernels: [{ ...k, cells: { ...k.cells, "gcc -O3 -ffast-math": { ...fast, maxUlp } } }, ...canned.kernels.slice(1)],
  });
  const accurate = targets(withFm(k.guardLimit))[2];
  assert.equal(accurate.pass, false);
  assert.doesNotMatch(accurate.detail, /breaks the accuracy guard/);
  const sloppy = targets(withFm(k.guardLimit + 1))[2];
  assert.equal(sloppy.pass, false, "still a miss of the target as written");
  assert.match(sloppy.detail, new RegExp(`on 1 of them gcc -O3 -ffast-math breaks the accuracy guard \\(${k.name}`));
});
