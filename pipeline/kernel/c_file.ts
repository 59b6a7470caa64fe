/**
 * A ready-to-use C file of optimized kernels: a comment header saying what
 * was done and how to build it, the SIMD preamble once, each kernel as the
 * code generator wrote it, and for each a wrapper with a readable name and
 * one pointer parameter per variable:
 *
 *     void kopt_lambert_diffuse(const float *x_nx, ..., float *out, size_t n);
 *     // out[i] = kernel(x_nx[i], ...) for i < n
 *
 * Kernels returned as the original plain C under a compiler peer's flags
 * (the optimizer could not beat it) are further parts of the same file, one
 * per peer, each selected by a macro and compiled separately with that
 * peer's flags (the header gives every command): flags cannot change within
 * one translation unit.
 *
 * Names and comment text come from the input, so they reach the file only
 * through c_text.ts: names become one-to-one C identifiers, and comment text
 * can neither close its comment nor splice a line into it.
 */
import type { KernelSource } from "./codegen.ts";
import { simdPreamble } from "./preamble.ts";
import { PLAIN_PREAMBLE } from "./plain_c.ts";
import { type CompilerConfig, kernelConfig } from "./toolchain.ts";
import type { Isa, Target } from "../target/target.ts";
import { cComment, cCommentText, cIdentifiers } from "./c_text.ts";

export interface EmittedKernel {
  /** Name to derive the wrapper's from (kernel name or id). */
  readonly name: string;
  readonly vars: readonly string[];
  readonly source: KernelSource;
  /** For plain kernels: the peer whose flags they need (e.g. gcc -O3 -ffast-math). */
  readonly peer?: CompilerConfig;
  /** Lines describing the kernel (input, rules, figures), placed above it. */
  readonly notes: readonly string[];
}

/** The macro that selects a peer's plain-C part: KOPT_PEER_GCC_O3_FFAST_MATH. */
export function peerMacro(peer: CompilerConfig): string {
  return "KOPT_PEER_" + peer.label.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_|_$/g, "");
}

/** Compile flags for a source file (without those that make a shared library). */
export function sourceFlags(config: CompilerConfig): string[] {
  return config.flags.filter((f) => f !== "-fPIC" && f !== "-shared" && !f.startsWith("-Wl,"));
}

function wrapper(k: EmittedKernel, name: string): string {
  const params = cIdentifiers("x_", k.vars);
  const decl = [...params.map((p) => `const float *${p}`), "float *out", "size_t n"].join(", ");
  const list = params.length === 0 ? "NULL" : params.join(", ");
  return [
    `void ${name}(${decl}) {`,
    `  const float *const in[] = {${list}};`,
    `  ${k.source.symbol}(in, out, n);`,
    "}",
  ].join("\n");
}

function block(lines: readonly string[], indent = ""): string {
  return lines.map((l) => `${indent} * ${cCommentText(l)}`.trimEnd()).join("\n");
}

/**
 * The C file. `header` lines go at the top (what was run); each kernel's
 * notes go above it.
 */
/** What a machine needs to run our code of each ISA, for the build notes. */
const NEEDS: Readonly<Record<Isa, string>> = {
  avx512: "needs AVX-512F and DQ (x86-64-v4)",
  avx2: "needs AVX2 and FMA (x86-64-v3)",
  neon: "needs aarch64 Advanced SIMD; SLEEF's advsimd functions",
};

export function cFile(kernels: readonly EmittedKernel[], header: readonly string[], target: Target): string {
  const ours = kernelConfig(target);
  const names = cIdentifiers("kopt_", kernels.map((k) => k.name));
  const named = kernels.map((k, i) => [k, names[i]] as const);
  const simd = named.filter(([k]) => k.source.flavor !== "plain");
  const peers = [...new Set(named.filter(([k]) => k.source.flavor === "plain").map(([k]) => k.peer))]
    .map((p) => p ?? ours);
  const parts = simd.length > 0 ? peers.length + 1 : peers.length;
  const build: string[] = [];
  if (simd.length > 0) {
    build.push(
      `  ${ours.cc} ${sourceFlags(ours).join(" ")} -c FILE.c -o FILE.o`,
      `  link with ${ours.libs.join(" ")} (libsleef-dev${target.arch === "x86_64" ? "; glibc's libmvec" : ""}); ${
        NEEDS[target.isa]
      }`,
    );
  }
  for (const p of peers) {
    const def = parts > 1 ? ` -D${peerMacro(p)}` : "";
    const obj = parts > 1 ? `FILE_${peerMacro(p).toLowerCase()}.o` : "FILE.o";
    build.push(
      `  ${p.cc} ${sourceFlags(p).join(" ")}${def} -c FILE.c -o ${obj}   (the originals left to ${p.label})`,
      `  link with ${p.libs.join(" ")}`,
    );
  }
  const out: string[] = [
    "/*",
    block(header),
    " *",
    ` * Build${parts > 1 ? " (each part of this file with its own flags)" : ""}:`,
    block(build),
    " *",
    " * Kernels (out[i] = kernel(x[i], ...) for i < n; inputs and output are float32 arrays):",
    block(
      kernels.map((k, i) =>
        `  ${names[i]}(${cIdentifiers("x_", k.vars).join(", ")}${k.vars.length ? ", " : ""}out, n)`
      ),
    ),
    " */",
  ];
  // Two kernels of the same form share one definition (the symbol is a hash of the text).
  const defined = new Set<string>();
  const define = (k: EmittedKernel) => {
    if (defined.has(k.source.symbol)) return [];
    defined.add(k.source.symbol);
    return [k.source.text];
  };
  const emit = (list: readonly (readonly [EmittedKernel, string])[]) => {
    for (const [k, name] of list) out.push("/*", block(k.notes), " */", ...define(k), wrapper(k, name), "");
  };
  const anyPeer = peers.map((p) => `defined(${peerMacro(p)})`).join(" || ");
  if (simd.length > 0) {
    if (parts > 1) out.push(`#if !(${anyPeer})`);
    out.push(simdPreamble(target.isa));
    emit(simd);
    if (parts > 1) out.push("#endif");
  }
  for (const p of peers) {
    if (parts > 1) out.push(`#if defined(${peerMacro(p)}) ${cComment(`the originals, as plain C for ${p.label}`)}`);
    out.push(PLAIN_PREAMBLE);
    emit(named.filter(([k]) => k.source.flavor === "plain" && (k.peer ?? ours) === p));
    if (parts > 1) out.push("#endif");
  }
  return out.join("\n") + "\n";
}
