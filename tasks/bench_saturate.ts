/**
 * `deno task bench:saturate`: where plain equality saturation stops working.
 *
 * Runs saturation over the kernel corpus (data/kernels/*.fpcore) with
 * growing rule sets: the algebra domain alone, then the first 20, 50, 100,
 * 150, 200, 250, 300, 400 and all exact rules in domain round-robin order
 * (algebra's first rule, fma's first, strength's first, ... then every
 * domain's second, ...), so that each set is a prefix of the next and spans
 * the domains early (the steps between 100 and all locate the break). For
 * every set it prints e-nodes, e-classes, iterations, time, stop reasons
 * and the static cost of the greedy extraction against the input, summed
 * and per kernel, and says at which rule count saturation stops reaching a
 * fixpoint within the limits (default 10 s and 100,000 e-nodes per run).
 *
 * Then a dedicated throughput measurement: e-nodes added per second (raw
 * hash-consed adds, whole expressions, and during saturation), unions plus
 * rebuild, and e-matching (matches and visited nodes per second).
 *
 * The default run takes a deterministic subset of the corpus (every k-th
 * kernel, spread over the files) to stay under about ten minutes on one
 * core; `--kernels all` runs everything. Timings are wall-clock on a shared
 * machine (another process may be using the other core): expect ~10%.
 */
import { z } from "zod";
import { KERNELS_DIR } from "../pipeline/base/paths.ts";
import { EGraph } from "../pipeline/egraph/egraph.ts";
import { compilePattern, ematch } from "../pipeline/egraph/ematch.ts";
import { Extractor } from "../pipeline/egraph/extract.ts";
import { runRules, type StopReason } from "../pipeline/egraph/runner.ts";
import { type CostTable, staticCost } from "../pipeline/expr/cost.ts";
import { BUILDERS, costTableFor } from "../pipeline/target/cost_tables.ts";
import { describeTarget } from "../pipeline/target/target.ts";
import { type Expr, hasDerivative } from "../pipeline/expr/expr.ts";
import { parseExpr } from "../pipeline/expr/fpcore.ts";
import type { Interval } from "../pipeline/expr/interval.ts";
import { opCode } from "../pipeline/expr/ops.ts";
import { randomExpr, Rng } from "../pipeline/expr/random.ts";
import { rangeOf } from "../pipeline/expr/sample.ts";
import { rulesByDomain, rulesRoundRobin } from "../pipeline/rules/all.ts";
import { DOMAINS, type Rule } from "../pipeline/rules/rule.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { loadCorpus } from "../pipeline/records/corpus.ts";

const Opts = z.object({
  kernels: z.union([z.literal("all"), cli.intOption(1)]),
  sets: z.string().regex(/^(algebra|all|\d+)(,(algebra|all|\d+))*$/, "a comma list of algebra, all and counts"),
  "node-limit": cli.intOption(1),
  time: cli.numberOption(0.01, 3600),
  "iter-limit": cli.intOption(1),
  "per-kernel": z.boolean(),
  "skip-throughput": z.boolean(),
  target: cli.targetOption,
  for: z.enum(BUILDERS).default("kopt"),
});
type Opts = z.infer<typeof Opts>;

const BenchCmd: cli.Command<Opts> = {
  name: "bench:saturate",
  usage: `usage: deno task bench:saturate [options]

Saturation over data/kernels/*.fpcore with growing rule sets, then e-graph
throughput figures.
  --kernels N|all  kernels to run: every k-th of the corpus so that N are
                   taken (default 24), or all of them
  --sets LIST      rule sets (default algebra,20,50,100,150,200,250,300,400,all)
  --node-limit N   e-nodes per run (default 100000)
  --time S         seconds per run (default 10)
  --iter-limit N   iterations per run (default 10000: effectively none)
  --per-kernel     one line per kernel and rule set, not only the matrix
  --skip-throughput  no throughput measurement
${cli.TARGET_USAGE}
  --for B          kopt|gcc|clang: whose static table extraction minimizes (default kopt)`,
  options: {
    kernels: { type: "string", default: "24" },
    sets: { type: "string", default: "algebra,20,50,100,150,200,250,300,400,all" },
    "node-limit": { type: "string", default: "100000" },
    time: { type: "string", default: "10" },
    "iter-limit": { type: "string", default: "10000" },
    "per-kernel": { type: "boolean", default: false },
    "skip-throughput": { type: "boolean", default: false },
    ...cli.TARGET_OPTION,
    for: { type: "string" },
  },
  schema: Opts,
};

