/**
 * Whether a program is installed: a file of that name in a directory of
 * PATH. Tools that are optional on a machine (qemu-aarch64, a cross
 * compiler) are looked up this way before a test or a check relies on them.
 */
import { join } from "node:path";

/** True when `name` is a file in one of PATH's directories. */
export function onPath(name: string): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      if (Deno.statSync(join(dir, name)).isFile) return true;
    } catch { /* not here */ }
  }
  return false;
}
