import assert from "node:assert/strict";
import { ddmin, shrinkText } from "../../pipeline/fuzz/shrink.ts";

const plenty = () => ({ calls: 10_000, until: performance.now() + 10_000 });

Deno.test("fuzz ddmin: finds the failing pair among many, and a 1-minimal list", async () => {
  const xs = Array.from({ length: 64 }, (_, i) => i);
  const fails = (ys: readonly number[]) => Promise.resolve(ys.includes(13) && ys.includes(50));
  assert.deepEqual(await ddmin(xs, fails, plenty()), [13, 50]);
  const none = await ddmin(xs, () => Promise.resolve(false), plenty());
  assert.deepEqual(none, xs, "nothing smaller fails: the input stays");
});

Deno.test("fuzz shrinkText: keeps the failure, drops the rest, respects its budget", async () => {
  const text = '(FPCore (x y) :name "long name here" (+ (* x y) (sqrt 0x1p999999999999999999999)))';
  const fails = (s: string) => Promise.resolve(s.includes("0x1p99999"));
  assert.equal(await shrinkText(text, fails, plenty()), "0x1p99999");
  // A failure that needs balanced brackets keeps them.
  const nested = "(a (b (c d) e) f)";
  const balanced = (s: string) =>
    Promise.resolve(
      s.includes("c") && [...s].filter((c) => c === "(").length === [...s].filter((c) => c === ")").length,
    );
  const out = await shrinkText(nested, balanced, plenty());
  assert.ok(out.includes("c") && out.length <= 7 && (await balanced(out)), out);
  let calls = 0;
  await shrinkText(text, (s) => Promise.resolve(++calls > 0 && s.length > 10), {
    calls: 5,
    until: performance.now() + 1e4,
  });
  assert.ok(calls <= 5, `${calls} calls`);
});
