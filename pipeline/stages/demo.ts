/**
 * `demo`: the README's first command. Parses a bundled kernel and shows
 * what the optimizer sees: FPCore and infix forms, static cost, and values
 * on sample inputs in float64 and float32 with their ulp error.
 */
import { join } from "node:path";
import { z } from "zod";
import { KERNELS_DIR } from "../base/paths.ts";
import { evaluateBatch } from "../expr/evaluate.ts";
import { parseFPCoreFile } from "../expr/fpcore.ts";
import { printFPCore, printInfix } from "../expr/print.ts";
import { REFERENCE_COSTS, staticCost } from "../expr/cost.ts";
import { errorStats, ulpDistance } from "../expr/ulp.ts";
import { Rng } from "../expr/random.ts";
import { dagSize, treeSize } from "../expr/expr.ts";
import { type Command, EXIT_DATA, EXIT_OK, parseCommand } from "./cli.ts";

const DemoCmd: Command<{ file: string; name?: string }> = {
  name: "demo",
  usage: `usage: demo [--file F.fpcore] [--name NAME]

Parses a kernel (default: the first of data/kernels/graphics.fpcore) and
prints its FPCore and infix forms, static cost and sample evaluations.`,
  options: { file: { type: "string", default: join(KERNELS_DIR, "graphics.fpcore") }, name: { type: "string" } },
  schema: z.object({ file: z.string(), name: z.string().optional() }),
};

export async function demoMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(DemoCmd, argv);
  if (parsed === null) return EXIT_OK;
  const { file, name } = parsed.opts;
  const { benchmarks, errors } = parseFPCoreFile(await Deno.readTextFile(file));
  const b = name === undefined ? benchmarks[0] : benchmarks.find((x) => x.name === name);
  if (b === undefined) {
    console.error(`demo: no benchmark ${name ?? ""} in ${file} (${errors.length} failed to parse)`);
    return EXIT_DATA;
  }
  const e = b.expr;
  console.log(`kernel   ${b.name ?? "(unnamed)"} from ${file}`);
  console.log(`vars     ${b.vars.join(" ")}`);
  console.log(`ranges   ${b.vars.map((v) => `${v}∈[${b.ranges[v]?.join(", ") ?? "?"}]`).join(" ")}`);
  console.log(`fpcore   ${printFPCore(e)}`);
  console.log(`infix    ${printInfix(e)}`);
  console.log(`size     ${dagSize(e)} unique nodes, ${treeSize(e)} as a tree`);
  console.log(`cost     ${staticCost(e, REFERENCE_COSTS).toFixed(1)} (${REFERENCE_COSTS.name})`);
  const rng = new Rng(7);
  const n = 1000;
  const cols = b.vars.map((v) => {
    const [lo, hi] = b.ranges[v] ?? [-1, 1];
    return Array.from({ length: n }, () => Math.fround(rng.range(lo, hi)));
  });
  const r64 = evaluateBatch(e, b.vars, cols, 64);
  const r32 = evaluateBatch(e, b.vars, cols, 32);
  console.log(`samples  (float64 reference vs float32 kernel model)`);
  for (let k = 0; k < 4; k++) {
    const at = b.vars.map((v, i) => `${v}=${cols[i][k].toPrecision(3)}`).join(" ");
    console.log(
      `  ${at}  f64=${r64[k].toPrecision(9)} f32=${r32[k].toPrecision(9)} ulp=${ulpDistance(r32[k], r64[k])}`,
    );
  }
  const s = errorStats(r32, r64);
  console.log(
    `accuracy over ${n} points: max ${s.maxUlp} ulp, mean ${s.meanUlp.toFixed(2)} ulp, ${s.meanBits.toFixed(2)} bits`,
  );
  return EXIT_OK;
}
