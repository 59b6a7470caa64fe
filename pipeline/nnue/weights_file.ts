/**
 * Weights files: `nnue_shared_embeddings.bin`, `nnue_judge_head.bin`,
 * `nnue_guide_head.bin`, each a 64-byte header and a payload.
 *
 * Header (little-endian):
 *
 *   0  magic "KOPTNNUE"        36 u32 reserved (0)
 *   8  u16 format version      40 u64 payload bytes
 *  10  u16 file kind (1 embeddings, 2 Judge head, 3 Guide head)
 *  12  u32 header bytes (64)   48 u32 CRC-32 of the payload
 *  16  u64 feature-set id      52 u32 CRC-32 of header bytes 0..51
 *  24  u32 rows                56 u64 reserved (0)
 *  28  u16 dims, u16 hidden
 *  32  u16 feature depth, u16 feature kinds
 *
 * Embeddings payload: u64 seed, f32 init range, u32 n, n x u32 rows and
 * n x f32 values of the dimension-0 initialization (the latency table the
 * network was created with, kept so that loading does not depend on today's
 * op table), then u32 m, m x u32 rows (ascending) and m x 256 bfloat16
 * values: only the rows that differ from their reproducible initialization.
 * bfloat16 is what inference reads, so storing it loses nothing the network
 * uses (training resumes from the bfloat16 values). 516 bytes a row.
 *
 * Head payload: the head's NNUE_HEAD_FLOATS float32 parameters.
 *
 * Files are written to a temporary name and renamed, so a reader never sees
 * half a file; a file that is truncated, corrupted, of another kind or built
 * for other features is refused with a message saying which.
 */
import { join } from "node:path";
import { PROFILES_DIR } from "../base/paths.ts";
import { DIMS, HEAD_LAYOUT, type HeadName, HIDDEN } from "../ffi/nnue.ts";
import { crc32 } from "./checksum.ts";
import { decodeFeature, featureSet, featureSetOf } from "./features.ts";
import { latencyRows } from "./latency_init.ts";
import { REFERENCE_COSTS } from "../expr/cost.ts";
import { Network } from "./network.ts";

export const MAGIC = "KOPTNNUE";
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 64;
export const FILE_NAMES = {
  embeddings: "nnue_shared_embeddings.bin",
  judge: "nnue_judge_head.bin",
  guide: "nnue_guide_head.bin",
} as const;
export type FileKind = keyof typeof FILE_NAMES;
const KIND_CODE: Readonly<Record<FileKind, number>> = { embeddings: 1, judge: 2, guide: 3 };
const KIND_TEXT = ["", "shared embeddings", "Judge head", "Guide head"];
/**
 * The shipped weights: those of the profile they were calibrated on (data/profiles/). Tests and tools
 * given no profile read these; commands choose by the host's profile (pipeline/nnue/profiles.ts).
 */
export const DEFAULT_WEIGHTS_DIR = join(PROFILES_DIR, "amd-zen4-avx512-gcc12");
/** Budget of the three files together (the repository's limit is 16 MB). */
export const DEFAULT_MAX_BYTES = 15_500_000;
const ROW_BYTES = 4 + 2 * DIMS;

export class WeightsFileError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "WeightsFileError";
  }
}

