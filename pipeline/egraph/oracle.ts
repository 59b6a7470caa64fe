/**
 * Rule preconditions decided over an e-graph match: an `Oracle`
 * (`pipeline/rules/precondition.ts`) whose facts about a hole are the
 * analysis facts of the class the hole is bound to (its constant, interval,
 * variable leaf and variable dependencies). `holds(rule.pre, oracle)` then
 * fires a rule only when the facts prove the precondition; an interval that
 * is unknown, or too wide, proves nothing.
 *
 * One oracle serves all matches of a rule: `bind` points it at the next
 * match without allocating.
 *
 * @example
 * const o = new MatchOracle(g, ["x"]);
 * o.bind(matches.data, offset);
 * holds(rule.pre, o);
 */
import type { Interval } from "../expr/interval.ts";
import type { Oracle } from "../rules/precondition.ts";
import type { EGraph } from "./egraph.ts";

export class MatchOracle implements Oracle {
  private readonly slot: ReadonlyMap<string, number>;
  private data: ArrayLike<number> = [];
  private offset = 0;

  /** @param holes hole names in the order a match lists their classes. */
  constructor(private readonly g: EGraph, holes: readonly string[]) {
    this.slot = new Map(holes.map((h, i) => [h, i]));
  }

  /** Points the oracle at the match whose hole classes start at `offset`. */
  bind(data: ArrayLike<number>, offset: number): this {
    this.data = data;
    this.offset = offset;
    return this;
  }

  private classOf(hole: string): number {
    const i = this.slot.get(hole);
    if (i === undefined) throw new Error(`precondition names ?${hole}, which the pattern does not bind`);
    return this.data[this.offset + i];
  }

  interval(hole: string): Interval | null {
    return this.g.intervalOf(this.classOf(hole));
  }

  constant(hole: string): number | null {
    return this.g.constantOf(this.classOf(hole));
  }

  variable(hole: string): string | null {
    return this.g.variableOf(this.classOf(hole));
  }

  freeOf(hole: string, name: string): boolean {
    return this.g.freeOf(this.classOf(hole), name);
  }
}
