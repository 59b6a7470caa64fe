/**
 * The network as the rest of the pipeline sees it: a feature set, the C
 * network sized for it, and the latency-table initialization.
 *
 * @example
 * using nw = Network.create();           // untrained: the Judge equals staticCost, the Guide 0
 * const acc = nw.accumulator(e);
 * nw.judgeCost(e) === staticCost(e);     // true up to MAX_EXACT_COST
 * const dag = new FeatureDag(nw.fs, e);
 * const deltas = candidates.map(([site, repl]) => dag.rewrite(site, repl));
 * const scores = nw.scoreDeltas("guide", acc, deltas);
 */
import type { Expr } from "../expr/expr.ts";
import { type Csr, DIMS, HEAD_LAYOUT, type HeadName, NnueNet, toCsr } from "../ffi/nnue.ts";
import { DEFAULT_DEPTH, features, type FeatureSet, featureSet } from "./features.ts";
import { latencyHead, latencyRows } from "./latency_init.ts";
import { type CostTable, REFERENCE_COSTS } from "../expr/cost.ts";
import { lookaheadHead } from "./guide_init.ts";

export interface NetworkOptions {
  /** Feature depth D (default DEFAULT_DEPTH). */
  readonly depth: number;
  /** Seed of the reproducible row initialization. */
  readonly seed: bigint;
  /** Initial rows are uniform in [-initRange, initRange] (dimension 0 aside). */
  readonly initRange: number;
}

export const DEFAULT_NETWORK: NetworkOptions = { depth: DEFAULT_DEPTH, seed: 0x6b6f7074n, initRange: 0.05 };

/** A feature delta, as `FeatureDag.rewrite` returns it. */
export interface Delta {
  readonly removed: Int32Array;
  readonly added: Int32Array;
}

/** Packs deltas into the two CSR lists the batched C calls take. */
export function packDeltas(deltas: readonly Delta[]): { removed: Csr; added: Csr } {
  return { removed: toCsr(deltas.map((d) => d.removed)), added: toCsr(deltas.map((d) => d.added)) };
}

/** The softpos of the log loss (mirror of csrc/nnue_train.c): positive for any y. */
export function logSoftpos(y: number, outScale: number): number {
  const eps = outScale / 256;
  return y >= eps ? Math.log(y) : Math.log(eps) + y / eps - 1;
}

export class Network {
  readonly fs: FeatureSet;
  readonly net: NnueNet;
  readonly options: NetworkOptions;
  readonly #init: { readonly rows: Int32Array; readonly values: Float32Array };

  private constructor(
    options: NetworkOptions,
    net: NnueNet,
    init: { readonly rows: Int32Array; readonly values: Float32Array },
  ) {
    this.options = options;
    this.fs = featureSet(options.depth);
    this.net = net;
    this.#init = { rows: init.rows.slice(), values: init.values.slice() };
  }

  /**
   * A network at its initialization: rows from the seed with the cost table
   * (by default the op table's own) in dimension 0, and both heads compiled
   * from it: the untrained Judge is that table.
   */
  static create(options: Partial<NetworkOptions> = {}, costs: CostTable = REFERENCE_COSTS): Network {
    const o = { ...DEFAULT_NETWORK, ...options };
    return Network.fromParts(o, latencyRows(featureSet(o.depth), costs), {
      judge: latencyHead(),
      guide: lookaheadHead(),
    });
  }

  /** A network from explicit parts (what a weights file holds). */
  static fromParts(
    options: NetworkOptions,
    init: { readonly rows: Int32Array; readonly values: Float32Array },
    heads: { readonly judge: Float32Array; readonly guide: Float32Array },
  ): Network {
    const fs = featureSet(options.depth);
    const net = NnueNet.create(fs.size, options.seed, options.initRange);
    try {
      net.setInit(init.rows, init.values);
      net.setHead("judge", heads.judge);
      net.setHead("guide", heads.guide);
    } catch (e) {
      net.free();
      throw e;
    }
    return new Network(options, net, init);
  }

  /** The dimension-0 initial values this network was created with. */
  get init(): { readonly rows: Int32Array; readonly values: Float32Array } {
    return this.#init;
  }

  free(): void {
    this.net.free();
  }

  [Symbol.dispose](): void {
    this.free();
  }

  features(e: Expr): Int32Array {
    return features(this.fs, e);
  }

  accumulator(e: Expr): Float32Array {
    return this.net.build(this.features(e));
  }

  /** Judge outputs of expressions (static cost units), one batched call. */
  judgeCosts(es: readonly Expr[]): Float32Array {
    const accs = this.net.buildBatch(toCsr(es.map((e) => this.features(e))));
    return this.net.eval("judge", accs);
  }

  judgeCost(e: Expr): number {
    return this.judgeCosts([e])[0];
  }

  /** log of the Judge's predicted ns per element, from head outputs. */
  logNsOf(outputs: Float32Array): Float64Array {
    const h = this.net.head("judge");
    const scale = h[HEAD_LAYOUT.outScale], unit = h[HEAD_LAYOUT.logUnit];
    return Float64Array.from(outputs, (y) => logSoftpos(y, scale) + unit);
  }

  /** Predicted ns per element of expressions. */
  predictNs(es: readonly Expr[]): Float64Array {
    return this.logNsOf(this.judgeCosts(es)).map(Math.exp);
  }

  /** Head outputs of `base` after each delta (the accumulator is unchanged). */
  scoreDeltas(head: HeadName, base: Float32Array, deltas: readonly Delta[]): Float32Array {
    const { removed, added } = packDeltas(deltas);
    return this.net.scoreCandidates(head, base, removed, added);
  }

  /** Applies a delta to an accumulator in place. */
  applyDelta(acc: Float32Array, d: Delta): void {
    this.net.applyDelta(acc, d.removed, d.added);
  }

  /** Fresh accumulator buffer. */
  static newAccumulator(): Float32Array {
    return new Float32Array(DIMS);
  }
}