/** What a header says. */
export interface Header {
  readonly kind: FileKind;
  readonly featureSetId: bigint;
  readonly rows: number;
  readonly depth: number;
  readonly kinds: number;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** bfloat16 bits of x, rounded to nearest even (as csrc/nnue_net.c does). */
export function toBf16(x: number): number {
  F32[0] = x;
  const u = U32[0];
  if ((u & 0x7fffffff) > 0x7f800000) return (u >>> 16) | 0x40;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function fromBf16(h: number): number {
  U32[0] = h << 16;
  return F32[0];
}

function headerOf(nw: Network, kind: FileKind, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(HEADER_BYTES);
  const d = new DataView(b.buffer);
  b.set(new TextEncoder().encode(MAGIC), 0);
  d.setUint16(8, FORMAT_VERSION, true);
  d.setUint16(10, KIND_CODE[kind], true);
  d.setUint32(12, HEADER_BYTES, true);
  d.setBigUint64(16, nw.fs.id, true);
  d.setUint32(24, nw.fs.size, true);
  d.setUint16(28, DIMS, true);
  d.setUint16(30, HIDDEN, true);
  d.setUint16(32, nw.fs.depth, true);
  d.setUint16(34, nw.fs.kinds, true);
  d.setBigUint64(40, BigInt(payload.length), true);
  d.setUint32(48, crc32(payload), true);
  d.setUint32(52, crc32(b.subarray(0, 52)), true);
  return b;
}

function withHeader(nw: Network, kind: FileKind, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out.set(headerOf(nw, kind, payload), 0);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Rows whose bfloat16 value differs from their initialization, most moved first. */
function movedRows(nw: Network): { row: number; bits: Uint16Array; moved: number }[] {
  const out: { row: number; bits: Uint16Array; moved: number }[] = [];
  const cur = new Float32Array(DIMS), init = new Float32Array(DIMS);
  for (const row of nw.net.changedRows()) {
    nw.net.row(row, cur);
    nw.net.rowInit(row, init);
    const bits = new Uint16Array(DIMS);
    let moved = 0;
    for (let i = 0; i < DIMS; i++) {
      bits[i] = toBf16(cur[i]);
      const diff = fromBf16(bits[i]) - init[i];
      moved += diff * diff;
    }
    if (moved > 0) out.push({ row, bits, moved });
  }
  return out;
}

/** The embeddings file; keeps at most `maxRows` rows (the most moved). */
export function encodeEmbeddings(
  nw: Network,
  maxRows = Infinity,
): { bytes: Uint8Array; rows: number; dropped: number } {
  let rows = movedRows(nw);
  const dropped = Math.max(0, rows.length - maxRows);
  if (dropped > 0) rows = [...rows].sort((a, b) => b.moved - a.moved || a.row - b.row).slice(0, maxRows);
  rows.sort((a, b) => a.row - b.row);
  const init = nw.init;
  const size = 8 + 4 + 4 + 8 * init.rows.length + 4 + rows.length * ROW_BYTES;
  const payload = new Uint8Array(size);
  const d = new DataView(payload.buffer);
  let at = 0;
  d.setBigUint64(at, BigInt.asUintN(64, nw.options.seed), true);
  d.setFloat32(at + 8, nw.options.initRange, true);
  d.setUint32(at + 12, init.rows.length, true);
  at += 16;
  for (const r of init.rows) d.setUint32((at += 4) - 4, r, true);
  for (const v of init.values) d.setFloat32((at += 4) - 4, v, true);
  d.setUint32(at, rows.length, true);
  at += 4;
  for (const r of rows) d.setUint32((at += 4) - 4, r.row, true);
  for (const r of rows) for (const h of r.bits) d.setUint16((at += 2) - 2, h, true);
  return { bytes: withHeader(nw, "embeddings", payload), rows: rows.length, dropped };
}

export function encodeHead(nw: Network, head: HeadName): Uint8Array {
  const p = nw.net.head(head);
  const payload = new Uint8Array(p.length * 4);
  const d = new DataView(payload.buffer);
  p.forEach((x, i) => d.setFloat32(4 * i, x, true));
  return withHeader(nw, head, payload);
}

/** Checks a file's header and checksums; returns the header and the payload. */
export function decodeFile(path: string, bytes: Uint8Array, expect: FileKind): { header: Header; payload: DataView } {
  const fail = (detail: string): never => {
    throw new WeightsFileError(path, detail);
  };
  if (bytes.length < HEADER_BYTES) {
    fail(`truncated: ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  }
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail(`not an NNUE weights file (no ${MAGIC} magic)`);
  const version = d.getUint16(8, true);
  if (version !== FORMAT_VERSION) fail(`format version ${version}, this build reads version ${FORMAT_VERSION}`);
  if (d.getUint32(52, true) !== crc32(bytes.subarray(0, 52))) fail("corrupted header (checksum mismatch)");
  const code = d.getUint16(10, true);
  if (code !== KIND_CODE[expect]) {
    fail(`is a ${KIND_TEXT[code] ?? `kind-${code}`} file, expected ${KIND_TEXT[KIND_CODE[expect]]}`);
  }
  const payloadBytes = Number(d.getBigUint64(40, true));
  if (bytes.length < HEADER_BYTES + payloadBytes) {
    fail(`truncated: ${bytes.length} bytes, the header announces ${HEADER_BYTES + payloadBytes}`);
  }
  if (bytes.length > HEADER_BYTES + payloadBytes) {
    fail(`corrupted: ${bytes.length - HEADER_BYTES - payloadBytes} bytes after the announced end`);
  }
  const payload = bytes.subarray(HEADER_BYTES);
  if (d.getUint32(48, true) !== crc32(payload)) fail("corrupted: payload checksum mismatch");
  if (d.getUint16(28, true) !== DIMS || d.getUint16(30, true) !== HIDDEN) {
    fail(
      `shapes ${d.getUint16(28, true)}/${
        d.getUint16(30, true)
      }, this build has ${DIMS} dims and ${HIDDEN} hidden units`,
    );
  }
  const header: Header = {
    kind: expect,
    featureSetId: d.getBigUint64(16, true),
    rows: d.getUint32(24, true),
    depth: d.getUint16(32, true),
    kinds: d.getUint16(34, true),
  };
  return { header, payload: new DataView(payload.buffer, payload.byteOffset, payload.byteLength) };
}

/**
 * Refuses a header whose features are not those of this build at `depth`,
 * or of an earlier build with fewer kinds (a prefix of today's, whose rows
 * keep their indices: features.ts).
 */
function checkFeatures(path: string, h: Header, depth: number): void {
  let fs;
  try {
    fs = featureSet(depth);
  } catch (e) {
    throw new WeightsFileError(path, `feature depth ${depth}: ${(e as Error).message}`);
  }
  const earlier = h.kinds >= 1 && h.kinds < fs.kinds ? featureSetOf(depth, h.kinds) : null;
  if (earlier !== null && h.featureSetId === earlier.id && h.rows === earlier.size) return;
  if (h.featureSetId !== fs.id || h.rows !== fs.size || h.kinds !== fs.kinds) {
    throw new WeightsFileError(
      path,
      `feature set mismatch: the file was written for depth ${h.depth}, ${h.kinds} kinds, ${h.rows} rows ` +
        `(id ${h.featureSetId.toString(16)}); this build's depth-${depth} features have ${fs.kinds} kinds, ` +
        `${fs.size} rows (id ${fs.id.toString(16)})`,
    );
  }
}

function decodeHeadPayload(path: string, payload: DataView): Float32Array {
  if (payload.byteLength !== HEAD_LAYOUT.floats * 4) {
    throw new WeightsFileError(
      path,
      `corrupted: head payload of ${payload.byteLength} bytes, expected ${HEAD_LAYOUT.floats * 4}`,
    );
  }
  const p = new Float32Array(HEAD_LAYOUT.floats);
  for (let i = 0; i < p.length; i++) p[i] = payload.getFloat32(4 * i, true);
  if (!p.every(Number.isFinite) || !(p[HEAD_LAYOUT.outScale] > 0)) {
    throw new WeightsFileError(path, "corrupted: non-finite head parameter or non-positive output scale");
  }
  return p;
}

interface EmbeddingsPayload {
  readonly seed: bigint;
  readonly initRange: number;
  readonly init: { rows: Int32Array; values: Float32Array };
  readonly rows: Int32Array;
  readonly bits: Uint16Array;
}

function decodeEmbeddingsPayload(path: string, d: DataView, size: number): EmbeddingsPayload {
  const fail = (detail: string): never => {
    throw new WeightsFileError(path, `corrupted embeddings payload: ${detail}`);
  };
  if (d.byteLength < 20) fail("shorter than its fixed part");
  const seed = d.getBigUint64(0, true);
  const initRange = d.getFloat32(8, true);
  const n = d.getUint32(12, true);
  if (!(initRange >= 0) || !Number.isFinite(initRange)) fail(`init range ${initRange}`);
  let at = 16;
  if (d.byteLength < at + 8 * n + 4) fail(`${n} initial values do not fit`);
  const init = { rows: new Int32Array(n), values: new Float32Array(n) };
  for (let i = 0; i < n; i++) init.rows[i] = d.getUint32(at + 4 * i, true);
  at += 4 * n;
  for (let i = 0; i < n; i++) init.values[i] = d.getFloat32(at + 4 * i, true);
  at += 4 * n;
  const m = d.getUint32(at, true);
  at += 4;
  if (d.byteLength !== at + m * ROW_BYTES) fail(`${m} rows need ${at + m * ROW_BYTES} bytes, found ${d.byteLength}`);
  const rows = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    rows[i] = d.getUint32(at + 4 * i, true);
    if (rows[i] >= size || (i > 0 && rows[i] <= rows[i - 1])) fail(`row ${rows[i]} out of order or range`);
  }
  at += 4 * m;
  const bits = new Uint16Array(m * DIMS);
  for (let i = 0; i < bits.length; i++) bits[i] = d.getUint16(at + 2 * i, true);
  return { seed, initRange, init, rows, bits };
}

export interface SaveReport {
  readonly paths: Readonly<Record<FileKind, string>>;
  readonly bytes: Readonly<Record<FileKind, number>>;
  /** Rows stored, and rows left out to stay under the byte budget. */
  readonly rows: number;
  readonly dropped: number;
}

function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    Deno.writeFileSync(tmp, bytes);
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never written */ }
    throw e;
  }
}

