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
 * from 2), then six refined constant classes appended after the ops so that
 * op codes keep their meaning: 0, 1, -1, 2, 0.5, and other integers. Those
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
 * With K = 45: D = 3 gives 45 * 45 * 40 = 81,000 rows, D = 4 gives
 * 45 * 45 * 121 = 245,025 rows. Many indices never occur (a unary op has no
 * path starting with 1); the network materializes rows lazily, so unused
 * rows cost nothing.
 */
import type { Expr } from "../expr/expr.ts";
import { KIND_COUNT, LEAF_CONST, LEAF_VAR, OP_NAMES, opCode } from "../expr/ops.ts";
import { fnv1a64 } from "../base/hash.ts";

/** Refined constant classes, appended after the op codes. */
export const CONST_CLASSES = [0, 1, -1, 2, 0.5] as const;
/** Kind code of "an integer constant other than 0, 1, -1, 2". */
export const KIND_CONST_INT = KIND_COUNT + CONST_CLASSES.length;
/** Number of feature kinds: the op table's kinds plus the constant classes. */
export const FEATURE_KINDS = KIND_CONST_INT + 1;
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
  ...OP_NAMES,
  ...CONST_CLASSES.map((c) => `const:${c}`),
  "const:int",
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
  if (!Number.isInteger(depth) || depth < 1 || depth > 5) {
    throw new Error(`feature depth must be an integer in 1..5, got ${depth}`);
  }
  const paths = pathCount(depth);
  const kinds = FEATURE_KINDS;
  const descriptor = `halfep-v1;depth=${depth};arity=${MAX_ARITY};kinds=${FEATURE_KIND_NAMES.join(",")}`;
  return { depth, kinds, paths, size: kinds * kinds * paths, descriptor, id: fnv1a64(descriptor) };
}

/** The feature kind of a node. */
export function kindOf(e: Expr): number {
  if (e.tag === "app") return opCode(e.op);
  if (e.tag === "var") return LEAF_VAR;
  const c = e.value;
  const k = CONST_CLASSES.indexOf(c as typeof CONST_CLASSES[number]);
  if (k >= 0) return KIND_COUNT + k; // -0 === 0 here, which is what we want
  if (Number.isInteger(c)) return KIND_CONST_INT;
  return LEAF_CONST;
}

/** Row index of the feature (perspective kind, path code, descendant kind). */
export function featureIndex(fs: FeatureSet, perspective: number, path: number, descendant: number): number {
  return (perspective * fs.paths + path) * fs.kinds + descendant;
}

/** Row of the self feature of a kind (depth 0): the latency-table row. */
export function selfFeature(fs: FeatureSet, kind: number): number {
  return featureIndex(fs, kind, 0, kind);
}

/** Inverse of `featureIndex`: [perspective kind, path code, descendant kind]. */
export function decodeFeature(fs: FeatureSet, index: number): [number, number, number] {
  const descendant = index % fs.kinds;
  const rest = (index - descendant) / fs.kinds;
  const path = rest % fs.paths;
  return [(rest - path) / fs.paths, path, descendant];
}

/** `pathOffset` for lengths 0..7, as a table (hot in feature walks). */
export const PATH_OFFSETS: readonly number[] = Array.from({ length: 8 }, (_, len) => pathOffset(len));

/**
 * Calls `emit` with every feature of one perspective node, in a fixed order
 * (depth-first, children in order).
 */
export function forEachNodeFeature(fs: FeatureSet, node: Expr, emit: (feature: number) => void): void {
  walk(fs, kindOf(node) * fs.paths, node, 0, 0, emit);
}

function walk(fs: FeatureSet, base: number, q: Expr, len: number, digits: number, emit: (f: number) => void): void {
  emit((base + PATH_OFFSETS[len] + digits) * fs.kinds + kindOf(q));
  if (len < fs.depth && q.tag === "app") {
    const args = q.args;
    for (let c = 0; c < args.length; c++) walk(fs, base, args[c], len + 1, digits * MAX_ARITY + c, emit);
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
