/**
 * `deno task bench:ops [--isa avx512|avx2] [--copies M]`: the measured
 * marginal cost of every op (pipeline/kernel/op_costs.ts), next to the op
 * table's static estimate, for updating pipeline/expr/ops.ts.
 */
import { z } from "zod";
import { formatOpCosts, measureOpCosts } from "../pipeline/kernel/op_costs.ts";
import { type Command, EXIT_OK, intOption, parseCommand, runMain } from "../pipeline/stages/cli.ts";

const Cmd: Command<{ isa: "avx512" | "avx2"; copies: number }> = {
  name: "bench:ops",
  usage: `usage: deno task bench:ops [--isa avx512|avx2] [--copies M]

Measures the marginal cost of every op and prints it next to the op table's
static estimate, for updating pipeline/expr/ops.ts.
  --isa I     instruction set to compile the measuring kernels for: avx512 or
              avx2 (default avx512)
  --copies M  applications of the op in each measuring kernel, 1-64 (default 8)`,
  options: { isa: { type: "string" }, copies: { type: "string" } },
  schema: z.object({
    isa: z.enum(["avx512", "avx2"]).default("avx512"),
    copies: intOption(1, 64).default(8),
  }),
};

if (import.meta.main) {
  await runMain(async () => {
    const parsed = parseCommand(Cmd, Deno.args);
    if (parsed === null) return EXIT_OK;
    const o = parsed.opts;
    const rows = await measureOpCosts({ isa: o.isa, copies: o.copies, progress: (m) => console.error(m) });
    console.log(formatOpCosts(rows, o.isa));
    return EXIT_OK;
  });
}
