/**
 * Which learned weights a command uses: those of this machine's profile
 * (pipeline/target/profile.ts), under `data/profiles/<profile>/`. Weights
 * are valid only for the core, ISA and compiler they were measured on, so a
 * machine whose profile has none runs the untrained network, whose Judge is
 * exactly the static table (latency_init.ts) and whose Guide is neutral,
 * and says so in one line; `deno task calibrate --quick` then writes this
 * profile's weights, and every later command picks them up.
 */
import { join } from "node:path";
import { PROFILES_DIR } from "../base/paths.ts";
import { compilerVersion } from "../target/compiler.ts";
import { type Profile, profileOf } from "../target/profile.ts";
import { hostCpu, type Target } from "../target/target.ts";
import { Network } from "./network.ts";
import type { CostTable } from "../expr/cost.ts";
import { FILE_NAMES, loadNetwork } from "./weights_file.ts";

/** The profile record kept beside the weights. */
export const PROFILE_FILE = "profile.json";

/** This host's profile for `target`. */
export function hostProfile(target: Target): Profile {
  return profileOf(hostCpu(), target, compilerVersion(target.cc));
}

/** Where `profile`'s weights live. */
export function profileDir(profile: Profile | string): string {
  return join(PROFILES_DIR, typeof profile === "string" ? profile : profile.name);
}

/** True when `dir` holds the three weights files. */
export function hasWeights(dir: string): boolean {
  return Object.values(FILE_NAMES).every((f) => {
    try {
      return Deno.statSync(join(dir, f)).isFile;
    } catch {
      return false;
    }
  });
}

/** The profiles that ship (or were calibrated here) with weights, sorted. */
export function knownProfiles(): string[] {
  try {
    return [...Deno.readDirSync(PROFILES_DIR)].filter((e) => e.isDirectory && hasWeights(profileDir(e.name)))
      .map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Writes the profile record beside freshly written weights. */
export function writeProfile(dir: string, profile: Profile, note: string): void {
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeTextFileSync(join(dir, PROFILE_FILE), JSON.stringify({ ...profile, note }, null, 2) + "\n");
}

/** Where a command's network comes from. */
export type WeightsSource =
  | { readonly kind: "given"; readonly dir: string }
  | { readonly kind: "profile"; readonly dir: string; readonly profile: Profile }
  | { readonly kind: "table"; readonly profile: Profile };

/** `--weights DIR` if given, else this host's profile directory if it has weights, else the static table. */
export function weightsSource(target: Target, weights?: string): WeightsSource {
  if (weights !== undefined) return { kind: "given", dir: weights };
  const profile = hostProfile(target);
  const dir = profileDir(profile);
  return hasWeights(dir) ? { kind: "profile", dir, profile } : { kind: "table", profile };
}

/** One line saying where the weights come from (the table case names what to run). */
export function describeWeights(s: WeightsSource): string {
  switch (s.kind) {
    case "given":
      return `weights from ${s.dir}`;
    case "profile":
      return `weights of profile ${s.profile.name}`;
    case "table": {
      const known = knownProfiles();
      return `no weights for profile ${s.profile.name}${
        known.length > 0 ? ` (weights ship for ${known.join(", ")})` : ""
      }: using the ${s.profile.isa} static table; deno task calibrate --quick measures this machine`;
    }
  }
}

/** The network of a weights source: loaded, or untrained, its Judge exactly `table`. */
export function networkOf(s: WeightsSource, table: CostTable): Network {
  return s.kind === "table" ? Network.create({}, table) : loadNetwork(s.dir);
}
