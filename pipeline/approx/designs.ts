/** Every approximate function's design, in the order tables list them. */
import type { Design } from "./design.ts";
import { EXP, EXP2 } from "./exp.ts";
import { LOG, LOG2, LOG2_PLAIN, LOG_PLAIN } from "./log.ts";
import { POW } from "./pow.ts";
import { RSQRT } from "./rsqrt.ts";
import { SIGMOID } from "./sigmoid.ts";
import { TANH } from "./tanh.ts";
import { COS, SIN } from "./trig.ts";

/** A function may have more than one design, each owning some of its tiers (log2 and log: exact-sum and plain). */
export const DESIGNS: readonly Design[] = [
  EXP2,
  EXP,
  LOG2,
  LOG2_PLAIN,
  LOG,
  LOG_PLAIN,
  SIN,
  COS,
  TANH,
  SIGMOID,
  POW,
  RSQRT,
];

/** The design that owns tier `tier` of function `name`. */
export function designFor(name: string, tier: number): Design {
  const d = DESIGNS.find((x) => x.name === name && x.tiers.includes(tier));
  if (d === undefined) throw new Error(`${name} has no tier ${tier}`);
  return d;
}

export function designOf(name: string): Design {
  const d = DESIGNS.find((x) => x.name === name);
  if (d === undefined) {
    throw new Error(`no approximate function ${JSON.stringify(name)}: ${DESIGNS.map((x) => x.name).join(", ")}`);
  }
  return d;
}