interface Kernel {
  readonly name: string;
  readonly file: string;
  readonly expr: Expr;
  readonly ranges: Readonly<Record<string, Interval>>;
}

function corpusKernels(): Kernel[] {
  const { records, skipped } = loadCorpus([KERNELS_DIR]);
  for (const m of skipped) console.error(`bench:saturate: skipped ${m}`);
  return records.map((r) => ({
    name: r.name ?? r.id,
    file: r.tags?.[0] ?? r.id,
    expr: parseExpr(r.expr, r.vars),
    // The graph gets the ranges the optimizer samples accuracy over.
    ranges: Object.fromEntries(r.vars.map((v) => [v, rangeOf(r.ranges ?? {}, v) as Interval])),
  }));
}

/** Every k-th kernel, so that `n` are taken across all files. */
function subset(all: readonly Kernel[], n: number | "all"): Kernel[] {
  if (n === "all" || n >= all.length) return [...all];
  const step = all.length / n;
  return Array.from({ length: n }, (_, i) => all[Math.floor(i * step)]);
}

interface RuleSet {
  readonly label: string;
  readonly rules: readonly Rule[];
}

function ruleSets(spec: string): RuleSet[] {
  const order = rulesRoundRobin();
  return spec.split(",").map((s): RuleSet => {
    if (s === "algebra") return { label: "algebra", rules: rulesByDomain.algebra.filter((r) => r.approx === null) };
    if (s === "all") return { label: "all", rules: order };
    return { label: s, rules: order.slice(0, Number(s)) };
  });
}

function describe(set: RuleSet): string {
  const counts = DOMAINS.map((d) => [d, set.rules.filter((r) => r.domain === d).length] as const)
    .filter(([, c]) => c > 0).map(([d, c]) => `${d} ${c}`).join(", ");
  const names = set.label === "all" || set.label === "algebra" ? "" : `\n      ${wrap(set.rules.map((r) => r.name))}`;
  return `  ${set.label.padEnd(8)} ${String(set.rules.length).padStart(4)} rules: ${counts}${names}`;
}

function wrap(words: readonly string[], width = 110): string {
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur.length + w.length + 1 > width) {
      lines.push(cur);
      cur = "";
    }
    cur += (cur === "" ? "" : " ") + w;
  }
  if (cur !== "") lines.push(cur);
  return lines.join("\n      ");
}

interface Run {
  readonly kernel: Kernel;
  readonly stop: StopReason;
  readonly nodes: number;
  readonly classes: number;
  readonly iterations: number;
  readonly ms: number;
  readonly costIn: number;
  readonly costOut: number;
  /** Whether the extraction still contains a derivative (d x e). */
  readonly dLeft: boolean;
  readonly conflicts: number;
}

function runOne(k: Kernel, rules: readonly Rule[], o: Opts, costs: CostTable): Run {
  const g = new EGraph({ ranges: k.ranges });
  const root = g.add(k.expr);
  const rep = runRules(g, rules, {
    nodeLimit: o["node-limit"],
    timeLimitMs: o.time * 1000,
    iterLimit: o["iter-limit"],
  });
  const best = new Extractor(g, costs.byKind).expr(root);
  return {
    kernel: k,
    stop: rep.stopReason,
    nodes: rep.nodes,
    classes: rep.classes,
    iterations: rep.iterations.length,
    ms: rep.ms,
    costIn: staticCost(k.expr, costs),
    costOut: staticCost(best, costs),
    dLeft: hasDerivative(best),
    conflicts: g.conflicts,
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kilo = (
  n: number,
) => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : `${n}`);
const STOP_CODE: Record<StopReason, string> = {
  "saturated": "S",
  "node-limit": "N",
  "time-limit": "T",
  "iter-limit": "I",
};

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join("  ")).join(
    "\n",
  );
}

