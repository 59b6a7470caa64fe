/**
 * The hashcons of an e-graph: a map from an e-node's content (op code and
 * up to three child class ids, or a leaf's payload) to the id of the e-node
 * that has it, so that adding an e-node that exists returns the existing one.
 *
 * It is an open-addressing hash table over typed arrays: each slot holds
 * the four key integers and the node id, probed linearly. There are no
 * deletions. When rebuilding re-canonicalizes a node, its new content is
 * inserted and the old entry stays behind, keyed by child ids that are no
 * longer class roots; a lookup always uses canonical (root) ids, so it never
 * hits such an entry (egg's memo behaves the same way). Stale entries are
 * dropped when the table grows: the caller says which entries are still
 * live.
 *
 * A JS Map keyed by strings such as "op,a,b,c" is the obvious alternative;
 * this table avoids building a string and a heap entry per e-node, which is
 * what makes adding e-nodes fast (see `deno task bench:saturate`).
 */

/** Slot width in the key array: op, a, b, c. */
const W = 4;
const EMPTY = -1;

/** Mixes the four key integers (murmur3-style finalizer steps). */
function hash4(op: number, a: number, b: number, c: number): number {
  let h = Math.imul(op + 0x27d4eb2d, 0x9e3779b1);
  h = Math.imul(h ^ a, 0x85ebca77);
  h ^= h >>> 13;
  h = Math.imul(h ^ b, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h ^ c, 0x27d4eb2f);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Decides whether an entry survives a resize (stale entries do not). */
export type EntryIsLive = (op: number, a: number, b: number, c: number, node: number) => boolean;

export class NodeTable {
  private keys: Int32Array;
  private vals: Int32Array;
  private mask: number;
  private used = 0;

  constructor(private readonly isLive: EntryIsLive, capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Int32Array(cap * W).fill(EMPTY);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** Number of entries, stale ones included. */
  get size(): number {
    return this.used;
  }

  /** The node stored under the key, or -1. */
  get(op: number, a: number, b: number, c: number): number {
    const keys = this.keys;
    let i = hash4(op, a, b, c) & this.mask;
    for (;;) {
      const k = i * W;
      const kop = keys[k];
      if (kop === EMPTY) return -1;
      if (kop === op && keys[k + 1] === a && keys[k + 2] === b && keys[k + 3] === c) return this.vals[i];
      i = (i + 1) & this.mask;
    }
  }

  /** Stores `node` under the key, replacing what was there. */
  set(op: number, a: number, b: number, c: number, node: number): void {
    // Keep the load under 1/2: linear probing degrades quickly above that.
    if ((this.used + 1) * 2 > this.mask + 1) this.grow();
    const keys = this.keys;
    let i = hash4(op, a, b, c) & this.mask;
    for (;;) {
      const k = i * W;
      const kop = keys[k];
      if (kop === EMPTY) {
        keys[k] = op;
        keys[k + 1] = a;
        keys[k + 2] = b;
        keys[k + 3] = c;
        this.vals[i] = node;
        this.used++;
        return;
      }
      if (kop === op && keys[k + 1] === a && keys[k + 2] === b && keys[k + 3] === c) {
        this.vals[i] = node;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Rehashes the live entries into a table sized for them. */
  private grow(): void {
    const oldKeys = this.keys, oldVals = this.vals;
    const oldCap = this.mask + 1;
    let live = 0;
    for (let i = 0; i < oldCap; i++) {
      const k = i * W;
      if (oldKeys[k] !== EMPTY && this.isLive(oldKeys[k], oldKeys[k + 1], oldKeys[k + 2], oldKeys[k + 3], oldVals[i])) {
        live++;
      }
    }
    // Double when mostly live; otherwise dropping stale entries made room.
    let cap = oldCap;
    while ((live + 1) * 4 > cap) cap *= 2;
    this.keys = new Int32Array(cap * W).fill(EMPTY);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.used = 0;
    for (let i = 0; i < oldCap; i++) {
      const k = i * W;
      const op = oldKeys[k];
      if (op === EMPTY) continue;
      const a = oldKeys[k + 1], b = oldKeys[k + 2], c = oldKeys[k + 3], node = oldVals[i];
      if (this.isLive(op, a, b, c, node)) this.set(op, a, b, c, node);
    }
  }
}
