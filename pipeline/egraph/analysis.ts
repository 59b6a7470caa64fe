/**
 * E-class analysis: facts every e-class carries, kept in typed arrays
 * indexed by class id, each with a `make` (the fact of one e-node from its
 * children's facts) and a `merge` (the fact of a union of two classes).
 *
 * - Constant: the exact value, when an e-node folds to one exactly
 *   (`exactfold.ts` says why rounded values must not take part in
 *   equalities). Merge keeps a known value. The e-graph then adds the
 *   constant's leaf node to the class (egg's `modify`), so that rules and
 *   extraction see it.
 * - Approximate value: the float64 value of a class that depends on no
 *   variable, folded with the op table's float64 semantics when finite,
 *   rounding and all. Extraction uses it (a compiler folds constant
 *   subexpressions too); equalities, rule matching and preconditions do not.
 *   Merge keeps a known value.
 * - Interval: the range of values, from the input variables' ranges through
 *   interval arithmetic (`pipeline/expr/interval.ts`); unknown when an op
 *   may leave its domain. All members of a class are equal, so each member's
 *   interval bounds the class and merge is the intersection.
 * - Dependencies: the variables the value depends on, as a bit set. Equal
 *   expressions depend on the intersection of what each mentions, so merge
 *   is the intersection; this is what `(free-of ?e ?x)` asks.
 * - Variable: a variable leaf in the class, if any (for `(var? ?x)` and for
 *   the variable operand of `(d x e)`).
 *
 * Facts only grow more precise (a constant appears, an interval narrows, a
 * set shrinks), so propagating changes to parents terminates. Intervals
 * need two guards: a narrowing by less than a relative 1e-9 is stored but
 * not propagated, and a class propagates at most MAX_NARROWINGS narrowings
 * (later ones are stored, not propagated). Interval arithmetic around a
 * cycle of the graph (x = (x + c) / 2 ...) can narrow geometrically, and
 * each step re-makes every parent: without the cap one rebuild ran out of
 * memory on the corpus.
 */
import type { Interval } from "../expr/interval.ts";
import { opInterval } from "../expr/interval.ts";
import { OP_NAMES, type OpName, OPS } from "../expr/ops.ts";
import { foldExact } from "./exactfold.ts";

/** Op name by kind code (leaves have none). */
const NAME_OF: readonly (OpName | null)[] = [null, null, ...OP_NAMES];
/**
 * Float64 semantics by kind code, null for leaves, for `d` and for truth
 * values: a folded class becomes a constant leaf, and a leaf is a number.
 */
const F64_OF: readonly (((...a: number[]) => number) | null)[] = NAME_OF.map((n) =>
  n === null || n === "d" || OPS[n].sort !== "real" ? null : OPS[n].f64
);

const WHOLE: Interval = [-Infinity, Infinity];

/** A narrowing worth propagating to parents. */
function significant(oldBound: number, newBound: number): boolean {
  if (oldBound === newBound) return false;
  return !(Math.abs(newBound - oldBound) <= 1e-9 * Math.max(1, Math.abs(oldBound)));
}

/** Interval narrowings a class passes on to its parents (see above). */
const MAX_NARROWINGS = 8;

/** Which facts of a class changed in a merge or a re-make. */
export const CHANGED_NONE = 0;
/** Some fact changed enough that parents must be re-made. */
export const CHANGED_DATA = 1;
/** The class became constant: it needs its constant leaf. */
export const CHANGED_CONST = 2;

export class Analysis {
  /** Merges of classes with different exact constants (should stay 0). */
  conflicts = 0;
  private cap = 0;
  private words = 1;
  hasConst = new Uint8Array(0);
  constVal = new Float64Array(0);
  hasApprox = new Uint8Array(0);
  approxVal = new Float64Array(0);
  ivKnown = new Uint8Array(0);
  /** Narrowings propagated so far, per class. */
  private narrowed = new Uint8Array(0);
  lo = new Float64Array(0);
  hi = new Float64Array(0);
  varLeaf = new Int32Array(0);
  deps = new Uint32Array(0);

  // The fact of one e-node, computed by `make` before it is stored or merged.
  private sConst = false;
  private sVal = 0;
  private sApprox = false;
  private sApproxVal = 0;
  private sKnown = false;
  private sLo = 0;
  private sHi = 0;
  private sDeps = new Uint32Array(1);

  /** @param varRange the range of variable number `i`. */
  constructor(private readonly varRange: (i: number) => Interval, capacity = 1024) {
    this.ensure(capacity);
  }

  /** Makes room for class ids below `n`. */
  ensure(n: number): void {
    if (n <= this.cap) return;
    let cap = Math.max(16, this.cap);
    while (cap < n) cap *= 2;
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.hasConst = g8(this.hasConst);
    this.constVal = g64(this.constVal);
    this.hasApprox = g8(this.hasApprox);
    this.approxVal = g64(this.approxVal);
    this.ivKnown = g8(this.ivKnown);
    this.narrowed = g8(this.narrowed);
    this.lo = g64(this.lo);
    this.hi = g64(this.hi);
    const vl = new Int32Array(cap).fill(-1);
    vl.set(this.varLeaf);
    this.varLeaf = vl;
    const d = new Uint32Array(cap * this.words);
    d.set(this.deps);
    this.deps = d;
    this.cap = cap;
  }