function summarize(sets: readonly RuleSet[], results: readonly (readonly Run[])[], o: Opts): string {
  const head = [
    "set",
    "rules",
    "kernels",
    "saturated",
    "node-lim",
    "time-lim",
    "iter-lim",
    "nodes med",
    "nodes max",
    "classes med",
    "iters med",
    "time med s",
    "time sum s",
    "cost in",
    "cost out",
    "out/in",
    "geomean",
    "worse",
    "d left",
  ];
  const rows = sets.map((s, i) => {
    const rs = results[i];
    const count = (r: StopReason) => String(rs.filter((x) => x.stop === r).length);
    const cin = rs.reduce((a, r) => a + r.costIn, 0), cout = rs.reduce((a, r) => a + r.costOut, 0);
    return [
      s.label,
      String(s.rules.length),
      String(rs.length),
      count("saturated"),
      count("node-limit"),
      count("time-limit"),
      count("iter-limit"),
      kilo(median(rs.map((r) => r.nodes))),
      kilo(Math.max(...rs.map((r) => r.nodes))),
      kilo(median(rs.map((r) => r.classes))),
      String(median(rs.map((r) => r.iterations))),
      (median(rs.map((r) => r.ms)) / 1000).toFixed(2),
      (rs.reduce((a, r) => a + r.ms, 0) / 1000).toFixed(1),
      cin.toFixed(1),
      cout.toFixed(1),
      (cout / cin).toFixed(3),
      Math.exp(rs.reduce((a, r) => a + Math.log(r.costOut / r.costIn), 0) / rs.length).toFixed(3),
      String(rs.filter((r) => r.costOut > r.costIn).length),
      String(rs.filter((r) => r.dLeft).length),
    ];
  });
  const limits = `${o["node-limit"].toLocaleString("en")} e-nodes / ${o.time} s`;
  const lines = [table([head, ...rows])];
  lines.push(
    "",
    `saturated = reached a fixpoint within ${limits}; cost = static cost (cycles per 16-lane vector) of the greedy`,
    "extraction, summed over kernels (a derivative (d x e) costs 1000, so kernels with derivatives dominate the sums);",
    "geomean = geometric mean over kernels of extraction cost / input cost; worse = kernels whose extraction costs more",
    "than the input (optimize then keeps the input); d left = extractions that still contain a derivative.",
  );
  const conflicts = results.flat().reduce((a, r) => a + r.conflicts, 0);
  if (conflicts > 0) lines.push(`warning: ${conflicts} merges of different constants (an unsound rule)`);
  // Where the fixpoint is lost.
  const verdicts = sets.map((s, i) => {
    const sat = results[i].filter((r) => r.stop === "saturated").length;
    return `${s.label} (${s.rules.length} rules): ${sat}/${results[i].length}`;
  });
  lines.push("", `kernels reaching a fixpoint within ${limits}: ${verdicts.join("; ")}`);
  // The frontier is read along the round-robin prefixes (algebra alone is not one of them).
  const prefixes = sets.map((s, i) => ({ s, rs: results[i] })).filter((x) => x.s.label !== "algebra");
  const first = (pred: (rs: readonly Run[]) => boolean) => {
    const hit = prefixes.find((x) => pred(x.rs));
    return hit === undefined ? "never, in these sets" : `from ${hit.s.rules.length} rules`;
  };
  const sat = (rs: readonly Run[]) => rs.filter((r) => r.stop === "saturated").length;
  if (prefixes.length > 0) {
    lines.push(
      `along the round-robin prefixes, some kernel misses the fixpoint ${first((rs) => sat(rs) < rs.length)}, ` +
        `most do ${first((rs) => sat(rs) * 2 < rs.length)}, all do ${first((rs) => sat(rs) === 0)}`,
    );
  }
  return lines.join("\n");
}

