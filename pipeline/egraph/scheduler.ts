/**
 * Rule schedulers for the saturation runner: which rules search in an
 * iteration, and with what match limit.
 *
 * `BackoffScheduler` is egg's: a rule whose matches in one iteration exceed
 * its threshold is not applied and is banned for a number of iterations;
 * each ban doubles both the rule's threshold and its next ban length
 * (threshold = matchLimit << timesBanned, ban = banLength << timesBanned).
 * Unlike egg, the search's work counts too: a search that visits more than
 * stepLimit << timesBanned nodes is cut short and treated the same way, so
 * that one large pattern backtracking through a commutative, associative
 * mess cannot take the whole time budget for a handful of matches.
 * This keeps explosive rules (commutativity, associativity) from flooding
 * the graph while cheaper, more specific rules make progress. When the
 * graph stops changing while rules are banned, the runner may not stop yet:
 * `canStop` moves every ban forward so the earliest-banned rule runs next
 * iteration, and only a quiet iteration with nothing banned is saturation.
 *
 * `SimpleScheduler` searches every rule every iteration with no limit.
 */
import type { Matches, SearchLimits } from "./ematch.ts";

/** Searches one rule within limits (the runner adds its deadline). */
export type Search = (limits: SearchLimits) => Matches;

export interface Scheduler {
  /**
   * Searches rule `rule` in `iteration` through `search`; returns the
   * matches to apply, or null when the rule is banned or just got banned.
   */
  search(iteration: number, rule: number, search: Search): Matches | null;
  /** Whether the runner may stop at a quiet `iteration` (may unban rules). */
  canStop(iteration: number): boolean;
  /** Rules banned in `iteration`. */
  banned(iteration: number): number;
}

export class SimpleScheduler implements Scheduler {
  search(_iteration: number, _rule: number, search: Search): Matches {
    return search({});
  }
  canStop(): boolean {
    return true;
  }
  banned(): number {
    return 0;
  }
}

interface RuleStats {
  timesBanned: number;
  bannedUntil: number;
}

export interface BackoffOptions {
  /** Matches a rule may have in one iteration before its first ban (egg: 1,000). */
  readonly matchLimit: number;
  /** Iterations of the first ban (egg: 5). */
  readonly banLength: number;
  /** Nodes a rule's search may visit in one iteration before its first ban. */
  readonly stepLimit: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { matchLimit: 1000, banLength: 5, stepLimit: 10_000 };

export class BackoffScheduler implements Scheduler {
  private readonly stats: RuleStats[] = [];

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  private of(rule: number): RuleStats {
    return this.stats[rule] ??= { timesBanned: 0, bannedUntil: 0 };
  }

  search(iteration: number, rule: number, search: Search): Matches | null {
    const s = this.of(rule);
    if (iteration < s.bannedUntil) return null;
    const scale = 2 ** Math.min(s.timesBanned, 30);
    const threshold = this.options.matchLimit * scale;
    const m = search({ limit: threshold + 1, maxSteps: this.options.stepLimit * scale });
    if (m.truncated === "matches" || m.truncated === "steps") {
      s.bannedUntil = iteration + this.options.banLength * scale;
      s.timesBanned++;
      return null;
    }
    return m;
  }

  canStop(iteration: number): boolean {
    const banned = this.stats.filter((s) => s !== undefined && s.bannedUntil > iteration);
    if (banned.length === 0) return true;
    const soonest = Math.min(...banned.map((s) => s.bannedUntil));
    // Bring the earliest ban to an end now; keep the others' order.
    const delta = soonest - iteration;
    for (const s of banned) s.bannedUntil -= delta;
    return false;
  }

  banned(iteration: number): number {
    return this.stats.filter((s) => s !== undefined && s.bannedUntil > iteration).length;
  }
}
