/** Kernels: code generation, batch compilation, the timing harness, accuracy and peers in one import. */
export { CODEGEN_VERSION, CodegenError, type KernelSource, simdKernel } from "./codegen.ts";
export { plainKernel } from "./plain_c.ts";
export { EXACT_OPS, ulpBound } from "./preamble.ts";
export { type CompilerConfig, kernelConfig, peerConfigs } from "./toolchain.ts";
export { compileKernels, type CompileOptions, type CompileResult } from "./compile.ts";
export { type HarnessJob, type HarnessResult, type HarnessSettings, runHarness } from "./harness.ts";
export { type Machine, machineFingerprint } from "./machine.ts";
export { kernelAccuracy } from "./accuracy.ts";
export {
  type BenchOptions,
  benchRecords,
  compileRecords,
  type CompileRecordsOptions,
  DEFAULT_N,
  measureExpressions,
} from "./measure.ts";
export { loadBenchCache } from "./bench_cache.ts";
export { formatPeersTable, type PeersResult, runPeers } from "./peers.ts";
export { formatOpCosts, measureOpCosts, type OpCost } from "./op_costs.ts";
