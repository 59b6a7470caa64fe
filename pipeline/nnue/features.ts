/**
 * HalfEP features of an expression DAG: the sparse input of the network.
 *
 * Every UNIQUE node P of the hash-consed DAG is a perspective (a compiled
 * kernel computes a shared node once, and `staticCost` counts unique nodes,
 * so features count the same way). Every path from P down to depth D, written
 * as the sequence of child indices (ops have arity <= 3), reaches a
 * descendant Q and gives one feature
 *
 *   (kind P, path, kind Q)
 *
 * including the empty path (depth 0): the self feature (kind P, [], kind P),
 * which carries the static latency of P in the latency-table initialization.
 * A descendant reached along two paths gives two features: the path is part
 * of the feature, so the features of one perspective are a set, and the
 * features of the DAG are a multiset (two perspectives may share one).
 *
 * Kinds: the stable op codes of `ops.ts` (0 = constant, 1 = variable, ops
 * from 2, up to `d`), then six refined constant classes appended after
 * those ops so that op codes keep their meaning: 0, 1, -1, 2, 0.5, and
 * other integers; ops added to the op table after `d` (the conditionals)
 * come after the constant classes, in op-code order. Those
 * constants change what compilers emit (x*2 vs x+x, pow(x, 2) -> x*x,
 * pow(x, 0.5) -> sqrt, integer powers -> multiplications under -ffast-math);
 * code 0 is then "any other constant". Variables are one kind: which variable
 * it is does not change the cost, and a shared variable is already one node.
 *
 * Index formula, with K kinds and P(D) = (3^(D+1) - 1) / 2 paths of length
 * 0..D (path code = (3^L - 1)/2 + the child indices read as a base-3 number):
 *
 *   index(P, path, Q) = (kind(P) * P(D) + pathCode) * K + kind(Q)
 *   size = K * K * P(D)
 *
 * for the first K0 = 45 kinds. Kinds added later take "shells" after that
 * square, so that adding kinds never moves a row and weights trained
 * before stay valid: every pair (P, Q) with max(P, Q) = m >= K0 lies in
 * shell m, which starts at pair m^2 and holds the 2m + 1 pairs
 * (m, 0..m) then (0..m-1, m):
 *
 *   pair(P, Q) = m^2 + (P == m ? Q : m + 1 + P)
 *   index(P, path, Q) = pair(P, Q) * P(D) + pathCode
 *
 * Either way size = K * K * P(D). With K = 53: D = 3 gives 112,360 rows
 * (81,000 of them the first 45 kinds'), D = 4 gives 339,889. Many indices
 * never occur (a unary op has no path starting with 1); the network
 * materializes rows lazily, so unused rows cost nothing. A weights file
 * written when there were fewer kinds is read as it is (its features are
 * a prefix of today's: `featureSetOf`).
 */
import type { Expr } from "../expr/expr.ts";
import { KIND_COUNT, LEAF_CONST, LEAF_VAR, OP_NAMES, opCode } from "../expr/ops.ts";
import { fnv1a64 } from "../base/hash.ts";

/** Refined constant classes, appended after the op codes up to `d`. */
export const CONST_CLASSES = [0, 1, -1, 2, 0.5] as const;
/** Node kinds of the first feature set: the leaves and the ops up to `d`, whose codes are their feature kinds. */
export const FIRST_KINDS = opCode("d") + 1;
/** Kind code of "an integer constant other than 0, 1, -1, 2". */
export const KIND_CONST_INT = FIRST_KINDS + CONST_CLASSES.length;
/** The square of the first 45 feature kinds; later kinds take shells after it. */
export const SQUARE_KINDS = KIND_CONST_INT + 1;
/** Number of feature kinds: the op table's kinds plus the constant classes. */
export const FEATURE_KINDS = KIND_COUNT + CONST_CLASSES.length + 1;
/** Feature kind of each node-kind code (leaves, ops). */
const KIND_OF_CODE: Int32Array = Int32Array.from(
  { length: KIND_COUNT },
  (_, code) => (code < FIRST_KINDS ? code : SQUARE_KINDS + code - FIRST_KINDS),
);

/** The feature kind of an op code (0 and 1 are the leaves). */
export function featureKindOfCode(code: number): number {
  return KIND_OF_CODE[code];
}
/** Largest arity of an op: the branching factor of paths. */
export const MAX_ARITY = 3;
/**
 * The default depth. D = 3 gives 81,000 rows and deltas of about 14-27
 * features per rewrite (10-1,000-node kernels); D = 4 gives 245,025 rows and
 * deltas of 16-43 (`deno task bench:nnue --depth 4`). Depth 3 sees the
 * patterns compilers and the rules care about (a fused multiply-add, a
 * square root of a sum of squares) and spreads limited calibration data over
 * fewer rows; the depth is a parameter of the feature set and of the files.
 */
export const DEFAULT_DEPTH = 3;

/** Names of the feature kinds, in code order (for messages and docs). */
export const FEATURE_KIND_NAMES: readonly string[] = [
  "const",
  "var",
  ...OP_NAMES.slice(0, FIRST_KINDS - 2),
  ...CONST_CLASSES.map((c) => `const:${c}`),
  "const:int",
  ...OP_NAMES.slice(FIRST_KINDS - 2),
];

