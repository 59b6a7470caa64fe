/**
 * `deno task bench:nnue`: accumulator evaluations per second through the
 * TypeScript API, incremental (a rewrite's feature delta applied to a base
 * accumulator plus a Judge forward, batched in one FFI call) against
 * rebuilding the accumulator from the rewritten expression's full feature
 * list, for expressions of about 10, 100 and 1,000 unique nodes.
 *
 * Rewrites come from a few real rules matched at every node (FMA fusion,
 * commutativity, reassociation, distribution, reciprocal and rsqrt forms),
 * topped up with random node replacements; their deltas are computed once
 * by `FeatureDag` (that rate is printed too), then scored many times.
 * Figures are medians of several timed rounds on one core; another process
 * may share the machine, so compare the ratios more than the absolutes.
 *
 * Options: --depth D (feature depth), --rounds N, --seconds S (per figure).
 */
import { z } from "zod";
import { app, dagSize, type Expr, num, postorder, v } from "../pipeline/expr/expr.ts";
import { OP_NAMES, type OpName, OPS } from "../pipeline/expr/ops.ts";
import { randomExpr, Rng } from "../pipeline/expr/random.ts";
import { instantiate, match, parsePattern } from "../pipeline/rules/pattern.ts";
import { DIMS, toCsr } from "../pipeline/ffi/nnue.ts";
import { FeatureDag, type RewriteDelta } from "../pipeline/nnue/feature_dag.ts";
import { DEFAULT_DEPTH, features } from "../pipeline/nnue/features.ts";
import { Network, packDeltas } from "../pipeline/nnue/network.ts";
import * as cli from "../pipeline/stages/cli.ts";

const RULES = [
  ["(+ (* ?a ?b) ?c)", "(fma ?a ?b ?c)"],
  ["(- (* ?a ?b) ?c)", "(fms ?a ?b ?c)"],
  ["(+ ?a ?b)", "(+ ?b ?a)"],
  ["(* ?a ?b)", "(* ?b ?a)"],
  ["(+ (+ ?a ?b) ?c)", "(+ ?a (+ ?b ?c))"],
  ["(* ?a (+ ?b ?c))", "(+ (* ?a ?b) (* ?a ?c))"],
  ["(/ ?a ?b)", "(* ?a (recip ?b))"],
  ["(/ ?a (sqrt ?b))", "(mulrsqrt ?a ?b)"],
  ["(- ?a ?b)", "(+ ?a (neg ?b))"],
  ["(exp (+ ?a ?b))", "(* (exp ?a) (exp ?b))"],
].map(([l, r]) => [parsePattern(l), parsePattern(r)] as const);

const Cmd: cli.Command<{ depth: number; rounds: number; seconds: number }> = {
  name: "bench:nnue",
  usage: `usage: deno task bench:nnue [--depth D] [--rounds N] [--seconds S]

Accumulator evaluations per second, incremental (a rewrite's feature delta
plus a Judge forward) against rebuilding from the full feature list, for
expressions of about 10, 100 and 1,000 nodes; medians of timed rounds.
  --depth D    feature depth, 1-5 (default ${DEFAULT_DEPTH})
  --rounds N   timed rounds per figure, 1-100 (default 5)
  --seconds S  length of each round in seconds, above 0 and at most 60 (default 0.3)`,
  options: { depth: { type: "string" }, rounds: { type: "string" }, seconds: { type: "string" } },
  schema: z.object({
    depth: cli.intOption(1, 5).default(DEFAULT_DEPTH),
    rounds: cli.intOption(1, 100).default(5),
    seconds: cli.numberOption(0, 60).refine((x) => x > 0, "must be above 0").default(0.3),
  }),
};

/** A kernel-like expression of at least `nodes` unique nodes. */
function kernelOfSize(rng: Rng, nodes: number): Expr {
  const chunk = () => randomExpr(rng, { size: Math.min(20, Math.max(2, Math.round(nodes / 2))), maxDepth: 10 });
  let e = chunk();
  while (dagSize(e) < nodes) e = app(rng.next() < 0.6 ? "+" : "*", [e, chunk()]);
  return e;
}

const SAME_ARITY = (op: OpName) => OP_NAMES.filter((o) => o !== "d" && OPS[o].arity === OPS[op].arity);

/** Rule rewrites at every node, then random replacements up to `want`. */
function candidates(rng: Rng, e: Expr, want: number): [Expr, Expr][] {
  const out: [Expr, Expr][] = [];
  const nodes = postorder(e);
  for (const n of nodes) {
    for (const [l, r] of RULES) {
      const b = match(l, n);
      if (b !== null) out.push([n, instantiate(r, b)]);
    }
  }
  while (out.length < want) {
    const n = rng.pick(nodes);
    const repl = n.tag === "app" ? app(rng.pick(SAME_ARITY(n.op)), [...n.args]) : rng.next() < 0.5 ? num(2) : v("w");
    if (repl !== n) out.push([n, repl]);
  }
  return out.slice(0, Math.max(want, 1));
}

