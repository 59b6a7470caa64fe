/**
 * JSONL plumbing: bytes -> numbered lines -> validated records -> bytes.
 *
 * Every stage is a TransformStream of records; these helpers put the
 * boundaries around them. A bad line becomes a `JsonlError` naming its line
 * number and the offending field. With `onError: "stop"` (the default) the
 * stream fails at that line, after every good record before it has gone
 * downstream; with `"skip"` the line is reported to `onSkip` and the stream
 * goes on. Nothing before a bad line is ever lost.
 */
import type { z } from "zod";

export interface Line {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly text: string;
  /** Set when the line was longer than MAX_LINE_CHARS; `text` is then empty. */
  readonly tooLong?: true;
}

/**
 * The longest line read, in UTF-16 code units (bytes, for ASCII JSON): 16 Mi.
 * The largest record a stage writes carries FPCore bodies of at most
 * MAX_NODES nodes (pipeline/expr/limits.ts), a few MiB as text; 16 MiB
 * leaves room for them and passed-through fields, while a runaway line (a
 * file with no newline) costs at most this much memory before it is refused.
 */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** True for a line with nothing but white space (skipped by every reader). */
export function isBlank(l: Line): boolean {
  return l.tooLong !== true && l.text.trim() === "";
}

/**
 * Splits decoded text into lines, numbering them (handles \r\n). Linear in
 * the input: only the new chunk is searched for a newline and the pieces of
 * an unfinished line are joined once, when it ends (appending to one string
 * and searching it from the start made a 50 MB line take 26 s). A line
 * longer than `maxChars` is passed on marked `tooLong` (for the reader to
 * refuse with its line number) and its text is dropped as it arrives.
 */
export function lineSplitter(maxChars = MAX_LINE_CHARS): TransformStream<string, Line> {
  let pieces: string[] = [];
  let pending = 0;
  let tooLong = false;
  let line = 0;
  const emit = (ctl: TransformStreamDefaultController<Line>, last: string) => {
    line++;
    const cr = last.length > 0 ? last.endsWith("\r") : pieces.length > 0 && pieces[pieces.length - 1].endsWith("\r");
    if (tooLong || pending + last.length - (cr ? 1 : 0) > maxChars) {
      ctl.enqueue({ line, text: "", tooLong: true });
    } else {
      const raw = pieces.length === 0 ? last : pieces.join("") + last;
      ctl.enqueue({ line, text: cr ? raw.slice(0, -1) : raw });
    }
    pieces = [];
    pending = 0;
    tooLong = false;
  };
  return new TransformStream({
    transform(chunk, ctl) {
      let start = 0;
      for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", start)) {
        emit(ctl, chunk.slice(start, nl));
        start = nl + 1;
      }
      if (start >= chunk.length || tooLong) return;
      const rest = chunk.slice(start);
      if (pending + rest.length > maxChars + 1) {
        // +1: the \r of a \r\n may end the chunk without making the line long.
        tooLong = true;
        pieces = [];
        return;
      }
      pieces.push(rest);
      pending += rest.length;
    },
    flush(ctl) {
      if (pending > 0 || tooLong) emit(ctl, "");
    },
  });
}

/** Lines of a byte stream (stdin, a file). */
export function readLines(bytes: ReadableStream<Uint8Array>): ReadableStream<Line> {
  return bytes.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter());
}

/** A bad input line: where it is and what is wrong with it. */
export class JsonlError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "JsonlError";
  }
}

/** Human-readable summary of a zod error: `field.path: message; ...`. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const path = i.path.length > 0 ? i.path.join(".") : "record";
      return `${path}: ${i.message}`;
    })
    .join("; ");
}

export type OnError = "stop" | "skip";

export interface ParseOptions {
  readonly onError?: OnError;
  /** Called for each skipped line in "skip" mode. */
  readonly onSkip?: (err: JsonlError) => void;
  /**
   * Called with the bad line in "stop" mode; the stream then ends cleanly,
   * so records already queued downstream are still delivered. Without it
   * the stream errors, which discards chunks still queued downstream.
   */
  readonly onStop?: (err: JsonlError) => void;
}

/** Parses one line into a record of `schema`, or throws a JsonlError. */
export function parseLine<T>(schema: z.ZodType<T>, l: Line): T {
  if (l.tooLong === true) {
    throw new JsonlError(l.line, `line longer than ${MAX_LINE_CHARS} characters (the line-length limit)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(l.text);
  } catch (e) {
    throw new JsonlError(l.line, `malformed JSON: ${(e as Error).message}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new JsonlError(l.line, describeZodError(r.error));
  return r.data;
}

/** Lines -> validated records. Blank lines are ignored. */
export function parseRecords<T>(
  schema: z.ZodType<T>,
  options: ParseOptions = {},
): TransformStream<Line, T> {
  const onError = options.onError ?? "stop";
  return new TransformStream({
    transform(l, ctl) {
      if (isBlank(l)) return;
      try {
        ctl.enqueue(parseLine(schema, l));
      } catch (e) {
        if (!(e instanceof JsonlError)) throw e;
        if (onError === "skip") {
          options.onSkip?.(e);
        } else if (options.onStop !== undefined) {
          options.onStop(e);
          ctl.terminate();
        } else {
          throw e;
        }
      }
    },
  });
}

/** Records -> JSONL bytes. */
export function toJsonl<T>(): TransformStream<T, Uint8Array> {
  const enc = new TextEncoder();
  return new TransformStream({
    transform(rec, ctl) {
      ctl.enqueue(enc.encode(JSON.stringify(rec) + "\n"));
    },
  });
}

/** A stream of the given records (for tests and in-process composition). */
export function fromIterable<T>(items: Iterable<T> | AsyncIterable<T>): ReadableStream<T> {
  return ReadableStream.from(items);
}

/** Drains a stream into an array. */
export async function collect<T>(s: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of s) out.push(x);
  return out;
}

/** A TransformStream from a per-record function (sync or async, 0..n outputs). */
export function mapRecords<I, O>(
  fn: (rec: I) => O | O[] | Promise<O | O[]>,
): TransformStream<I, O> {
  return new TransformStream({
    async transform(rec, ctl) {
      const out = await fn(rec);
      if (Array.isArray(out)) out.forEach((o) => ctl.enqueue(o));
      else ctl.enqueue(out);
    },
  });
}
