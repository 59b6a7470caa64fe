/**
 * Typed wrappers of the network in C (`csrc/nnue.h`). One `NnueNet` owns one
 * C network; accumulators are Float32Arrays of `DIMS` floats owned by the
 * caller. Batched calls take CSR lists (`Csr`) so that one FFI call does a
 * whole batch: per-call overhead is what dominates otherwise.
 *
 * @example
 * const net = NnueNet.create(81_000, 1n, 0.05);
 * const acc = net.build(Int32Array.of(3, 17, 17));
 * net.applyDelta(acc, Int32Array.of(17), Int32Array.of(42));
 * const [y] = net.eval("judge", acc);
 * net.free();
 */
import { kopt } from "./lib.ts";

export const DIMS = 256;
export const HIDDEN = 32;

/** Layout of one head's parameters (mirror of NNUE_HEAD_* in csrc/nnue.h). */
export const HEAD_LAYOUT = {
  w1: 0,
  b1: HIDDEN * DIMS,
  w2: HIDDEN * DIMS + HIDDEN,
  b2: HIDDEN * DIMS + 2 * HIDDEN,
  outScale: HIDDEN * DIMS + 2 * HIDDEN + 1,
  logUnit: HIDDEN * DIMS + 2 * HIDDEN + 2,
  floats: HIDDEN * DIMS + 2 * HIDDEN + 3,
} as const;

export type HeadName = "judge" | "guide";
const HEAD_ID: Readonly<Record<HeadName, number>> = { judge: 0, guide: 1 };

/** Loss of a training step: log (Judge: targets are log ns) or linear (Guide). */
export type LossKind = "log" | "linear";

/** Options of one training step (mirror of NNUE_OPT_* in csrc/nnue.h). */
export interface StepOptions {
  readonly head: HeadName;
  readonly loss: LossKind;
  readonly trainEmbedding: boolean;
  readonly trainHead: boolean;
  readonly lrEmbedding: number;
  readonly lrHead: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly rankWeight: number;
  readonly rankScale: number;
}

export interface StepStats {
  /** fit + rankWeight * rank */
  readonly loss: number;
  /** Mean squared residual (log space for the log loss). */
  readonly fit: number;
  /** Mean RankNet loss over pairs (0 without pairs). */
  readonly rank: number;
  readonly pairs: number;
}

/** A list of integer lists in compressed form: list i is items[offsets[i] .. offsets[i+1]). */
export interface Csr {
  readonly offsets: Int32Array;
  readonly items: Int32Array;
}

/** Packs lists into a `Csr`. */
export function toCsr(lists: readonly ArrayLike<number>[]): Csr {
  const offsets = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i] + lists[i].length;
  const items = new Int32Array(offsets[lists.length]);
  for (let i = 0; i < lists.length; i++) items.set(lists[i], offsets[i]);
  return { offsets, items };
}

export function csrLength(c: Csr): number {
  return c.offsets.length - 1;
}

const MESSAGES: Readonly<Record<number, string>> = {
  [-1]: "a feature index is outside the embedding",
  [-2]: "unknown head",
  [-3]: "invalid argument (count, offsets, option or non-finite value)",
  [-4]: "out of memory",
  [-5]: "initial values can only be set before any row is used",
};

function check(what: string, rc: number): number {
  if (rc < 0) throw new Error(`${what}: ${MESSAGES[rc] ?? `error ${rc}`}`);
  return rc;
}

// A zero-length typed array may reach C as a null pointer; C never reads it then.
const NO_ITEMS = new Int32Array(1);
const items = (a: Int32Array) => (a.length > 0 ? a : NO_ITEMS);

export class NnueNet {
  #ptr: Deno.PointerObject | null;
  readonly rows: number;

  private constructor(ptr: Deno.PointerObject, rows: number) {
    this.#ptr = ptr;
    this.rows = rows;
  }

  /** A network of `rows` embedding rows, initialized from `seed` (heads at zero). */
  static create(rows: number, seed: bigint, initRange: number): NnueNet {
    if (!Number.isInteger(rows) || rows <= 0 || rows > 2 ** 26) throw new Error(`bad row count ${rows}`);
    const p = kopt().nnue_new(rows, BigInt.asUintN(64, seed), initRange);
    if (p === null) throw new Error(`nnue_new(${rows}, ${seed}, ${initRange}) failed`);
    return new NnueNet(p, rows);
  }

  get #p(): Deno.PointerObject {
    if (this.#ptr === null) throw new Error("the network was freed");
    return this.#ptr;
  }

