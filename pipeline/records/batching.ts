/**
 * A stage that works on batches: records are gathered `size` at a time (the
 * last batch may be smaller), handed to an async function, and its results
 * go downstream in order. Compiling and timing are batch operations (one
 * compiler call, one harness run), so their stages are built with this.
 */
export function batchStage<I, O>(size: number, fn: (batch: I[]) => Promise<O[]>): TransformStream<I, O> {
  let buf: I[] = [];
  const run = async (ctl: TransformStreamDefaultController<O>) => {
    const batch = buf;
    buf = [];
    for (const o of await fn(batch)) ctl.enqueue(o);
  };
  return new TransformStream({
    async transform(rec, ctl) {
      buf.push(rec);
      if (buf.length >= size) await run(ctl);
    },
    async flush(ctl) {
      if (buf.length > 0) await run(ctl);
    },
  });
}
