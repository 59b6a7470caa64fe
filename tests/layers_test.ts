/**
 * The layering of `pipeline/`: a folder imports only from folders on lower
 * layers (and from itself). The order is written once, in the README's
 * architecture section, between `<!-- layers -->` markers: one layer per
 * line, bottom first, folders of one layer side by side. This test reads it
 * there, reads every import of every file under `pipeline/`, and names
 * each import that points up or sideways.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../pipeline/base/paths.ts";
import { Rng } from "../pipeline/expr/random.ts";

/** Layers bottom first; each a set of folder names under pipeline/. */
export type Layers = readonly (readonly string[])[];

/**
 * The layers of the README's `<!-- layers -->` block: a numbered item each,
 * its folders in backticks before the first colon.
 */
export function layersOf(readme: string): Layers {
  const m = readme.match(/<!-- layers -->([\s\S]*?)<!-- \/layers -->/);
  if (m === null) throw new Error("README.md has no <!-- layers --> ... <!-- /layers --> block");
  return m[1].split("\n")
    .filter((line) => /^\d+\. /.test(line))
    .map((line) => [...line.split(":")[0].matchAll(/`([a-z_]+)`/g)].map((x) => x[1]));
}

/** An import of one file under pipeline/: where it is and what it names. */
export interface Import {
  readonly file: string;
  readonly line: number;
  readonly spec: string;
}

/** Relative static and dynamic imports and re-exports of a TypeScript source. */
export function importsOf(file: string, src: string): Import[] {
  const out: Import[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
  for (const m of src.matchAll(re)) {
    out.push({ file, line: src.slice(0, m.index).split("\n").length, spec: m[1] });
  }
  return out;
}

/** The pipeline folder a path is in (null outside pipeline/ or directly in it). */
function folderOf(path: string, pipeline: string): string | null {
  const rel = relative(pipeline, path);
  if (rel.startsWith("..")) return null;
  const parts = rel.split("/");
  return parts.length > 1 ? parts[0] : null;
}

/**
 * Every import that breaks the layering, as `file:line: imports spec (folder
 * a, layer i, may not import folder b, layer j)`; also folders the README
 * does not place, and imports that leave pipeline/.
 */
export function violations(files: ReadonlyMap<string, string>, layers: Layers, pipeline: string): string[] {
  const level = new Map<string, number>();
  layers.forEach((names, i) => names.forEach((n) => level.set(n, i)));
  const out: string[] = [];
  const unplaced = new Set<string>();
  for (const [file, src] of files) {
    const from = folderOf(file, pipeline);
    if (from === null) continue;
    if (!level.has(from)) unplaced.add(from);
    for (const imp of importsOf(file, src)) {
      const target = resolve(dirname(file), imp.spec);
      const to = folderOf(target, pipeline);
      const where = `${relative(ROOT, file)}:${imp.line}: imports ${imp.spec}`;
      if (to === null) {
        out.push(`${where}, outside the pipeline's folders`);
        continue;
      }
      if (to === from || !level.has(from) || !level.has(to)) continue;
      const [a, b] = [level.get(from)!, level.get(to)!];
      if (b >= a) {
        out.push(
          `${where}: ${from} (layer ${a + 1}) may not import ${to} (layer ${b + 1}${
            b === a ? ", the same layer" : ""
          })`,
        );
      }
    }
  }
  for (const f of unplaced) out.push(`pipeline/${f}/ is not placed in the README's layers`);
  return out;
}

function pipelineSources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) { for (const [k, v] of pipelineSources(p)) out.set(k, v); }
    else if (e.name.endsWith(".ts")) out.set(p, Deno.readTextFileSync(p));
  }
  return out;
}

const PIPELINE = join(ROOT, "pipeline");

Deno.test("layers: no import under pipeline/ points up or sideways", () => {
  const layers = layersOf(Deno.readTextFileSync(join(ROOT, "README.md")));
  assert.ok(layers.length >= 5, `the README lists ${layers.length} layers`);
  const found = violations(pipelineSources(PIPELINE), layers, PIPELINE);
  assert.deepEqual(found, [], `${found.length} import(s) break the layering:\n${found.join("\n")}`);
});

Deno.test("layers: every folder under pipeline/ is placed once", () => {
  const layers = layersOf(Deno.readTextFileSync(join(ROOT, "README.md")));
  const placed = layers.flat();
  assert.equal(new Set(placed).size, placed.length, `a folder is placed twice: ${placed.join(" ")}`);
  const folders = [...Deno.readDirSync(PIPELINE)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  assert.deepEqual([...placed].sort(), folders);
});

Deno.test("layers: a planted import is caught exactly when it points up or sideways (random files)", () => {
  const layers: Layers = [["a"], ["b", "c"], ["d"], ["e"]];
  const all = layers.flat();
  const level = (f: string) => layers.findIndex((l) => l.includes(f));
  const rng = new Rng(7);
  for (let trial = 0; trial < 300; trial++) {
    const files = new Map<string, string>();
    const from = all[rng.int(all.length)], to = all[rng.int(all.length)];
    const quote = rng.int(2) === 0 ? '"' : "'";
    const forms = [
      `import { x } from ${quote}../${to}/m.ts${quote};`,
      `import type { X } from ${quote}../${to}/m.ts${quote};`,
      `export { x } from ${quote}../${to}/m.ts${quote};`,
      `import {\n  x,\n  y,\n} from ${quote}../${to}/m.ts${quote};`,
      `const m = await import(${quote}../${to}/m.ts${quote});`,
      `import ${quote}../${to}/m.ts${quote};`,
    ];
    const line = rng.int(5);
    const src = "// header\n".repeat(line) + forms[rng.int(forms.length)] + "\n";
    files.set(`/p/${from}/f.ts`, src);
    const found = violations(files, layers, "/p");
    const bad = from !== to && level(to) >= level(from);
    assert.equal(found.length, bad ? 1 : 0, `${from} -> ${to}: ${found.join("; ")}`);
    if (bad) assert.match(found[0], new RegExp(`may not import ${to} `));
  }
});

Deno.test("layers: imports leaving pipeline/ and unplaced folders are named", () => {
  const files = new Map([["/p/a/f.ts", 'import { x } from "../../tasks/t.ts";\n'], [
    "/p/z/g.ts",
    "export const y = 1;\n",
  ]]);
  const found = violations(files, [["a"]], "/p");
  assert.equal(found.length, 2);
  assert.match(found[0], /outside the pipeline's folders/);
  assert.match(found[1], /pipeline\/z\/ is not placed/);
});
