/**
 * `peers`: times every kernel of an FPCore corpus as plain C under gcc and
 * clang at -O2, -O3 and -O3 -ffast-math, and as our SIMD code, and prints
 * the table with geometric means (pipeline/kernel/peers.ts).
 */
import { z } from "zod";
import { KERNELS_DIR } from "../base/paths.ts";
import * as cli from "./cli.ts";
import { type Corpus, CorpusError, loadCorpus } from "../records/corpus.ts";
import { formatPeersTable, runPeers } from "../kernel/peers.ts";
import { DEFAULT_N } from "../kernel/measure.ts";

interface PeersOpts {
  corpus: string[];
  n: number;
  rounds: number;
  "min-ms": number;
  core?: number;
  json: boolean;
  target?: string;
}

const PeersCmd: cli.Command<PeersOpts> = {
  name: "peers",
  usage: `usage: peers [--corpus PATH]... [--n N] [--rounds R] [--min-ms X] [--core C] [--target T] [--json]

Times each kernel of the corpus (FPCore files, or folders of them; default
data/kernels/) as plain C compiled by gcc and clang at -O2, -O3 and
-O3 -ffast-math (-march=native), and as our SIMD code of the unchanged
expression, in one harness run; prints ns per element with geometric means.
${cli.TARGET_USAGE}
  --json      print the result as JSON instead of the table`,
  options: {
    corpus: { type: "string", multiple: true },
    n: { type: "string", default: String(DEFAULT_N) },
    rounds: { type: "string", default: "5" },
    "min-ms": { type: "string", default: "8" },
    core: { type: "string" },
    json: { type: "boolean", default: false },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    corpus: z.array(z.string()).default([KERNELS_DIR]),
    n: cli.intOption(1, 1 << 24),
    rounds: cli.intOption(1, 64),
    "min-ms": cli.numberOption(0, 60000),
    core: cli.intOption(-1, 4096).optional(),
    json: z.boolean(),
    target: cli.targetOption,
  }),
};

export async function peersMain(argv: readonly string[]): Promise<number> {
  const parsed = cli.parseCommand(PeersCmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  let corpus: Corpus;
  try {
    corpus = loadCorpus(o.corpus);
  } catch (e) {
    if (!(e instanceof CorpusError)) throw e;
    console.error(`peers: --corpus: ${e.message}`);
    return cli.EXIT_DATA;
  }
  for (const m of corpus.skipped) console.error(`peers: skipped ${m}`);
  const records = corpus.records;
  if (records.length === 0) {
    console.error("peers: no kernels in the corpus");
    return cli.EXIT_DATA;
  }
  const target = cli.commandTarget("peers", o.target, true);
  const result = await runPeers(records, {
    target,
    n: o.n,
    rounds: o.rounds,
    minMs: o["min-ms"],
    core: o.core,
    progress: (m) => console.error(m),
  });
  console.log(o.json ? JSON.stringify(result, null, 1) : formatPeersTable(result));
  return cli.EXIT_OK;
}
