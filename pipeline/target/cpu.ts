/**
 * What a CPU says about itself: `/proc/cpuinfo` read into a description.
 * Pure over the text, so host detection is tested on recorded descriptions
 * of machines we do not have (tests/target/data/*.cpuinfo), not on the live
 * one alone.
 *
 * x86-64 names its SIMD extensions in `flags` (avx2, fma, avx512f, ...);
 * aarch64 names them in `Features` (asimd is Advanced SIMD, i.e. NEON) and
 * identifies the core by `CPU implementer` and `CPU part`, with no model
 * name.
 */

export type Arch = "x86_64" | "aarch64";

export interface CpuDescription {
  readonly arch: Arch;
  /** `AuthenticAMD`, `GenuineIntel`, or the aarch64 implementer (`0x41` is Arm). */
  readonly vendor: string;
  /** `model name` on x86-64; on aarch64, `CPU part` as read. */
  readonly modelName: string;
  /** x86-64 `cpu family` and `model`; aarch64 implementer and part. Decimal. */
  readonly family: number;
  readonly model: number;
  /** Every flag (x86-64) or feature (aarch64), sorted. */
  readonly flags: readonly string[];
}

/** The first `key : value` of the text (the first processor's block). */
function field(text: string, key: string): string | undefined {
  const m = new RegExp(`^${key}\\s*:\\s*(.*)$`, "m").exec(text);
  return m === null ? undefined : m[1].trim();
}

/** `0x41` and `25` alike. */
function int(s: string | undefined): number {
  if (s === undefined) return -1;
  const n = s.startsWith("0x") ? parseInt(s.slice(2), 16) : parseInt(s, 10);
  return Number.isFinite(n) ? n : -1;
}

/**
 * Reads `/proc/cpuinfo` text. The architecture is the one the text
 * describes (aarch64 when it has `Features` and no `flags`), so a recorded
 * aarch64 description reads as aarch64 on an x86-64 host.
 */
export function parseCpuinfo(text: string): CpuDescription {
  const x86Flags = field(text, "flags");
  const armFeatures = field(text, "Features");
  if (x86Flags === undefined && armFeatures !== undefined) {
    const part = field(text, "CPU part") ?? "unknown";
    return {
      arch: "aarch64",
      vendor: field(text, "CPU implementer") ?? "unknown",
      modelName: field(text, "model name") ?? `part ${part}`,
      family: int(field(text, "CPU implementer")),
      model: int(part),
      flags: armFeatures.split(/\s+/).filter((f) => f !== "").sort(),
    };
  }
  return {
    arch: "x86_64",
    vendor: field(text, "vendor_id") ?? "unknown",
    modelName: field(text, "model name") ?? "unknown",
    family: int(field(text, "cpu family")),
    model: int(field(text, "model")),
    flags: (x86Flags ?? "").split(/\s+/).filter((f) => f !== "").sort(),
  };
}

/** AMD families and model ranges (decimal family; models as printed by the kernel). */
const AMD_CORES: readonly (readonly [family: number, lo: number, hi: number, name: string])[] = [
  [23, 0x00, 0x2f, "zen"],
  [23, 0x30, 0xff, "zen2"],
  [25, 0x00, 0x0f, "zen3"],
  [25, 0x20, 0x5f, "zen3"],
  [25, 0x10, 0x1f, "zen4"],
  [25, 0x60, 0xaf, "zen4"],
  [26, 0x00, 0xff, "zen5"],
];

/** Intel family 6 models with AVX2 or AVX-512 that these tools meet. */
const INTEL_CORES: Readonly<Record<number, string>> = {
  0x3c: "haswell",
  0x3f: "haswell",
  0x4f: "broadwell",
  0x55: "skylake-x",
  0x5e: "skylake",
  0x6a: "icelake-server",
  0x7e: "icelake",
  0x8c: "tigerlake",
  0x8f: "sapphirerapids",
  0x97: "alderlake",
  0xad: "graniterapids",
  0xcf: "emeraldrapids",
};

/** Arm Ltd (implementer 0x41) cores by part number. */
const ARM_CORES: Readonly<Record<number, string>> = {
  0xd08: "cortex-a72",
  0xd0c: "neoverse-n1",
  0xd40: "neoverse-v1",
  0xd49: "neoverse-n2",
  0xd4f: "neoverse-v2",
};

/**
 * A short core name for profile names: `zen4`, `icelake-server`,
 * `neoverse-n1`, or `amd-f25m17` where the table does not know the model.
 */
export function coreName(cpu: CpuDescription): string {
  if (cpu.arch === "aarch64") {
    const known = cpu.family === 0x41 ? ARM_CORES[cpu.model] : undefined;
    return known ?? `arm-i${cpu.family.toString(16)}p${cpu.model.toString(16)}`;
  }
  if (cpu.vendor === "AuthenticAMD") {
    const hit = AMD_CORES.find(([f, lo, hi]) => f === cpu.family && cpu.model >= lo && cpu.model <= hi);
    return hit !== undefined ? hit[3] : `amd-f${cpu.family}m${cpu.model}`;
  }
  if (cpu.vendor === "GenuineIntel") {
    return (cpu.family === 6 ? INTEL_CORES[cpu.model] : undefined) ?? `intel-f${cpu.family}m${cpu.model}`;
  }
  return `cpu-f${cpu.family}m${cpu.model}`;
}

/** The vendor as a word for profile names. */
export function vendorName(cpu: CpuDescription): string {
  if (cpu.arch === "aarch64") return cpu.family === 0x41 ? "arm" : "aarch64";
  if (cpu.vendor === "AuthenticAMD") return "amd";
  if (cpu.vendor === "GenuineIntel") return "intel";
  return "x86";
}
