/** Every approximate function's design, in the order tables list them. */
import type { Design } from "./design.ts";
import { EXP, EXP2 } from "./exp.ts";
import { LOG, LOG2 } from "./log.ts";
import { POW } from "./pow.ts";
import { RSQRT } from "./rsqrt.ts";
import { SIGMOID } from "./sigmoid.ts";
import { TANH } from "./tanh.ts";
import { COS, SIN } from "./trig.ts";

export const DESIGNS: readonly Design[] = [EXP2, EXP, LOG2, LOG, SIN, COS, TANH, SIGMOID, POW, RSQRT];

export function designOf(name: string): Design {
  const d = DESIGNS.find((x) => x.name === name);
  if (d === undefined) {
    throw new Error(`no approximate function ${JSON.stringify(name)}: ${DESIGNS.map((x) => x.name).join(", ")}`);
  }
  return d;
}
