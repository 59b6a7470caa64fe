/**
 * The typed symbol table of `csrc/` (mirror of `csrc/kopt.h`). This file is
 * the only place in the project that names C symbols; deno_bindgen is not
 * available here, so the table is written by hand and checked by tests.
 */
export const SYMBOLS = {
  kopt_kind_count: { parameters: [], result: "i32" },
  kopt_kind_name: { parameters: ["i32"], result: "pointer" },
  kopt_now_ns: { parameters: [], result: "f64" },
  kopt_eval_f32: {
    // code, ninstr, consts, inputs, nvars, out, n
    parameters: ["buffer", "i32", "buffer", "buffer", "i32", "buffer", "i64"],
    result: "i32",
  },
  // csrc/nnue.h: the network (ffi/nnue.ts wraps these).
  nnue_new: { parameters: ["i32", "u64", "f32"], result: "pointer" },
  nnue_free: { parameters: ["pointer"], result: "void" },
  nnue_rows: { parameters: ["pointer"], result: "i32" },
  nnue_set_init: { parameters: ["pointer", "buffer", "buffer", "i32"], result: "i32" },
  nnue_row_init: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  nnue_row_get: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  nnue_row_set: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  nnue_changed_rows: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  nnue_head_get: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  nnue_head_set: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  nnue_acc_build: { parameters: ["pointer", "buffer", "i32", "buffer"], result: "i32" },
  // net, off, feats, n, accs
  nnue_acc_build_batch: { parameters: ["pointer", "buffer", "buffer", "i32", "buffer"], result: "i32" },
  // net, acc, removed, nr, added, na
  nnue_acc_apply_delta: { parameters: ["pointer", "buffer", "buffer", "i32", "buffer", "i32"], result: "i32" },
  // net, accs, n, rem_off, rem, add_off, add
  nnue_acc_apply_delta_batch: {
    parameters: ["pointer", "buffer", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // net, head, accs, n, out
  nnue_eval: { parameters: ["pointer", "i32", "buffer", "i32", "buffer"], result: "i32" },
  // net, head, base, n, rem_off, rem, add_off, add, out
  nnue_score_candidates: {
    parameters: ["pointer", "i32", "buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // net, opts, nopts, off, feats, n, targets, groups, pred, stats
  nnue_train_step: {
    parameters: ["pointer", "buffer", "i32", "buffer", "buffer", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  nnue_reset_optimizer: { parameters: ["pointer"], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

export type Kopt = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
