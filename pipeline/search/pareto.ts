/**
 * The Pareto front of (time, error): the forms no other form beats on both
 * at once. Accuracy is a second objective beside speed, and the two trade:
 * the fastest form is often not the most accurate, and which one a user
 * wants depends on the use. Keeping the whole front (rather than one
 * weighted score) lets the caller choose afterwards (`optimize --pick`).
 *
 * A front is an immutable array, sorted by time ascending with error
 * strictly descending; inserting returns a new front (or the same one when
 * the point is dominated). Points equal in both measures are told apart by
 * their `key` (the smaller one stays), so the front of a set does not depend
 * on the order its points arrive in.
 */

export interface ParetoPoint<T> {
  /** Lower is better (predicted ns per element). */
  readonly time: number;
  /** Lower is better (max floored ulps). */
  readonly error: number;
  /** Breaks exact ties in both measures (the smaller stays); e.g. the printed form. */
  readonly key: string;
  readonly item: T;
}

/** Sorted by time ascending, error strictly descending; frozen. */
export type Front<T> = readonly ParetoPoint<T>[];

/** Whether `a` is at least as good as `b` in both measures and better in one. */
export function dominates<T>(a: ParetoPoint<T>, b: ParetoPoint<T>): boolean {
  return a.time <= b.time && a.error <= b.error && (a.time < b.time || a.error < b.error);
}

/** Whether `a` should keep its place against `b` (dominates it, or ties it with a key not larger). */
function covers<T>(a: ParetoPoint<T>, b: ParetoPoint<T>): boolean {
  return dominates(a, b) || (a.time === b.time && a.error === b.error && a.key <= b.key);
}

export function emptyFront<T>(): Front<T> {
  return Object.freeze([]) as Front<T>;
}

/** `front` with `p`: the same front when a point covers `p`, else `p` in its place without the points it covers. */
export function insert<T>(front: Front<T>, p: ParetoPoint<T>): Front<T> {
  if (!(Number.isFinite(p.time) && !Number.isNaN(p.error))) return front;
  if (front.some((q) => covers(q, p))) return front;
  const kept = front.filter((q) => !covers(p, q));
  const at = kept.findIndex((q) => q.time > p.time || (q.time === p.time && q.error > p.error));
  const out = at < 0 ? [...kept, p] : [...kept.slice(0, at), p, ...kept.slice(at)];
  return Object.freeze(out);
}

/** The front of a set of points. */
export function frontOf<T>(points: Iterable<ParetoPoint<T>>): Front<T> {
  let f = emptyFront<T>();
  for (const p of points) f = insert(f, p);
  return f;
}

/** Which point of a front to take: the fastest, the most accurate, or the fastest within an error bound. */
export type FrontPick =
  | { readonly kind: "fastest" }
  | { readonly kind: "accurate" }
  | { readonly kind: "ulp"; readonly max: number };

/** Parses `fastest`, `accurate` or `ulp<=N`; null otherwise. */
export function parsePick(s: string): FrontPick | null {
  if (s === "fastest" || s === "accurate") return { kind: s };
  const m = /^ulp<=(\d+(?:\.\d+)?)$/.exec(s.trim());
  return m === null ? null : { kind: "ulp", max: Number(m[1]) };
}

export function pickText(p: FrontPick): string {
  return p.kind === "ulp" ? `ulp<=${p.max}` : p.kind;
}

/**
 * The point `pick` names, or null (an empty front, or no point within the
 * bound). The front is sorted by time, so the fastest point within a bound
 * is the first one under it.
 */
export function pickPoint<T>(front: Front<T>, pick: FrontPick): ParetoPoint<T> | null {
  if (front.length === 0) return null;
  switch (pick.kind) {
    case "fastest":
      return front[0];
    case "accurate":
      return front[front.length - 1];
    case "ulp":
      return front.find((p) => p.error <= pick.max) ?? null;
  }
}
