import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../../ffi/build.ts";
import { staticCost } from "../../pipeline/expr/cost.ts";
import { hasDerivative } from "../../pipeline/expr/expr.ts";
import { parseExpr, parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { printInfix } from "../../pipeline/expr/print.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { type Job, optimizeKernel, type OptimizeSettings } from "../../pipeline/stages/optimize.ts";

const FPBENCH = join(ROOT, "..", "shared", "fpbench");

const QUICK: OptimizeSettings = {
  rules: ALL_RULES,
  nodeLimit: 3000,
  iterLimit: 8,
  timeLimitMs: 150,
  allowApprox: false,
  k: 5,
  samples: 500,
  seed: 1,
};

function fpbenchFiles(): string[] | null {
  try {
    return [...Deno.readDirSync(FPBENCH)].filter((f) => f.name.endsWith(".fpcore")).map((f) => f.name).sort();
  } catch {
    return null;
  }
}

Deno.test({
  name: "every straight-line FPBench benchmark goes through optimize, never costlier than its input",
  ignore: fpbenchFiles() === null,
  fn() {
    let kernels = 0, improved = 0;
    for (const file of fpbenchFiles()!) {
      // Benchmarks that do not parse (loops, conditionals) are not straight-line: skipped.
      const { benchmarks } = parseFPCoreFile(Deno.readTextFileSync(join(FPBENCH, file)));
      for (const [i, b] of benchmarks.entries()) {
        const job: Job = { id: `${file}:${b.name ?? i}`, expr: b.expr, vars: b.vars, ranges: b.ranges };
        const r = optimizeKernel(job, QUICK);
        const what = `${job.id}: ${printInfix(b.expr)} => ${printInfix(r.sat.best)}`;
        assert.ok(r.sat.bestCost <= r.sat.inputCost, what);
        assert.equal(r.sat.bestCost, staticCost(r.sat.best), what);
        assert.equal(r.sat.inputCost, staticCost(b.expr), what);
        assert.equal(hasDerivative(r.sat.best), hasDerivative(b.expr) && r.sat.derivativesLeft, what);
        assert.equal(r.inputError.n, QUICK.samples);
        assert.equal(r.bestError.n, QUICK.samples);
        kernels++;
        if (r.sat.improved) improved++;
      }
    }
    assert.ok(kernels >= 100, `only ${kernels} straight-line benchmarks`);
    assert.ok(improved > kernels / 4, `only ${improved} of ${kernels} improved`);
  },
});

const decoder = new TextDecoder();

async function optimizeCli(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "mod.ts"), "optimize", ...args],
    cwd: ROOT,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const r = await p.output();
  return { code: r.code, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

const FAST = ["--time", "0.3", "--node-limit", "3000", "--samples", "500"];

Deno.test("optimize command: an infix expression", async () => {
  const r = await optimizeCli([...FAST, "--range", "x=0.5:2", "x * 1 + 0 + sqrt(x * x)"]);
  assert.equal(r.code, 0, r.err);
  const src = "x * 1 + 0 + sqrt(x * x)";
  const best = parseExpr(r.out.match(/^best\s+(.*)$/m)![1]);
  assert.ok(["2 * x", "x * 2", "x + x"].includes(printInfix(best)), printInfix(best));
  const [, from, to] = r.out.match(/^cost\s+([\d.]+) -> ([\d.]+) /m)!;
  assert.equal(Number(from), staticCost(parseInfix(src)));
  assert.equal(Number(to), staticCost(best));
  assert.match(r.out, /^max ulp\s+input \d+, best 0 \(500 float32 samples/m);
});

Deno.test("optimize command: bad input gets a position and exit code 1, bad usage exit code 2", async () => {
  const parse = await optimizeCli([...FAST, "x + * y"]);
  assert.equal(parse.code, 1);
  assert.match(parse.err, /line 1, column 5/);
  const domain = await optimizeCli(["--rules", "algebra,nonsense", "x"]);
  assert.equal(domain.code, 2);
  assert.match(domain.err, /unknown domain\(s\) nonsense/);
  const missing = await optimizeCli(["no/such/file.fpcore"]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /cannot read/);
});

Deno.test("optimize command: JSONL records in and out, bad lines named by number", async () => {
  const recs = [
    { id: "a", expr: "(+ (* x 1) 0)", vars: ["x"], tags: ["keep"] },
    { id: "b", expr: "(/ (* y y) y)", vars: ["y"], ranges: { y: [1, 2] } },
  ];
  const input = recs.map((r) => JSON.stringify(r)).join("\n") + "\n";
  const r = await optimizeCli([...FAST, "--jsonl", "--rules", "algebra"], input);
  assert.equal(r.code, 0, r.err);
  const out = r.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), ["a", "b"]);
  assert.equal(out[0].optimized, "x");
  assert.deepEqual(out[0].tags, ["keep"], "unknown fields pass through");
  assert.equal(out[1].optimized, "y");
  assert.ok(out.every((o) => o.static_cost.optimized < o.static_cost.input && o.saturation.rules > 0));
  const bad = await optimizeCli([...FAST, "--jsonl"], input + '{"id": "c", "expr": "(+ x", "vars": ["x"]}\n');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /line 3: expr:/);
  assert.equal(bad.out.trim().split("\n").length, 2, "the good records are still written");
});

Deno.test("optimize command: an FPCore file, one benchmark by name, with derivatives eliminated", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "k.fpcore");
  await Deno.writeTextFile(
    file,
    `(FPCore (x) :name "dsq" :pre (<= -2 x 2) (d x (* x (sin x))))
     (FPCore (x) :name "other" (+ x 1))
     (FPCore (x) :name "loop" (while (< x 1) ([x 0 (+ x 1)]) x))`,
  );
  const r = await optimizeCli([...FAST, "--time", "2", "--node-limit", "5000", "--name", "dsq", file]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^== dsq$/m);
  assert.doesNotMatch(r.out, /other/);
  assert.doesNotMatch(r.out, /still contains \(d x e\)/);
  const best = r.out.match(/^best\s+(.*)$/m)![1];
  assert.doesNotMatch(best, /\(d /);
  const all = await optimizeCli([...FAST, file]);
  assert.equal(all.code, 1, "a benchmark failed to parse");
  assert.match(all.err, /k\.fpcore:3:\d+: unsupported construct: while/);
  assert.match(all.out, /2 kernels: static cost/);
  await Deno.remove(dir, { recursive: true });
});
