/**
 * Child processes (reader_server.ts) that run in-process entry points under
 * a time limit. A process whose input overruns the limit (CPU time, so that
 * a loaded machine does not make hangs of slow starts; with a wall-clock
 * cap) is killed and replaced, and the input is classed as a hang.
 */
import { fileURLToPath } from "node:url";
import { ROOT } from "../base/paths.ts";
import type { Verdict } from "./classify.ts";
import { cpuDeadline } from "./cpu_clock.ts";
import { denoExecutable } from "./cli_run.ts";
import type { Format } from "./generate.ts";

// A sibling module of this one, run as its own process.
const SERVER = fileURLToPath(new URL("./reader_server.ts", import.meta.url));

class Reader {
  readonly child: Deno.ChildProcess;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly lines: AsyncIterator<string>;
  readonly ready: Promise<void>;

  constructor() {
    this.child = new Deno.Command(denoExecutable(), {
      // A memory blow-up ends in a death (a crash) in seconds rather than swapping the machine.
      args: ["run", "-A", "--v8-flags=--max-old-space-size=1024", SERVER],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.writer = this.child.stdin.getWriter();
    this.lines = this.child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines())[
      Symbol.asyncIterator
    ]();
    this.ready = this.next().then(() => {});
  }

  async next(): Promise<string | null> {
    const r = await this.lines.next();
    return r.done ? null : r.value;
  }

  async send(id: number, format: Format, text: string) {
    const body = new TextEncoder().encode(JSON.stringify({ id, format, text }));
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, body.length, true);
    await this.writer.write(head);
    await this.writer.write(body);
  }

  kill() {
    try {
      this.child.kill("SIGKILL");
    } catch { /* already gone */ }
    this.writer.close().catch(() => {});
    this.child.status.catch(() => {});
  }
}

function splitLines(): TransformStream<string, string> {
  let buf = "";
  return new TransformStream({
    transform(chunk, ctl) {
      const parts = (buf + chunk).split("\n");
      buf = parts.pop()!;
      for (const p of parts) ctl.enqueue(p);
    },
    flush(ctl) {
      if (buf !== "") ctl.enqueue(buf);
    },
  });
}

export class ReaderPool {
  private readonly slots: { reader: Reader; busy: boolean }[] = [];
  private readonly waiting: ((s: { reader: Reader; busy: boolean }) => void)[] = [];
  private nextId = 0;
  /** Readers replaced after a hang or a death. */
  restarts = 0;

  /** `limitMs` of CPU per input; a wall-clock cap of `wallFactor` times that. */
  constructor(size: number, private readonly limitMs: number, private readonly wallFactor = 10) {
    for (let i = 0; i < size; i++) this.slots.push({ reader: new Reader(), busy: false });
  }

  private acquire(): Promise<{ reader: Reader; busy: boolean }> {
    const free = this.slots.find((s) => !s.busy);
    if (free !== undefined) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(s: { reader: Reader; busy: boolean }) {
    const next = this.waiting.shift();
    if (next !== undefined) next(s);
    else s.busy = false;
  }

  private replace(s: { reader: Reader }) {
    s.reader.kill();
    s.reader = new Reader();
    this.restarts++;
  }

  /** `text` read as `format` in a reader process; a hang when it uses more than the limit. */
  async run(format: Format, text: string): Promise<Verdict> {
    const slot = await this.acquire();
    const id = this.nextId++;
    try {
      await slot.reader.ready;
      const reader = slot.reader;
      let timedOut = false;
      const answer = new Promise<Verdict>((resolve) => {
        const cancel = cpuDeadline(reader.child.pid, this.limitMs, this.limitMs * this.wallFactor, () => {
          timedOut = true;
          reader.kill();
        });
        (async () => {
          try {
            await reader.send(id, format, text);
            const line = await reader.next();
            cancel();
            if (timedOut) return resolve({ cls: "hang", detail: `no answer in ${this.limitMs} ms of CPU` });
            if (line === null) return resolve({ cls: "crash", detail: "the reader process died" });
            resolve((JSON.parse(line) as { verdict: Verdict }).verdict);
          } catch (e) {
            cancel();
            resolve(
              timedOut
                ? { cls: "hang", detail: `no answer in ${this.limitMs} ms of CPU` }
                : { cls: "crash", detail: `the reader process failed: ${(e as Error).message}` },
            );
          }
        })();
      });
      const v = await answer;
      if (v.cls === "hang" || (v.cls === "crash" && v.detail.startsWith("the reader process"))) this.replace(slot);
      return v;
    } finally {
      this.release(slot);
    }
  }

  close() {
    for (const s of this.slots) s.reader.kill();
  }
}
