import type { UpperBound } from './bound.ts'
import type { Range } from './messages.ts'

// Exact sizes of the deterministic CBOR that encodeSyncMessage writes, so the reconciler can fill
// a reply up to the message limit without encoding it again and again.

/** A CBOR head: major type and argument (an integer, or a length). */
export function cborHeadSize(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9
}

export function boundSize(b: UpperBound): number {
  // null is one byte; a bound is [lamport, prefix].
  return b === null ? 1 : 1 + cborHeadSize(b.lamport) + cborHeadSize(b.prefix.length) + b.prefix.length
}

export function rangeSize(r: Range): number {
  // [upper, mode, payload]; ids are 32-byte strings with a 2-byte head each.
  const payload =
    r.mode === 'skip' ? 1 : r.mode === 'fingerprint' ? cborHeadSize(r.fingerprint.length) + r.fingerprint.length : cborHeadSize(r.ids.length) + 34 * r.ids.length
  return 1 + boundSize(r.upper) + 1 + payload
}

/** `[1, "ranges", [...]]` around the ranges, with the largest head the range count can need. */
export const RANGES_MESSAGE_OVERHEAD = 1 + 1 + 7 + 3
