/**
 * The kernel corpus in data/kernels/: every file parses, every kernel has a
 * realistic, non-empty range for each input, and evaluates to finite values
 * everywhere in those ranges (endpoints included), so later stages can
 * measure accuracy and speed on them without tripping over NaN or Inf.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  evaluateBatch,
  freeVars,
  hasDerivative,
  parseFPCoreFile,
  type Precision,
  Rng,
} from "../../pipeline/expr/mod.ts";
import type { Benchmark } from "../../pipeline/expr/fpcore.ts";
import { fileTag } from "../../pipeline/records/fpcore_records.ts";

const DIR = join(import.meta.dirname!, "..", "..", "data", "kernels");
const DOMAINS = ["graphics", "physics", "autodiff", "ml", "conditionals"] as const;
const POINTS = 2000;
/** Corners of the input box come first; wide kernels get a sample of them. */
const MAX_CORNERS = 512;

interface Kernel {
  readonly file: string;
  readonly domain: string;
  readonly bench: Benchmark;
}

function loadCorpus(): Kernel[] {
  const files = [...Deno.readDirSync(DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".fpcore"))
    .map((e) => join(DIR, e.name))
    .sort();
  const out: Kernel[] = [];
  for (const file of files) {
    const { benchmarks, errors } = parseFPCoreFile(Deno.readTextFileSync(file));
    assert.deepEqual(errors.map((e) => `${e.pos.line}: ${e.error.reason}`), [], `parse errors in ${file}`);
    for (const bench of benchmarks) out.push({ file, domain: fileTag(file), bench });
  }
  return out;
}

const corpus = loadCorpus();
const label = (k: Kernel) => `${k.domain}:${k.bench.name ?? `line ${k.bench.pos.line}`}`;

/**
 * Input columns: every corner of the range box (or a seeded sample of them),
 * then seeded points where each coordinate is an endpoint one time in five
 * and uniform inside the range otherwise.
 */
function samplePoints(b: Benchmark, rng: Rng): number[][] {
  const cols = b.vars.map(() => new Array<number>(POINTS));
  const n = b.vars.length;
  const corners = Math.min(2 ** n, MAX_CORNERS);
  for (let k = 0; k < POINTS; k++) {
    const mask = k < corners ? (corners === 2 ** n ? k : rng.int(2 ** n)) : -1;
    b.vars.forEach((name, i) => {
      const [lo, hi] = b.ranges[name];
      if (mask >= 0) cols[i][k] = (mask >> i) & 1 ? hi : lo;
      else {
        const r = rng.next();
        cols[i][k] = r < 0.1 ? lo : r < 0.2 ? hi : rng.range(lo, hi);
      }
    });
  }
  return cols;
}

/** Points (as text) where the kernel is not finite at this precision. */
function nonFinite(k: Kernel, precision: Precision, seed: number): string[] {
  const cols = samplePoints(k.bench, new Rng(seed));
  const ys = evaluateBatch(k.bench.expr, k.bench.vars, cols, precision);
  const bad: string[] = [];
  for (let p = 0; p < ys.length && bad.length < 3; p++) {
    if (!Number.isFinite(ys[p])) {
      const at = k.bench.vars.map((name, i) => `${name}=${cols[i][p]}`).join(" ");
      bad.push(`${ys[p]} at ${at}`);
    }
  }
  return bad;
}

Deno.test("the corpus has at least 40 kernels, at least 10 in each domain, and no other domain", () => {
  assert.ok(corpus.length >= 40, `only ${corpus.length} kernels`);
  for (const d of DOMAINS) {
    const n = corpus.filter((k) => k.domain === d).length;
    assert.ok(n >= 10, `domain ${d} has ${n} kernels`);
  }
  const other = corpus.filter((k) => !(DOMAINS as readonly string[]).includes(k.domain)).map(label);
  assert.deepEqual(other, []);
});

Deno.test("every kernel has a unique kebab-case name", () => {
  const seen = new Map<string, string>();
  for (const k of corpus) {
    const name = k.bench.name;
    assert.ok(name !== undefined, `unnamed kernel at ${k.file}:${k.bench.pos.line}`);
    assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `name ${name} is not kebab-case`);
    assert.ok(!seen.has(name), `name ${name} in ${k.file} already used in ${seen.get(name)}`);
    seen.set(name, k.file);
  }
});

Deno.test("every variable is used and has a finite range with lo < hi", () => {
  for (const k of corpus) {
    const used = new Set(freeVars(k.bench.expr));
    for (const name of k.bench.vars) {
      assert.ok(used.has(name), `${label(k)}: variable ${name} is unused`);
      const r = k.bench.ranges[name];
      assert.ok(r !== undefined, `${label(k)}: variable ${name} has no range in :pre`);
      assert.ok(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1], `${label(k)}: range of ${name} is ${r}`);
    }
  }
});

Deno.test("every autodiff kernel takes a derivative, and no other kernel does", () => {
  for (const k of corpus) {
    assert.equal(hasDerivative(k.bench.expr), k.domain === "autodiff", `${label(k)}: d op presence`);
  }
});

Deno.test("every kernel is finite in float64 on 2,000 points of its ranges, endpoints included", () => {
  const failures = corpus.flatMap((k, i) => nonFinite(k, 64, 1000 + i).map((m) => `${label(k)}: ${m}`));
  assert.deepEqual(failures, []);
});

Deno.test("every kernel is also finite in the float32 model on the same points", () => {
  const failures = corpus.flatMap((k, i) => nonFinite(k, 32, 1000 + i).map((m) => `${label(k)}: ${m}`));
  assert.deepEqual(failures, []);
});

Deno.test("the sampler reaches both endpoints of every range", () => {
  for (const k of corpus) {
    const cols = samplePoints(k.bench, new Rng(7));
    k.bench.vars.forEach((name, i) => {
      const [lo, hi] = k.bench.ranges[name];
      assert.ok(cols[i].includes(lo) && cols[i].includes(hi), `${label(k)}: ${name} endpoints not sampled`);
      assert.ok(cols[i].every((x) => x >= lo && x <= hi), `${label(k)}: ${name} sampled outside its range`);
    });
  }
});