/** Median over rounds of (items per second), each round running `fn` for about `seconds`. */
function rate(rounds: number, seconds: number, items: number, fn: () => void): number {
  fn(); // warm-up: rows materialized, code compiled
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let reps = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < seconds * 1000) {
      fn();
      reps++;
      t = performance.now();
    }
    rates.push((reps * items) / ((t - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const fmt = (x: number) => x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);

if (import.meta.main) {
  await cli.runMain(() => {
    const parsed = cli.parseCommand(Cmd, Deno.args);
    if (parsed === null) return cli.EXIT_OK;
    const o = parsed.opts;
    using nw = Network.create({ depth: o.depth });
    console.log(
      `bench:nnue  depth D=${o.depth}, ${nw.fs.size.toLocaleString("en")} feature rows, float32 accumulator of ${DIMS}`,
    );
    console.log(
      `median of ${o.rounds} rounds x ${o.seconds}s, one core; evaluations/s = accumulator + Judge forward\n`,
    );
    console.log(
      "nodes  features  cands  delta(avg)  incremental/s  apply+eval/s  rebuild(C)/s  rebuild(TS+C)/s  speed-up  deltas(TS)/s",
    );
    const rng = new Rng(2024);
    let target100 = NaN;
    let incrementalAll = Infinity;
    for (const size of [10, 100, 1000]) {
      const e = kernelOfSize(rng, size);
      const fs = features(nw.fs, e);
      const cands = candidates(rng, e, 256);
      const dag = new FeatureDag(nw.fs, e);
      const deltas: RewriteDelta[] = cands.map(([s, r]) => dag.rewrite(s, r));
      const tsDeltaRate = rate(o.rounds, o.seconds, cands.length, () => {
        for (const [s, r] of cands) dag.rewrite(s, r);
      });
      const avgDelta = deltas.reduce((a, d) => a + d.removed.length + d.added.length, 0) / deltas.length;
      const { removed, added } = packDeltas(deltas);
      const base = nw.accumulator(e);
      const out = new Float32Array(deltas.length);
      const incremental = rate(o.rounds, o.seconds, deltas.length, () => {
        nw.net.scoreCandidates("judge", base, removed, added, out);
      });
      const batch = new Float32Array(deltas.length * DIMS);
      const applyEval = rate(o.rounds, o.seconds, deltas.length, () => {
        for (let i = 0; i < deltas.length; i++) batch.set(base, i * DIMS);
        nw.net.applyDeltaBatch(batch, removed, added);
        nw.net.eval("judge", batch, out);
      });
      const afterFeatures = toCsr(deltas.map((d) => features(nw.fs, d.after)));
      const rebuildC = rate(o.rounds, o.seconds, deltas.length, () => {
        nw.net.buildBatch(afterFeatures, batch);
        nw.net.eval("judge", batch, out);
      });
      const afters = deltas.map((d) => d.after);
      const rebuildTs = rate(o.rounds, o.seconds, deltas.length, () => {
        nw.net.buildBatch(toCsr(afters.map((a) => features(nw.fs, a))), batch);
        nw.net.eval("judge", batch, out);
      });
      // The scored values must be the rebuilt ones (the benchmark measures real work).
      const check = nw.net.eval("judge", nw.net.buildBatch(afterFeatures));
      nw.net.scoreCandidates("judge", base, removed, added, out);
      for (let i = 0; i < out.length; i++) {
        if (Math.abs(out[i] - check[i]) > 1e-3 * Math.max(1, Math.abs(check[i]))) {
          throw new Error("incremental != rebuild");
        }
      }
      if (size === 100) target100 = incremental / rebuildC;
      incrementalAll = Math.min(incrementalAll, incremental);
      console.log(
        [
          String(dagSize(e)).padStart(5),
          String(fs.length).padStart(9),
          String(deltas.length).padStart(6),
          avgDelta.toFixed(1).padStart(11),
          fmt(incremental).padStart(14),
          fmt(applyEval).padStart(13),
          fmt(rebuildC).padStart(13),
          fmt(rebuildTs).padStart(16),
          `${(incremental / rebuildC).toFixed(1)}x`.padStart(9),
          fmt(tsDeltaRate).padStart(13),
        ].join(" "),
      );
    }
    console.log(
      `\ntargets: incremental >= 2,000,000/s at every size: ${incrementalAll >= 2e6 ? "met" : "MISSED"} ` +
        `(lowest ${fmt(incrementalAll)}/s); >= 10x rebuild (C) at 100 nodes: ${target100 >= 10 ? "met" : "MISSED"} (${
          target100.toFixed(1)
        }x)`,
    );
    return cli.EXIT_OK;
  });
}