  free(): void {
    if (this.#ptr !== null) kopt().nnue_free(this.#ptr);
    this.#ptr = null;
  }

  [Symbol.dispose](): void {
    this.free();
  }

  /** Initial value of dimension 0 for `rows` (sorted, unique); before any use. */
  setInit(rows: Int32Array, values: Float32Array): void {
    if (rows.length !== values.length) throw new Error("setInit: rows and values differ in length");
    check(
      "setInit",
      kopt().nnue_set_init(this.#p, items(rows), values.length > 0 ? values : new Float32Array(1), rows.length),
    );
  }

  /** The reproducible initial value of a row. */
  rowInit(row: number, out = new Float32Array(DIMS)): Float32Array {
    check(`rowInit(${row})`, kopt().nnue_row_init(this.#p, row, out));
    return out;
  }

  row(row: number, out = new Float32Array(DIMS)): Float32Array {
    check(`row(${row})`, kopt().nnue_row_get(this.#p, row, out));
    return out;
  }

  setRow(row: number, values: Float32Array): void {
    if (values.length !== DIMS) throw new Error(`setRow: ${values.length} values, expected ${DIMS}`);
    check(`setRow(${row})`, kopt().nnue_row_set(this.#p, row, values));
  }

  /** Rows changed since initialization, ascending. */
  changedRows(): Int32Array {
    const n = check("changedRows", kopt().nnue_changed_rows(this.#p, NO_ITEMS, 0));
    const out = new Int32Array(Math.max(1, n));
    check("changedRows", kopt().nnue_changed_rows(this.#p, out, n));
    return out.subarray(0, n);
  }

  head(head: HeadName): Float32Array {
    const out = new Float32Array(HEAD_LAYOUT.floats);
    check("head", kopt().nnue_head_get(this.#p, HEAD_ID[head], out));
    return out;
  }

  setHead(head: HeadName, params: Float32Array): void {
    if (params.length !== HEAD_LAYOUT.floats) {
      throw new Error(`setHead: ${params.length} floats, expected ${HEAD_LAYOUT.floats}`);
    }
    check("setHead", kopt().nnue_head_set(this.#p, HEAD_ID[head], params));
  }

  /** Accumulator of a feature multiset. */
  build(features: Int32Array, out = new Float32Array(DIMS)): Float32Array {
    check("build", kopt().nnue_acc_build(this.#p, items(features), features.length, out));
    return out;
  }

  /** Accumulators of many feature lists, concatenated (n x DIMS). */
  buildBatch(lists: Csr, out = new Float32Array(csrLength(lists) * DIMS)): Float32Array {
    const n = csrLength(lists);
    check("buildBatch", kopt().nnue_acc_build_batch(this.#p, lists.offsets, items(lists.items), n, out));
    return out;
  }

  /** acc += added - removed, in place. */
  applyDelta(acc: Float32Array, removed: Int32Array, added: Int32Array): void {
    check(
      "applyDelta",
      kopt().nnue_acc_apply_delta(this.#p, acc, items(removed), removed.length, items(added), added.length),
    );
  }

  /** accs[i] += added[i] - removed[i] for every accumulator of the batch, in place. */
  applyDeltaBatch(accs: Float32Array, removed: Csr, added: Csr): void {
    const n = csrLength(removed);
    if (csrLength(added) !== n || accs.length !== n * DIMS) throw new Error("applyDeltaBatch: sizes differ");
    check(
      "applyDeltaBatch",
      kopt().nnue_acc_apply_delta_batch(
        this.#p,
        accs,
        n,
        removed.offsets,
        items(removed.items),
        added.offsets,
        items(added.items),
      ),
    );
  }

  /** Head outputs of concatenated accumulators. */
  eval(head: HeadName, accs: Float32Array, out = new Float32Array(accs.length / DIMS)): Float32Array {
    if (accs.length % DIMS !== 0) throw new Error(`eval: ${accs.length} floats is not a whole number of accumulators`);
    check("eval", kopt().nnue_eval(this.#p, HEAD_ID[head], accs, accs.length / DIMS, out));
    return out;
  }

  /** Head outputs of base - removed[i] + added[i] for every i, base unchanged. */
  scoreCandidates(
    head: HeadName,
    base: Float32Array,
    removed: Csr,
    added: Csr,
    out = new Float32Array(csrLength(removed)),
  ): Float32Array {
    const n = csrLength(removed);
    if (csrLength(added) !== n) throw new Error("scoreCandidates: removed and added differ in length");
    if (base.length !== DIMS) throw new Error("scoreCandidates: base is not one accumulator");
    check(
      "scoreCandidates",
      kopt().nnue_score_candidates(
        this.#p,
        HEAD_ID[head],
        base,
        n,
        removed.offsets,
        items(removed.items),
        added.offsets,
        items(added.items),
        out,
      ),
    );
    return out;
  }

  /**
   * One training step on a batch: `features` lists, `targets`, `groups`
   * (kernel ids for the ranking term). Writes the predictions to `pred`.
   */
  trainStep(
    o: StepOptions,
    features: Csr,
    targets: Float32Array,
    groups: Int32Array,
    pred = new Float32Array(targets.length),
  ): StepStats {
    const n = csrLength(features);
    if (targets.length !== n || groups.length !== n) throw new Error("trainStep: batch arrays differ in length");
    const opts = Float64Array.of(
      HEAD_ID[o.head],
      o.loss === "log" ? 0 : 1,
      o.trainEmbedding ? 1 : 0,
      o.trainHead ? 1 : 0,
      o.lrEmbedding,
      o.lrHead,
      o.beta1,
      o.beta2,
      o.epsilon,
      o.rankWeight,
      o.rankScale,
    );
    const stats = new Float64Array(4);
    check(
      "trainStep",
      kopt().nnue_train_step(
        this.#p,
        opts,
        opts.length,
        features.offsets,
        items(features.items),
        n,
        targets,
        groups,
        pred,
        stats,
      ),
    );
    return { loss: stats[0], fit: stats[1], rank: stats[2], pairs: stats[3] };
  }

  resetOptimizer(): void {
    kopt().nnue_reset_optimizer(this.#p);
  }
}
