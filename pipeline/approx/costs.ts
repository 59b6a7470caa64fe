/**
 * What each approximation costs, measured: `deno task bench:approx --json`
 * times every tier next to the call it replaces (the kernel preamble's
 * libmvec or SLEEF wrapper; for sigmoid, 1 / (1 + exp(-x)) written with
 * them) in the same program, and records the ratio of the two per ISA. A
 * ratio carries over to any cost table of that ISA: the approximation costs
 * the ratio times what the table says the replaced ops cost.
 *
 * The file also says where and when each ISA was timed. Counting a body's
 * ops (sites.ts) is the fallback for an ISA never timed: it overestimates
 * (it sums reciprocal throughputs of ops that overlap across pipes).
 */
import { APPROX_COSTS } from "../base/paths.ts";

export interface ApproxCostFile {
  /** Time of the approximation over the time of what it replaces, by ISA then C name. */
  readonly ratio: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly updated: readonly { readonly isa: string; readonly cpu: string; readonly measured: string }[];
}

const EMPTY: ApproxCostFile = { ratio: {}, updated: [] };
let cached: ApproxCostFile | null = null;

export function loadApproxCosts(path = APPROX_COSTS): ApproxCostFile {
  if (path === APPROX_COSTS && cached !== null) return cached;
  let data: ApproxCostFile;
  try {
    data = JSON.parse(Deno.readTextFileSync(path)) as ApproxCostFile;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw new Error(`${path}: ${(e as Error).message}`);
    data = EMPTY;
  }
  for (const [isa, byName] of Object.entries(data.ratio)) {
    for (const [name, r] of Object.entries(byName)) {
      if (!(r > 0 && Number.isFinite(r))) throw new Error(`${path}: ${isa} ${name}: ratio ${r}`);
    }
  }
  if (path === APPROX_COSTS) cached = data;
  return data;
}

/** The file with `isa`'s ratios replaced by `fresh`, and a note of where and when. */
export function mergeApproxCosts(
  old: ApproxCostFile,
  isa: string,
  fresh: Readonly<Record<string, number>>,
  meta: { readonly cpu: string; readonly measured: string },
): ApproxCostFile {
  return {
    ratio: { ...old.ratio, [isa]: fresh },
    updated: [...old.updated.filter((u) => u.isa !== isa), { isa, ...meta }],
  };
}

export function saveApproxCosts(data: ApproxCostFile, path = APPROX_COSTS): void {
  Deno.writeTextFileSync(path, JSON.stringify(data, null, 1) + "\n");
  if (path === APPROX_COSTS) cached = data;
}
