/**
 * `deno task rules`: checks every rewrite rule numerically and prints, per
 * domain, how many rules there are, how many were checked and how many
 * failed, then each failing rule with its worst point. Exits 1 if any rule
 * fails.
 *
 *   deno task rules [--points 1000] [--seed 1] [--domain algebra ...]
 */
import { z } from "zod";
import { rulesByDomain } from "../pipeline/rules/all.ts";
import { type Domain, DOMAINS } from "../pipeline/rules/rule.ts";
import { checkRules, DEFAULT_CHECK, describeFailure, type RuleCheck } from "../pipeline/rules/soundness.ts";
import * as cli from "../pipeline/stages/cli.ts";

const Cmd: cli.Command<{ points: number; seed: number; domain: Domain[] }> = {
  name: "rules",
  usage: `usage: deno task rules [--points N] [--seed S] [--domain D ...]

Checks every rewrite rule numerically and prints, per domain, how many rules
there are, how many were checked and how many failed, then each failing rule
with its worst point. Exits 1 if any rule fails.
  --points N  points per rule, at least 1 (default ${DEFAULT_CHECK.points})
  --seed S    seed of the random points, an integer (default ${DEFAULT_CHECK.seed})
  --domain D  check only domain D; may be repeated (default: every domain)
              D is one of ${DOMAINS.join(", ")}`,
  options: {
    points: { type: "string", default: String(DEFAULT_CHECK.points) },
    seed: { type: "string", default: String(DEFAULT_CHECK.seed) },
    domain: { type: "string", multiple: true },
  },
  schema: z.object({
    points: cli.intOption(1),
    seed: cli.intOption(Number.MIN_SAFE_INTEGER),
    domain: z.array(z.enum(DOMAINS)).default([...DOMAINS]),
  }),
};

interface Row {
  readonly domain: string;
  readonly rules: number;
  readonly checked: number;
  readonly failed: number;
  readonly points: number;
}

/** Rows of the table: one per domain, then the totals. */
export function summarize(results: ReadonlyMap<Domain, readonly RuleCheck[]>): Row[] {
  const rows: Row[] = [...results].map(([domain, rs]) => ({
    domain,
    rules: rs.length,
    checked: rs.filter((r) => r.complete).length,
    failed: rs.filter((r) => !r.ok).length,
    points: rs.reduce((s, r) => s + r.checked, 0),
  }));
  const total = rows.reduce(
    (t, r) => ({
      domain: "total",
      rules: t.rules + r.rules,
      checked: t.checked + r.checked,
      failed: t.failed + r.failed,
      points: t.points + r.points,
    }),
    { domain: "total", rules: 0, checked: 0, failed: 0, points: 0 },
  );
  return [...rows, total];
}

export function formatTable(rows: readonly Row[]): string {
  const head = ["domain", "rules", "checked", "failed", "points"];
  const cells = rows.map((r) => [r.domain, String(r.rules), String(r.checked), String(r.failed), String(r.points)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(head), rule, ...cells.slice(0, -1).map(line), rule, line(cells[cells.length - 1])].join("\n");
}

if (import.meta.main) {
  await cli.runMain(() => {
    const parsed = cli.parseCommand(Cmd, Deno.args);
    if (parsed === null) return cli.EXIT_OK;
    const { points, seed, domain: chosen } = parsed.opts;
    const t0 = performance.now();
    const results = new Map<Domain, RuleCheck[]>();
    for (const d of DOMAINS) if (chosen.includes(d)) results.set(d, checkRules(rulesByDomain[d], { points, seed }));
    const ms = performance.now() - t0;
    console.log(formatTable(summarize(results)));
    console.log(`\n${points} points per rule, seed ${seed}, ${(ms / 1000).toFixed(2)} s`);
    const failures = [...results.values()].flat().filter((r) => !r.ok);
    if (failures.length > 0) {
      console.log(`\n${failures.length} failing rule(s):`);
      for (const f of failures) console.log(describeFailure(f));
      return cli.EXIT_DATA;
    }
    return cli.EXIT_OK;
  });
}
