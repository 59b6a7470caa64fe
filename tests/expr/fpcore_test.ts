import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { evaluate64 } from "../../pipeline/expr/evaluate.ts";
import { parseExpr, parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";
import { parseLiteral, printLiteral } from "../../pipeline/expr/literal.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";

const FPBENCH = join(import.meta.dirname!, "../../../shared/fpbench");

Deno.test("literals: decimals, rationals, hex floats, specials, exact round trip", () => {
  assert.equal(parseLiteral("1/3"), 1 / 3);
  assert.equal(parseLiteral("-3/8"), -0.375);
  assert.equal(parseLiteral("0x1.8p1"), 3);
  assert.equal(parseLiteral("-0x.8p-1"), -0.25);
  assert.equal(parseLiteral("1e-3"), 0.001);
  assert.equal(parseLiteral(".5"), 0.5);
  assert.equal(parseLiteral("12345678901234567890123/10000000000000000000000"), 1.2345678901234567);
  assert.ok(Object.is(parseLiteral("-0"), -0));
  assert.equal(parseLiteral("x"), null);
  for (const x of [0.1, -0, 5e-324, 1.7976931348623157e308, -Infinity, 123456.789e-300]) {
    assert.ok(Object.is(parseLiteral(printLiteral(x)), x), String(x));
  }
});

Deno.test("FPCore forms: let, let*, constants, digits, annotations, ranges from :pre", () => {
  const src = `
(FPCore (x y)
  :name "sample"
  :pre (and (<= -1 x 1) (< 0 y) (>= 10 y) (< (* 2 PI) 100))
  (let ([a (* x x)] [b y])
    (let* ([c (+ a b)] [d (* c PI)])
      (! :precision binary32 (+ d (cast (digits 3 -1 2)))))))`;
  const { benchmarks, errors } = parseFPCoreFile(src);
  assert.equal(errors.length, 0);
  const b = benchmarks[0];
  assert.equal(b.name, "sample");
  assert.deepEqual(b.vars, ["x", "y"]);
  assert.deepEqual(b.ranges.x, [-1, 1]);
  assert.ok(b.ranges.y[0] > 0 && b.ranges.y[0] < 1e-40, "strict bound moves one float32 step in");
  assert.equal(b.ranges.y[1], 10);
  assert.equal(evaluate64(b.expr, { x: 0.5, y: 2 }), (0.25 + 2) * Math.PI + 1.5);
  // let is parallel: the inner x refers to the outer argument.
  const par = parseFPCoreFile(`(FPCore (x) (let ([x 2] [y x]) (+ x y)))`).benchmarks[0];
  assert.equal(evaluate64(par.expr, { x: 10 }), 12);
  const seq = parseFPCoreFile(`(FPCore (x) (let* ([x 2] [y x]) (+ x y)))`).benchmarks[0];
  assert.equal(evaluate64(seq.expr, { x: 10 }), 4);
});

Deno.test("FPCore errors: position and construct named, other benchmarks still parse", () => {
  const src = `(FPCore (x) :name "good" (+ x 1))
(FPCore (x) :name "loop" (while (< x 1) ([x 0 (+ x 1)]) x))
(FPCore (x) :name "cond" (if (< x 0) x (< x 1)))
(FPCore (x) :name "bad-op" (frob x))
(FPCore (x) :name "arity" (sqrt x x))
(FPCore (x) :name "free" (+ x y))
(FPCore (x) :name "good2" (* x 2))`;
  const { benchmarks, errors } = parseFPCoreFile(src);
  assert.deepEqual(benchmarks.map((b) => b.name), ["good", "good2"]);
  const msgs = errors.map((e) => e.error.message);
  assert.match(msgs[0], /line 2, column 27: unsupported construct: while in benchmark "loop"/);
  assert.match(msgs[1], /the arms of if differ: one is a number, the other a truth value in benchmark "cond"/);
  assert.match(msgs[2], /unknown operation "frob" in benchmark "bad-op"/);
  assert.match(msgs[3], /sqrt takes 1 argument, found 2/);
  assert.match(msgs[4], /unknown variable "y"/);
});

Deno.test("FPCore reader errors keep the forms before them", () => {
  const { benchmarks, errors } = parseFPCoreFile(`(FPCore (x) :name "a" (+ x 1))\n(FPCore (x) (+ x 1]`);
  assert.equal(benchmarks.length, 1);
  assert.match(
    errors[0].error.message,
    /line 2, column 19: expected '\)' to close the '\(' opened at line 2, column 13, found '\]'/,
  );
  assert.match(parseFPCoreFile("(FPCore (x) (+ x 1)").errors[0].error.message, /expected '\)' to close/);
});

Deno.test("bare bodies: free symbols are variables, declared vars are enforced", () => {
  assert.equal(printFPCore(parseExpr("(+ a (let ([t (* b b)]) (* t t)))")), "(+ a (* (* b b) (* b b)))");
  assert.throws(() => parseExpr("(+ a b)", ["a"]), /unknown variable "b"/);
  assert.throws(() => parseExpr("(+ a b) c"), /unexpected text after the expression/);
});

Deno.test({
  name: "FPBench: every straight-line benchmark parses, the others name their construct",
  ignore: !existsSync(FPBENCH),
  fn() {
    let ok = 0, total = 0;
    const unparsed: string[] = [];
    for (const f of [...Deno.readDirSync(FPBENCH)].filter((f) => f.name.endsWith(".fpcore"))) {
      const src = Deno.readTextFileSync(join(FPBENCH, f.name));
      const { benchmarks, errors } = parseFPCoreFile(src);
      ok += benchmarks.length;
      total += benchmarks.length + errors.length;
      for (const e of errors) {
        unparsed.push(e.error.message);
        // Only loops, conditionals and non-identifier argument names are refused.
        assert.match(e.error.message, /unsupported construct: (while\*?|if)/, e.error.message);
      }
    }
    assert.equal(total, 136);
    assert.ok(ok >= 97, `only ${ok} of ${total} parsed`);
  },
});

Deno.test("crash: an empty list wherever a name, argument, operation or precondition belongs is a clean error or accepted", () => {
  // The million-input fuzz run found `(FPCore(()))` throwing a TypeError (an empty list has no head).
  const forms = [
    "(FPCore (()) x)",
    "(FPCore(()))",
    "(FPCore ((!)) x)",
    "(FPCore (x) :pre () x)",
    "(FPCore (x) :pre (and () (< x 1)) x)",
    "(FPCore (x) (let (()) x))",
    "(FPCore (x) (()))",
    "(FPCore (x) ())",
    "(FPCore (x) (+ () x))",
    "(FPCore () ())",
    "(())",
    "()",
  ];
  for (const src of forms) {
    try {
      parseFPCoreFile(src);
    } catch (e) {
      assert.fail(`${src}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
    }
  }
});
