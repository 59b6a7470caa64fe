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
import { BUILDERS, CostTableFile } from "../pipeline/target/cost_tables.ts";
import { isOpName, type OpName } from "../pipeline/expr/ops.ts";
import { machineFingerprint } from "../pipeline/kernel/machine.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { describeTarget } from "../pipeline/target/target.ts";

const Cmd: cli.Command<
  { target?: string; for: "kopt" | "gcc" | "clang"; copies: number; json?: string; ops?: OpName[] }
> = {
  name: "bench:ops",
  usage: `usage: deno task bench:ops [--target T] [--for kopt|gcc|clang] [--copies M] [--ops LIST] [--json FILE]

Measures the marginal cost of every op and prints it next to the op table's
static estimate, for updating pipeline/expr/ops.ts.
${cli.TARGET_USAGE}
  --for B     whose code: kopt (our SIMD kernels, the default), gcc or clang
              (plain C built with <cc> -O3 -ffast-math and the target's flags)
  --copies M  applications of the op in each measuring kernel, 1-64 (default 8;
              3 or more for gcc and clang)
  --ops LIST  only these ops (comma-separated op names), and + as the unit
  --json FILE also write the cost table: every op in units of one + (the
              mul-bound rows for *, fma, fms, fnma), multiples of 0.5, at least 0.5;
              with --ops, FILE must exist and only those ops' costs change in it`,
  options: {
    ...cli.TARGET_OPTION,
    for: { type: "string" },
    copies: { type: "string" },
    json: { type: "string" },
    ops: { type: "string" },
  },
  schema: z.object({
    target: cli.targetOption,
    for: z.enum(BUILDERS).default("kopt"),
    copies: cli.intOption(1, 64).default(8),
    json: z.string().min(1).optional(),
    ops: z.string().transform((t, ctx) => {
      const names = t.split(",").map((x) => x.trim()).filter((x) => x !== "");
      const bad = names.filter((x) => !isOpName(x) || x === "d");
      if (names.length === 0 || bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `not measurable ops: ${bad.join(", ") || "(none)"}` });
        return z.NEVER;
      }
      return names as OpName[];
    }).optional(),
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
      only: o.ops,
      progress: (m) => console.error(m),
    });
    console.log(formatOpCosts(rows, target, o.for));
    if (o.json !== undefined) {
      const machine = machineFingerprint();
      const meta = {
        isa: target.isa,
        build: o.for,
        machine: { cpu: machine.cpu, hash: machine.hash },
        measured: new Date().toISOString().slice(0, 10),
      };
      const fresh = costTableFile(rows, { ...meta, only: o.ops });
      const table = o.ops === undefined ? fresh : mergeCostTable(o.json, fresh, o.ops, meta);
      Deno.mkdirSync(dirname(o.json), { recursive: true });
      Deno.writeTextFileSync(o.json, JSON.stringify(table, null, 2) + "\n");
      console.error(`wrote ${o.json}`);
    }
    return cli.EXIT_OK;
  });
}

/** The table in `path` with `ops` replaced by their costs in `fresh`, and a note of when and where they were timed. */
function mergeCostTable(
  path: string,
  fresh: CostTableFile,
  ops: readonly OpName[],
  meta: { machine: { cpu: string; hash: string }; measured: string },
): CostTableFile {
  let old: CostTableFile;
  try {
    old = CostTableFile.parse(JSON.parse(Deno.readTextFileSync(path)));
  } catch (e) {
    throw new cli.CliError(
      `bench:ops: --ops updates an existing table: ${path}: ${(e as Error).message}`,
      cli.EXIT_DATA,
    );
  }
  if (old.isa !== fresh.isa || old.build !== fresh.build) {
    throw new cli.CliError(
      `bench:ops: ${path} is the ${old.isa}-${old.build} table, not ${fresh.isa}-${fresh.build}`,
      1,
    );
  }
  const costs = { ...old.costs };
  for (const op of ops) costs[op] = fresh.costs[op];
  return { ...old, costs, updated: [...(old.updated ?? []), { ops: [...ops], ...meta }] };
}