  /** Makes room in the dependency sets for variable number `i`. */
  ensureVar(i: number): void {
    const need = (i >>> 5) + 1;
    if (need <= this.words) return;
    const old = this.deps, ow = this.words;
    const d = new Uint32Array(this.cap * need);
    for (let c = 0; c < this.cap; c++) {
      for (let w = 0; w < ow; w++) d[c * need + w] = old[c * ow + w];
    }
    this.deps = d;
    this.words = need;
    this.sDeps = new Uint32Array(need);
  }

  /** Whether class `c` depends on variable number `i`. */
  dependsOn(c: number, i: number): boolean {
    const w = i >>> 5;
    return w < this.words && (this.deps[c * this.words + w] & (1 << (i & 31))) !== 0;
  }

  /** The interval of class `c`, or null when unknown. */
  interval(c: number): Interval | null {
    return this.ivKnown[c] ? [this.lo[c], this.hi[c]] : null;
  }

  /** The constant value of class `c`, or null. */
  constant(c: number): number | null {
    return this.hasConst[c] ? this.constVal[c] : null;
  }

  /** Facts of a fresh class holding the constant leaf `value`. */
  initConst(c: number, value: number): void {
    this.hasConst[c] = 1;
    this.constVal[c] = value;
    this.hasApprox[c] = Number.isFinite(value) ? 1 : 0;
    this.approxVal[c] = value;
    const known = !Number.isNaN(value);
    this.ivKnown[c] = known ? 1 : 0;
    this.lo[c] = value;
    this.hi[c] = value;
    this.varLeaf[c] = -1;
    this.deps.fill(0, c * this.words, (c + 1) * this.words);
  }

  /** Facts of a fresh class holding variable number `i`. */
  initVar(c: number, i: number): void {
    this.ensureVar(i);
    const [lo, hi] = this.varRange(i);
    this.hasConst[c] = 0;
    this.hasApprox[c] = 0;
    this.ivKnown[c] = 1;
    this.lo[c] = lo;
    this.hi[c] = hi;
    this.varLeaf[c] = i;
    const base = c * this.words;
    this.deps.fill(0, base, base + this.words);
    this.deps[base + (i >>> 5)] = 1 << (i & 31);
  }

  /**
   * Facts of a fresh class holding the e-node `op(a, b, c)` (unused children
   * are -1). Returns CHANGED_CONST when it folds to a constant.
   */
  initApp(cls: number, op: number, a: number, b: number, c: number): number {
    this.make(op, a, b, c);
    this.hasConst[cls] = this.sConst ? 1 : 0;
    this.constVal[cls] = this.sVal;
    this.hasApprox[cls] = this.sApprox ? 1 : 0;
    this.approxVal[cls] = this.sApproxVal;
    this.ivKnown[cls] = this.sKnown ? 1 : 0;
    this.lo[cls] = this.sLo;
    this.hi[cls] = this.sHi;
    this.varLeaf[cls] = -1;
    this.deps.set(this.sDeps, cls * this.words);
    return this.sConst ? CHANGED_CONST : CHANGED_NONE;
  }

  /**
   * Re-makes the facts of e-node `op(a, b, c)` (its children's facts may have
   * improved) and merges them into its class `cls`.
   */
  remake(cls: number, op: number, a: number, b: number, c: number): number {
    this.make(op, a, b, c);
    let changed = CHANGED_NONE;
    if (this.sConst && !this.hasConst[cls]) {
      this.hasConst[cls] = 1;
      this.constVal[cls] = this.sVal;
      changed |= CHANGED_DATA | CHANGED_CONST;
    }
    if (this.sApprox && !this.hasApprox[cls]) {
      this.hasApprox[cls] = 1;
      this.approxVal[cls] = this.sApproxVal;
      changed |= CHANGED_DATA;
    }
    changed |= this.meetInterval(cls, this.sKnown, this.sLo, this.sHi);
    const base = cls * this.words;
    for (let w = 0; w < this.words; w++) {
      const m = this.deps[base + w] & this.sDeps[w];
      if (m !== this.deps[base + w]) {
        this.deps[base + w] = m;
        changed |= CHANGED_DATA;
      }
    }
    return changed;
  }