/** Writes the three files into `dir`, each atomically, within `maxBytes` together. */
export function saveNetwork(nw: Network, dir = DEFAULT_WEIGHTS_DIR, maxBytes = DEFAULT_MAX_BYTES): SaveReport {
  const judge = encodeHead(nw, "judge");
  const guide = encodeHead(nw, "guide");
  const fixed = judge.length + guide.length + HEADER_BYTES + 20 + 8 * nw.init.rows.length;
  const maxRows = Math.max(0, Math.floor((maxBytes - fixed) / ROW_BYTES));
  const { bytes: emb, rows, dropped } = encodeEmbeddings(nw, maxRows);
  Deno.mkdirSync(dir, { recursive: true });
  const paths = {
    embeddings: join(dir, FILE_NAMES.embeddings),
    judge: join(dir, FILE_NAMES.judge),
    guide: join(dir, FILE_NAMES.guide),
  };
  writeAtomic(paths.embeddings, emb);
  writeAtomic(paths.judge, judge);
  writeAtomic(paths.guide, guide);
  return {
    paths,
    bytes: { embeddings: emb.length, judge: judge.length, guide: guide.length },
    rows,
    dropped,
  };
}

function readFile(path: string): Uint8Array {
  try {
    return Deno.readFileSync(path);
  } catch (e) {
    throw new WeightsFileError(path, `cannot read: ${(e as Error).message}`);
  }
}

