/**
 * CPU time a process has used, from /proc (Linux). A time limit on CPU time
 * rather than wall time tells a hang from a process that only waited: on a
 * loaded machine a child can sit for seconds before it runs at all.
 */

const TICK_MS = 10;

/** User + system CPU ms of process `pid` (all its threads), or null where /proc has no answer. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which is in parentheses and may hold spaces.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/**
 * Calls `onLimit` once `pid` has used `limitMs` of CPU since now, or once
 * `maxWallMs` have passed in all (a process that waits forever hangs too);
 * returns a function that cancels it.
 */
export function cpuDeadline(pid: number, limitMs: number, maxWallMs: number, onLimit: () => void): () => void {
  const start = cpuMs(pid);
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout>;
  const check = () => {
    const now = cpuMs(pid);
    const used = start === null || now === null ? performance.now() - t0 : now - start;
    const wall = performance.now() - t0;
    if (used >= limitMs || wall >= maxWallMs) onLimit();
    else timer = setTimeout(check, Math.max(20, Math.min(limitMs - used, maxWallMs - wall)));
  };
  timer = setTimeout(check, limitMs);
  return () => clearTimeout(timer);
}
