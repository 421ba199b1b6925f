import { hexToBytes } from '../bytes.ts'
import { boundBetween, compareKeyToBound, type Bound, type UpperBound } from './bound.ts'
import { FingerprintAccumulator } from './fingerprint.ts'

/** One post as sync sees it: its order key, with the id both as bytes and as hex. */
export type Item = { readonly lamport: number; readonly id: Uint8Array; readonly hex: string }

const ID_HEX = /^[0-9a-f]{64}$/

// Lowercase hex of equal length compares like the bytes, so (lamport, hex) is the display order.
function compareItems(a: { lamport: number; hex: string }, b: { lamport: number; hex: string }): number {
  if (a.lamport !== b.lamport) return a.lamport < b.lamport ? -1 : 1
  return a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0
}

function makeItem(lamport: number, hex: string): Item {
  // Callers hold verified posts; anything else here is a bug, so it throws.
  if (!Number.isSafeInteger(lamport) || lamport < 0) throw new TypeError(`bad lamport ${lamport}`)
  if (!ID_HEX.test(hex)) throw new TypeError(`bad post id ${hex}`)
  return { lamport, id: hexToBytes(hex), hex }
}

/** The posts of one room in (lamport, id) order, with the lookups the reconciler needs. */
export class ItemIndex {
  private readonly sorted: Item[] = []
  private readonly present = new Set<string>()

  /** Sorts once: loading a room's history should not cost n binary insertions. */
  static from(entries: Iterable<readonly [number, string]>): ItemIndex {
    const index = new ItemIndex()
    for (const [lamport, hex] of entries) {
      if (index.present.has(hex)) continue
      index.present.add(hex)
      index.sorted.push(makeItem(lamport, hex))
    }
    // Rows read from the [room+lamport+id] index arrive sorted already; checking is cheaper.
    const items = index.sorted
    for (let i = 1; i < items.length; i++) {
      if (compareItems(items[i - 1] as Item, items[i] as Item) > 0) {
        items.sort(compareItems)
        break
      }
    }
    return index
  }

  /** A copy that shares the (immutable) items but not the ordering or the lookup set. */
  clone(): ItemIndex {
    const copy = new ItemIndex()
    // Element by element: push(...items) overflows the call stack on large histories.
    for (const item of this.sorted) copy.sorted.push(item)
    for (const hex of this.present) copy.present.add(hex)
    return copy
  }

  get size(): number {
    return this.sorted.length
  }

  /** All items in order. Read-only: the index owns the array. */
  get items(): readonly Item[] {
    return this.sorted
  }

  has(idHex: string): boolean {
    return this.present.has(idHex)
  }

  at(i: number): Item {
    const item = this.sorted[i]
    if (item === undefined) throw new RangeError(`no item at ${i}`)
    return item
  }

  /** Adds a post; false if it was already there. */
  add(lamport: number, idHex: string): boolean {
    if (this.present.has(idHex)) return false
    const item = makeItem(lamport, idHex)
    const items = this.sorted
    const last = items[items.length - 1]
    // New posts carry the largest lamport so far: appending is the common case.
    if (last === undefined || compareItems(last, item) < 0) {
      items.push(item)
    } else {
      let lo = 0
      let hi = items.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (compareItems(items[mid] as Item, item) < 0) lo = mid + 1
        else hi = mid
      }
      items.splice(lo, 0, item)
    }
    this.present.add(idHex)
    return true
  }

  /** Index of the first item at or above `bound` (the size for +infinity). */
  lowerBound(bound: UpperBound, from = 0): number {
    const items = this.sorted
    if (bound === null) return items.length
    let lo = from
    let hi = items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareKeyToBound(items[mid] as Item, bound) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The shortest bound between item i − 1 and item i (0 < i < size). */
  boundBefore(i: number): Bound {
    return boundBetween(this.at(i - 1), this.at(i))
  }

  /** Fingerprint of the items in [lo, hi). */
  fingerprint(lo: number, hi: number): Uint8Array {
    const acc = new FingerprintAccumulator()
    const items = this.sorted
    for (let i = lo; i < hi; i++) acc.add((items[i] as Item).id)
    return acc.digest()
  }
}
