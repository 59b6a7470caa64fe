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
 * (the optimizer could not beat it) are a second part of the same file,
 * compiled separately with those flags (the header gives both commands):
 * flags cannot change within one translation unit.
 *
 * Names and comment text come from the input, so they are sanitized: names
 * become C identifiers (letters, digits, `_`), and comment text cannot
 * close the comment.
 */
import type { KernelSource } from "./codegen.ts";
import { simdPreamble } from "./preamble.ts";
import { PLAIN_PREAMBLE } from "./plain_c.ts";
import { type CompilerConfig, KERNEL_CONFIGS } from "./toolchain.ts";

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

/** The macro that selects the plain-C part of a file with both parts. */
export const PEER_PART_MACRO = "KOPT_PEER_PART";

/** Text safe inside a C block comment. */
export function commentSafe(s: string): string {
  return s.replaceAll("*/", "* /").replaceAll("/*", "/ *");
}

/** `s` as a C identifier: other characters become `_`. */
function identifier(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 60);
  return t === "" ? "kernel" : t;
}

/** Compile flags for a source file (without those that make a shared library). */
export function sourceFlags(config: CompilerConfig): string[] {
  return config.flags.filter((f) => f !== "-fPIC" && f !== "-shared" && !f.startsWith("-Wl,"));
}

function uniqueNames(names: readonly string[], prefix: string): string[] {
  const used = new Map<string, number>();
  return names.map((n) => {
    const base = prefix + identifier(n);
    const k = used.get(base) ?? 0;
    used.set(base, k + 1);
    return k === 0 ? base : `${base}_${k + 1}`;
  });
}

function wrapper(k: EmittedKernel, name: string): string {
  const params = uniqueNames(k.vars, "x_");
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
  return lines.map((l) => `${indent} * ${commentSafe(l)}`.trimEnd()).join("\n");
}

/**
 * The C file. `header` lines go at the top (what was run); each kernel's
 * notes go above it.
 */
export function cFile(kernels: readonly EmittedKernel[], header: readonly string[]): string {
  const names = uniqueNames(kernels.map((k) => k.name), "kopt_");
  const simd = kernels.map((k, i) => [k, names[i]] as const).filter(([k]) => k.source.flavor !== "plain");
  const plain = kernels.map((k, i) => [k, names[i]] as const).filter(([k]) => k.source.flavor === "plain");
  const peers = [...new Set(plain.map(([k]) => k.peer ?? KERNEL_CONFIGS.avx512))];
  if (peers.length > 1) throw new Error("cFile: plain kernels for more than one peer");
  const ours = KERNEL_CONFIGS.avx512;
  const oursCc = `${ours.cc} ${sourceFlags(ours).join(" ")}`;
  const peerCc = peers.length === 0 ? "" : `${peers[0].cc} ${sourceFlags(peers[0]).join(" ")}`;
  const both = simd.length > 0 && plain.length > 0;
  const build: string[] = [];
  if (simd.length > 0) {
    build.push(
      `  ${oursCc} -c FILE.c -o FILE.o`,
      `  link with ${ours.libs.join(" ")} (libsleef-dev; glibc's libmvec); needs AVX-512F (x86-64-v4)`,
    );
  }
  if (plain.length > 0) {
    build.push(
      both
        ? `  ${peerCc} -D${PEER_PART_MACRO} -c FILE.c -o FILE_peer.o   (the second part, same file)`
        : `  ${peerCc} -c FILE.c -o FILE.o`,
      `  link with ${peers[0].libs.join(" ")}`,
    );
  }
  const out: string[] = [
    "/*",
    block(header),
    " *",
    " * Build:",
    block(build),
    " *",
    " * Kernels (out[i] = kernel(x[i], ...) for i < n; inputs and output are float32 arrays):",
    block(
      kernels.map((k, i) => `  ${names[i]}(${uniqueNames(k.vars, "x_").join(", ")}${k.vars.length ? ", " : ""}out, n)`),
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
  if (simd.length > 0) {
    if (both) out.push(`#ifndef ${PEER_PART_MACRO}`);
    out.push(simdPreamble("avx512"));
    for (const [k, name] of simd) {
      out.push("/*", block(k.notes), " */", ...define(k), wrapper(k, name), "");
    }
    if (both) out.push(`#else /* ${PEER_PART_MACRO}: the originals, as plain C for ${peers[0].label} */`);
  }
  if (plain.length > 0) {
    out.push(PLAIN_PREAMBLE);
    for (const [k, name] of plain) {
      out.push("/*", block(k.notes), " */", ...define(k), wrapper(k, name), "");
    }
    if (both) out.push(`#endif /* ${PEER_PART_MACRO} */`);
  }
  return out.join("\n") + "\n";
}
