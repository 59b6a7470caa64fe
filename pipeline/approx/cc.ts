/**
 * Building and running the approximations' C programs (the checker, the
 * bit-for-bit test driver, the benchmark) for an ISA: the compiler and
 * flags per ISA (the host's gcc for x86 and scalar, Debian's
 * aarch64-linux-gnu-gcc for NEON, run under qemu-aarch64 on an x86 host),
 * with -Wall -Wextra -Werror and -ffp-contract=off. Executables are cached
 * under build/approx/ by a hash of their source and command.
 */
import { join } from "node:path";
import { APPROX_BUILD } from "../base/paths.ts";
import { fnv1a64 } from "../base/hash.ts";
import { AARCH64_CROSS } from "../target/target.ts";
import { type ApproxIsa, approxIsaFlags } from "./prelude.ts";
import { onPath } from "../base/executables.ts";

export interface Toolchain {
  readonly cc: string;
  readonly flags: readonly string[];
  /** Prefix that runs the executable here ([] natively). */
  readonly runner: readonly string[];
}

export function toolchain(isa: ApproxIsa): Toolchain {
  const base = ["-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-std=gnu11", ...approxIsaFlags(isa)];
  if (isa === "neon" && Deno.build.arch !== "aarch64") {
    return { cc: `${AARCH64_CROSS}gcc`, flags: base, runner: ["qemu-aarch64"] };
  }
  return { cc: "gcc", flags: base, runner: [] };
}

/** Why `isa`'s programs cannot be built or run here, or null when they can. */
export function unavailable(isa: ApproxIsa): string | null {
  const t = toolchain(isa);
  const missing = [t.cc, ...t.runner].filter((p) => !onPath(p));
  return missing.length === 0 ? null : `missing ${missing.join(", ")}`;
}

/** Compiles `src` (with `extra` flags and libs) to a cached executable; returns its path. */
export async function buildC(
  src: string,
  isa: ApproxIsa,
  name: string,
  extra: readonly string[] = [],
): Promise<string> {
  const t = toolchain(isa);
  const args = [...t.flags, "-x", "c", "-", ...extra, "-lm", "-pthread"];
  const key = fnv1a64(`${t.cc}\n${args.join(" ")}\n${src}`).toString(16);
  const exe = join(APPROX_BUILD, `${name}-${isa}-${key}`);
  try {
    if (Deno.statSync(exe).isFile) return exe;
  } catch { /* build it */ }
  Deno.mkdirSync(APPROX_BUILD, { recursive: true });
  const tmp = `${exe}.tmp${Deno.pid}`;
  const p = new Deno.Command(t.cc, {
    args: [...args.slice(0, -2), "-o", tmp, ...args.slice(-2)],
    stdin: "piped",
    stderr: "piped",
  })
    .spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(src));
  await w.close();
  const out = await p.output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).split("\n").slice(0, 20).join("\n");
    throw new Error(`${t.cc} failed for ${name} (${isa}):\n${err}`);
  }
  Deno.renameSync(tmp, exe);
  return exe;
}

/** Runs a built program (under the ISA's runner), returning stdout; throws on a non-zero exit. */
export async function runC(
  exe: string,
  isa: ApproxIsa,
  args: readonly string[] = [],
  stdin?: Uint8Array,
): Promise<Uint8Array> {
  const t = toolchain(isa);
  const [cmd, ...pre] = [...t.runner, exe];
  const p = new Deno.Command(cmd, {
    args: [...pre, ...args],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  if (stdin) {
    const w = p.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await p.output();
  if (!out.success) {
    throw new Error(`${exe} exited ${out.code}: ${new TextDecoder().decode(out.stderr).slice(0, 2000)}`);
  }
  return out.stdout;
}