/**
 * The dimension-0 initialization of a file written with `kinds` feature
 * kinds, with the latency rows of the kinds added since (from the op
 * table's costs): an op the network never saw costs what the table says.
 */
function withNewKinds(
  init: { rows: Int32Array; values: Float32Array },
  depth: number,
  kinds: number,
): { rows: Int32Array; values: Float32Array } {
  const fs = featureSet(depth);
  if (kinds >= fs.kinds) return init;
  const fresh = latencyRows(fs, REFERENCE_COSTS);
  const pairs: [number, number][] = Array.from(init.rows, (r, i) => [r, init.values[i]]);
  for (let i = 0; i < fresh.rows.length; i++) {
    const [kind] = decodeFeature(fs, fresh.rows[i]);
    if (kind >= kinds) pairs.push([fresh.rows[i], fresh.values[i]]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  return { rows: Int32Array.from(pairs, (p) => p[0]), values: Float32Array.from(pairs, (p) => p[1]) };
}

/** Loads the three files of `dir` into a new network. */
export function loadNetwork(dir = DEFAULT_WEIGHTS_DIR): Network {
  const path = (k: FileKind) => join(dir, FILE_NAMES[k]);
  const emb = decodeFile(path("embeddings"), readFile(path("embeddings")), "embeddings");
  const depth = emb.header.depth;
  checkFeatures(path("embeddings"), emb.header, depth);
  const heads = (["judge", "guide"] as const).map((k) => {
    const f = decodeFile(path(k), readFile(path(k)), k);
    checkFeatures(path(k), f.header, depth);
    return decodeHeadPayload(path(k), f.payload);
  });
  const p = decodeEmbeddingsPayload(path("embeddings"), emb.payload, emb.header.rows);
  let nw: Network;
  try {
    nw = Network.fromParts(
      { depth, seed: p.seed, initRange: p.initRange },
      withNewKinds(p.init, depth, emb.header.kinds),
      {
        judge: heads[0],
        guide: heads[1],
      },
    );
  } catch (e) {
    throw new WeightsFileError(path("embeddings"), `corrupted: ${(e as Error).message}`);
  }
  const row = new Float32Array(DIMS);
  for (let i = 0; i < p.rows.length; i++) {
    for (let k = 0; k < DIMS; k++) row[k] = fromBf16(p.bits[i * DIMS + k]);
    try {
      nw.net.setRow(p.rows[i], row);
    } catch (e) {
      nw.free();
      throw new WeightsFileError(path("embeddings"), `corrupted row ${p.rows[i]}: ${(e as Error).message}`);
    }
  }
  return nw;
}
