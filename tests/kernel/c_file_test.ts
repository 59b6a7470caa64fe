import assert from "node:assert/strict";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { cFile, peerMacro, sourceFlags } from "../../pipeline/kernel/c_file.ts";
import { simdKernel } from "../../pipeline/kernel/codegen.ts";
import { plainKernel } from "../../pipeline/kernel/plain_c.ts";
import { peerConfigs } from "../../pipeline/kernel/toolchain.ts";
import { HOST } from "./util.ts";

const PEER_CONFIGS = peerConfigs(HOST);
const fm = PEER_CONFIGS.find((c) => c.label === "gcc -O3 -ffast-math")!;

async function compiles(src: string, flags: string[]): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/k.c`, src);
  const r = await new Deno.Command("gcc", {
    args: [...flags, "-Wall", "-Wextra", "-Werror", "-c", `${dir}/k.c`, "-o", `${dir}/k.o`],
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  return r.success ? "" : new TextDecoder().decode(r.stderr);
}

Deno.test("C file: comments cannot be closed from input text; names are C identifiers, unique", async () => {
  const e = parseExpr("(+ (* x y) 1)");
  const k = { vars: ["x", "y"], source: simdKernel(e, ["x", "y"], HOST.isa), notes: ["evil */ name"] };
  const src = cFile(
    [{ ...k, name: "my kernel */" }, { ...k, name: "my-kernel" }, { ...k, name: "9" }],
    ["hdr */"],
    HOST,
  );
  assert.match(
    src,
    /void kopt_my_20_kernel_20__2a__2f___\(const float \*x_x, const float \*x_y, float \*out, size_t n\)/,
  );
  assert.match(src, /void kopt_my_2d_kernel__\(/);
  assert.match(src, / \* evil \* \/ name\n/);
  assert.match(src, /void kopt_9\(/);
  assert.equal(src.split(k.source.symbol + "(const float").length - 1, 1, "one definition of a shared form");
  assert.equal(await compiles(src, ["-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off"]), "");
});

Deno.test("C file: originals for compiler peers are further parts, each compiled with its peer's flags", async () => {
  const e = parseExpr("(exp (* x y))");
  const cfm = PEER_CONFIGS.find((c) => c.label === "clang -O3 -ffast-math")!;
  const src = cFile(
    [
      { name: "ours", vars: ["x", "y"], source: simdKernel(e, ["x", "y"], HOST.isa), notes: [] },
      { name: "peer", vars: ["x", "y"], source: plainKernel(e, ["x", "y"]), peer: fm, notes: [] },
      { name: "other", vars: ["x"], source: plainKernel(parseExpr("(sqrt x)"), ["x"]), peer: cfm, notes: [] },
    ],
    [],
    HOST,
  );
  assert.equal(peerMacro(fm), "KOPT_PEER_GCC_O3_FFAST_MATH");
  assert.match(src, new RegExp(`gcc ${sourceFlags(fm).join(" ")} -D${peerMacro(fm)} -c`));
  assert.match(src, new RegExp(`clang ${sourceFlags(cfm).join(" ")} -D${peerMacro(cfm)} -c`));
  assert.equal(await compiles(src, ["-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off"]), "");
  assert.equal(await compiles(src, ["-O3", "-march=native", "-ffast-math", `-D${peerMacro(fm)}`]), "");
  assert.equal(await compiles(src, ["-O3", "-march=native", "-ffast-math", `-D${peerMacro(cfm)}`]), "");
  // Only a peer's part: no macro needed.
  const alone = cFile(
    [{ name: "peer", vars: ["x", "y"], source: plainKernel(e, ["x", "y"]), peer: fm, notes: [] }],
    [],
    HOST,
  );
  assert.doesNotMatch(alone, /#if/);
  assert.equal(await compiles(alone, ["-O3", "-march=native", "-ffast-math"]), "");
});

Deno.test("C file: hostile names, notes and header lines add no symbol (gcc -c, nm)", async () => {
  const evil = "x*\\\n/ int injected_sym = 1; /\\\n*??/\n#include <stdio.h>\n";
  const e = parseExpr("(+ (* x y) 1)");
  const vars = ["x", "y"];
  const source = simdKernel(e, vars, HOST.isa);
  const src = cFile(
    [{ name: evil, vars, source, notes: [evil, "*/ int injected_note = 1; /*"] }, {
      name: evil + "2",
      vars,
      source,
      notes: [],
    }],
    [evil],
    HOST,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/k.c`, src);
    const cc = await new Deno.Command("gcc", {
      args: ["-O1", "-march=native", "-std=c99", "-c", `${dir}/k.c`, "-o", `${dir}/k.o`],
      stderr: "piped",
    }).output();
    assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
    const nm = await new Deno.Command("nm", { args: ["--defined-only", "-g", `${dir}/k.o`], stdout: "piped" }).output();
    const syms = new TextDecoder().decode(nm.stdout).trim().split("\n").map((l) => l.split(" ")[2]).sort();
    assert.equal(syms.length, 3, syms.join(" "));
    assert.ok(syms.includes(source.symbol) && syms.every((s) => s === source.symbol || s.startsWith("kopt_x_2a_")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
