/**
 * eval:judge from a clone: the Zen 5 quick profile ships the measured records
 * its Judge was trained on, so the held-out figures can be recomputed
 * without calibrating. The numbers are the profile's own (README), so they
 * must come back exactly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROFILES_DIR, ROOT } from "../../pipeline/base/paths.ts";

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
  assert.match(text, /validation: 110 kernels never trained on, 1128 variants \(training: 4232 variants\)/);
  assert.match(text, /^Judge \(NNUE\)\s+0\.486\s+\S+\s+18\.8%/m);
  assert.match(text, /^static latency table\s+0\.525\s+\S+\s+33\.8%/m);
  // The search round's shortlists, held out, on their own.
  assert.match(text, /shortlists \(17 groups of held-out kernels\):\nJudge \(NNUE\)\s+0\.057\s+\S+\s+22\.4%/);
});
