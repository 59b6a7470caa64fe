/**
 * The e-graph: a set of expressions closed under known equalities, stored
 * compactly as e-classes of e-nodes (egg's design, in typed arrays).
 *
 * An e-node is an op code (the kind codes of `pipeline/expr/ops.ts`: 0 for
 * a constant, 1 for a variable, 2... for ops) and up to three child class
 * ids; a leaf's first slot holds an index into the constant or variable
 * table instead. Every e-node gets an id when it is added, and its first
 * e-class gets the same id (so `nodeId` doubles as a union-find id). Nodes
 * live in flat arrays: `ops` (op code) and `kids` (three slots per node,
 * -1 when unused).
 *
 * Invariants, restored by `rebuild()` (deferred, as in egg: unions only
 * queue work, and one rebuild after a batch of rewrites restores everything):
 * - hash-consing: no two live e-nodes have the same canonical content, and
 *   the hashcons maps every live e-node's content to it;
 * - congruence: e-nodes with equal ops and equal canonical children are in
 *   one class (a node found equal to another is marked dead and its class
 *   merged into the other's);
 * - every live node's children are canonical (class roots), and every
 *   class's node list holds only its live nodes, sorted by op;
 * - the analysis (`analysis.ts`) of every class is up to date, and a class
 *   with a constant holds that constant's leaf.
 *
 * Matching (`ematch.ts`) reads `ops`, `kids`, `nodesOf` and the per-op node
 * index `nodesWithOp`, so that a pattern `(sqrt ...)` visits only sqrt
 * nodes rather than scanning the whole graph.
 *
 * @example
 * const g = new EGraph();
 * const a = g.add(parseInfix("x*1"));
 * const b = g.add(parseInfix("x"));
 * g.union(a, b);
 * g.rebuild();
 * g.find(a) === g.find(b); // true
 */
import { app, type Expr, num, postorder, v } from "../expr/expr.ts";
import type { Interval } from "../expr/interval.ts";
import { KIND_COUNT, LEAF_CONST, LEAF_VAR, OP_NAMES, opCode, type OpName, OPS } from "../expr/ops.ts";
import { Analysis, CHANGED_CONST, CHANGED_DATA } from "./analysis.ts";
import { NodeTable } from "./hashcons.ts";
import { UnionFind } from "./unionfind.ts";

/** Arity by kind code (0 for the leaves). */
export const ARITY: Uint8Array = Uint8Array.from([0, 0, ...OP_NAMES.map((n) => OPS[n].arity)]);

/** Op name by kind code; leaves have none. */
export function opNameOf(code: number): OpName {
  if (code < 2 || code >= KIND_COUNT) throw new Error(`kind code ${code} is not an op`);
  return OP_NAMES[code - 2];
}

export const CODE_D = opCode("d");

export interface EGraphOptions {
  /** Ranges of the input variables; unlisted variables are unbounded. */
  readonly ranges?: Readonly<Record<string, Interval>>;
  /** Expected number of e-nodes (only sizes the first allocation). */
  readonly capacity?: number;
}

const WHOLE: Interval = [-Infinity, Infinity];

export class EGraph {
  private readonly uf: UnionFind;
  private readonly table: NodeTable;
  readonly analysis: Analysis;

  private opArr: Uint8Array;
  private kidArr: Int32Array;
  private deadArr: Uint8Array;
  /** Whether a node waits in `analysisPending` (so it is queued once). */
  private queuedArr: Uint8Array;
  private count = 0;
  private deadCount = 0;
  private roots = 0;
  /** Bumped by every new e-node and every effective union. */
  private changes = 0;

  /** Live (and, between rebuilds, dead) node ids of each class, by root id. */
  private classNodes: (number[] | null)[] = [];
  /** Nodes having the class as a child (may repeat or be dead), by root id. */
  private classParents: (number[] | null)[] = [];
  private readonly byOp: number[][] = Array.from({ length: KIND_COUNT }, () => []);
  /** Live nodes per op code. */
  private readonly opLive = new Int32Array(KIND_COUNT);
  private deadInByOp = 0;

  private pending: number[] = [];
  private analysisPending: number[] = [];
  private dirtyClasses: number[] = [];

  private readonly consts: number[] = [];
  private readonly constIndex = new Map<number, number>();
  private readonly varNames: string[] = [];
  private readonly varIndex = new Map<string, number>();
  private readonly ranges: Readonly<Record<string, Interval>>;

