/**
 * E-matching: every way a pattern matches in an e-graph, as (class, the
 * class each hole is bound to).
 *
 * A pattern is compiled once into a small register program (the idea of
 * egg's machine.rs): registers hold class ids, and three instructions do the
 * work:
 *   BIND op r out   for each node of class regs[r] with op `op`, put its
 *                   children in regs[out...] and run the rest of the program
 *                   (this is where matching branches and backtracks);
 *   CMP r s         a repeated hole: regs[r] and regs[s] must be one class;
 *   LEAF r k        a constant or variable in the pattern: regs[r] must be
 *                   the class of leaf k.
 * The root is not an instruction: matching starts from the per-op node index
 * of the e-graph (only nodes with the root's op are visited), with the root
 * node's children preloaded into the first registers. Checks are emitted
 * right after the BIND that loads their register, so a failing constant or
 * repeated hole prunes before deeper branches are explored.
 *
 * Matching needs a clean (rebuilt) e-graph: children are read as stored, so
 * they must be canonical, and a class's nodes must be sorted by op (a BIND
 * finds its op's nodes by binary search). A match found from two distinct nodes of one class
 * can repeat a binding; applying it twice is harmless.
 *
 * @example
 * const prog = compilePattern(parsePattern("(* ?a (+ ?b ?b))"));
 * const m = ematch(g, prog);
 * // m.data[i * m.width] is the class, then one class per hole in prog.holes order
 */
import { LEAF_CONST, LEAF_VAR, opCode } from "../expr/ops.ts";
import type { Pattern } from "../rules/pattern.ts";
import { ARITY, type EGraph } from "./egraph.ts";

const BIND = 0, CMP = 1, LEAF = 2;

export interface Program {
  readonly pattern: Pattern;
  /** Hole names, in the order a match lists their classes. */
  readonly holes: readonly string[];
  /** Op code of the root (a leaf kind for a leaf pattern). */
  readonly root: number;
  readonly code: Int32Array;
  readonly registers: number;
  /** The register of each hole. */
  readonly holeRegs: Int32Array;
  /** Constant and variable leaves that LEAF instructions refer to. */
  readonly leaves: readonly Pattern[];
  /** Op codes the pattern needs (a graph without one of them has no match). */
  readonly ops: readonly number[];
}

/** Matches as a flat table: `width` ints per match (class, then holes). */
export interface Matches {
  readonly count: number;
  readonly width: number;
  readonly data: readonly number[];
  /** Why the search stopped before it was complete, or null if it was. */
  readonly truncated: "matches" | "steps" | "time" | null;
  /** Nodes visited: the work the search did. */
  readonly steps: number;
}

export interface SearchLimits {
  /** Stop after this many matches. */
  readonly limit?: number;
  /**
   * Stop after visiting this many nodes. A pattern whose subpatterns each
   * match many nodes of a class (common after associativity and
   * commutativity have run) backtracks through their product even when few
   * complete matches exist; this bounds that work.
   */
  readonly maxSteps?: number;
  /** Stop at this `performance.now()` time. */
  readonly deadline?: number;
}

/** Compiles a pattern; a bare hole is refused (it would match every class). */
export function compilePattern(p: Pattern): Program {
  if (p.tag === "hole") throw new Error("a bare hole is not a pattern to search for");
  const code: number[] = [];
  const holes: string[] = [];
  const holeReg: number[] = [];
  const leaves: Pattern[] = [];
  let next = 0;
  const alloc = (n: number) => {
    const r = next;
    next += n;
    return r;
  };
  // Children of the node in register block `out`: checks first, then binds.
  const children = (args: readonly Pattern[], out: number) => {
    args.forEach((a, i) => {
      const r = out + i;
      if (a.tag === "hole") {
        const h = holes.indexOf(a.name);
        if (h < 0) {
          holes.push(a.name);
          holeReg.push(r);
        } else code.push(CMP, holeReg[h], r);
      } else if (a.tag === "const" || a.tag === "var") {
        leaves.push(a);
        code.push(LEAF, r, leaves.length - 1);
      }
    });
    args.forEach((a, i) => {
      if (a.tag !== "app") return;
      const o = alloc(a.args.length);
      code.push(BIND, opCode(a.op), out + i, o);
      children(a.args, o);
    });
  };
  let root: number;
  if (p.tag === "app") {
    root = opCode(p.op);
    children(p.args, alloc(p.args.length));
  } else {
    root = p.tag === "const" ? LEAF_CONST : LEAF_VAR;
    leaves.push(p);
  }
  const ops = new Set<number>();
  const collect = (q: Pattern) => {
    if (q.tag === "app") {
      ops.add(opCode(q.op));
      q.args.forEach(collect);
    }
  };
  collect(p);
  return {
    pattern: p,
    holes,
    root,
    ops: [...ops],
    code: Int32Array.from(code),
    registers: Math.max(1, next),
    holeRegs: Int32Array.from(holeReg),
    leaves,
  };
}

