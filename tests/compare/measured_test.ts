import assert from "node:assert/strict";
import {
  ACCURATE_PEER,
  type Cell,
  decide,
  failedOurs,
  FAST_PEER,
  guardCell,
  guardText,
  measuredGuard,
  measureKernels,
  OPTIMIZED,
  ORIGINAL,
} from "../../pipeline/compare/measured.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { MAX_ULPS } from "../../pipeline/expr/ulp.ts";
import { PEER_LABELS } from "../../pipeline/kernel/toolchain.ts";
import { resolveTarget } from "../../pipeline/target/target.ts";

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

const failed = (error = "gcc failed: k.c:3:7: error: boom"): Cell => ({ ok: false, error });

Deno.test("guard when our build of the original failed: finite, from what is real, stated in words", () => {
  // The demo: every build of ours failed; gcc -O3 -ffast-math is fastest but far over the guard.
  const c: Record<string, Cell> = {
    [ORIGINAL]: failed(),
    [OPTIMIZED]: failed(),
    [ACCURATE_PEER]: t(7.13, 3),
    [FAST_PEER]: t(1, 16),
    "clang -O3 -ffast-math": t(3, 2),
  };
  const g = measuredGuard(c, 4, { onInputs: () => 2, maxUlp: 1 });
  assert.equal(g.limit, 3 + 4, "gcc -O3's measured error of the original + the allowance");
  const text = guardText({ guardLimit: g.limit, guardFrom: g.from });
  assert.equal(
    text,
    "max <= 7 (our build of the original failed; taken from gcc -O3's build of it, measured, and the float32 model)",
  );
  const r = decide(c, g.limit, false);
  assert.equal(r.build, "clang -O3 -ffast-math", "not gcc -O3 -ffast-math, 16 ulp > 7");
  assert.match(r.why, /could not be timed \(gcc failed: k\.c:3:7: error: boom\)/);
  // The model alone when gcc -O3 failed too; the larger of the model's two sample sets.
  const m = measuredGuard({ ...c, [ACCURATE_PEER]: failed() }, 4, { onInputs: () => 5, maxUlp: 2 });
  assert.deepEqual(m, { limit: 9, from: "our build of the original failed; taken from the float32 model" });
  // Our build of the original, when it worked, as before.
  assert.equal(measuredGuard({ ...c, [ORIGINAL]: t(2, 6) }, 4, { onInputs: () => 99, maxUlp: 1 }).limit, 10);
  // An original that itself gives NaN/inf where float64 does not bounds nothing: said in words.
  const nan = { guardLimit: MAX_ULPS + 4, guardFrom: g.from };
  assert.match(guardText(nan), /^unbounded: the original itself gives NaN\/inf where float64 does not/);
  assert.equal(guardCell(nan), "unbounded");
  assert.deepEqual(failedOurs(c).map((f) => f.label), [ORIGINAL, OPTIMIZED]);
  assert.equal(failedOurs(c)[0].error, "gcc failed: k.c:3:7: error: boom");
});

Deno.test("property: with our builds failing, the guard is finite and nothing over it is returned", () => {
  const rng = new Rng(20261125);
  const ulp = () => [0, 1, 2, 3, 5, 8, 40, 2000][rng.int(8)];
  const cell = (pFail: number): Cell => rng.next() < pFail ? failed() : t(0.2 + 3 * rng.next(), ulp());
  let overGuardOffered = 0, noneReturnable = 0;
  for (let trial = 0; trial < 5000; trial++) {
    const c: Record<string, Cell> = { [ORIGINAL]: rng.next() < 0.8 ? failed() : cell(0) };
    const same = rng.next() < 0.2;
    if (!same) c[OPTIMIZED] = cell(0.5);
    for (let i = rng.int(3); i > 0; i--) c[`alternative ${i}`] = cell(0.5);
    for (const p of [ACCURATE_PEER, FAST_PEER, "clang -O3 -ffast-math", "clang -O2"]) {
      if (rng.next() < 0.9) c[p] = cell(0.3);
    }
    const onInputs = ulp(), maxUlp = rng.next() < 0.7 ? ulp() : undefined, allowance = rng.int(5);
    const g = measuredGuard(c, allowance, { onInputs: () => onInputs, maxUlp });
    const what = JSON.stringify({ c, g, onInputs, maxUlp });
    assert.ok(Number.isFinite(g.limit) && g.limit < MAX_ULPS, what);
    const ours = c[ORIGINAL], peer = c[ACCURATE_PEER];
    const real = ours.ok
      ? Math.max(ours.maxUlp, maxUlp ?? 0)
      : Math.max(onInputs, maxUlp ?? 0, peer?.ok ? peer.maxUlp : 0);
    assert.equal(g.limit, real + allowance, what);
    const text = guardText({ guardLimit: g.limit, guardFrom: g.from });
    assert.doesNotMatch(text, /NaN|inf/, what);
    if (!ours.ok) assert.match(text, /our build of the original failed/, what);
    const r = decide(c, g.limit, same);
    const got = c[r.build];
    assert.ok(got !== undefined, what);
    // What is returned was timed and is within the guard, or it is the original that failed (the caller exits 3).
    if (got.ok) assert.ok(got.maxUlp <= g.limit, `${r.build} over the guard: ${what}`);
    else assert.equal(r.build, ORIGINAL, what);
    // A returned peer is one of the measured ones, and a failed original only when nothing else could be returned.
    if (PEER_LABELS.includes(r.build)) assert.notEqual(r.build, "clang -O2", what);
    const returnable = Object.entries(c).filter(([l, x]) => x.ok && x.maxUlp <= g.limit && l !== "clang -O2");
    if (!got.ok) assert.equal(returnable.length, 0, what);
    if (Object.values(c).some((x) => x.ok && x.maxUlp > g.limit)) overGuardOffered++;
    if (returnable.length === 0) noneReturnable++;
  }
  // The cases that matter were drawn: faster builds over the guard, and nothing within it.
  assert.ok(overGuardOffered > 1000 && noneReturnable > 50, `${overGuardOffered} ${noneReturnable}`);
});

