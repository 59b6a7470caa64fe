/**
 * The whole test suite, as CI runs it: formatting, lint, type check, then
 * every test under tests/ (which include the C library's tests under
 * AddressSanitizer and UBSan). Ends with one line `N passed, N failed`,
 * counting each of fmt/lint/check as one test and every Deno test case from
 * the JUnit report, and exits non-zero if anything failed.
 */
import { join } from "node:path";
import { BUILD, ROOT } from "../pipeline/base/paths.ts";

interface Step {
  readonly name: string;
  readonly args: readonly string[];
}

const STATIC: readonly Step[] = [
  { name: "deno fmt --check", args: ["fmt", "--check"] },
  { name: "deno lint", args: ["lint"] },
  { name: "deno check", args: ["check", "."] },
];

async function run(args: readonly string[]): Promise<number> {
  const p = new Deno.Command(Deno.execPath(), { args: [...args], cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  return (await p.output()).code;
}

/** Counts test cases in a JUnit report: [passed, failed]. */
export function countJunit(xml: string): [number, number] {
  let passed = 0, failed = 0;
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) continue;
    else passed++;
  }
  return [passed, failed];
}

if (import.meta.main) {
  let passed = 0, failed = 0;
  for (const s of STATIC) {
    console.error(`== ${s.name}`);
    if ((await run(s.args)) === 0) passed++;
    else {
      failed++;
      console.error(`FAILED: ${s.name}`);
    }
  }
  Deno.mkdirSync(BUILD, { recursive: true });
  const junit = join(BUILD, "junit.xml");
  try {
    Deno.removeSync(junit);
  } catch { /* first run */ }
  console.error("== deno test");
  const code = await run(["test", "-A", `--junit-path=${junit}`, "tests/", ...Deno.args]);
  let report = "";
  try {
    report = Deno.readTextFileSync(junit);
  } catch { /* no report: counted below */ }
  const [p, f] = countJunit(report);
  passed += p;
  failed += f;
  // A crash or type error can end deno test without a report of the failure.
  if (code !== 0 && f === 0) failed++;
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(failed > 0 ? 1 : 0);
}
