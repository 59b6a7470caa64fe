/**
 * A `gcc` that cannot build our SIMD kernels, for tests of how the tools
 * fail when that happens (an AVX2-only machine whose gcc rejects our code,
 * say): a script, first on PATH, that fails every shared library built with
 * -fno-math-errno (our kernels' flag; the peers' builds, the harness and the
 * FFI library never have both) with a compiler-style error, and runs the
 * real gcc for everything else.
 *
 * It reports the real gcc's version with a suffix, so its builds get a
 * configuration hash, and so a directory of the compile cache, of their
 * own: its failures, cached like any compile result, never poison real
 * gcc's cache, and real gcc's cached kernels never hide its failures.
 */
import { join } from "node:path";

/** The error line every build of ours gets from the failing gcc. */
export const FAILING_GCC_ERROR = "kernel.c:1:1: error: this gcc cannot build our SIMD kernels (failing_gcc.ts)";

/** A directory holding the failing `gcc`, and the environment that puts it first on PATH; removed on dispose. */
export interface FailingGcc extends AsyncDisposable {
  readonly env: Record<string, string>;
}

export async function failingGcc(): Promise<FailingGcc> {
  const which = await new Deno.Command("sh", { args: ["-c", "command -v gcc"], stdout: "piped" }).output();
  const real = new TextDecoder().decode(which.stdout).trim();
  if (!which.success || real === "") throw new Error("no gcc on PATH");
  const dir = await Deno.makeTempDir({ prefix: "kopt-failing-gcc-" });
  const script = `#!/bin/sh
for a in "$@"; do
  case "$a" in -dumpfullversion|-dumpversion) echo "$('${real}' "$a")-cannot-build-kopt"; exit 0;; esac
done
case " $* " in
  *" -fno-math-errno "*" -shared "*|*" -shared "*" -fno-math-errno "*)
    echo '${FAILING_GCC_ERROR}' >&2; exit 1;;
esac
exec '${real}' "$@"
`;
  await Deno.writeTextFile(join(dir, "gcc"), script, { mode: 0o755 });
  return {
    env: { PATH: `${dir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}
