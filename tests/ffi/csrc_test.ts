/**
 * Builds each C test driver in tests/csrc/ together with the library sources
 * under AddressSanitizer and UBSan, and runs it: memory errors and undefined
 * behaviour in csrc/ fail the suite. Also checks the -Werror build itself.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildLibrary, C_FLAGS, librarySources, SANITIZE_FLAGS } from "../../pipeline/ffi/build.ts";
import { BUILD, ROOT } from "../../pipeline/base/paths.ts";

const TESTS = join(ROOT, "tests/csrc");
const drivers = [...Deno.readDirSync(TESTS)].filter((e) => e.isFile && e.name.endsWith("_test.c")).map((e) => e.name)
  .sort();

Deno.test("csrc builds with -Wall -Wextra -Werror", () => {
  buildLibrary();
});

for (const driver of drivers) {
  Deno.test(`csrc under ASan+UBSan: ${driver}`, async () => {
    Deno.mkdirSync(BUILD, { recursive: true });
    const exe = join(BUILD, driver.replace(/\.c$/, ".asan"));
    const args = [
      "-O1",
      "-g",
      ...C_FLAGS,
      ...SANITIZE_FLAGS,
      "-o",
      exe,
      join(TESTS, driver),
      ...librarySources(),
      "-lm",
    ];
    const cc = await new Deno.Command("gcc", { args, stderr: "piped" }).output();
    assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
    const run = await new Deno.Command(exe, { stdout: "piped", stderr: "piped" }).output();
    const out = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
    assert.ok(run.success, out);
  });
}
