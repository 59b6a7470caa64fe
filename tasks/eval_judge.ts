/**
 * `deno task eval:judge`: the trained Judge against the static latency
 * table and llvm-mca on the calibration's validation kernels (never trained
 * on): Kendall's tau within each kernel's variants (mean over kernels) and
 * over all variants, and MAPE. See pipeline/nnue/eval_judge.ts.
 */
import { z } from "zod";
import * as cli from "../pipeline/stages/cli.ts";
import { calibrationData, readCalibration } from "../pipeline/stages/calibrate.ts";
import { evalJudge, formatEval } from "../pipeline/nnue/eval_judge.ts";
import { DEFAULT_WEIGHTS_DIR, loadNetwork } from "../pipeline/nnue/weights_file.ts";
import { describeWeights, weightsSource } from "../pipeline/nnue/profiles.ts";
import { describeTarget, requireNative } from "../pipeline/target/target.ts";
import { MCA_ICELAKE, MCA_ZNVER3 } from "../pipeline/kernel/mca.ts";
import { costTableFor } from "../pipeline/target/cost_tables.ts";

interface Opts {
  data?: string;
  weights?: string;
  target?: string;
  "no-mca": boolean;
  "no-asm": boolean;
  "mca-fit": number;
  retime: boolean;
  json: boolean;
}

const COMMAND: cli.Command<Opts> = {
  name: "eval:judge",
  usage:
    `usage: deno task eval:judge [--data PATH] [--weights DIR] [--no-mca] [--no-asm] [--mca-fit N] [--retime] [--json]

Ranks and predicts the measured variants of the validation kernels (held out
by the calibration that wrote the weights) with the Judge, the static
latency table and llvm-mca, and prints Kendall's tau within kernels and over
all variants, and MAPE, side by side.
  --data PATH    measured variant records, JSONL or gzipped (default: those calibrate wrote for the
                 weights' profile, build/calibration/<profile>/measured.jsonl, else the ones the
                 profile ships, data/profiles/<profile>/measured.jsonl.gz)
  --weights DIR  weights and calibration summary (default: this machine's profile if calibrated,
                 else the shipped ${DEFAULT_WEIGHTS_DIR})
  --target T     avx512|avx2|neon: the target whose profile is meant (default: detected)
  --no-mca       leave llvm-mca out
  --no-asm       leave out the compiled-code Judge (fitted here on the training kernels' compiled
                 hot loops: it compiles every variant to assembly)
  --mca-fit N    training variants llvm-mca's scale is fitted on (default 1500)
  --retime       also build the validation variants twice more and time them in one run: how far
                 the timings agree with the calibration's and with each other, the ceiling of any
                 predictor's tau (about 5 minutes for a quick calibration's held-out kernels)
  --json         print the figures as JSON`,
  options: {
    data: { type: "string" },
    weights: { type: "string" },
    target: { type: "string" },
    "no-mca": { type: "boolean", default: false },
    "no-asm": { type: "boolean", default: false },
    "mca-fit": { type: "string", default: "1500" },
    retime: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
  schema: z.object({
    data: z.string().min(1).optional(),
    weights: z.string().min(1).optional(),
    target: z.string().optional(),
    "no-mca": z.boolean(),
    "no-asm": z.boolean(),
    "mca-fit": cli.intOption(1, 1_000_000),
    retime: z.boolean(),
    json: z.boolean(),
  }),
};

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(COMMAND, Deno.args);
    if (parsed === null) return 0;
    const parsedOpts = parsed.opts;
    const target = cli.commandTarget("eval:judge", parsedOpts.target, false);
    const source = weightsSource(target, parsedOpts.weights);
    const weights = source.kind === "table" ? DEFAULT_WEIGHTS_DIR : source.dir;
    const data = parsedOpts.data ?? calibrationData(source, weights);
    if (data === null) throw new cli.CliError("eval:judge: --weights DIR needs --data PATH", cli.EXIT_USAGE);
    console.error(
      `eval:judge: target ${describeTarget(target)}; ${
        source.kind === "table"
          ? `no weights for profile ${source.profile.name}: the shipped ones`
          : describeWeights(source)
      } (${weights}); data ${data}`,
    );
    const { summary, records } = await readCalibration("eval:judge", weights, data);
    const o = { ...parsedOpts, weights };
    if (o.retime) requireNative(target, "eval:judge --retime");
    using nw = loadNetwork(o.weights);
    const r = await evalJudge(nw, summary, records, {
      // The static table of the profile's target, for our code (the shipped weights': the op table's).
      costs: costTableFor(target.isa, "kopt"),
      mca: o["no-mca"] ? [] : [MCA_ZNVER3, MCA_ICELAKE],
      mcaFitSample: o["mca-fit"],
      asm: o["no-asm"] ? null : target,
      retime: o.retime ? target : null,
      progress: (m) => console.error(m),
    });
    console.log(o.json ? JSON.stringify(r) : formatEval(r));
    return 0;
  });
}
