/**
 * The kernel optimizer: command line (`deno run -A mod.ts <command>`) and
 * public API.
 */
export * from "./pipeline/expr/mod.ts";
export * from "./pipeline/records/schema.ts";
export * from "./pipeline/records/jsonl.ts";
export * as nnue from "./pipeline/nnue/mod.ts";
export * as kernel from "./pipeline/kernel/mod.ts";
import { EXIT_USAGE, runMain } from "./pipeline/stages/cli.ts";
import { generateMain, parseMain, unfuseMain } from "./pipeline/stages/commands.ts";
import { demoMain } from "./pipeline/stages/demo.ts";
import { compileMain } from "./pipeline/stages/compile.ts";
import { benchMain } from "./pipeline/stages/bench.ts";
import { peersMain } from "./pipeline/stages/peers.ts";
import { variantsMain } from "./pipeline/stages/variants.ts";
import { trainJudgeMain } from "./pipeline/stages/train_judge.ts";
import { optimizeMain } from "./pipeline/stages/optimize.ts";
import { compareMain } from "./pipeline/stages/compare.ts";

const COMMANDS: Readonly<Record<string, { run: (argv: readonly string[]) => Promise<number>; help: string }>> = {
  demo: { run: demoMain, help: "parse a bundled kernel and show what the optimizer sees" },
  generate: { run: generateMain, help: "random expression records (JSONL) on stdout" },
  parse: { run: parseMain, help: "FPCore files to expression records (JSONL)" },
  compile: { run: compileMain, help: "expression records to compiled SIMD kernels (JSONL)" },
  bench: { run: benchMain, help: "time compiled kernels; appends to data/benchmark_cache.jsonl" },
  peers: { run: peersMain, help: "time a corpus under gcc/clang -O2/-O3/-ffast-math and our codegen" },
  unfuse: { run: unfuseMain, help: "backward generation: random unfusing rewrites of optimized expressions" },
  variants: { run: variantsMain, help: "equivalent forms of each kernel (rule walks, e-graph extraction)" },
  "train-judge": { run: trainJudgeMain, help: "train the Judge on measured variants; writes weights" },
  optimize: {
    run: optimizeMain,
    help: "rewrite kernels to faster forms (guided search + Judge); --measure times them against gcc/clang",
  },
  compare: { run: compareMain, help: "a corpus under gcc/clang and both searches, one timing run; the targets" },
  report: {
    // Loaded on demand: vega takes most of a second to load, which no other command should pay.
    run: async (argv) => (await import("./pipeline/stages/report.ts")).reportMain(argv),
    help: "the comparison as one self-contained HTML file with SVG plots",
  },
};

const USAGE = `usage: deno run -A mod.ts <command> [options]   (--help on any command)

commands:
${Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(10)} ${c.help}`).join("\n")}`;

if (import.meta.main) {
  const [cmd, ...rest] = Deno.args;
  await runMain(async () => {
    if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
      console.log(USAGE);
      return cmd === undefined ? EXIT_USAGE : 0;
    }
    const c = COMMANDS[cmd];
    if (c === undefined) {
      console.error(`unknown command ${JSON.stringify(cmd)}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    return await c.run(rest);
  });
}
