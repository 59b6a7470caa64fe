import assert from "node:assert/strict";
import { cString, kopt } from "../../pipeline/ffi/lib.ts";
import { KIND_COUNT, OP_NAMES, OPS } from "../../pipeline/expr/ops.ts";
import { join } from "node:path";
import { CSRC } from "../../pipeline/base/paths.ts";

Deno.test("the C kind table is the TypeScript op table, in the same order", () => {
  const k = kopt();
  assert.equal(k.kopt_kind_count(), KIND_COUNT);
  const names = Array.from({ length: KIND_COUNT }, (_, i) => cString(k.kopt_kind_name(i)));
  assert.deepEqual(names, ["const", "var", ...OP_NAMES]);
});

Deno.test("csrc/kopt.h names each op KOPT_<IDENT> by the op table's ident, in code order", () => {
  const header = Deno.readTextFileSync(join(CSRC, "kopt.h"));
  const xs = [...header.matchAll(/X\((\w+), "([^"]+)"\)/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(xs, OP_NAMES.map((op) => [OPS[op].ident.toUpperCase(), op]));
});

Deno.test("the monotonic clock advances in nanoseconds", () => {
  const k = kopt();
  const t0 = k.kopt_now_ns();
  const start = performance.now();
  while (performance.now() - start < 5) { /* spin 5 ms */ }
  const dt = k.kopt_now_ns() - t0;
  assert.ok(dt >= 4e6 && dt < 1e9, `${dt} ns`);
});
