/**
 * `report` (`deno task report`): the comparison as one self-contained HTML
 * file with SVG plots (pipeline/compare/report_html.ts). It reads compare
 * results (`--from FILE`, repeatable: e.g. data/kernels and FPBench runs)
 * or runs compare itself with the same options; the rule-count sweep comes
 * from the results, or is run here on a few of their kernels.
 */
import { join } from "node:path";
import { z } from "zod";
import { BUILD } from "../base/paths.ts";
import { type CompareResult, readCompareResult } from "../compare/results.ts";
import { reportHtml } from "../compare/report_html.ts";
import { CliError, type Command, commandTarget, EXIT_DATA, EXIT_OK, parseCommand } from "./cli.ts";
import { addSweep, COMPARE_HELP, COMPARE_OPTIONS, CompareOpts, compareWith } from "./compare.ts";
import { openNetwork } from "./optimize.ts";

/** Kernels in the sweep when the report runs it. */
export const REPORT_SWEEP_KERNELS = 8;

const ReportOpts = CompareOpts.extend({
  from: z.array(z.string()).optional(),
  out: z.string().default(join(BUILD, "report.html")),
});
type ReportOpts = z.infer<typeof ReportOpts>;

const ReportCmd: Command<ReportOpts> = {
  name: "report",
  usage: `usage: deno task report [--from compare.json]... [--out FILE] [compare options]

Writes one self-contained HTML file (inline SVG, no network at view time):
measured speedup per kernel against each compiler peer, with geomeans by
domain; the Judge's predicted vs measured ns (Kendall tau); search quality
vs number of rules for guided search and saturation; speed vs ulp error of
each kernel's candidates with its Pareto front; and the compare table with
the targets.

  --from FILE       compare results (deno task compare --json FILE); repeatable.
                    Without it, compare runs first with the options below.
  --out FILE        where to write (default build/report.html)

${COMPARE_HELP}`,
  options: { ...COMPARE_OPTIONS, from: { type: "string", multiple: true }, out: { type: "string" } },
  schema: ReportOpts,
};

export async function reportMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(ReportCmd, argv);
  if (parsed === null) return EXIT_OK;
  const o = parsed.opts;
  const sweepKernels = o["sweep-kernels"] ?? REPORT_SWEEP_KERNELS;
  let results: CompareResult[];
  if (o.from !== undefined) {
    results = o.from.map((f) => {
      try {
        return readCompareResult(f);
      } catch (e) {
        throw new CliError(`report: ${(e as Error).message}`, EXIT_DATA);
      }
    });
    if (sweepKernels > 0 && results.every((r) => r.sweep === undefined)) {
      const target = commandTarget("report", o.target, true);
      using nw = openNetwork("report", o.weights, target);
      results[0] = await addSweep(results[0], sweepKernels, nw, o, target, (m) => console.error(`report: ${m}`));
    }
  } else {
    results = [await compareWith(o, sweepKernels)];
  }
  const html = await reportHtml(results, { sources: o.from ?? ["a compare run made by report"] });
  try {
    Deno.writeTextFileSync(o.out, html);
  } catch (e) {
    throw new CliError(`report: cannot write ${o.out}: ${(e as Error).message}`, EXIT_DATA);
  }
  console.error(`report: wrote ${o.out} (${(html.length / 1024).toFixed(0)} KiB)`);
  return EXIT_OK;
}
