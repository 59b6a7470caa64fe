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
} as const satisfies Deno.ForeignLibraryInterface;

export type Kopt = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
