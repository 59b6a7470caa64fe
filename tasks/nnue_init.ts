/**
 * `deno task nnue:init`: writes the untrained network (the static latency
 * table compiled into the Judge and the Guide, rows at their reproducible
 * initialization) as the three weights files. Refuses to replace existing
 * files (trained weights, most likely) without --force.
 */
import { z } from "zod";
import * as cli from "../pipeline/stages/cli.ts";
import { DEFAULT_DEPTH } from "../pipeline/nnue/features.ts";
import { DEFAULT_NETWORK, Network } from "../pipeline/nnue/network.ts";
import { DEFAULT_WEIGHTS_DIR, FILE_NAMES, saveNetwork } from "../pipeline/nnue/weights_file.ts";
import { join } from "node:path";

const COMMAND: cli.Command<{ depth: number; seed: number; initRange: number; dir: string; force: boolean }> = {
  name: "nnue:init",
  usage: `usage: deno task nnue:init [--depth D] [--seed N] [--init-range R] [--dir DIR] [--force]

Writes ${Object.values(FILE_NAMES).join(", ")} for an untrained network
(default depth ${DEFAULT_DEPTH}, into ${DEFAULT_WEIGHTS_DIR}).`,
  options: {
    depth: { type: "string" },
    seed: { type: "string" },
    "init-range": { type: "string" },
    dir: { type: "string" },
    force: { type: "boolean" },
  },
  schema: z.object({
    depth: cli.intOption(1, 5).default(DEFAULT_DEPTH),
    seed: cli.intOption(0).default(Number(DEFAULT_NETWORK.seed)),
    "init-range": cli.numberOption(0, 10).default(DEFAULT_NETWORK.initRange),
    dir: z.string().min(1).default(DEFAULT_WEIGHTS_DIR),
    force: z.boolean().default(false),
  }).transform((o) => ({ depth: o.depth, seed: o.seed, initRange: o["init-range"], dir: o.dir, force: o.force })),
};

if (import.meta.main) {
  await cli.runMain(() => {
    const parsed = cli.parseCommand(COMMAND, Deno.args);
    if (parsed === null) return Promise.resolve(0);
    const o = parsed.opts;
    const existing = Object.values(FILE_NAMES).filter((f) => {
      try {
        return Deno.statSync(join(o.dir, f)).isFile;
      } catch {
        return false;
      }
    });
    if (existing.length > 0 && !o.force) {
      throw new cli.CliError(
        `nnue:init: ${existing.join(", ")} already in ${o.dir}; --force replaces them`,
        cli.EXIT_USAGE,
      );
    }
    using nw = Network.create({ depth: o.depth, seed: BigInt(o.seed), initRange: o.initRange });
    const r = saveNetwork(nw, o.dir);
    for (const k of Object.keys(FILE_NAMES) as (keyof typeof FILE_NAMES)[]) {
      console.error(`wrote ${r.paths[k]} (${r.bytes[k]} bytes)`);
    }
    console.error(
      `features: depth ${nw.fs.depth}, ${nw.fs.kinds} kinds, ${nw.fs.size} rows (id ${nw.fs.id.toString(16)})`,
    );
    return Promise.resolve(0);
  });
}