  constructor(options: EGraphOptions = {}) {
    const cap = Math.max(64, options.capacity ?? 1024);
    this.ranges = options.ranges ?? {};
    this.uf = new UnionFind(cap);
    this.opArr = new Uint8Array(cap);
    this.kidArr = new Int32Array(cap * 3);
    this.deadArr = new Uint8Array(cap);
    this.queuedArr = new Uint8Array(cap);
    this.analysis = new Analysis((i) => this.ranges[this.varNames[i]] ?? WHOLE, cap);
    this.table = new NodeTable((op, a, b, c, n) => {
      // An entry is live when it still describes its node's current content.
      const k = n * 3;
      return this.deadArr[n] === 0 && this.opArr[n] === op &&
        (op <= LEAF_VAR ? this.kidArr[k] === a : this.kidArr[k] === a && this.kidArr[k + 1] === b &&
          this.kidArr[k + 2] === c);
    }, cap);
  }

  // ---- sizes -------------------------------------------------------------

  /** Live e-nodes. */
  get nodeCount(): number {
    return this.count - this.deadCount;
  }

  /** E-node ids handed out (dead ones included): the id space. */
  get idCount(): number {
    return this.count;
  }

  get classCount(): number {
    return this.roots;
  }

  /** A counter that moves whenever the graph changes (for saturation). */
  get version(): number {
    return this.changes;
  }

  /**
   * Merges of classes holding different exact constants: evidence of an
   * unsound rule (or one applied outside its domain). 0 in a sound run.
   */
  get conflicts(): number {
    return this.analysis.conflicts;
  }

  /** The rounded float64 value of a variable-free class, or null. */
  approxOf(c: number): number | null {
    c = this.find(c);
    return this.analysis.hasApprox[c] ? this.analysis.approxVal[c] : null;
  }

  /** Whether unions are waiting for `rebuild()`. */
  get isClean(): boolean {
    return this.pending.length === 0 && this.analysisPending.length === 0;
  }

  // ---- raw node access (for matching and extraction) ----------------------

  /** Op codes by node id. Valid until the next node is added. */
  get ops(): Uint8Array {
    return this.opArr;
  }

  /** Children by node id, three slots each. Valid until the next node is added. */
  get kids(): Int32Array {
    return this.kidArr;
  }

  isDead(node: number): boolean {
    return this.deadArr[node] === 1;
  }

  find(id: number): number {
    return this.uf.find(id);
  }

  /** The nodes of class `c` (a root); live and sorted by op after `rebuild()`. */
  nodesOf(c: number): readonly number[] {
    const ns = this.classNodes[c];
    if (ns === null || ns === undefined) throw new Error(`${c} is not a class root`);
    return ns;
  }

  /** Whether some live node has op code `op`. */
  hasOp(op: number): boolean {
    return this.opLive[op] > 0;
  }

  /** Node ids with op code `op` (may include dead ones: check `isDead`). */
  nodesWithOp(op: number): readonly number[] {
    return this.byOp[op];
  }

