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
}

/** Splits decoded text into lines, numbering them (handles \r\n). */
export function lineSplitter(): TransformStream<string, Line> {
  let buf = "";
  let line = 0;
  return new TransformStream({
    transform(chunk, ctl) {
      buf += chunk;
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const raw = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        line++;
        ctl.enqueue({ line, text: raw.endsWith("\r") ? raw.slice(0, -1) : raw });
        nl = buf.indexOf("\n");
      }
    },
    flush(ctl) {
      if (buf.length > 0) ctl.enqueue({ line: ++line, text: buf });
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
      if (l.text.trim() === "") return;
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
