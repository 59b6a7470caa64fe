/**
 * The machine fingerprint every measured record carries, so that timings
 * from different machines (or compilers, or C libraries) never mix in a
 * cache: readable fields plus a short stable hash over all of them.
 *
 * The hash covers the CPU model, family/model/stepping, the full CPU flag
 * list, the kernel compiler's version and glibc's (libmvec) version; the
 * readable `cpu_flags` keep only the SIMD-relevant flags.
 */
import { createHash } from "node:crypto";
import { compilerVersion } from "./toolchain.ts";

export interface Machine {
  /** 12 hex digits over every field below and the full flag list. */
  readonly hash: string;
  readonly cpu: string;
  /** `family 25 model 17 stepping 1`. */
  readonly cpu_id: string;
  readonly cpu_flags: readonly string[];
  readonly cores: number;
  readonly compiler: string;
  readonly glibc: string;
}

const SIMD_FLAG = /^(sse\d?|ssse3|sse4_[12]|avx.*|fma|f16c|bmi[12]|amx.*)$/;

function cpuinfoField(text: string, key: string): string {
  const m = new RegExp(`^${key}\\s*:\\s*(.*)$`, "m").exec(text);
  return m === null ? "unknown" : m[1].trim();
}

function glibcVersion(): string {
  try {
    const r = new Deno.Command("getconf", { args: ["GNU_LIBC_VERSION"], stdout: "piped", stderr: "null" })
      .outputSync();
    if (r.success) return new TextDecoder().decode(r.stdout).trim().replace(/^glibc\s*/, "");
  } catch { /* no getconf */ }
  return "unknown";
}

let cached: Machine | null = null;

/** This machine's fingerprint (read once per process). */
export function machineFingerprint(): Machine {
  if (cached !== null) return cached;
  let info = "";
  try {
    info = Deno.readTextFileSync("/proc/cpuinfo");
  } catch { /* not Linux: fields stay unknown */ }
  const allFlags = cpuinfoField(info, "flags").split(/\s+/).filter((f) => f !== "" && f !== "unknown").sort();
  const fields = {
    cpu: cpuinfoField(info, "model name"),
    cpu_id: `family ${cpuinfoField(info, "cpu family")} model ${cpuinfoField(info, "model")} stepping ${
      cpuinfoField(info, "stepping")
    }`,
    cpu_flags: allFlags.filter((f) => SIMD_FLAG.test(f)),
    cores: navigator.hardwareConcurrency ?? 1,
    compiler: compilerVersion("gcc"),
    glibc: glibcVersion(),
  };
  const hash = createHash("sha256")
    .update(JSON.stringify([fields.cpu, fields.cpu_id, allFlags, fields.compiler, fields.glibc]))
    .digest("hex")
    .slice(0, 12);
  cached = Object.freeze({ hash, ...fields });
  return cached;
}
