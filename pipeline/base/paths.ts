/**
 * Every path of the project, in one place: the checkout's root, what ships
 * in `data/` (kernels, profiles, cost tables, the benchmark cache) and what
 * is built or measured under `build/` (ignored by git). Nothing else joins
 * a path onto ROOT.
 */
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

/** The checkout: this file is `<root>/pipeline/base/paths.ts`. */
export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** The command line, `deno run -A mod.ts ...`. */
export const MAIN = join(ROOT, "mod.ts");

/** C sources of the library and the harness. */
export const CSRC = join(ROOT, "csrc");
/** The timing harness's C sources. */
export const HARNESS_SRC = join(CSRC, "harness");

/** What ships with the project. */
export const DATA = join(ROOT, "data");
/** The kernel corpus: one FPCore file per domain (graphics, physics, autodiff, ml). */
export const KERNELS_DIR = join(DATA, "kernels");
/** Machine profiles: weights and measured data, one folder per profile. */
export const PROFILES_DIR = join(DATA, "profiles");
/** Static cost tables, one per ISA and build. */
export const COST_TABLES_DIR = join(DATA, "cost_tables");
/** Every measurement taken, appended as it is taken: what makes runs resumable. */
export const BENCH_CACHE = join(DATA, "benchmark_cache.jsonl");

/** Coefficients of the approximate functions (pipeline/approx/), written by `deno task approx:fit`. */
export const APPROX_COEFFICIENTS = join(DATA, "approx", "coefficients.json");
/** Measured speed of each approximation per ISA, relative to the vector math it replaces (bench:approx --json). */
export const APPROX_COSTS = join(DATA, "approx", "costs.json");

/** Everything built or measured here; ignored by git. */
export const BUILD = join(ROOT, "build");
/** Compiled kernels, by a hash of their source and flags. */
export const KCACHE = join(BUILD, "kcache");
/** The approximate functions' checker and benchmark programs. */
export const APPROX_BUILD = join(BUILD, "approx");
/** Measured records of calibrations, one folder per profile. */
export const CALIBRATION_DIR = join(BUILD, "calibration");

/** Minimal reproducers the fuzzer saved; the test suite replays every one. */
export const FUZZ_CORPUS = join(ROOT, "tests", "fuzz", "corpus");