Deno.test("measureKernels: our builds fail to compile, the peers' do not; a real guard, a peer within it", async () => {
  // An AVX2 target whose ISA flags gcc rejects: every build of ours fails, the peers (own flags) build.
  const base = resolveTarget("avx2");
  const target = { ...base, isaFlags: [...base.isaFlags, "-fkopt-no-such-option"] };
  const cacheDir = await Deno.makeTempDir({ prefix: "kopt-measured-test-" });
  try {
    const original = parseExpr("(+ (* x x) (* x 3))", ["x"]);
    const [m] = await measureKernels(
      [{ vars: ["x"], ranges: { x: [-2, 2] }, original, optimized: parseExpr("(* x (+ x 3))", ["x"]), modelMaxUlp: 1 }],
      { target, maxUlp: 4, n: 256, rounds: 1, cacheDir },
    );
    for (const l of [ORIGINAL, OPTIMIZED]) {
      const c = m.cells[l];
      assert.ok(!c.ok && /kopt-no-such-option/.test(c.error), `${l}: ${JSON.stringify(c)}`);
    }
    assert.deepEqual(failedOurs(m.cells).map((f) => f.label), [ORIGINAL, OPTIMIZED]);
    const peer = m.cells[ACCURATE_PEER];
    assert.ok(peer.ok, JSON.stringify(peer));
    assert.ok(Number.isFinite(m.guardLimit) && m.guardLimit < MAX_ULPS, String(m.guardLimit));
    assert.ok(m.guardLimit >= peer.maxUlp + 4 && m.guardLimit >= 1 + 4, String(m.guardLimit));
    assert.match(m.guardFrom, /our build of the original failed/);
    assert.doesNotMatch(guardText(m), /NaN|inf/);
    const ret = m.cells[m.returned.build];
    assert.ok(PEER_LABELS.includes(m.returned.build), m.returned.build);
    assert.ok(ret.ok && ret.maxUlp <= m.guardLimit, JSON.stringify(ret));
    assert.match(m.returned.why, /could not be timed \(gcc failed: .*kopt-no-such-option/);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("decide --for clang: judged against the original built the same way; no other compiler's build returned", () => {
  // ORIGINAL is here clang's build of the original; gcc -ffast-math's build is faster still.
  const won = decide(cells(t(1.5), t(2), t(1)), 10, false, "clang");
  assert.equal(won.build, OPTIMIZED, "faster than the input built by clang: returned, whatever gcc does");
  const lost = decide(cells(t(2.5), t(2), t(1)), 10, false, "clang");
  assert.equal(lost.build, ORIGINAL);
  assert.match(lost.why, /returns the original \(plain C under clang -O3 -ffast-math.*slower \(\+25\.0%\)/);
  // Property: over random cells, what is returned is never more than 2% slower than the same build of the input.
  const rng = new Rng(5);
  for (let i = 0; i < 2000; i++) {
    const c = cells(t(rng.range(0.2, 3), rng.int(12)), t(rng.range(0.2, 3), rng.int(12)), t(rng.range(0.2, 3)));
    for (const b of ["gcc", "clang"] as const) {
      const r = decide(c, 10, false, b);
      assert.ok(r.build === OPTIMIZED || r.build === ORIGINAL, r.build);
      const got = c[r.build] as { ratio: number; maxUlp: number };
      const base = c[ORIGINAL] as { ratio: number; maxUlp: number };
      if (base.maxUlp <= 10) assert.ok(got.ratio <= base.ratio * 1.02, `${b}: ${JSON.stringify(c)} -> ${r.build}`);
    }
  }
});
