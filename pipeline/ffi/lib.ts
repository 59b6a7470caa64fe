/**
 * Opens the C library once per process, building it first if it is stale.
 */
import { ensureLibrary } from "./build.ts";
import { type Kopt, SYMBOLS } from "./symbols.ts";

let opened: Kopt | null = null;

/** The library's symbols; the first call builds (if needed) and loads it. */
export function kopt(): Kopt {
  if (opened === null) opened = Deno.dlopen(ensureLibrary(), SYMBOLS).symbols;
  return opened;
}

/** Reads a NUL-terminated C string returned by the library. */
export function cString(p: Deno.PointerValue): string | null {
  return p === null ? null : new Deno.UnsafePointerView(p).getCString();
}
