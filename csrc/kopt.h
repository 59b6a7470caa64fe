/*
 * kopt: the C side of the kernel optimizer, loaded by Deno over FFI.
 * ffi/symbols.ts is the typed mirror of this header; keep them in step.
 */
#ifndef KOPT_H
#define KOPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Node kinds, in the order of OP_NAMES in pipeline/expr/ops.ts (after the two
 * leaf kinds). The order is part of the format of bytecode and features.
 */
#define KOPT_OPS(X) \
  X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(NEG, "neg") \
  X(FABS, "fabs") X(COPYSIGN, "copysign") X(FMIN, "fmin") X(FMAX, "fmax") \
  X(FLOOR, "floor") X(SQRT, "sqrt") X(CBRT, "cbrt") X(FMA, "fma") \
  X(FMS, "fms") X(FNMA, "fnma") X(RSQRT, "rsqrt") X(MULRSQRT, "mulrsqrt") \
  X(RECIP, "recip") X(EXP, "exp") X(EXP2, "exp2") X(EXPM1, "expm1") \
  X(LOG, "log") X(LOG2, "log2") X(LOG1P, "log1p") X(SIN, "sin") \
  X(COS, "cos") X(TAN, "tan") X(ASIN, "asin") X(ACOS, "acos") \
  X(ATAN, "atan") X(ATAN2, "atan2") X(SINH, "sinh") X(COSH, "cosh") \
  X(TANH, "tanh") X(POW, "pow") X(HYPOT, "hypot") X(D, "d") \
  X(SELECT, "select") X(LT, "lt") X(LE, "le") X(EQ, "eq") X(NE, "ne") \
  X(AND, "and") X(OR, "or") X(NOT, "not")

enum kopt_kind {
  KOPT_CONST = 0,
  KOPT_VAR = 1,
#define KOPT_ENUM(id, name) KOPT_##id,
  KOPT_OPS(KOPT_ENUM)
#undef KOPT_ENUM
  KOPT_KIND_COUNT
};

/* Number of node kinds and their names, so TypeScript can check the order. */
int32_t kopt_kind_count(void);
const char *kopt_kind_name(int32_t kind);

/* Monotonic clock in nanoseconds (CLOCK_MONOTONIC). */
double kopt_now_ns(void);

/*
 * Batch float32 evaluation of a bytecode program. Instruction i is
 * code[4i..4i+3] = {kind, a, b, c} and its value lands in slot i; a leaf's
 * `a` is a variable index (into `inputs`, column-major: variable v at
 * inputs[v*n]) or a constant index (into `consts`); an op's a, b, c are
 * earlier slots. The last instruction is the result, written to out[0..n).
 * Every op rounds to float32 exactly as the float32 evaluator in
 * pipeline/expr/evaluate.ts does. Truth values are 1.0f and 0.0f. Returns 0, or -1 on a malformed program.
 */
int32_t kopt_eval_f32(const int32_t *code, int32_t ninstr, const float *consts,
                      const float *inputs, int32_t nvars, float *out, int64_t n);

#endif
