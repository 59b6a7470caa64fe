/**
 * Compiler versions, asked once per process: they are part of every cache
 * key and every profile, since a new compiler makes different code.
 */
import { TargetError } from "./target.ts";

const versions = new Map<string, string>();

/** `gcc 12.2.0`, `clang 14.0.6`, `aarch64-linux-gnu-gcc 12.2.0`: `cc` and its version. */
export function compilerVersion(cc: string): string {
  let v = versions.get(cc);
  if (v === undefined) {
    const flag = cc.endsWith("clang") ? "-dumpversion" : "-dumpfullversion";
    let r: Deno.CommandOutput;
    try {
      r = new Deno.Command(cc, { args: [flag], stdout: "piped", stderr: "piped" }).outputSync();
    } catch {
      throw new TargetError(`${cc} is not installed (deno task setup installs it)`);
    }
    if (!r.success) throw new TargetError(`${cc} ${flag} failed: is ${cc} installed? (deno task setup)`);
    v = `${cc} ${new TextDecoder().decode(r.stdout).trim()}`;
    versions.set(cc, v);
  }
  return v;
}