/** The parameters of the feature formula, and the size they imply. */
export interface FeatureSet {
  readonly depth: number;
  /** K: number of kinds. */
  readonly kinds: number;
  /** P(D): number of paths of length 0..D. */
  readonly paths: number;
  /** K * K * P(D): rows of the embedding. */
  readonly size: number;
  /** Text of every parameter the formula depends on; `id` hashes it. */
  readonly descriptor: string;
  /** 64-bit FNV-1a hash of `descriptor`: the feature-set id of weights files. */
  readonly id: bigint;
}

/** Number of paths of length 0..depth with branching MAX_ARITY. */
export function pathCount(depth: number): number {
  return (MAX_ARITY ** (depth + 1) - 1) / (MAX_ARITY - 1);
}

/** Code of the first path of length `len`: the number of shorter paths. */
export function pathOffset(len: number): number {
  return (MAX_ARITY ** len - 1) / (MAX_ARITY - 1);
}

/** The feature set of a given depth (1..5). */
export function featureSet(depth: number = DEFAULT_DEPTH): FeatureSet {
  return featureSetOf(depth, FEATURE_KINDS);
}

/**
 * The feature set of a given depth over the first `kinds` feature kinds:
 * the features of an earlier op table (fewer kinds), whose rows keep their
 * indices in today's (see the module comment).
 */
export function featureSetOf(depth: number, kinds: number): FeatureSet {
  if (!Number.isInteger(depth) || depth < 1 || depth > 5) {
    throw new Error(`feature depth must be an integer in 1..5, got ${depth}`);
  }
  if (!Number.isInteger(kinds) || kinds < 1 || kinds > FEATURE_KINDS) {
    throw new Error(`feature kinds must be an integer in 1..${FEATURE_KINDS}, got ${kinds}`);
  }
  const paths = pathCount(depth);
  const names = FEATURE_KIND_NAMES.slice(0, kinds).join(",");
  // Up to the square the layout is the first one, and so is the descriptor.
  const shells = kinds > SQUARE_KINDS ? `;shells-from=${SQUARE_KINDS}` : "";
  const descriptor = `halfep-v1;depth=${depth};arity=${MAX_ARITY};kinds=${names}${shells}`;
  return { depth, kinds, paths, size: kinds * kinds * paths, descriptor, id: fnv1a64(descriptor) };
}

/** The feature kind of a node. */
export function kindOf(e: Expr): number {
  if (e.tag === "app") return KIND_OF_CODE[opCode(e.op)];
  if (e.tag === "var") return LEAF_VAR;
  const c = e.value;
  const k = CONST_CLASSES.indexOf(c as typeof CONST_CLASSES[number]);
  if (k >= 0) return FIRST_KINDS + k; // -0 === 0 here, which is what we want
  if (Number.isInteger(c)) return KIND_CONST_INT;
  return LEAF_CONST;
}

/** Row index of the feature (perspective kind, path code, descendant kind). */
export function featureIndex(fs: FeatureSet, perspective: number, path: number, descendant: number): number {
  if (perspective < SQUARE_KINDS && descendant < SQUARE_KINDS) {
    return (perspective * fs.paths + path) * SQUARE_KINDS + descendant;
  }
  const m = perspective > descendant ? perspective : descendant;
  return (m * m + (perspective === m ? descendant : m + 1 + perspective)) * fs.paths + path;
}

/** Row of the self feature of a kind (depth 0): the latency-table row. */
export function selfFeature(fs: FeatureSet, kind: number): number {
  return featureIndex(fs, kind, 0, kind);
}

/** Inverse of `featureIndex`: [perspective kind, path code, descendant kind]. */
export function decodeFeature(fs: FeatureSet, index: number): [number, number, number] {
  if (index < SQUARE_KINDS * SQUARE_KINDS * fs.paths) {
    const descendant = index % SQUARE_KINDS;
    const rest = (index - descendant) / SQUARE_KINDS;
    const path = rest % fs.paths;
    return [(rest - path) / fs.paths, path, descendant];
  }
  const path = index % fs.paths;
  const pair = (index - path) / fs.paths;
  const m = Math.floor(Math.sqrt(pair));
  const r = pair - m * m;
  return r <= m ? [m, path, r] : [r - m - 1, path, m];
}

/** `pathOffset` for lengths 0..7, as a table (hot in feature walks). */
export const PATH_OFFSETS: readonly number[] = Array.from({ length: 8 }, (_, len) => pathOffset(len));

/**
 * Calls `emit` with every feature of one perspective node, in a fixed order
 * (depth-first, children in order).
 */
export function forEachNodeFeature(fs: FeatureSet, node: Expr, emit: (feature: number) => void): void {
  walk(fs, kindOf(node), node, 0, 0, emit);
}

function walk(fs: FeatureSet, kind: number, q: Expr, len: number, digits: number, emit: (f: number) => void): void {
  emit(featureIndex(fs, kind, PATH_OFFSETS[len] + digits, kindOf(q)));
  if (len < fs.depth && q.tag === "app") {
    const args = q.args;
    for (let c = 0; c < args.length; c++) walk(fs, kind, args[c], len + 1, digits * MAX_ARITY + c, emit);
  }
}

/** Features of one perspective node. */
export function nodeFeatures(fs: FeatureSet, node: Expr): number[] {
  const out: number[] = [];
  forEachNodeFeature(fs, node, (f) => out.push(f));
  return out;
}

/** The feature multiset of a whole expression: every unique node as perspective. */
export function features(fs: FeatureSet, e: Expr): Int32Array {
  const out: number[] = [];
  const seen = new Set<number>();
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    forEachNodeFeature(fs, n, (f) => out.push(f));
    if (n.tag === "app") { for (const a of n.args) stack.push(a); }
  }
  return Int32Array.from(out);
}
