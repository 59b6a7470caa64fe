/**
 * A binary max-heap of items by priority. Priorities live in a Float64Array
 * beside the items so sifting compares numbers without touching objects;
 * ties pop in insertion order (a sequence number breaks them), which keeps
 * searches deterministic.
 */
export class MaxHeap<T> {
  private items: T[] = [];
  private prio = new Float64Array(64);
  private seq = new Float64Array(64);
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T, priority: number): void {
    const i = this.items.length;
    if (i === this.prio.length) this.grow();
    this.items.push(item);
    this.prio[i] = priority;
    this.seq[i] = this.counter++;
    this.up(i);
  }

  /** The item with the highest priority, or undefined when empty. */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0];
    this.swap(0, n - 1);
    this.items.pop();
    if (n > 1) this.down(0);
    return top;
  }

  peekPriority(): number {
    return this.items.length > 0 ? this.prio[0] : -Infinity;
  }

  /** Removes and returns the item at a uniformly random position (for exploration). */
  popAt(index: number): T | undefined {
    const n = this.items.length;
    if (index < 0 || index >= n) return undefined;
    const item = this.items[index];
    this.swap(index, n - 1);
    this.items.pop();
    if (index < n - 1) {
      this.up(index);
      this.down(index);
    }
    return item;
  }

  private grow(): void {
    const p = new Float64Array(this.prio.length * 2);
    p.set(this.prio);
    this.prio = p;
    const s = new Float64Array(this.seq.length * 2);
    s.set(this.seq);
    this.seq = s;
  }

  /** a outranks b: higher priority, or equal priority and older. */
  private above(a: number, b: number): boolean {
    return this.prio[a] > this.prio[b] || (this.prio[a] === this.prio[b] && this.seq[a] < this.seq[b]);
  }

  private swap(a: number, b: number): void {
    const it = this.items[a];
    this.items[a] = this.items[b];
    this.items[b] = it;
    const p = this.prio[a];
    this.prio[a] = this.prio[b];
    this.prio[b] = p;
    const s = this.seq[a];
    this.seq[a] = this.seq[b];
    this.seq[b] = s;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let best = i;
      if (l < n && this.above(l, best)) best = l;
      if (r < n && this.above(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
