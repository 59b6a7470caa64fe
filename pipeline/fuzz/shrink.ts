/**
 * Shrinking a failing input to a small reproducer: delta debugging
 * (Zeller's ddmin) over tokens first, so that whole words and brackets go
 * at once, then over characters. The predicate says whether a candidate
 * still fails the same way; the budget bounds how many times it is asked,
 * since each ask may run a reader to its time limit.
 */
import { tokenize } from "./mutate.ts";

export interface ShrinkBudget {
  /** Most predicate calls. */
  readonly calls: number;
  /** Wall-clock deadline (performance.now()). */
  readonly until: number;
}

/** ddmin over `parts`: a smallest-found sublist (order kept) for which `fails` holds. */
export async function ddmin<T>(
  parts: readonly T[],
  fails: (xs: readonly T[]) => Promise<boolean>,
  budget: { calls: number; until: number },
): Promise<T[]> {
  let cur = [...parts];
  let n = 2;
  const spent = () => budget.calls <= 0 || performance.now() > budget.until;
  const ask = async (xs: readonly T[]) => {
    budget.calls--;
    return await fails(xs);
  };
  while (cur.length >= 2 && !spent()) {
    const size = Math.ceil(cur.length / n);
    let reduced = false;
    for (let i = 0; i < n && !spent(); i++) {
      const complement = [...cur.slice(0, i * size), ...cur.slice((i + 1) * size)];
      if (complement.length < cur.length && await ask(complement)) {
        cur = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= cur.length) break;
      n = Math.min(cur.length, n * 2);
    }
  }
  return cur;
}

/** `text` shrunk while `fails` holds: tokens, then characters (for texts short enough to afford it). */
export async function shrinkText(
  text: string,
  fails: (s: string) => Promise<boolean>,
  budget: ShrinkBudget,
): Promise<string> {
  const b = { calls: budget.calls, until: budget.until };
  const tokens = await ddmin(tokenize(text), (ts) => fails(ts.join("")), b);
  let best = tokens.join("");
  if (best.length <= 4000) best = (await ddmin([...best], (cs) => fails(cs.join("")), b)).join("");
  return best;
}
