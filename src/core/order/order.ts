/** What ordering needs from a post; both fields are inside the signed bytes. */
export type Orderable = { readonly lamport: number; readonly id: string }

/**
 * `(lamport, id)` ascending (PROTOCOL.md §6). Ids are same-length lowercase hex, so comparing
 * them as strings is comparing the hashes as numbers; `<` is used rather than localeCompare,
 * whose result depends on the device's locale.
 */
export function comparePosts(a: Orderable, b: Orderable): number {
  if (a.lamport !== b.lamport) return a.lamport < b.lamport ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * The Lamport clock for a new post: one more than the largest stored (1 in an empty room).
 * At the 2^53 − 1 ceiling it stays there instead of producing a post every receiver would
 * reject; someone who posted the ceiling on purpose cannot make the room unwritable.
 */
export function nextLamport(maxStored: number | undefined): number {
  const max = maxStored ?? 0
  return max >= Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : Math.max(0, Math.floor(max)) + 1
}

/** A sorted copy; the input is left as it was. */
export function sortPosts<T extends Orderable>(posts: readonly T[]): T[] {
  return [...posts].sort(comparePosts)
}
