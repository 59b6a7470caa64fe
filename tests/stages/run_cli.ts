/** The command line as the tests run it: `deno run -A mod.ts ...` from the project root. */
import { join } from "node:path";
import { ROOT } from "../../pipeline/base/paths.ts";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs mod.ts with `args`; `stdin`, when given, is piped in (else stdin is
 * empty: /dev/null); `env` is added to the environment.
 */
export async function runCli(args: readonly string[], stdin?: string, env?: Record<string, string>): Promise<CliRun> {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "mod.ts"), ...args],
    cwd: ROOT,
    ...(env !== undefined ? { env } : {}),
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
  const decoder = new TextDecoder();
  return { code: r.code, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}