function matrix(sets: readonly RuleSet[], results: readonly (readonly Run[])[]): string {
  const head = ["kernel", ...sets.map((s) => `${s.label}`)];
  const rows = results[0].map((r0, k) => [
    `${r0.kernel.file}/${r0.kernel.name}`,
    ...sets.map((_, i) => {
      const r = results[i][k];
      return `${STOP_CODE[r.stop]} ${kilo(r.nodes)} ${(r.ms / 1000).toFixed(1)}s`;
    }),
  ]);
  return table([head, ...rows]) +
    "\n\ncells: stop reason (S saturated, N node limit, T time limit, I iteration limit), e-nodes, seconds";
}

// ---- throughput ------------------------------------------------------------------

function throughput(corpus: readonly Kernel[], all: readonly Rule[], runs: readonly Run[]): string {
  const lines: string[] = [];
  const ops = ["+", "-", "*", "/", "sqrt", "fma", "exp"].map((n) => opCode(n as Parameters<typeof opCode>[0]));
  const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString("en")}/s`;
  // Raw adds: random new e-nodes over existing classes (hash-consing, analysis, class lists).
  {
    const rng = new Rng(1);
    const g = new EGraph({ ranges: { x: [1, 2], y: [-1, 1] } });
    const cls = [g.addVar("x"), g.addVar("y"), g.addConst(2)];
    const n = 300_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const op = ops[rng.int(ops.length)];
      cls.push(g.addNode(op, rng.pick(cls), rng.pick(cls), rng.pick(cls)));
    }
    const t1 = performance.now();
    lines.push(
      `addNode (new e-nodes over random classes): ${g.nodeCount.toLocaleString("en")} e-nodes in ${
        (t1 - t0).toFixed(0)
      } ms = ${rate(g.nodeCount, t1 - t0)}`,
    );
    const unions = 30_000;
    const t2 = performance.now();
    for (let i = 0; i < unions; i++) g.union(rng.pick(cls), rng.pick(cls));
    const merged = g.rebuild();
    const t3 = performance.now();
    lines.push(
      `union + rebuild: ${unions.toLocaleString("en")} random unions (+${merged} by congruence) and one rebuild of a ` +
        `${Math.round(g.idCount / 1000)}k-node graph in ${(t3 - t2).toFixed(0)} ms = ${rate(unions, t3 - t2)} unions`,
    );
  }
  // Whole expressions (postorder walk and a Map per expression on top).
  {
    const rng = new Rng(2);
    const exprs = Array.from({ length: 20_000 }, () => randomExpr(rng, { size: 12, vars: ["a", "b", "c", "d"] }));
    const g = new EGraph();
    const t0 = performance.now();
    for (const e of exprs) g.add(e);
    const t1 = performance.now();
    lines.push(
      `add(expr) of 20,000 random expressions: ${g.nodeCount.toLocaleString("en")} distinct e-nodes in ${
        (t1 - t0).toFixed(0)
      } ms = ${rate(g.nodeCount, t1 - t0)}`,
    );
  }
  // During saturation: everything included (search, apply, rebuild).
  {
    const nodes = runs.reduce((a, r) => a + r.nodes, 0), ms = runs.reduce((a, r) => a + r.ms, 0);
    lines.push(
      `saturation (all runs above, search + apply + rebuild): ${nodes.toLocaleString("en")} e-nodes in ${
        (ms / 1000).toFixed(1)
      } s = ${rate(nodes, ms)}`,
    );
  }
  // E-matching: every rule's left side, unlimited, over a grown graph.
  {
    const k = corpus.find((x) => x.name === "blinn-phong-specular") ?? corpus[0];
    const g = new EGraph({ ranges: k.ranges });
    g.add(k.expr);
    runRules(g, rulesByDomain.algebra, { nodeLimit: 50_000, timeLimitMs: 20_000, iterLimit: 1000 });
    const progs = all.map((r) => compilePattern(r.lhs));
    let matches = 0, steps = 0;
    const t0 = performance.now();
    for (const p of progs) {
      const m = ematch(g, p, { maxSteps: 2_000_000 });
      matches += m.count;
      steps += m.steps;
    }
    const t1 = performance.now();
    lines.push(
      `e-matching: ${all.length} left sides over a ${Math.round(g.nodeCount / 1000)}k-node graph (${k.name} after ` +
        `algebra): ${matches.toLocaleString("en")} matches, ${steps.toLocaleString("en")} node visits in ${
          (t1 - t0).toFixed(0)
        } ms = ${rate(matches, t1 - t0)} matches, ${rate(steps, t1 - t0)} visits`,
    );
  }
  return lines.join("\n");
}

function main(argv: readonly string[]): number {
  const parsed = cli.parseCommand(BenchCmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  const target = cli.commandTarget("bench:saturate", o.target, false);
  const costs = costTableFor(target.isa, o.for);
  console.log(`target ${describeTarget(target)}; extraction by ${costs.name}`);
  const corpus = corpusKernels();
  const kernels = subset(corpus, o.kernels);
  const sets = ruleSets(o.sets);
  const all = rulesRoundRobin();
  const approx = DOMAINS.reduce((s, d) => s + rulesByDomain[d].filter((r) => r.approx !== null).length, 0);
  console.log(`# bench:saturate  ${new Date().toISOString()}  deno ${Deno.version.deno}`);
  console.log(
    `kernels: ${kernels.length} of ${corpus.length} in data/kernels${
      kernels.length < corpus.length ? ` (evenly spaced over the files; --kernels all for every one)` : ""
    }`,
  );
  console.log(
    `limits per run: ${o["node-limit"]} e-nodes, ${o.time} s, ${o["iter-limit"]} iterations; ` +
      `backoff scheduler (egg defaults: 1000 matches, ban 5 iterations; plus 10k visits per search)`,
  );
  console.log(
    `rule sets (exact rules, ${approx} approximate rules left out, as the runner does by default; domain ` +
      `round-robin order):`,
  );
  for (const s of sets) console.log(describe(s));
  const results: Run[][] = [];
  for (const s of sets) {
    const rs: Run[] = [];
    for (const [i, k] of kernels.entries()) {
      const r = runOne(k, s.rules, o, costs);
      rs.push(r);
      console.error(
        `[${s.label}] ${i + 1}/${kernels.length} ${k.name}: ${r.stop}, ${r.nodes} e-nodes, ${
          (r.ms / 1000).toFixed(2)
        } s, cost ${r.costIn} -> ${r.costOut}`,
      );
    }
    results.push(rs);
  }
  console.log("\n## per rule set\n");
  console.log(summarize(sets, results, o));
  console.log("\n## per kernel\n");
  console.log(matrix(sets, results));
  if (o["per-kernel"]) {
    console.log("\n## every run\n");
    const rows = [["set", "kernel", "stop", "nodes", "classes", "iters", "s", "cost in", "cost out"]];
    sets.forEach((s, i) =>
      results[i].forEach((r) =>
        rows.push([
          s.label,
          r.kernel.name,
          r.stop,
          String(r.nodes),
          String(r.classes),
          String(r.iterations),
          (r.ms / 1000).toFixed(2),
          String(r.costIn),
          String(r.costOut),
        ])
      )
    );
    console.log(table(rows));
  }
  if (!o["skip-throughput"]) {
    console.log("\n## throughput\n");
    console.log(throughput(corpus, all, results.flat()));
  }
  return cli.EXIT_OK;
}

if (import.meta.main) await cli.runMain(() => Promise.resolve(main(Deno.args)));
