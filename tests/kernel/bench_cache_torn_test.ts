import assert from "node:assert/strict";
import { join } from "node:path";
import {
  appendBenchCache,
  benchCacheEntries,
  type CacheLine,
  loadBenchCache,
} from "../../pipeline/kernel/bench_cache.ts";
import { Rng } from "../../pipeline/expr/random.ts";

function line(key: string, expr = "(+ x y)"): CacheLine {
  return {
    key,
    machine: "m1",
    expr,
    vars: ["x", "y"],
    compiler: "gcc",
    flags: [],
    ns_per_elem: 1.25,
    ratio: 1,
    ref_ns_per_elem: 1,
    cv: 0,
    reps: 1,
    n: 4096,
    max_ulp: 0,
    mean_ulp: 0,
  };
}

/** Runs `f` with console.error captured. */
function stderrOf<T>(f: () => T): [T, string[]] {
  const said: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void said.push(args.join(" "));
  try {
    return [f(), said];
  } finally {
    console.error = original;
  }
}

Deno.test("torn cache line: a torn last line is reported once and removed on resume; whole lines are kept", () => {
  const rng = new Rng(9);
  const dir = Deno.makeTempDirSync();
  try {
    for (let k = 0; k < 200; k++) {
      const path = join(dir, `cache${k}.jsonl`);
      const whole = Array.from(
        { length: rng.int(5) },
        (_, i) => line(`k${k}-${i}`, rng.pick(["x", "(+ x y)", "(é x)"])),
      );
      const text = whole.map((l) => JSON.stringify(l) + "\n").join("");
      const torn = JSON.stringify(line(`torn${k}`));
      // Cut anywhere short of the whole line (a cut at the end is a whole line without its newline).
      const cut = rng.int(torn.length);
      Deno.writeTextFileSync(path, text + torn.slice(0, cut));
      const [entries, said] = stderrOf(() => benchCacheEntries(path));
      assert.deepEqual([...entries.keys()], whole.map((l) => l.key));
      assert.equal(Deno.readTextFileSync(path), text, `cut at ${cut}`);
      assert.equal(said.length, cut === 0 ? 0 : 1);
      if (cut > 0) assert.match(said[0], /removed a torn last line \(\d+ bytes, from an interrupted run\)/);
      // Appending after the resume leaves a file of whole lines only.
      appendBenchCache([line(`new${k}`)], path);
      const after = loadBenchCache(path);
      assert.equal(after.bad, 0);
      assert.equal(after.entries.size, whole.length + 1);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("torn cache line: a whole last line without its newline is kept and ended", () => {
  const path = join(Deno.makeTempDirSync(), "cache.jsonl");
  Deno.writeTextFileSync(path, JSON.stringify(line("a")) + "\n" + JSON.stringify(line("b")));
  const [entries, said] = stderrOf(() => benchCacheEntries(path));
  assert.deepEqual([...entries.keys()], ["a", "b"]);
  assert.deepEqual(said, []);
  assert.ok(Deno.readTextFileSync(path).endsWith("}\n"));
  appendBenchCache([line("c")], path);
  assert.deepEqual([...loadBenchCache(path).entries.keys()], ["a", "b", "c"]);
});
