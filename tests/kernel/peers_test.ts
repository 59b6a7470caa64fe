/**
 * Peers: every kernel under gcc and clang at -O2, -O3, -O3 -ffast-math and
 * our own code generator, in one run; derivatives are written out first;
 * the table has a row per kernel and geometric means.
 */
import assert from "node:assert/strict";
import { kernelConfig } from "../../pipeline/kernel/toolchain.ts";
import { completeRows, formatPeersTable, geomean, runPeers } from "../../pipeline/kernel/peers.ts";
import type { ExpressionRecord } from "../../pipeline/records/schema.ts";
import { HOST, ONCE, tempCache } from "./util.ts";

const RECORDS: ExpressionRecord[] = [
  {
    id: "t:hypot",
    name: "hypot-ish",
    expr: "(sqrt (+ (* x x) (* y y)))",
    vars: ["x", "y"],
    ranges: { x: [-2, 2], y: [-2, 2] },
  },
  { id: "t:dexp", expr: "(d x (exp (* x y)))", vars: ["x", "y"], ranges: { x: [-1, 1], y: [-1, 1] } },
];

Deno.test("peers: seven columns per kernel, derivatives expanded, a table with geometric means", async () => {
  const r = await runPeers(RECORDS, { ...ONCE, target: HOST, minMs: 0.5, maxSamples: 100, cacheDir: tempCache() });
  assert.deepEqual(r.columns, [
    "gcc -O2",
    "gcc -O3",
    "gcc -O3 -ffast-math",
    "clang -O2",
    "clang -O3",
    "clang -O3 -ffast-math",
    kernelConfig(HOST).label,
  ]);
  assert.equal(completeRows(r).length, 2, JSON.stringify(r.rows));
  for (const row of r.rows) {
    for (const c of row.cells) {
      assert.ok(c.ok);
      if (c.ok) assert.ok(c.nsPerElem > 0 && c.maxUlp < 16, `${row.id}: ${c.maxUlp} ulp`);
    }
  }
  // Our kernel of sqrt(x^2 + y^2) is correctly rounded step by step: within 2 ulp of float64.
  const kopt = r.rows[0].cells[6];
  assert.ok(kopt.ok && kopt.maxUlp <= 2);
  const table = formatPeersTable(r);
  assert.match(table, /hypot-ish/);
  assert.match(table, /geomean \(2\)/);
  assert.match(table, /speed vs gcc -O3 +\S+ +1\.00x/);
  assert.equal(geomean([1, 4]), 2);
});
