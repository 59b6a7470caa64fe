/**
 * `deno task bench:ops [--target T] [--for kopt|gcc|clang] [--copies M] [--json FILE]`:
 * the measured marginal cost of every op (pipeline/kernel/op_costs.ts) in
 * our SIMD code or in plain C under gcc/clang -O3 -ffast-math, next to the
 * op table's static estimate, for updating pipeline/expr/ops.ts; with
 * --json, also the static cost table of that (ISA, build) as
 * data/cost_tables/<isa>-<build>.json holds it.
 */
import { dirname } from "node:path";
import { z } from "zod";
import { costTableFile, formatOpCosts, measureOpCosts } from "../pipeline/kernel/op_costs.ts";
import { BUILDERS } from "../pipeline/target/cost_tables.ts";
import { machineFingerprint } from "../pipeline/kernel/machine.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { describeTarget } from "../pipeline/target/target.ts";

const Cmd: cli.Command<{ target?: string; for: "kopt" | "gcc" | "clang"; copies: number; json?: string }> = {
  name: "bench:ops",
  usage: `usage: deno task bench:ops [--target T] [--for kopt|gcc|clang] [--copies M] [--json FILE]

Measures the marginal cost of every op and prints it next to the op table's
static estimate, for updating pipeline/expr/ops.ts.
${cli.TARGET_USAGE}
  --for B     whose code: kopt (our SIMD kernels, the default), gcc or clang
              (plain C built with <cc> -O3 -ffast-math and the target's flags)
  --copies M  applications of the op in each measuring kernel, 1-64 (default 8;
              3 or more for gcc and clang)
  --json FILE also write the cost table: every op in units of one + (the
              mul-bound rows for *, fma, fms, fnma), multiples of 0.5, at least 0.5`,
  options: { ...cli.TARGET_OPTION, for: { type: "string" }, copies: { type: "string" }, json: { type: "string" } },
  schema: z.object({
    target: cli.targetOption,
    for: z.enum(BUILDERS).default("kopt"),
    copies: cli.intOption(1, 64).default(8),
    json: z.string().min(1).optional(),
  }),
};

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(Cmd, Deno.args);
    if (parsed === null) return cli.EXIT_OK;
    const o = parsed.opts;
    if (o.for !== "kopt" && o.copies < 3) {
      throw new cli.CliError(`bench:ops: --for ${o.for} needs --copies 3 or more (distinct arguments)`, cli.EXIT_USAGE);
    }
    const target = cli.commandTarget("bench:ops", o.target, true);
    console.log(`target ${describeTarget(target)}; build ${o.for}`);
    const rows = await measureOpCosts({
      target,
      build: o.for,
      copies: o.copies,
      progress: (m) => console.error(m),
    });
    console.log(formatOpCosts(rows, target, o.for));
    if (o.json !== undefined) {
      const machine = machineFingerprint();
      const table = costTableFile(rows, {
        isa: target.isa,
        build: o.for,
        machine: { cpu: machine.cpu, hash: machine.hash },
        measured: new Date().toISOString().slice(0, 10),
      });
      Deno.mkdirSync(dirname(o.json), { recursive: true });
      Deno.writeTextFileSync(o.json, JSON.stringify(table, null, 2) + "\n");
      console.error(`wrote ${o.json}`);
    }
    return cli.EXIT_OK;
  });
}
