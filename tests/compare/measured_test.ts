import assert from "node:assert/strict";
import { type Cell, decide, FAST_PEER, OPTIMIZED, ORIGINAL } from "../../pipeline/compare/measured.ts";

const t = (ratio: number, maxUlp = 1): Cell => ({ ok: true, ns: ratio, ratio, maxUlp, meanUlp: 0.5 });
const cells = (opt: Cell | null, ours: Cell, fast: Cell): Record<string, Cell> => ({
  ...(opt === null ? {} : { [OPTIMIZED]: opt }),
  [ORIGINAL]: ours,
  [FAST_PEER]: fast,
});

Deno.test("decide: the optimized form when it wins or ties within 2%", () => {
  assert.equal(decide(cells(t(1), t(3), t(1.5)), 10, false).build, OPTIMIZED);
  assert.equal(decide(cells(t(1.015), t(3), t(1)), 10, false).build, OPTIMIZED, "1.5% slower is a tie");
});

Deno.test("decide: the original when the optimized form loses, built the faster guard-passing way", () => {
  const peer = decide(cells(t(1.05), t(3), t(1)), 10, false);
  assert.equal(peer.build, FAST_PEER);
  assert.match(peer.why, /plain C under gcc -O3 -ffast-math.*slower \(\+5\.0%\)/);
  // gcc -ffast-math breaks the guard: our build of the original, if faster than the optimized form.
  assert.equal(decide(cells(t(2), t(1.5), t(1, 50)), 10, false).build, ORIGINAL);
  // ...and the optimized form when it beats that build, even if gcc -ffast-math is faster still.
  assert.equal(decide(cells(t(1.2), t(1.5), t(1, 50)), 10, false).build, OPTIMIZED);
  // Breaking the guard when measured loses whatever the speed.
  const acc = decide(cells(t(0.5, 20), t(3), t(1)), 10, false);
  assert.equal(acc.build, FAST_PEER);
  assert.match(acc.why, /breaks the accuracy guard when measured \(max 20 ulp > 10\)/);
  // Not timed: the original.
  const failed = decide(cells({ ok: false, error: "compile: boom" }, t(3), t(1)), 10, false);
  assert.equal(failed.build, FAST_PEER);
  assert.match(failed.why, /could not be timed \(compile: boom\)/);
});

Deno.test("decide: nothing better found, ours or gcc -O3 -ffast-math's build of the original", () => {
  assert.equal(decide(cells(null, t(1.01), t(1)), 10, true).build, ORIGINAL);
  const r = decide(cells(null, t(1.1), t(1)), 10, true);
  assert.equal(r.build, FAST_PEER);
  assert.match(r.why, /no faster form was found/);
  assert.equal(decide(cells(null, t(1.1), t(1, 11)), 10, true).build, ORIGINAL, "unless it breaks the guard");
});

Deno.test("decide: an alternative replaces the Judge's pick only when it measures more than 2% faster", () => {
  const base = cells(t(1), t(3), t(2));
  assert.equal(decide({ ...base, "alternative 1": t(0.9) }, 10, false).build, "alternative 1");
  assert.equal(decide({ ...base, "alternative 1": t(0.99) }, 10, false).build, OPTIMIZED, "within the margin");
  assert.equal(decide({ ...base, "alternative 1": t(0.5, 20) }, 10, false).build, OPTIMIZED, "over the guard");
  const judgeWrong = decide({ ...cells(t(1, 20), t(3), t(2)), "alternative 2": t(1.5) }, 10, false);
  assert.equal(judgeWrong.build, "alternative 2");
  assert.match(judgeWrong.why, /faster than the Judge's pick when measured/);
  // Nothing better than the input by the Judge, but an alternative beats every build of the original.
  assert.equal(decide({ ...cells(null, t(1), t(1)), "alternative 1": t(0.5) }, 10, true).build, "alternative 1");
});

Deno.test("decide: the fallback is the fastest guard-passing build among ours and the measured peers", () => {
  const c = {
    ...cells(t(1.5), t(1.4), t(1, 50)),
    "clang -O3 -ffast-math": t(1.1),
    "gcc -O3": t(3),
  };
  const r = decide(c, 10, false);
  assert.equal(r.build, "clang -O3 -ffast-math", "gcc -O3 -ffast-math breaks the guard; clang's build does not");
  assert.match(r.why, /plain C under clang -O3 -ffast-math/);
  // A peer not among the measured ones (clang -O2) is never returned.
  assert.equal(decide({ ...cells(t(1.5), t(1.4), t(1, 50)), "clang -O2": t(0.5) }, 10, false).build, ORIGINAL);
});
