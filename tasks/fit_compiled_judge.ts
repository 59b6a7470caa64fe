/**
 * `deno task fit:compiled-judge`: fits the compiled-code Judge
 * (pipeline/nnue/asm_judge.ts) on the training kernels of a profile's
 * calibration, the split its network was trained on, and writes it beside
 * the weights. `calibrate` does this itself; this task refits from the
 * data a profile ships, after the Judge's features change.
 */
import { z } from "zod";
import * as cli from "../pipeline/stages/cli.ts";
import { calibrationData, readCalibration } from "../pipeline/stages/calibrate.ts";
import { describeWeights, weightsSource } from "../pipeline/nnue/profiles.ts";
import { ASM_JUDGE_FILE, fitOnTraining, writeAsmJudge } from "../pipeline/nnue/asm_judge.ts";
import { describeTarget } from "../pipeline/target/target.ts";

interface Opts {
  data?: string;
  weights?: string;
  target?: string;
}

const COMMAND: cli.Command<Opts> = {
  name: "fit:compiled-judge",
  usage: `usage: deno task fit:compiled-judge [--data PATH] [--weights DIR] [--target T]

Fits the compiled-code Judge on the training kernels of the calibration that
wrote the weights (the same split the network was trained on) and writes
${ASM_JUDGE_FILE} beside them.
  --data PATH    measured variant records, JSONL or gzipped (default: this machine's calibration
                 of the profile, else the records the profile ships)
  --weights DIR  weights and calibration summary (default: this machine's profile)
${cli.TARGET_USAGE}`,
  options: { data: { type: "string" }, weights: { type: "string" }, ...cli.TARGET_OPTION },
  schema: z.object({
    data: z.string().min(1).optional(),
    weights: z.string().min(1).optional(),
    target: cli.targetOption,
  }),
};

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(COMMAND, Deno.args);
    if (parsed === null) return 0;
    const o = parsed.opts;
    const target = cli.commandTarget("fit:compiled-judge", o.target, false);
    const source = weightsSource(target, o.weights);
    if (source.kind === "table") {
      throw new cli.CliError(
        `fit:compiled-judge: profile ${source.profile.name} has no weights: run deno task calibrate`,
        cli.EXIT_DATA,
      );
    }
    const dir = source.dir;
    const data = o.data ?? calibrationData(source, dir);
    if (data === null) throw new cli.CliError("fit:compiled-judge: --weights DIR needs --data PATH", cli.EXIT_USAGE);
    console.error(`fit:compiled-judge: target ${describeTarget(target)}; ${describeWeights(source)}; data ${data}`);
    const { summary, records } = await readCalibration("fit:compiled-judge", dir, data);
    const j = fitOnTraining(records, summary, target);
    writeAsmJudge(dir, j);
    console.error(
      `fit:compiled-judge: wrote ${dir}/${ASM_JUDGE_FILE} (${j.variants} variants of ${j.kernels} kernels)`,
    );
    return 0;
  });
}
