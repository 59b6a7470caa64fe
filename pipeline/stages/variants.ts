/**
 * Stage `variants`: expression records -> variant records, several
 * equivalent forms per kernel (`pipeline/search/variants.ts`), each with
 * `{id: "<kernel id>#v<k>", of: <kernel id>, expr, how, steps, static_cost}`
 * and the kernel's other fields (vars, ranges, tags...) passed through.
 * A backward-generated pair (`optimized` from `unfuse`) contributes its
 * optimized side as a start form. Every variant is free of `d`, so the
 * stream goes straight to `compile`.
 *
 * @example
 * deno task parse data/kernels/*.fpcore | deno task variants --count 16 | deno task compile | deno task bench
 */
import { z } from "zod";
import { type Command, EXIT_OK, intOption, onErrorOption, parseCommand, runJsonlStage } from "./cli.ts";
import { mapRecords } from "../records/jsonl.ts";
import { ExpressionRecord, type JsonObject } from "../records/schema.ts";
import { DEFAULT_VARIANTS, type VariantOptions, variantsOrError } from "../search/variants.ts";

/** The stage as a stream: one record in, its variants out. */
export function variantsStage(options: Partial<VariantOptions> = {}): TransformStream<ExpressionRecord, JsonObject> {
  return mapRecords((rec: ExpressionRecord) => variantsOrError(rec, options));
}

interface VariantsOpts {
  count: number;
  seed: number;
  walks: number;
  steps: number;
  "egraph-nodes": number;
  "on-error": "stop" | "skip";
}

const VariantsCmd: Command<VariantsOpts> = {
  name: "variants",
  usage:
    `usage: variants [--count N] [--seed S] [--walks W] [--steps L] [--egraph-nodes M] [--on-error=stop|skip] < exprs.jsonl

For each expression record, writes up to N equivalent forms (variant records
{id, of, expr, how, steps, static_cost, vars, ranges...}) from random rewrite
walks (exact rules, preconditions proved over the ranges) and from a partly
saturated e-graph (k best trees, extractions under perturbed op costs),
de-duplicated modulo commutativity and spread over op counts. Derivatives
are eliminated (the naive derivative is one variant).
  --count N         variants per kernel (default ${DEFAULT_VARIANTS.count})
  --seed S          seed (default ${DEFAULT_VARIANTS.seed}); each kernel's stream also depends on its id
  --walks W         random walks per kernel (default ${DEFAULT_VARIANTS.walks})
  --steps L         longest walk (default ${DEFAULT_VARIANTS.walkSteps})
  --egraph-nodes M  e-graph node limit, 0 for none (default ${DEFAULT_VARIANTS.egraphNodes})`,
  options: {
    count: { type: "string", default: String(DEFAULT_VARIANTS.count) },
    seed: { type: "string", default: String(DEFAULT_VARIANTS.seed) },
    walks: { type: "string", default: String(DEFAULT_VARIANTS.walks) },
    steps: { type: "string", default: String(DEFAULT_VARIANTS.walkSteps) },
    "egraph-nodes": { type: "string", default: String(DEFAULT_VARIANTS.egraphNodes) },
    "on-error": { type: "string", default: "stop" },
  },
  schema: z.object({
    count: intOption(1, 10000),
    seed: intOption(0, 2 ** 32 - 1),
    walks: intOption(0, 10000),
    steps: intOption(1, 1000),
    "egraph-nodes": intOption(0, 10_000_000),
    "on-error": onErrorOption,
  }),
};

export async function variantsMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(VariantsCmd, argv);
  if (parsed === null) return EXIT_OK;
  const o = parsed.opts;
  let kernels = 0, variants = 0;
  const t0 = performance.now();
  const stage = mapRecords((rec: ExpressionRecord) => {
    const vs = variantsOrError(rec, {
      count: o.count,
      seed: o.seed,
      walks: o.walks,
      walkSteps: o.steps,
      egraphNodes: o["egraph-nodes"],
    });
    kernels++;
    variants += vs.length;
    if (kernels % 20 === 0) console.error(`variants: ${kernels} kernels, ${variants} variants`);
    return vs;
  });
  const code = await runJsonlStage("variants", ExpressionRecord, stage, o["on-error"]);
  console.error(
    `variants: ${kernels} kernels -> ${variants} variants in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return code;
}
