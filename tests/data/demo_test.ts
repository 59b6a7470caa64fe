import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../../pipeline/base/paths.ts";
import { parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";

Deno.test("data/demo.fpcore: every kernel parses and is the same as in data/kernels", () => {
  const demo = parseFPCoreFile(Deno.readTextFileSync(join(ROOT, "data", "demo.fpcore")));
  assert.equal(demo.errors.length, 0);
  assert.ok(demo.benchmarks.length >= 4, "a few kernels");
  const corpus = new Map(
    [...Deno.readDirSync(join(ROOT, "data", "kernels"))].flatMap((f) =>
      parseFPCoreFile(Deno.readTextFileSync(join(ROOT, "data", "kernels", f.name))).benchmarks
    ).map((b) => [b.name, b]),
  );
  for (const b of demo.benchmarks) {
    const c = corpus.get(b.name);
    assert.ok(c !== undefined, `${b.name} is a corpus kernel`);
    assert.equal(b.expr, c.expr, b.name);
    assert.deepEqual(b.ranges, c.ranges, b.name);
  }
});
