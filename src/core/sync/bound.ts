import { ID_BYTES } from './limits.ts'

/**
 * A point in the key space of posts, ordered by (lamport, id). `prefix` stands for the id that
 * starts with it and continues with zero bytes, so a short prefix can separate two neighbours
 * (PROTOCOL.md §9). A canonical prefix is at most 32 bytes and never ends with a zero byte.
 */
export type Bound = { readonly lamport: number; readonly prefix: Uint8Array }

/** A range's exclusive upper end; null is +infinity. */
export type UpperBound = Bound | null

/** What a bound is compared with: a post's order key. */
export type Key = { readonly lamport: number; readonly id: Uint8Array }

/** Where the first range starts: below every key. */
export const MIN_BOUND: Bound = { lamport: 0, prefix: new Uint8Array(0) }

/** Negative when `key` is below `bound`, otherwise 0 or positive (0: the id starts with the prefix). */
export function compareKeyToBound(key: Key, bound: UpperBound): number {
  if (bound === null) return -1
  if (key.lamport !== bound.lamport) return key.lamport < bound.lamport ? -1 : 1
  const p = bound.prefix
  for (let i = 0; i < p.length; i++) {
    const a = key.id[i] as number
    const b = p[i] as number
    if (a !== b) return a < b ? -1 : 1
  }
  // Equal on the prefix: the bound continues with zeros, which no id byte is below.
  return 0
}

export function compareBounds(a: UpperBound, b: UpperBound): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
  if (a.lamport !== b.lamport) return a.lamport < b.lamport ? -1 : 1
  const n = Math.max(a.prefix.length, b.prefix.length)
  for (let i = 0; i < n; i++) {
    const x = a.prefix[i] ?? 0
    const y = b.prefix[i] ?? 0
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/**
 * The shortest bound above `prev` and at or below `next` (prev < next): the lamport alone when
 * they differ there, else the id bytes up to and including the first that differs.
 */
export function boundBetween(prev: Key, next: Key): Bound {
  if (prev.lamport !== next.lamport) return { lamport: next.lamport, prefix: new Uint8Array(0) }
  let i = 0
  while (i < ID_BYTES - 1 && prev.id[i] === next.id[i]) i++
  return { lamport: next.lamport, prefix: next.id.slice(0, i + 1) }
}

/** Whether a decoded bound is in range and canonical (one spelling per bound). */
export function isCanonicalBound(b: Bound): boolean {
  const p = b.prefix
  return Number.isSafeInteger(b.lamport) && b.lamport >= 0 && p.length <= ID_BYTES && (p.length === 0 || p[p.length - 1] !== 0)
}