/** The class of a leaf pattern in `g`, or -1 when `g` lacks it. */
function leafClass(g: EGraph, p: Pattern): number {
  if (p.tag === "const") return g.lookupConst(p.value);
  if (p.tag === "var") return g.lookupVar(p.name);
  throw new Error("not a leaf pattern");
}

/** How many node visits pass between two looks at the clock. */
const CLOCK_EVERY = 4096;

/**
 * All matches of `prog` in `g`, within the limits. `g` must be rebuilt.
 */
export function ematch(g: EGraph, prog: Program, limits: SearchLimits = {}): Matches {
  if (!g.isClean) throw new Error("e-matching needs a rebuilt e-graph");
  const limit = limits.limit ?? Infinity;
  const maxSteps = limits.maxSteps ?? Infinity;
  const deadline = limits.deadline ?? Infinity;
  const width = 1 + prog.holes.length;
  const data: number[] = [];
  let count = 0, steps = 0, nextClock = CLOCK_EVERY;
  let truncated: Matches["truncated"] = null;
  // A pattern needing an op or a leaf that the graph lacks cannot match.
  if (prog.ops.some((op) => !g.hasOp(op))) return { count: 0, width, data, truncated, steps };
  const leafCls = prog.leaves.map((l) => leafClass(g, l));
  if (leafCls.some((c) => c < 0)) return { count: 0, width, data, truncated, steps };
  if (prog.root === LEAF_CONST || prog.root === LEAF_VAR) {
    if (limit >= 1) {
      data.push(leafCls[0]);
      count = 1;
    } else truncated = "matches";
    return { count, width, data, truncated, steps: 1 };
  }
  const ops = g.ops, kids = g.kids, code = prog.code, end = code.length;
  const regs = new Int32Array(prog.registers);
  const holeRegs = prog.holeRegs;
  let rootClass = 0;

  // Counts a visit; false when a step or time limit ends the search.
  const step = (): boolean => {
    if (++steps > maxSteps) {
      truncated = "steps";
      return false;
    }
    if (steps >= nextClock) {
      nextClock += CLOCK_EVERY;
      if (performance.now() > deadline) {
        truncated = "time";
        return false;
      }
    }
    return true;
  };

  // Runs the program from `pc`; false once a limit is reached.
  const run = (pc: number): boolean => {
    while (pc < end) {
      const ins = code[pc];
      if (ins === BIND) {
        const op = code[pc + 1], cls = regs[code[pc + 2]], out = code[pc + 3], arity = ARITY[op];
        const nodes = g.nodesOf(cls);
        for (let i = g.opStart(nodes, op); i < nodes.length; i++) {
          const n = nodes[i];
          if (ops[n] !== op) break;
          if (!step()) return false;
          const k = n * 3;
          regs[out] = kids[k];
          if (arity > 1) regs[out + 1] = kids[k + 1];
          if (arity > 2) regs[out + 2] = kids[k + 2];
          if (!run(pc + 4)) return false;
        }
        return true;
      }
      if (ins === CMP) {
        if (regs[code[pc + 1]] !== regs[code[pc + 2]]) return true;
      } else if (regs[code[pc + 1]] !== leafCls[code[pc + 2]]) return true;
      pc += 3;
    }
    if (count >= limit) {
      truncated = "matches";
      return false;
    }
    data.push(rootClass);
    for (let h = 0; h < holeRegs.length; h++) data.push(regs[holeRegs[h]]);
    count++;
    return true;
  };

  const arity = ARITY[prog.root];
  const roots = g.nodesWithOp(prog.root);
  for (let i = 0; i < roots.length; i++) {
    const n = roots[i];
    if (g.isDead(n)) continue;
    if (!step()) break;
    const k = n * 3;
    regs[0] = kids[k];
    if (arity > 1) regs[1] = kids[k + 1];
    if (arity > 2) regs[2] = kids[k + 2];
    rootClass = g.find(n);
    if (!run(0)) break;
  }
  return { count, width, data, truncated, steps };
}
