/**
 * `deno task bench:ops [--target T] [--copies M]`: the measured
 * marginal cost of every op (pipeline/kernel/op_costs.ts), next to the op
 * table's static estimate, for updating pipeline/expr/ops.ts.
 */
import { z } from "zod";
import { formatOpCosts, measureOpCosts } from "../pipeline/kernel/op_costs.ts";
import {
  type Command,
  commandTarget,
  EXIT_OK,
  intOption,
  parseCommand,
  runMain,
  TARGET_OPTION,
  TARGET_USAGE,
  targetOption,
} from "../pipeline/stages/cli.ts";
import { describeTarget } from "../pipeline/target/target.ts";

const Cmd: Command<{ target?: string; copies: number }> = {
  name: "bench:ops",
  usage: `usage: deno task bench:ops [--target T] [--copies M]

Measures the marginal cost of every op and prints it next to the op table's
static estimate, for updating pipeline/expr/ops.ts.
${TARGET_USAGE}
  --copies M  applications of the op in each measuring kernel, 1-64 (default 8)`,
  options: { ...TARGET_OPTION, copies: { type: "string" } },
  schema: z.object({
    target: targetOption,
    copies: intOption(1, 64).default(8),
  }),
};

if (import.meta.main) {
  await runMain(async () => {
    const parsed = parseCommand(Cmd, Deno.args);
    if (parsed === null) return EXIT_OK;
    const o = parsed.opts;
    const target = commandTarget("bench:ops", o.target, true);
    console.log(`target ${describeTarget(target)}`);
    const rows = await measureOpCosts({ target, copies: o.copies, progress: (m) => console.error(m) });
    console.log(formatOpCosts(rows, target));
    return EXIT_OK;
  });
}
