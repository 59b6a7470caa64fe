/**
 * `deno task bench:ops [--isa avx512|avx2] [--copies M]`: the measured
 * marginal cost of every op (pipeline/kernel/op_costs.ts), next to the op
 * table's static estimate, for updating pipeline/expr/ops.ts.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { formatOpCosts, measureOpCosts } from "../pipeline/kernel/op_costs.ts";

const Opts = z.object({
  isa: z.enum(["avx512", "avx2"]).default("avx512"),
  copies: z.coerce.number().int().min(1).max(64).default(8),
});

if (import.meta.main) {
  const { values } = parseArgs({ options: { isa: { type: "string" }, copies: { type: "string" } } });
  const o = Opts.parse(values);
  const rows = await measureOpCosts({ isa: o.isa, copies: o.copies, progress: (m) => console.error(m) });
  console.log(formatOpCosts(rows, o.isa));
}
