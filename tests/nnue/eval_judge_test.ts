/**
 * eval:judge from a clone: the Zen 5 quick profile ships the measured records
 * its Judge was trained on, so the held-out figures can be recomputed
 * without calibrating. The numbers are the profile's own (README), so they
 * must come back exactly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROFILES_DIR, ROOT } from "../../pipeline/base/paths.ts";
import { type EvalResult, formatEval } from "../../pipeline/nnue/eval_judge.ts";
import { rankReport } from "../../pipeline/nnue/judge_metrics.ts";

Deno.test("eval:judge recomputes a shipped profile's held-out figures from its measured.jsonl.gz", async () => {
  const dir = join(PROFILES_DIR, "amd-zen5-avx512-gcc12");
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tasks/eval_judge.ts",
      "--no-mca",
      "--no-asm",
      "--weights",
      dir,
      "--data",
      join(dir, "measured.jsonl.gz"),
    ],
    cwd: ROOT,
    // The profile's target on any host (and under KOPT_TARGET=avx2): its table is part of the figures.
    env: { KOPT_CPUINFO: join(ROOT, "tests", "target", "data", "zen5-epyc.cpuinfo"), KOPT_TARGET: "avx512" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(text, /validation: 122 kernels never trained on, 1182 variants \(training: 4159 variants\)/);
  assert.match(text, /^Judge \(NNUE\)\s+0\.439\s+\S+\s+18\.4%/m);
  assert.match(text, /^static latency table\s+0\.517\s+\S+\s+34\.6%/m);
  // The search round's shortlists, held out, on their own.
  assert.match(text, /shortlists \(26 groups of held-out kernels\):\nJudge \(NNUE\)\s+-0\.107\s+\S+\s+17\.0%/);
});

Deno.test("the timings' own agreement is printed beside the predictors, under its own heading", () => {
  const of = ["a", "a", "a", "b", "b", "b"];
  const cal = [1, 2, 3, 1, 2, 3];
  const judge = {
    ...rankReport(of, [1, 2, 3, 3, 2, 1], cal),
    name: "Judge (NNUE)",
    scale: 1,
    missing: 0,
    shortlists: null,
  };
  const r: EvalResult = {
    validationKernels: 2,
    validationVariants: 6,
    trainVariants: 10,
    predictors: [judge],
    ceiling: {
      againstCalibration: rankReport(of, [1, 2, 3, 1, 3, 2], cal),
      betweenBuilds: rankReport(of, [1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3]),
      failed: 1,
    },
  };
  const text = formatEval(r);
  assert.match(text, /^Judge \(NNUE\)\s+0\.000\s/m); // one kernel right, one reversed
  assert.match(text, /timed in one run; 1 failed to time\):\na new build vs the calibration\s+0\.667\s/);
  assert.match(text, /^two new builds\s+1\.000\s/m);
  assert.doesNotMatch(formatEval({ ...r, ceiling: null }), /new build/);
});
