import assert from "node:assert/strict";
import { evaluateBatchC } from "../../pipeline/ffi/eval.ts";
import { evaluate32, evaluate64, evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { app, type Expr, mk, num, v } from "../../pipeline/expr/expr.ts";
import { fmaf32, OP_NAMES, type OpName, OPS } from "../../pipeline/expr/ops.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";

const bits = (x: number) => {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0];
};

/** Inputs that stress each op: ordinary values, zeros of both signs, huge, tiny, special. */
function column(rng: Rng, n: number): number[] {
  const special = [0, -0, 1, -1, 0.5, 2, 1e-40, -1e-40, 3.4e38, -3.4e38, Infinity, -Infinity, NaN, 1e-7, 88.5, -104];
  return Array.from({ length: n }, (_, k) => {
    if (k < special.length) return special[k];
    const r = rng.next();
    if (r < 0.4) return Math.fround(rng.range(-4, 4));
    if (r < 0.7) return Math.fround(rng.range(0, 1e3));
    if (r < 0.9) return Math.fround(Math.exp(rng.range(-60, 60)) * (rng.next() < 0.5 ? -1 : 1));
    return rng.pick(special);
  });
}

Deno.test("float32 evaluation equals the C interpreter bit for bit, for every op", () => {
  const rng = new Rng(3);
  const n = 4000;
  const vars = ["a", "b", "c"];
  const cols = vars.map(() => column(rng, n));
  for (const op of OP_NAMES) {
    if (op === "d") continue;
    // A truth-valued operand is a comparison of its variable with 1.
    const operand = (name: string, i: number) =>
      OPS[op].argSorts[i] === "bool" ? app("lt", [v(name), num(1)]) : v(name);
    const e = app(op as OpName, vars.slice(0, OPS[op].arity).map(operand));
    const ts = evaluateBatch(e, vars, cols, 32);
    const c = evaluateBatchC(e, vars, cols);
    for (let k = 0; k < n; k++) {
      const same = bits(ts[k]) === bits(c[k]) || (Number.isNaN(ts[k]) && Number.isNaN(c[k]));
      if (!same) {
        assert.fail(`${op}(${cols.map((col) => col[k]).join(", ")}): ts ${ts[k]} c ${c[k]}`);
      }
    }
  }
});

Deno.test("float32 evaluation equals C on random nested expressions (shared nodes, constants)", () => {
  const rng = new Rng(9);
  const vars = ["x", "y", "z"];
  for (let i = 0; i < 200; i++) {
    const e = randomExpr(rng, { size: 15, vars });
    const cols = vars.map(() => Array.from({ length: 64 }, () => Math.fround(rng.range(0.5, 4))));
    const ts = evaluateBatch(e, vars, cols, 32);
    const c = evaluateBatchC(e, vars, cols);
    for (let k = 0; k < 64; k++) assert.ok(Object.is(ts[k], c[k]) || ts[k] === c[k], `${ts[k]} vs ${c[k]}`);
  }
});

Deno.test("columns freed after their last reader are never read again: values used far apart and twice in one op", () => {
  const rng = new Rng(5);
  const vars = ["x", "y"];
  const cols = vars.map(() => Array.from({ length: 257 }, () => Math.fround(rng.range(-3, 3))));
  const t = mk("*", v("x"), v("y"));
  const u = mk("+", t, t);
  const w = mk("-", mk("*", u, t), mk("*", v("x"), v("x")));
  const e = mk("fma", w, t, mk("/", u, mk("+", mk("*", w, w), num(1))));
  for (const precision of [32, 64] as const) {
    const batch = evaluateBatch(e, vars, cols, precision);
    for (let k = 0; k < 257; k++) {
      const one = evaluateBatch(e, vars, cols.map((c) => [c[k]]), precision)[0];
      assert.ok(Object.is(batch[k], one), `point ${k}: ${batch[k]} vs ${one}`);
    }
    if (precision === 32) {
      const c = evaluateBatchC(e, vars, cols);
      for (let k = 0; k < 257; k++) assert.ok(Object.is(batch[k], c[k]), `point ${k}: ${batch[k]} vs C ${c[k]}`);
    }
  }
});

Deno.test("fmaf32 rounds once: the double-rounding cases of a*b+c are right", () => {
  // 1 + 2^-24 + 2^-60: rounding through float64 would lose the tie breaker.
  const a = 1 + 2 ** -12, b = 1 + 2 ** -12; // a*b = 1 + 2^-11 + 2^-24
  const c = -(2 ** -11);
  // exact: 1 + 2^-24, a tie in float32 -> even (1); with 2^-60 more it rounds up.
  assert.equal(fmaf32(a, b, c), 1);
  assert.equal(fmaf32(a, b, c + 2 ** -60 * 0), 1);
  const up = fmaf32(Math.fround(1 + 2 ** -23), Math.fround(1 + 2 ** -23), Math.fround(-(2 ** -22)));
  // (1+2^-23)^2 - 2^-22 = 1 + 2^-46: rounds to 1.
  assert.equal(up, 1);
});

Deno.test("evaluate64 and evaluate32 at a point; unbound variables are an error", () => {
  const e = parseInfix("x*y + 1");
  assert.equal(evaluate64(e, { x: 2, y: 3 }), 7);
  assert.equal(evaluate32(mk("+", num(0.1), num(0.2)), {}), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  assert.throws(() => evaluate64(e, { x: 1 }), /unbound variable y/);
});

Deno.test("the d op evaluates as the derivative (checked against central differences)", () => {
  const rng = new Rng(21);
  const vars = ["x", "y"];
  for (let i = 0; i < 300; i++) {
    const e: Expr = randomExpr(rng, {
      size: 8,
      vars,
      mix: {
        "+": 3,
        "-": 2,
        "*": 3,
        "/": 1,
        sqrt: 1,
        exp: 1,
        log: 1,
        sin: 1,
        cos: 1,
        tanh: 1,
        atan: 1,
        hypot: 1,
        fma: 1,
        rsqrt: 1,
        pow: 1,
      },
    });
    const x = rng.range(0.7, 3.5), y = rng.range(0.7, 3.5);
    const h = 1e-6;
    const fd = (evaluate64(e, { x: x + h, y }) - evaluate64(e, { x: x - h, y })) / (2 * h);
    const dv = evaluate64(mk("d", v("x"), e), { x, y });
    const scale = Math.max(1, Math.abs(fd), Math.abs(evaluate64(e, { x, y })));
    assert.ok(Math.abs(dv - fd) <= 1e-4 * scale, `${dv} vs ${fd}`);
  }
});
