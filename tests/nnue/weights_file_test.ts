import assert from "node:assert/strict";
import { join } from "node:path";
import { Rng } from "../../pipeline/expr/random.ts";
import { app, v } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { OPS } from "../../pipeline/expr/ops.ts";
import { kindOf, selfFeature, SQUARE_KINDS } from "../../pipeline/nnue/features.ts";
import { LATENCY_SCALE } from "../../pipeline/nnue/latency_init.ts";
import { crc32 } from "../../pipeline/nnue/checksum.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import { fitLogUnit, JUDGE_TRAINING, trainNetwork } from "../../pipeline/nnue/train.ts";
import {
  DEFAULT_WEIGHTS_DIR,
  FILE_NAMES,
  fromBf16,
  HEADER_BYTES,
  loadNetwork,
  saveNetwork,
  toBf16,
} from "../../pipeline/nnue/weights_file.ts";
import { randomTestExpr } from "./gen.ts";

/** A network whose heads and some rows moved away from the initialization. */
function trained(depth: number): Network {
  const nw = Network.create({ depth, seed: 21n });
  const rng = new Rng(4);
  const data = Array.from({ length: 60 }, (_, i) => {
    const e = randomTestExpr(rng, 3 + rng.int(20));
    return { features: nw.features(e), target: Math.log(0.05 + (nw.judgeCost(e) % 7) / 10), group: i % 12 };
  });
  fitLogUnit(nw, data);
  trainNetwork(nw, data, [], { ...JUDGE_TRAINING, epochs: 2, batchSize: 16 });
  return nw;
}

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "nnue_weights_" });
}

