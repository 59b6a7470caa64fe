import assert from "node:assert/strict";
import { join } from "node:path";
import {
  appendBenchCache,
  benchCacheEntries,
  cacheKey,
  type CacheLine,
  loadBenchCache,
  recordInBenchCache,
} from "../../pipeline/kernel/bench_cache.ts";

const PARTS = {
  expr: "(+ x y)",
  vars: ["x", "y"],
  ranges: { x: [0, 1], y: [2, 3] } as Record<string, [number, number]>,
  compiler: "gcc 12.2.0",
  flags: ["-O3"],
  codegen: 2,
  config: "abc",
  n: 4096,
  machine: "m1",
};

function line(key: string): CacheLine {
  return {
    key,
    machine: "m1",
    expr: "(+ x y)",
    vars: ["x", "y"],
    compiler: "gcc",
    flags: [],
    ns_per_elem: 1,
    ratio: 1,
    ref_ns_per_elem: 1,
    cv: 0,
    reps: 1,
    n: 4096,
    max_ulp: 0,
    mean_ulp: 0,
  };
}

Deno.test("the cache key changes with everything that changes the timing, not with the order of ranges", () => {
  const k = cacheKey(PARTS);
  assert.equal(cacheKey({ ...PARTS, ranges: { y: [2, 3], x: [0, 1] } }), k);
  for (
    const change of [
      { expr: "(+ y x)" },
      { vars: ["y", "x"] },
      { ranges: { x: [0, 2], y: [2, 3] } as Record<string, [number, number]> },
      { flags: ["-O2"] },
      { codegen: 3 },
      { config: "abd" },
      { n: 2048 },
      { machine: "m2" },
    ]
  ) {
    assert.notEqual(cacheKey({ ...PARTS, ...change }), k, JSON.stringify(change));
  }
});

Deno.test("a line cut short by an interrupted run is skipped and never swallows the next one", () => {
  const path = join(Deno.makeTempDirSync(), "cache.jsonl");
  appendBenchCache([line("a")], path);
  Deno.writeTextFileSync(path, JSON.stringify(line("b")).slice(0, 40), { append: true });
  appendBenchCache([line("c")], path);
  const { entries, bad } = loadBenchCache(path);
  assert.deepEqual([...entries.keys()].sort(), ["a", "c"]);
  // The torn line is removed before the append (tests/kernel/bench_cache_torn_test.ts).
  assert.equal(bad, 0);
});

Deno.test("entries are read once and kept up to date, and re-read when another process appends", () => {
  const path = join(Deno.makeTempDirSync(), "cache.jsonl");
  assert.equal(benchCacheEntries(path).size, 0);
  recordInBenchCache([line("a"), line("b")], path);
  assert.equal(benchCacheEntries(path).size, 2);
  appendBenchCache([line("c")], path); // as another process would
  assert.deepEqual([...benchCacheEntries(path).keys()].sort(), ["a", "b", "c"]);
});
