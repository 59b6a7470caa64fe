/**
 * `deno task fuzz`: the project's own fuzzer (pipeline/fuzz/). It makes
 * seeded inputs in every format the CLI reads, mutates them, reads each
 * in-process under a time limit and runs a sample through the CLI, prints
 * counts per class, per entry point and per generator or mutation, and
 * saves each new defect, shrunk, under tests/fuzz/corpus/. Exits 1 when it
 * found a crash, a hang, an injection or output that does not read back.
 *
 *   deno task fuzz [--count 5000] [--seed 1] [--time-limit 5] [--cli-fraction 0.003]
 */
import { z } from "zod";
import { formatReport, runFuzz } from "../pipeline/fuzz/campaign.ts";
import { CORPUS_DIR } from "../pipeline/fuzz/corpus.ts";
import {
  type Command,
  EXIT_DATA,
  EXIT_OK,
  intOption,
  numberOption,
  parseCommand,
  runMain,
} from "../pipeline/stages/cli.ts";

const Opts = z.object({
  count: intOption(1),
  seed: intOption(0, 2 ** 32 - 1),
  "time-limit": numberOption(0.1, 600),
  "reader-time-limit": numberOption(0.01, 600),
  "cli-fraction": numberOption(0, 1),
  workers: intOption(1, 64),
  "cli-lanes": intOption(1, 64),
  corpus: z.string(),
  "no-save": z.boolean(),
  "no-shrink": z.boolean(),
});
type Opts = z.infer<typeof Opts>;

const Cmd: Command<Opts> = {
  name: "fuzz",
  usage: `usage: deno task fuzz [options]

Feeds seeded, mutated inputs (FPCore files and bodies, infix, JSONL records)
to the readers in-process and to parse/optimize/compile in child processes,
and classes every input: clean error, accepted, crash, hang, injection (the
C of --emit c compiled and its symbols inspected) or roundtrip (output our
own readers read back differently). Each new defect is shrunk and saved.
Exit code 1 if any defect was found.
  --count N              inputs (default 5000)
  --seed S               seed; input i of a seed is always the same (default 1)
  --time-limit S         CPU seconds a CLI run may take (default 5; wall-clock cap 3x)
  --reader-time-limit S  CPU seconds an in-process read may take (default 0.5)
  --cli-fraction F       share of inputs also run through the CLI (default 0.003)
  --workers N            reader processes (default 2)
  --cli-lanes N          CLI runs at a time (default 1)
  --corpus DIR           where reproducers go (default tests/fuzz/corpus)
  --no-save              save nothing
  --no-shrink            save inputs as found`,
  options: {
    count: { type: "string", default: "5000" },
    seed: { type: "string", default: "1" },
    "time-limit": { type: "string", default: "5" },
    "reader-time-limit": { type: "string", default: "0.5" },
    "cli-fraction": { type: "string", default: "0.003" },
    workers: { type: "string", default: "2" },
    "cli-lanes": { type: "string", default: "1" },
    corpus: { type: "string", default: CORPUS_DIR },
    "no-save": { type: "boolean", default: false },
    "no-shrink": { type: "boolean", default: false },
  },
  schema: Opts,
};

if (import.meta.main) {
  await runMain(async () => {
    const parsed = parseCommand(Cmd, Deno.args);
    if (parsed === null) return EXIT_OK;
    const o = parsed.opts;
    const report = await runFuzz({
      count: o.count,
      seed: o.seed,
      timeLimitMs: o["time-limit"] * 1000,
      readerLimitMs: o["reader-time-limit"] * 1000,
      cliFraction: o["cli-fraction"],
      corpusDir: o["no-save"] ? null : o.corpus,
      shrink: !o["no-shrink"],
      workers: o.workers,
      cliLanes: o["cli-lanes"],
      log: (l) => console.error(`fuzz: ${l}`),
    });
    console.log(formatReport(report));
    return report.found.length > 0 ? EXIT_DATA : EXIT_OK;
  });
}
