/**
 * Every rule of every domain. Rule names are unique across domains (the
 * e-graph, the search and the reports key on them); this module refuses to
 * load otherwise.
 */
import { RULES as algebra } from "./algebra.ts";
import { RULES as basis } from "./basis.ts";
import { RULES as derivative } from "./derivative.ts";
import { RULES as explog } from "./explog.ts";
import { RULES as fma } from "./fma.ts";
import { RULES as rsqrt } from "./rsqrt.ts";
import { type Domain, DOMAINS, type Rule } from "./rule.ts";
import { RULES as select } from "./select.ts";
import { RULES as simd } from "./simd.ts";
import { RULES as strength } from "./strength.ts";
import { RULES as trig } from "./trig.ts";
import { RULES as vector } from "./vector.ts";

/** Each domain's rules, in the order of `DOMAINS`. */
export const rulesByDomain: Readonly<Record<Domain, readonly Rule[]>> = Object.freeze({
  algebra,
  fma,
  strength,
  rsqrt,
  derivative,
  trig,
  explog,
  basis,
  vector,
  simd,
  select,
});

function concatenate(): readonly Rule[] {
  const all: Rule[] = [];
  const seen = new Map<string, Domain>();
  for (const d of DOMAINS) {
    for (const r of rulesByDomain[d]) {
      if (r.domain !== d) throw new Error(`rule ${r.name} is in the ${d} file but says domain ${r.domain}`);
      const other = seen.get(r.name);
      if (other !== undefined) throw new Error(`rule name ${r.name} is used twice (${other} and ${d})`);
      seen.set(r.name, d);
      all.push(r);
    }
  }
  return Object.freeze(all);
}

export const ALL_RULES: readonly Rule[] = concatenate();

/** Rules of the given domains, in domain order. */
export function rulesOf(domains: readonly Domain[]): readonly Rule[] {
  return DOMAINS.filter((d) => domains.includes(d)).flatMap((d) => rulesByDomain[d]);
}

/**
 * Exact rules in domain round-robin order (the first rule of every domain,
 * then the second...): prefixes of it are rule sets of any size that still
 * span the domains, for experiments that grow the rule set.
 */
export function rulesRoundRobin(): Rule[] {
  const lists = DOMAINS.map((d) => rulesByDomain[d].filter((r) => r.approx === null));
  const total = lists.reduce((s, l) => s + l.length, 0);
  const out: Rule[] = [];
  for (let i = 0; out.length < total; i++) {
    for (const l of lists) if (i < l.length) out.push(l[i]);
  }
  return out;
}
