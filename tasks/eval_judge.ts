/**
 * `deno task eval:judge`: the trained Judge against the static latency
 * table and llvm-mca on the calibration's validation kernels (never trained
 * on): Kendall's tau within each kernel's variants (mean over kernels) and
 * over all variants, and MAPE. See pipeline/nnue/eval_judge.ts.
 */
import { z } from "zod";
import { CliError, type Command, EXIT_DATA, intOption, parseCommand, runMain } from "../pipeline/stages/cli.ts";
import { MEASURED_PATH } from "../pipeline/nnue/calibrate.ts";
import { evalJudge, formatEval } from "../pipeline/nnue/eval_judge.ts";
import { readSummary } from "../pipeline/nnue/train_judge.ts";
import { DEFAULT_WEIGHTS_DIR, loadNetwork } from "../pipeline/nnue/weights_file.ts";
import { MCA_ICELAKE, MCA_ZNVER3 } from "../pipeline/kernel/mca.ts";
import { readMeasured } from "../pipeline/stages/train_judge.ts";

interface Opts {
  data: string;
  weights: string;
  "no-mca": boolean;
  "mca-fit": number;
  json: boolean;
}

const COMMAND: Command<Opts> = {
  name: "eval:judge",
  usage: `usage: deno task eval:judge [--data PATH] [--weights DIR] [--no-mca] [--mca-fit N] [--json]

Ranks and predicts the measured variants of the validation kernels (held out
by the calibration that wrote the weights) with the Judge, the static
latency table and llvm-mca, and prints Kendall's tau within kernels and over
all variants, and MAPE, side by side.
  --data PATH    measured variant records (default ${MEASURED_PATH}, written by calibrate)
  --weights DIR  weights and calibration summary (default ${DEFAULT_WEIGHTS_DIR})
  --no-mca       leave llvm-mca out
  --mca-fit N    training variants llvm-mca's scale is fitted on (default 1500)
  --json         print the figures as JSON`,
  options: {
    data: { type: "string", default: MEASURED_PATH },
    weights: { type: "string", default: DEFAULT_WEIGHTS_DIR },
    "no-mca": { type: "boolean", default: false },
    "mca-fit": { type: "string", default: "1500" },
    json: { type: "boolean", default: false },
  },
  schema: z.object({
    data: z.string().min(1),
    weights: z.string().min(1),
    "no-mca": z.boolean(),
    "mca-fit": intOption(1, 1_000_000),
    json: z.boolean(),
  }),
};

if (import.meta.main) {
  await runMain(async () => {
    const parsed = parseCommand(COMMAND, Deno.args);
    if (parsed === null) return 0;
    const o = parsed.opts;
    const summary = readSummary(o.weights);
    if (summary === null) {
      throw new CliError(`eval:judge: no calibration summary in ${o.weights}: run deno task calibrate`, EXIT_DATA);
    }
    let file: Deno.FsFile;
    try {
      file = await Deno.open(o.data);
    } catch (e) {
      throw new CliError(
        `eval:judge: cannot read ${o.data} (${(e as Error).message}): run deno task calibrate, or give --data`,
        EXIT_DATA,
      );
    }
    const { records } = await readMeasured(file.readable);
    using nw = loadNetwork(o.weights);
    const r = await evalJudge(nw, summary, records, {
      mca: o["no-mca"] ? [] : [MCA_ZNVER3, MCA_ICELAKE],
      mcaFitSample: o["mca-fit"],
      progress: (m) => console.error(m),
    });
    console.log(o.json ? JSON.stringify(r) : formatEval(r));
    return 0;
  });
}
