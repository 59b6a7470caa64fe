/**
 * Command-line plumbing shared by every task: option parsing validated by
 * zod, `--help`, and running a JSONL stage from stdin to stdout with the
 * error policy of `jsonl.ts`.
 *
 * Exit codes, the same in every stage (README, "Exit codes"):
 * 0 success: input read and worked on (bad lines skipped with
 *   --on-error=skip are reported, not failures);
 * 1 bad input: a bad line, record, benchmark or file (the default
 *   --on-error=stop stops there), or nothing to work on: empty input, or
 *   every line bad even with --on-error=skip;
 * 2 bad usage (unknown option, bad value);
 * 3 internal failure, or a build of ours that could not be compiled or timed.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { describeZodError, JsonlError, type OnError, parseRecords, readLines, toJsonl } from "../records/jsonl.ts";
import { LimitError } from "../expr/limits.ts";
import { ISAS, requireNative, resolveTarget, type Target, TargetError } from "../target/target.ts";

export const EXIT_OK = 0;
export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** An error that ends the command with a message and a chosen exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = "CliError";
  }
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Command<T> {
  /** Name as typed, e.g. `generate`. */
  readonly name: string;
  /** Usage text printed by --help (and after usage errors). */
  readonly usage: string;
  readonly options: OptionSpec;
  /** Validates and converts the raw option values. */
  readonly schema: z.ZodType<T>;
  /** Whether positional arguments are accepted. */
  readonly positionals?: boolean;
}

/** Parses argv for a command; throws CliError(EXIT_USAGE) on bad usage. */
export function parseCommand<T>(cmd: Command<T>, argv: readonly string[]): { opts: T; positionals: string[] } | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...cmd.options, help: { type: "boolean", short: "h" } },
      allowPositionals: cmd.positionals ?? false,
      strict: true,
    });
  } catch (e) {
    throw new CliError(`${cmd.name}: ${(e as Error).message}\n\n${cmd.usage}`, EXIT_USAGE);
  }
  if (parsed.values.help) {
    console.log(cmd.usage);
    return null;
  }
  const { help: _help, ...values } = parsed.values;
  const r = cmd.schema.safeParse(values);
  if (!r.success) {
    throw new CliError(`${cmd.name}: bad option: ${describeZodError(r.error)}\n\n${cmd.usage}`, EXIT_USAGE);
  }
  return { opts: r.data, positionals: parsed.positionals };
}

/** Integer option given as a string on the command line. */
export const intOption = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.string().regex(/^-?\d+$/, "must be an integer").transform(Number).pipe(z.number().int().min(min).max(max));

/** Number option given as a string on the command line. */
export const numberOption = (min = -Infinity, max = Infinity) =>
  z.string().refine((s) => s.trim() !== "" && Number.isFinite(Number(s)), "must be a number").transform(Number)
    .pipe(z.number().min(min).max(max));

export const onErrorOption = z.enum(["stop", "skip"]).default("stop");

/** `--target ISA`, for every command that compiles, times, predicts or searches. */
export const TARGET_OPTION = { target: { type: "string" } } as const;
export const targetOption = z.string().optional();
/** The usage line of --target, the same in every command. */
export const TARGET_USAGE = `  --target T  ${
  ISAS.join("|")
}: what our kernels are built for (default: KOPT_TARGET, else the
              widest this CPU runs)`;

/**
 * The target of command `name`: --target, else KOPT_TARGET, else the host's
 * widest ISA. One this host cannot serve, or an emulated one for a command
 * that times kernels, is a usage error naming why.
 */
export function commandTarget(name: string, requested: string | undefined, timed: boolean): Target {
  try {
    const t = resolveTarget(requested);
    if (timed) requireNative(t, name);
    return t;
  } catch (e) {
    if (e instanceof TargetError) throw new CliError(`${name}: ${e.message}`, EXIT_USAGE);
    throw e;
  }
}

/** Runs a command's body and turns errors into messages and exit codes. */
export async function runMain(body: () => number | void | Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await body()) ?? EXIT_OK;
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe) {
      // The reader went away (`| head`): not an error of ours.
      code = EXIT_OK;
    } else if (e instanceof CliError) {
      console.error(e.message);
      code = e.exitCode;
    } else if (e instanceof JsonlError) {
      console.error(`error: ${e.message}`);
      code = EXIT_DATA;
    } else if (e instanceof LimitError) {
      // An input within the limits whose output would not be (infix of a DAG that shares a lot).
      console.error(`error: ${e.message}`);
      code = EXIT_DATA;
    } else {
      console.error(`internal error: ${(e as Error).stack ?? e}`);
      code = EXIT_INTERNAL;
    }
  }
  Deno.exit(code);
}

/**
 * stdin JSONL -> records of `schema` -> `stage` -> stdout JSONL. In "skip"
 * mode bad lines are reported on stderr and counted at the end. No records
 * at all (empty input, or every line skipped) is EXIT_DATA, as in every
 * stage that does not run through here.
 */
export async function runJsonlStage<I, O>(
  name: string,
  schema: z.ZodType<I>,
  stage: TransformStream<I, O>,
  onError: OnError,
  input: ReadableStream<Uint8Array> = Deno.stdin.readable,
  output: WritableStream<Uint8Array> = Deno.stdout.writable,
): Promise<number> {
  let skipped = 0;
  let records = 0;
  let stopped: JsonlError | null = null;
  await readLines(input)
    .pipeThrough(
      parseRecords(schema, {
        onError,
        onSkip: (e) => {
          skipped++;
          console.error(`${name}: skipped ${e.message}`);
        },
        onStop: (e) => (stopped = e),
      }),
      { preventCancel: false },
    )
    .pipeThrough(
      new TransformStream<I, I>({
        transform(rec, ctl) {
          records++;
          ctl.enqueue(rec);
        },
      }),
    )
    .pipeThrough(stage)
    .pipeThrough(toJsonl())
    .pipeTo(output);
  if (skipped > 0) console.error(`${name}: ${skipped} line(s) skipped`);
  if (stopped !== null) {
    const e: JsonlError = stopped;
    console.error(
      `${name}: error: ${e.message} (earlier records were written; --on-error=skip goes on past bad lines)`,
    );
    return EXIT_DATA;
  }
  if (records === 0) {
    console.error(`${name}: error: no input records${skipped > 0 ? " (every line was skipped)" : " (empty input)"}`);
    return EXIT_DATA;
  }
  return EXIT_OK;
}