Deno.test("weights round-trip: the loaded network computes the same outputs", () => {
  using nw = trained(3);
  const dir = tempDir();
  try {
    const report = saveNetwork(nw, dir);
    assert.ok(report.rows > 0 && report.dropped === 0);
    assert.deepEqual(Deno.readDirSync(dir).map((e) => e.name).toArray().sort(), Object.values(FILE_NAMES).sort());
    using back = loadNetwork(dir);
    assert.equal(back.fs.id, nw.fs.id);
    assert.deepEqual([...back.net.head("judge")], [...nw.net.head("judge")]);
    assert.deepEqual([...back.net.head("guide")], [...nw.net.head("guide")]);
    assert.deepEqual([...back.net.changedRows()], [...nw.net.changedRows()]);
    const rng = new Rng(9);
    const es = Array.from({ length: 50 }, () => randomTestExpr(rng, 30));
    // Inference reads bfloat16 rows, which is exactly what the file stores.
    assert.deepEqual([...back.judgeCosts(es)], [...nw.judgeCosts(es)]);
    const row = nw.net.changedRows()[3];
    assert.deepEqual([...back.net.row(row)], [...nw.net.row(row)].map((x) => fromBf16(toBf16(x))));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a byte budget keeps the most moved rows", () => {
  using nw = trained(2);
  const dir = tempDir();
  try {
    const all = saveNetwork(nw, dir).rows;
    const some = saveNetwork(nw, dir, 70_000 + 40 * 516);
    assert.ok(some.rows > 0 && some.rows < all && some.rows + some.dropped === all);
    assert.ok(some.bytes.embeddings + some.bytes.judge + some.bytes.guide <= 70_000 + 40 * 516);
    using back = loadNetwork(dir);
    assert.equal(back.net.changedRows().length, some.rows);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Saves, lets `spoil` change one file, and returns the load error message. */
function refusal(spoil: (dir: string) => void, depth = 2): string {
  using nw = trained(depth);
  const dir = tempDir();
  try {
    saveNetwork(nw, dir);
    spoil(dir);
    assert.throws(() => loadNetwork(dir));
    try {
      loadNetwork(dir);
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const edit = (dir: string, name: string, f: (b: Uint8Array) => Uint8Array) => {
  const p = join(dir, name);
  Deno.writeFileSync(p, f(Deno.readFileSync(p)));
};

/** Rewrites a header field and fixes the header checksum, as a forger would. */
const forge = (b: Uint8Array, at: number, value: number) => {
  const d = new DataView(b.buffer, b.byteOffset);
  d.setUint16(at, value, true);
  d.setUint32(52, crc32(b.subarray(0, 52)), true);
  return b;
};

Deno.test("truncated files are refused", () => {
  for (const name of Object.values(FILE_NAMES)) {
    for (const cut of [0, 10, HEADER_BYTES - 1, HEADER_BYTES, HEADER_BYTES + 5, -1]) {
      const msg = refusal((dir) => edit(dir, name, (b) => b.slice(0, cut < 0 ? b.length + cut : cut)));
      assert.match(msg, /truncated/, `${name} cut at ${cut}: ${msg}`);
      assert.ok(msg.includes(name), "the message names the file");
    }
  }
});

Deno.test("corrupted files are refused", () => {
  const flip = (at: (b: Uint8Array) => number) => (b: Uint8Array) => {
    b[at(b)] ^= 0x10;
    return b;
  };
  assert.match(refusal((d) => edit(d, FILE_NAMES.embeddings, flip((b) => b.length - 3))), /payload checksum mismatch/);
  assert.match(refusal((d) => edit(d, FILE_NAMES.judge, flip(() => HEADER_BYTES + 100))), /payload checksum mismatch/);
  assert.match(refusal((d) => edit(d, FILE_NAMES.guide, flip(() => 20))), /corrupted header/);
  assert.match(refusal((d) => edit(d, FILE_NAMES.judge, flip(() => 2))), /not an NNUE weights file/);
  assert.match(
    refusal((d) => edit(d, FILE_NAMES.judge, (b) => Uint8Array.from([...b, 0, 0]))),
    /2 bytes after the announced end/,
  );
});

Deno.test("mismatched files are refused", () => {
  assert.match(refusal((d) => edit(d, FILE_NAMES.embeddings, (b) => forge(b, 8, 2))), /format version 2/);
  assert.match(
    refusal((d) => Deno.copyFileSync(join(d, FILE_NAMES.judge), join(d, FILE_NAMES.embeddings))),
    /is a Judge head file, expected shared embeddings/,
  );
  assert.match(
    refusal((d) => Deno.copyFileSync(join(d, FILE_NAMES.guide), join(d, FILE_NAMES.judge))),
    /is a Guide head file, expected Judge head/,
  );
  // A head written for other features (depth 3) next to depth-2 embeddings.
  assert.match(
    refusal((d) => {
      using other = Network.create({ depth: 3 });
      const o = tempDir();
      saveNetwork(other, o);
      Deno.copyFileSync(join(o, FILE_NAMES.guide), join(d, FILE_NAMES.guide));
      Deno.removeSync(o, { recursive: true });
    }),
    /feature set mismatch: the file was written for depth 3/,
  );
  // Features this build does not know (another kind count).
  assert.match(refusal((d) => edit(d, FILE_NAMES.embeddings, (b) => forge(b, 34, 44))), /feature set mismatch/);
  assert.match(refusal((d) => edit(d, FILE_NAMES.embeddings, (b) => forge(b, 28, 128))), /shapes 128\/32/);
});

Deno.test("the default weights load and fit the repository budget", () => {
  using nw = loadNetwork(DEFAULT_WEIGHTS_DIR);
  let total = 0;
  for (const name of Object.values(FILE_NAMES)) total += Deno.statSync(join(DEFAULT_WEIGHTS_DIR, name)).size;
  assert.ok(total < 16_000_000, `${total} bytes`);
  assert.ok(Number.isFinite(nw.judgeCost(randomTestExpr(new Rng(1), 10))));
});

Deno.test("weights written before the conditionals (45 kinds) load, with the new kinds at the op table's latency", () => {
  const header = Deno.readFileSync(join(DEFAULT_WEIGHTS_DIR, FILE_NAMES.embeddings)).subarray(0, HEADER_BYTES);
  const kinds = new DataView(header.buffer, header.byteOffset).getUint16(34, true);
  assert.equal(kinds, SQUARE_KINDS, "the shipped file is of the first feature set");
  using nw = loadNetwork(DEFAULT_WEIGHTS_DIR);
  const { rows, values } = nw.init;
  for (const op of ["select", "lt", "or"] as const) {
    const row = selfFeature(
      nw.fs,
      kindOf(app(
        op,
        op === "select"
          ? [app("lt", [v("x"), v("y")]), v("x"), v("y")]
          : op === "or"
          ? [app("lt", [v("x"), v("y")]), app("lt", [v("y"), v("x")])]
          : [v("x"), v("y")],
      )),
    );
    const i = rows.indexOf(row);
    assert.ok(i >= 0, `${op} has a latency row`);
    assert.equal(values[i], OPS[op].throughput / LATENCY_SCALE);
  }
  const e = parseExpr("(if (< x 0) (- x) (sqrt x))");
  const [ns] = nw.predictNs([e]);
  assert.ok(Number.isFinite(ns) && ns > 0);
});
