/** The expression language: one import for the rest of the pipeline. */
export * from "./expr.ts";
export * from "./ops.ts";
export { type Benchmark, type ParsedFile, parseExpr, parseFPCoreFile, type Range } from "./fpcore.ts";
export { parseInfix } from "./infix.ts";
export { printFPCore, printFPCoreForm, printInfix } from "./print.ts";
export { evaluate, evaluate32, evaluate64, evaluateBatch, type Precision } from "./evaluate.ts";
export { differentiate, eliminateDerivatives } from "./derivative.ts";
export { bitsOfError, errorStats, ulpDistance } from "./ulp.ts";
export { nodeCost, staticCost } from "./cost.ts";
export { ParseError } from "./sexpr.ts";
export { randomExpr, Rng } from "./random.ts";
export { DEFAULT_RANGE, sampleInputs } from "./sample.ts";
