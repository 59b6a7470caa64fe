/**
 * `deno task bench:harness`: compile throughput (batches of 100 and 1,000
 * random kernels, against one compiler call per kernel) and measurement
 * noise (20 kernels, 5 separate harness processes). See
 * pipeline/kernel/harness_bench.ts.
 *
 *   --skip-compile / --skip-noise   run only one half
 *   --kernels N --runs R            size of the noise study (default 20, 5)
 */
import { z } from "zod";
import { compileThroughput, formatNoise, noiseStudy } from "../pipeline/kernel/harness_bench.ts";
import { machineFingerprint } from "../pipeline/kernel/machine.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { describeTarget } from "../pipeline/target/target.ts";

const Cmd: cli.Command<
  { "skip-compile": boolean; "skip-noise": boolean; kernels: number; runs: number; target?: string }
> = {
  name: "bench:harness",
  usage: `usage: deno task bench:harness [--skip-compile] [--skip-noise] [--kernels N] [--runs R]

Compile throughput (batches of 100 and 1,000 random kernels, against one
compiler call per kernel), then measurement noise (kernels each measured in
separate harness processes).
  --skip-compile  skip the compile throughput half
  --skip-noise    skip the measurement noise half
  --kernels N     kernels in the noise study, 2-1000 (default 20)
  --runs R        harness processes per kernel in the noise study, 2-50 (default 5)
${cli.TARGET_USAGE}`,
  options: {
    "skip-compile": { type: "boolean" },
    "skip-noise": { type: "boolean" },
    kernels: { type: "string" },
    runs: { type: "string" },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    "skip-compile": z.boolean().default(false),
    "skip-noise": z.boolean().default(false),
    kernels: cli.intOption(2, 1000).default(20),
    runs: cli.intOption(2, 50).default(5),
    target: cli.targetOption,
  }),
};

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(Cmd, Deno.args);
    if (parsed === null) return cli.EXIT_OK;
    const o = parsed.opts;
    const m = machineFingerprint();
    const target = cli.commandTarget("bench:harness", o.target, true);
    console.log(`machine ${m.hash}: ${m.cpu}, ${m.cores} cores, ${m.compiler}, glibc ${m.glibc}`);
    console.log(`target ${describeTarget(target)}`);
    if (!o["skip-compile"]) {
      console.log("\ncompile throughput (fresh cache, random kernels of ~10 ops, gcc -O3, 2 compilers at once)");
      const seed = Date.now() % 100000; // new kernels every run: nothing cached anywhere
      const rows: [string, Awaited<ReturnType<typeof compileThroughput>>][] = [];
      rows.push(["batch of 100", await compileThroughput(100, seed, target)]);
      rows.push(["batch of 1000", await compileThroughput(1000, seed + 1, target)]);
      rows.push(["100, one call per kernel", await compileThroughput(100, seed + 2, target, { maxChunk: 1 })]);
      for (const [label, t] of rows) {
        console.log(
          `  ${label.padEnd(26)} ${t.perSecond.toFixed(1).padStart(7)} kernels/s  (${
            t.seconds.toFixed(2)
          } s, ${t.calls} compiler calls)`,
        );
      }
      console.log(
        `  gain from batching: ${
          (rows[1][1].perSecond / rows[2][1].perSecond).toFixed(1)
        }x (1000 batched vs one call each), ${(rows[0][1].perSecond / rows[2][1].perSecond).toFixed(1)}x (100)`,
      );
    }
    if (!o["skip-noise"]) {
      console.log(
        `\nnoise: ${o.kernels} kernels, each measured in ${o.runs} separate harness processes (default settings)`,
      );
      const r = await noiseStudy(o.kernels, o.runs, 5, target, {}, (msg: string) => console.error(msg));
      console.log(formatNoise(r));
    }
    return cli.EXIT_OK;
  });
}
