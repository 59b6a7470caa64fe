import assert from "node:assert/strict";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { ruleCostDelta, unfusingRules } from "../../pipeline/rules/cost.ts";

const byName = new Map(ALL_RULES.map((r) => [r.name, r]));
const names = new Set(unfusingRules(ALL_RULES).map((r) => r.name));

Deno.test("unfusing rules: splitting an fma is one though the table calls it even; fusing is not", () => {
  const split = byName.get("fma-fuse-rev")!;
  assert.equal(ruleCostDelta(split), 0, "an fma costs its multiply and add");
  assert.ok(names.has("fma-fuse-rev"));
  assert.ok(!names.has("fma-fuse"));
});

Deno.test("unfusing rules: none saves, none is approximate or differentiates, every domain's costlier ones are in", () => {
  for (const r of unfusingRules(ALL_RULES)) {
    assert.ok(ruleCostDelta(r) >= 0, `${r.name} saves`);
    assert.equal(r.approx, null, r.name);
  }
  assert.ok(names.has("rsqrt-form-rev"), "splitting rsqrt costs more");
  for (const d of ["algebra", "fma", "strength", "rsqrt", "vector"]) {
    assert.ok(unfusingRules(ALL_RULES).some((r) => r.domain === d), d);
  }
  assert.ok(!unfusingRules(ALL_RULES).some((r) => r.domain === "trig"), "trig identities make monsters");
});