  /** Root ids of all classes, ascending. */
  classIds(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.uf.isRoot(i) && this.classNodes[i] !== null) out.push(i);
    return out;
  }

  /** Value of a constant leaf node. */
  constOfNode(node: number): number {
    return this.consts[this.kidArr[node * 3]];
  }

  /** Name of a variable leaf node. */
  varOfNode(node: number): string {
    return this.varNames[this.kidArr[node * 3]];
  }

  /** The variable number of `name`, or -1 if the graph has never seen it. */
  varNumber(name: string): number {
    return this.varIndex.get(name) ?? -1;
  }

  varName(i: number): string {
    return this.varNames[i];
  }

  // ---- analysis facts ------------------------------------------------------

  constantOf(c: number): number | null {
    return this.analysis.constant(this.find(c));
  }

  intervalOf(c: number): Interval | null {
    return this.analysis.interval(this.find(c));
  }

  /** The variable leaf of class `c`, if it has one. */
  variableOf(c: number): string | null {
    const i = this.analysis.varLeaf[this.find(c)];
    return i < 0 ? null : this.varNames[i];
  }

  /** Whether class `c` provably does not depend on variable `name`. */
  freeOf(c: number, name: string): boolean {
    const i = this.varIndex.get(name);
    return i === undefined || !this.analysis.dependsOn(this.find(c), i);
  }

  // ---- adding --------------------------------------------------------------

  /** Adds an expression; returns its class. */
  add(e: Expr): number {
    const memo = new Map<number, number>();
    for (const n of postorder(e)) {
      let c: number;
      if (n.tag === "const") c = this.addConst(n.value);
      else if (n.tag === "var") c = this.addVar(n.name);
      else {
        const a = n.args;
        c = this.addNode(
          opCode(n.op),
          memo.get(a[0].id)!,
          a.length > 1 ? memo.get(a[1].id)! : -1,
          a.length > 2 ? memo.get(a[2].id)! : -1,
        );
      }
      memo.set(n.id, c);
    }
    return memo.get(e.id)!;
  }

  /** The class of `e` if the graph already represents it, else -1. */
  lookup(e: Expr): number {
    const memo = new Map<number, number>();
    for (const n of postorder(e)) {
      let hit: number;
      if (n.tag === "const") hit = this.lookupConst(n.value);
      else if (n.tag === "var") {
        const i = this.varIndex.get(n.name);
        hit = i === undefined ? -1 : this.table.get(LEAF_VAR, i, -1, -1);
      } else {
        const k = n.args.map((a) => memo.get(a.id)!);
        hit = this.table.get(opCode(n.op), k[0], k[1] ?? -1, k[2] ?? -1);
      }
      if (hit < 0) return -1;
      memo.set(n.id, this.find(hit));
    }
    return memo.get(e.id)!;
  }

  /** The class of the e-node `op(a, b, c)` if the graph has it, else -1. */
  lookupNode(op: number, a: number, b = -1, c = -1): number {
    const arity = ARITY[op];
    const hit = this.table.get(
      op,
      arity > 0 ? this.uf.find(a) : a,
      arity > 1 ? this.uf.find(b) : b,
      arity > 2 ? this.uf.find(c) : c,
    );
    return hit < 0 ? -1 : this.uf.find(hit);
  }

  /** Adds `op(children)` by op name. */
  addOp(op: OpName, children: readonly number[]): number {
    if (children.length !== OPS[op].arity) throw new Error(`${op} takes ${OPS[op].arity} children`);
    return this.addNode(opCode(op), children[0], children[1] ?? -1, children[2] ?? -1);
  }

  /** Adds the e-node `op(a, b, c)` (unused children -1); returns its class. */
  addNode(op: number, a: number, b = -1, c = -1): number {
    const arity = ARITY[op];
    if (arity === 0) throw new Error("leaves are added with addConst/addVar");
    a = this.uf.find(a);
    if (arity > 1) b = this.uf.find(b);
    if (arity > 2) c = this.uf.find(c);
    if (op === CODE_D && this.analysis.varLeaf[a] < 0) {
      throw new Error("the first child of (d x e) must be a variable's class");
    }
    const hit = this.table.get(op, a, b, c);
    if (hit >= 0) return this.uf.find(hit);
    const id = this.newNode(op, a, b, c);
    this.classParents[a]!.push(id);
    if (arity > 1 && b !== a) this.classParents[b]!.push(id);
    if (arity > 2 && c !== a && c !== b) this.classParents[c]!.push(id);
    if (this.analysis.initApp(id, op, a, b, c) & CHANGED_CONST) this.addConstLeafOf(id);
    return this.uf.find(id);
  }

  /** Adds a constant leaf (-0 is added as 0); returns its class. */
  addConst(value: number): number {
    const i = this.constNumber(value, true);
    const hit = this.table.get(LEAF_CONST, i, -1, -1);
    if (hit >= 0) return this.uf.find(hit);
    const id = this.newNode(LEAF_CONST, i, -1, -1);
    this.analysis.initConst(id, this.consts[i]);
    return id;
  }

  addVar(name: string): number {
    let i = this.varIndex.get(name);
    if (i === undefined) {
      i = this.varNames.length;
      this.varNames.push(name);
      this.varIndex.set(name, i);
    }
    const hit = this.table.get(LEAF_VAR, i, -1, -1);
    if (hit >= 0) return this.uf.find(hit);
    const id = this.newNode(LEAF_VAR, i, -1, -1);
    this.analysis.initVar(id, i);
    return id;
  }

  /** The class of constant `value`, or -1. */
  lookupConst(value: number): number {
    const i = this.constNumber(value, false);
    if (i < 0) return -1;
    const hit = this.table.get(LEAF_CONST, i, -1, -1);
    return hit < 0 ? -1 : this.uf.find(hit);
  }

  /** The class of variable `name`, or -1. */
  lookupVar(name: string): number {
    const i = this.varIndex.get(name);
    if (i === undefined) return -1;
    const hit = this.table.get(LEAF_VAR, i, -1, -1);
    return hit < 0 ? -1 : this.uf.find(hit);
  }

  /**
   * Index of `value` in the constant table. NaNs are one constant, and -0 is
   * 0: the graph's equalities are between reals, which have one zero (see
   * `exactfold.ts`).
   */
  private constNumber(value: number, create: boolean): number {
    const key = value === 0 ? 0 : value;
    const i = this.constIndex.get(key);
    if (i !== undefined) return i;
    if (!create) return -1;
    this.consts.push(key);
    this.constIndex.set(key, this.consts.length - 1);
    return this.consts.length - 1;
  }

  private newNode(op: number, a: number, b: number, c: number): number {
    const id = this.uf.makeSet();
    if (id >= this.opArr.length) this.grow();
    this.opArr[id] = op;
    const k = id * 3;
    this.kidArr[k] = a;
    this.kidArr[k + 1] = b;
    this.kidArr[k + 2] = c;
    this.count = id + 1;
    this.table.set(op, a, b, c, id);
    this.classNodes[id] = [id];
    this.classParents[id] = [];
    this.byOp[op].push(id);
    this.opLive[op]++;
    this.roots++;
    this.changes++;
    this.analysis.ensure(id + 1);
    return id;
  }

  private grow(): void {
    const cap = this.opArr.length * 2;
    const ops = new Uint8Array(cap);
    ops.set(this.opArr);
    const kids = new Int32Array(cap * 3);
    kids.set(this.kidArr);
    const dead = new Uint8Array(cap);
    dead.set(this.deadArr);
    const queued = new Uint8Array(cap);
    queued.set(this.queuedArr);
    this.opArr = ops;
    this.kidArr = kids;
    this.deadArr = dead;
    this.queuedArr = queued;
  }

  /** Egg's `modify`: a class known to be constant gets the constant's leaf. */
  private addConstLeafOf(c: number): void {
    const value = this.analysis.constVal[this.uf.find(c)];
    this.union(c, this.addConst(value));
  }

  // ---- merging -------------------------------------------------------------

  /**
   * Asserts that classes `a` and `b` are equal. Congruence is restored by
   * the next `rebuild()`. Returns whether two classes were merged.
   */
  union(a: number, b: number): boolean {
    a = this.uf.find(a);
    b = this.uf.find(b);
    if (a === b) return false;
    let na = this.classNodes[a]!, pa = this.classParents[a]!;
    let nb = this.classNodes[b]!, pb = this.classParents[b]!;
    // The class with more to move stays the root.
    if (na.length + pa.length < nb.length + pb.length) {
      [a, b] = [b, a];
      [na, nb] = [nb, na];
      [pa, pb] = [pb, pa];
    }
    this.uf.union(a, b);
    this.roots--;
    this.changes++;
    // Parents of the merged-away class now have a non-canonical child.
    for (let i = 0; i < pb.length; i++) this.pending.push(pb[i]);
    const changed = this.analysis.merge(a, b);
    if (changed & CHANGED_DATA) this.queueAnalysis(pa);
    if ((changed >> 2) & CHANGED_DATA) this.queueAnalysis(pb);
    for (let i = 0; i < nb.length; i++) na.push(nb[i]);
    for (let i = 0; i < pb.length; i++) pa.push(pb[i]);
    this.classNodes[b] = null;
    this.classParents[b] = null;
    this.dirtyClasses.push(a);
    return true;
  }

  /** Queues nodes for re-making their analysis facts, each at most once. */
  private queueAnalysis(nodes: readonly number[]): void {
    const q = this.queuedArr;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (q[n] === 0) {
        q[n] = 1;
        this.analysisPending.push(n);
      }
    }
  }

  /**
   * Restores the invariants after unions (egg's deferred rebuild): parents
   * of merged classes are re-canonicalized and re-hashed, and congruent ones
   * merged, until no work is left; then analysis changes are propagated
   * upward, which may add constant leaves and merge again. Returns the
   * number of unions it performed.
   */
  rebuild(): number {
    let unions = 0;
    const kids = () => this.kidArr;
    while (this.pending.length > 0 || this.analysisPending.length > 0) {
      while (this.pending.length > 0) {
        const n = this.pending.pop()!;
        if (this.deadArr[n]) continue;
        const op = this.opArr[n], arity = ARITY[op], k = n * 3;
        const ks = kids();
        const a = this.uf.find(ks[k]);
        const b = arity > 1 ? this.uf.find(ks[k + 1]) : -1;
        const c = arity > 2 ? this.uf.find(ks[k + 2]) : -1;
        ks[k] = a;
        ks[k + 1] = b;
        ks[k + 2] = c;
        const hit = this.table.get(op, a, b, c);
        if (hit < 0) this.table.set(op, a, b, c, n);
        else if (hit !== n) {
          // Congruent to a live node: this copy is redundant.
          this.deadArr[n] = 1;
          this.deadCount++;
          this.opLive[op]--;
          this.deadInByOp++;
          this.dirtyClasses.push(n);
          if (this.union(hit, n)) unions++;
        }
      }
      while (this.analysisPending.length > 0 && this.pending.length === 0) {
        const n = this.analysisPending.pop()!;
        this.queuedArr[n] = 0;
        if (this.deadArr[n]) continue;
        const ks = kids(), k = n * 3;
        const cls = this.uf.find(n);
        const op = this.opArr[n], arity = ARITY[op];
        const changed = this.analysis.remake(
          cls,
          op,
          this.uf.find(ks[k]),
          arity > 1 ? this.uf.find(ks[k + 1]) : -1,
          arity > 2 ? this.uf.find(ks[k + 2]) : -1,
        );
        if (changed & CHANGED_DATA) {
          const ps = this.classParents[cls]!;
          this.queueAnalysis(ps);
        }
        if (changed & CHANGED_CONST) this.addConstLeafOf(cls);
      }
    }
    this.compact();
    return unions;
  }

  /**
   * Prepares the classes that changed for matching: drops dead nodes and
   * duplicate parents, and sorts each node list by op so that matching
   * finds a class's nodes of one op by binary search (`opRange`).
   */
  private compact(): void {
    const seen = new Set<number>();
    const ops = this.opArr, dead = this.deadArr;
    const byOp = (x: number, y: number) => ops[x] - ops[y] || x - y;
    for (const d of this.dirtyClasses) {
      const c = this.uf.find(d);
      if (seen.has(c)) continue;
      seen.add(c);
      this.classNodes[c] = this.classNodes[c]!.filter((n) => dead[n] === 0).sort(byOp);
      const keep = new Set<number>();
      for (const p of this.classParents[c]!) if (dead[p] === 0) keep.add(p);
      this.classParents[c] = [...keep];
    }
    this.dirtyClasses = [];
    // The op index is only filtered when dead entries are a noticeable share.
    if (this.deadInByOp * 8 > this.count) {
      for (let op = 0; op < KIND_COUNT; op++) this.byOp[op] = this.byOp[op].filter((n) => dead[n] === 0);
      this.deadInByOp = 0;
    }
  }

  /**
   * The first index in `nodesOf(c)` of a node with op `op` (the list is
   * sorted by op after `rebuild()`); nodes of that op follow contiguously.
   * Returns the list's length when there is none.
   */
  opStart(nodes: readonly number[], op: number): number {
    const ops = this.opArr;
    let lo = 0, hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ops[nodes[mid]] < op) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // ---- reading back ----------------------------------------------------------

  /**
   * Some expression of class `c` (the smallest node ids first): for tests and
   * messages. Extraction (`extract.ts`) chooses by cost.
   */
  anyExpr(c: number): Expr {
    const memo = new Map<number, Expr>();
    const visiting = new Set<number>();
    const go = (cls: number): Expr | null => {
      cls = this.uf.find(cls);
      const hit = memo.get(cls);
      if (hit !== undefined) return hit;
      if (visiting.has(cls)) return null;
      visiting.add(cls);
      let out: Expr | null = null;
      for (const n of this.nodesOf(cls)) {
        if (this.deadArr[n]) continue;
        out = this.nodeExpr(n, go);
        if (out !== null) break;
      }
      visiting.delete(cls);
      if (out !== null) memo.set(cls, out);
      return out;
    };
    const e = go(c);
    if (e === null) throw new Error(`class ${c} has no finite expression`);
    return e;
  }

  /** Builds node `n` from expressions of its child classes (null if one is missing). */
  nodeExpr(n: number, child: (cls: number) => Expr | null): Expr | null {
    const op = this.opArr[n];
    if (op === LEAF_CONST) return num(this.constOfNode(n));
    if (op === LEAF_VAR) return v(this.varOfNode(n));
    const args: Expr[] = [];
    const k = n * 3;
    for (let i = 0; i < ARITY[op]; i++) {
      const kid = this.kidArr[k + i];
      if (op === CODE_D && i === 0) {
        const name = this.variableOf(kid);
        if (name === null) return null;
        args.push(v(name));
        continue;
      }
      const e = child(kid);
      if (e === null) return null;
      args.push(e);
    }
    return app(opNameOf(op), args);
  }
}
