/**
 * The project's hashes of strings. Seeds, splits and cache keys are derived
 * from them, so their values are part of what makes a run repeatable: a
 * change here changes every variant set, validation split and feature row.
 */

/** FNV-1a's 32-bit offset basis. */
export const FNV32_BASIS = 0x811c9dc5;

/**
 * 32-bit FNV-1a over the UTF-16 code units of `s`, as an unsigned integer.
 * `basis` lets a caller mix a seed in before the string (the per-kernel
 * seeds of variants do), so one id gives unrelated streams under two seeds.
 */
export function fnv1a32(s: string, basis: number = FNV32_BASIS): number {
  let h = basis;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** 64-bit FNV-1a over the UTF-8 bytes of `text`: where 32 bits would collide (feature names, checksums). */
export function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}
