/**
 * Gzip files: how a profile ships its measured calibration records
 * (`measured.jsonl.gz`, about a tenth of the JSONL), read back as a stream.
 */

/** The bytes of `path`, gunzipped when its name ends in `.gz`. */
export async function openMaybeGzip(path: string): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(path);
  return path.endsWith(".gz") ? file.readable.pipeThrough(new DecompressionStream("gzip")) : file.readable;
}

/** Writes `from` gzipped to `to` (through a temporary name, so a reader never sees half a file). */
export async function gzipFile(from: string, to: string): Promise<number> {
  const tmp = `${to}.tmp-${Deno.pid}`;
  const src = await Deno.open(from);
  const dst = await Deno.open(tmp, { write: true, create: true, truncate: true });
  await src.readable.pipeThrough(new CompressionStream("gzip")).pipeTo(dst.writable);
  Deno.renameSync(tmp, to);
  return Deno.statSync(to).size;
}
