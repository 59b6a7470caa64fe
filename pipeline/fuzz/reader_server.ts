/**
 * The child process that runs in-process entry points for pool.ts: frames
 * in on stdin (4-byte little-endian length, then JSON `{id, format, text}`),
 * one JSON verdict line out per frame. A process rather than a worker,
 * because a terminated worker's thread can go on computing (a huge BigInt
 * operation, a string being built) and holding memory, which slows every
 * later input; a killed process is gone at once.
 */
import { runEntry } from "./entries.ts";
import type { Format } from "./generate.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const out = (line: string) => Deno.stdout.writeSync(enc.encode(line + "\n"));

/** Exactly `n` bytes from stdin, or null at its end. */
function readExactly(n: number): Uint8Array | null {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const k = Deno.stdin.readSync(buf.subarray(got));
    if (k === null || k === 0) return null;
    got += k;
  }
  return buf;
}

if (import.meta.main) {
  out("ready");
  while (true) {
    const head = readExactly(4);
    if (head === null) break;
    const body = readExactly(new DataView(head.buffer).getUint32(0, true));
    if (body === null) break;
    const { id, format, text } = JSON.parse(dec.decode(body)) as { id: number; format: Format; text: string };
    const verdict = await runEntry(format, text);
    out(JSON.stringify({ id, verdict }));
  }
}
