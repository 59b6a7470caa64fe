/**
 * `deno task train-guide`: Loop B. Rounds of (search random and BWD
 * expressions with the current Guide -> Judge-scored trajectories -> train
 * the Guide head). Weights are saved atomically after every round, and the
 * number of finished rounds is kept beside them, so an interrupted run
 * resumes where it stopped.
 */
import { join } from "node:path";
import { z } from "zod";
import { ALL_RULES } from "../pipeline/rules/all.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { loadNetwork, saveNetwork } from "../pipeline/nnue/weights_file.ts";
import { DEFAULT_TRAIN_GUIDE, trainGuideRound } from "../pipeline/search/train_guide.ts";
import { costTableFor } from "../pipeline/target/cost_tables.ts";
import { describeTarget } from "../pipeline/target/target.ts";
import { describeWeights, weightsSource } from "../pipeline/nnue/profiles.ts";

const Cmd: cli.Command<{
  rounds: number;
  expressions: number;
  epochs: number;
  seed: number;
  dir?: string;
  out?: string;
  target?: string;
  "tune-embeddings": boolean;
  restart: boolean;
}> = {
  name: "train-guide",
  usage: `usage: deno task train-guide [--rounds R] [--expressions N] [--epochs E] [--seed S]
                              [--dir D] [--out O] [--target T] [--tune-embeddings] [--restart]

Loop B: each round searches N expressions (half random, half backward-generated)
with the current Guide, scores the states with the Judge, and trains the Guide
head to predict the best Judge cost reachable within ${DEFAULT_TRAIN_GUIDE.horizon} rewrites.
Weights are read from D (default: this machine's profile, data/profiles/<profile>/) and
written to O (default D) after
every round; finished rounds are counted in O/train_guide_progress.json so a
rerun resumes (--restart starts over).
  --target T         avx512|avx2|neon: the target whose profile and static table are meant
                     (default: detected); the searches descend its table
  --tune-embeddings  also train the shared embedding (frozen by default)`,
  options: {
    rounds: { type: "string", default: "3" },
    expressions: { type: "string", default: String(DEFAULT_TRAIN_GUIDE.expressions) },
    epochs: { type: "string", default: String(DEFAULT_TRAIN_GUIDE.epochs) },
    seed: { type: "string", default: "1" },
    dir: { type: "string" },
    target: { type: "string" },
    out: { type: "string" },
    "tune-embeddings": { type: "boolean", default: false },
    restart: { type: "boolean", default: false },
  },
  schema: z.object({
    rounds: cli.intOption(1, 1000),
    expressions: cli.intOption(2, 100000),
    epochs: cli.intOption(1, 1000),
    seed: cli.intOption(0, 2 ** 31 - 1),
    dir: z.string().optional(),
    out: z.string().optional(),
    target: z.string().optional(),
    "tune-embeddings": z.boolean(),
    restart: z.boolean(),
  }),
};

const Progress = z.object({ rounds: z.number().int().min(0), seed: z.number().int() });

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(Cmd, Deno.args);
    if (parsed === null) return cli.EXIT_OK;
    const opts = parsed.opts;
    const target = cli.commandTarget("train-guide", opts.target, false);
    const source = weightsSource(target, opts.dir);
    if (source.kind === "table") {
      throw new cli.CliError(`train-guide: ${describeWeights(source)}; or give --dir`, cli.EXIT_DATA);
    }
    console.error(`train-guide: target ${describeTarget(target)}; ${describeWeights(source)}`);
    const o = { ...opts, dir: source.dir };
    const costs = costTableFor(target.isa, "kopt");
    const out = o.out ?? o.dir;
    const progressPath = join(out, "train_guide_progress.json");
    let done = 0;
    if (!o.restart) {
      try {
        const p = Progress.parse(JSON.parse(await Deno.readTextFile(progressPath)));
        if (p.seed === o.seed) done = p.rounds;
      } catch { /* no progress yet */ }
    }
    // Resuming reads the weights this run last wrote.
    const nw = loadNetwork(done > 0 ? out : o.dir);
    try {
      for (let round = done; round < o.rounds; round++) {
        const r = await trainGuideRound(
          nw,
          {
            rules: ALL_RULES,
            costs,
            expressions: o.expressions,
            epochs: o.epochs,
            seed: o.seed,
            tuneEmbeddings: o["tune-embeddings"],
          },
          round,
          (i, n) => {
            if (i % 20 === 0 || i === n) console.error(`round ${round + 1}/${o.rounds}: searched ${i}/${n}`);
          },
        );
        const saved = saveNetwork(nw, out);
        await Deno.writeTextFile(progressPath, JSON.stringify({ rounds: round + 1, seed: o.seed }) + "\n");
        console.log(
          `round ${round + 1}: ${r.samples} samples, guide validation loss ${r.validationBefore.toFixed(4)} -> ${
            r.validationAfter.toFixed(4)
          } (search ${(r.searchMs / 1000).toFixed(1)} s, train ${(r.trainMs / 1000).toFixed(1)} s), weights ${
            Object.values(saved.bytes).reduce((a, b) => a + b, 0)
          } bytes in ${out}`,
        );
      }
    } finally {
      nw.free();
    }
    return cli.EXIT_OK;
  });
}