  /**
   * Merges class `other` into class `root`. Returns two change sets: bit 0-1
   * for `root`'s old facts, bits 2-3 (shifted by 2) for `other`'s.
   */
  merge(root: number, other: number): number {
    let changedRoot = CHANGED_NONE, changedOther = CHANGED_NONE;
    if (this.hasConst[root] !== this.hasConst[other]) {
      if (this.hasConst[other]) {
        this.hasConst[root] = 1;
        this.constVal[root] = this.constVal[other];
        // The constant leaf came with `other`'s nodes: no new leaf needed.
        changedRoot |= CHANGED_DATA;
      } else changedOther |= CHANGED_DATA;
    } else if (this.hasConst[root] && this.constVal[root] !== this.constVal[other]) {
      // Two different exact constants in one class: some rule is unsound
      // (or fired outside its domain). Counted, so that reports show it.
      this.conflicts++;
    }
    if (this.hasApprox[root] !== this.hasApprox[other]) {
      if (this.hasApprox[other]) {
        this.hasApprox[root] = 1;
        this.approxVal[root] = this.approxVal[other];
        changedRoot |= CHANGED_DATA;
      } else changedOther |= CHANGED_DATA;
    }
    const oKnown = this.ivKnown[other] === 1, oLo = this.lo[other], oHi = this.hi[other];
    this.narrowed[root] = Math.max(this.narrowed[root], this.narrowed[other]);
    changedRoot |= this.meetInterval(root, oKnown, oLo, oHi);
    if (
      this.ivKnown[root] && this.narrowed[root] < MAX_NARROWINGS &&
      (!oKnown || significant(oLo, this.lo[root]) || significant(oHi, this.hi[root]))
    ) {
      changedOther |= CHANGED_DATA;
    }
    const rb = root * this.words, ob = other * this.words;
    for (let w = 0; w < this.words; w++) {
      const r = this.deps[rb + w], o = this.deps[ob + w];
      const m = r & o;
      if (m !== r) changedRoot |= CHANGED_DATA;
      if (m !== o) changedOther |= CHANGED_DATA;
      this.deps[rb + w] = m;
    }
    if (this.varLeaf[root] < 0) this.varLeaf[root] = this.varLeaf[other];
    return changedRoot | (changedOther << 2);
  }

  /** Intersects the interval of `cls` with [lo, hi] (if known). */
  private meetInterval(cls: number, known: boolean, lo: number, hi: number): number {
    if (!known) return CHANGED_NONE;
    if (!this.ivKnown[cls]) {
      this.ivKnown[cls] = 1;
      this.lo[cls] = lo;
      this.hi[cls] = hi;
      return CHANGED_DATA;
    }
    const olo = this.lo[cls], ohi = this.hi[cls];
    const nlo = Math.max(olo, lo), nhi = Math.min(ohi, hi);
    // Disjoint intervals for equal values mean rounding at the edge of an
    // interval (or an unsound rule): keep what the class had.
    if (!(nlo <= nhi)) return CHANGED_NONE;
    this.lo[cls] = nlo;
    this.hi[cls] = nhi;
    if (!significant(olo, nlo) && !significant(ohi, nhi)) return CHANGED_NONE;
    if (this.narrowed[cls] >= MAX_NARROWINGS) return CHANGED_NONE;
    this.narrowed[cls]++;
    return CHANGED_DATA;
  }

  /** The facts of e-node `op(a, b, c)` into the scratch fields. */
  private make(op: number, a: number, b: number, c: number): void {
    const words = this.words;
    const sd = this.sDeps;
    sd.fill(0);
    const arity = c >= 0 ? 3 : b >= 0 ? 2 : 1;
    const kids = arity === 1 ? [a] : arity === 2 ? [a, b] : [a, b, c];
    for (const k of kids) {
      const base = k * words;
      for (let w = 0; w < words; w++) sd[w] |= this.deps[base + w];
    }
    const name = NAME_OF[op]!;
    this.sConst = false;
    this.sVal = 0;
    this.sApprox = false;
    this.sApproxVal = 0;
    const f = F64_OF[op];
    if (f !== null && kids.every((k) => this.hasApprox[k] === 1)) {
      const x = f(...kids.map((k) => this.approxVal[k]));
      if (Number.isFinite(x)) {
        this.sApprox = true;
        this.sApproxVal = x;
      }
    }
    if (f !== null && kids.every((k) => this.hasConst[k] === 1)) {
      const x = foldExact(name, kids.map((k) => this.constVal[k]));
      if (x !== null) {
        this.sConst = true;
        this.sVal = x;
        this.sApprox = true;
        this.sApproxVal = x;
        this.sKnown = true;
        this.sLo = x;
        this.sHi = x;
        return;
      }
    }
    let args: Interval[] | null = [];
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (!this.ivKnown[k]) {
        args = null;
        break;
      }
      // The same class twice is the same value: `*` then knows it squares.
      const j = kids.indexOf(k);
      args.push(j < i ? args[j] : [this.lo[k], this.hi[k]]);
    }
    const iv = name === "d" ? WHOLE : args === null ? null : opInterval(name, args);
    this.sKnown = iv !== null;
    this.sLo = iv === null ? 0 : iv[0];
    this.sHi = iv === null ? 0 : iv[1];
  }
}
