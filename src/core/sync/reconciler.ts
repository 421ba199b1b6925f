import { equalBytes } from '../bytes.ts'
import type { UpperBound } from './bound.ts'
import { rangeSize, RANGES_MESSAGE_OVERHEAD } from './cbor-size.ts'
import type { ItemIndex } from './item-index.ts'
import { FINGERPRINT_BYTES, ID_LIST_THRESHOLD, MAX_RANGES_PER_MESSAGE, MAX_SYNC_MESSAGE_BYTES, SPLIT_BUCKETS } from './limits.ts'
import type { Range } from './messages.ts'

/** How large one reply may be: its encoded `ranges` message, and its number of ranges. */
export type Budget = { readonly maxBytes: number; readonly maxRanges: number }

/**
 * The smallest budget processRanges accepts (smaller ones are raised to it). It always holds a
 * complete answer to the first range that is not a skip (at worst a skip, 32 ids under a 44-byte
 * bound, and the tail fingerprint), which is what guarantees that every turn makes progress.
 */
export const MIN_BUDGET: Budget = { maxBytes: 2048, maxRanges: 32 }
export const DEFAULT_BUDGET: Budget = { maxBytes: MAX_SYNC_MESSAGE_BYTES, maxRanges: MAX_RANGES_PER_MESSAGE }

export type ProcessResult = {
  /** The ranges to send back, in order, covering the key space; all skip when `done`. */
  readonly reply: Range[]
  /** Ids of my posts that the peer lacks (from its id lists): push them. */
  readonly theyLack: string[]
  /** Ids in the peer's id lists that I lack: ask for them with `want`. Not verified yet. */
  readonly iLack: string[]
  /** The reply is a single skip: the peer, on receiving it, knows we agree and sends `end`. */
  readonly done: boolean
}

/** `[null, 1, fingerprint]`: the range that hands everything not yet answered back to the peer. */
const TAIL_BYTES = 1 + 1 + 1 + 1 + FINGERPRINT_BYTES

/**
 * The opening turn: one fingerprint over everything, so devices already in sync exchange a few
 * dozen bytes whatever the history. An empty set sends an empty id list instead, which is both
 * smaller and lets the peer answer with all of its ids at once.
 */
export function initialRanges(index: ItemIndex): Range[] {
  if (index.size === 0) return [{ upper: null, mode: 'ids', ids: [] }]
  return [{ upper: null, mode: 'fingerprint', fingerprint: index.fingerprint(0, index.size) }]
}

export function isAllSkip(ranges: readonly Range[]): boolean {
  return ranges.every((r) => r.mode === 'skip')
}

/** Accumulates a reply within a budget, merging neighbouring skips. */
class ReplyBuilder {
  readonly ranges: Range[] = []
  private bytes = RANGES_MESSAGE_OVERHEAD

  constructor(private readonly budget: Budget) {}

  /** Whether `fragment` fits while leaving room for the tail range. Counts skips unmerged, so it errs on the safe side. */
  fits(fragment: readonly Range[]): boolean {
    let extra = 0
    for (const r of fragment) extra += rangeSize(r)
    return this.bytes + extra + TAIL_BYTES <= this.budget.maxBytes && this.ranges.length + fragment.length + 1 <= this.budget.maxRanges
  }

  push(fragment: readonly Range[]): void {
    for (const r of fragment) {
      const last = this.ranges[this.ranges.length - 1]
      if (r.mode === 'skip' && last?.mode === 'skip') {
        this.bytes -= rangeSize(last)
        this.ranges[this.ranges.length - 1] = r
      } else {
        this.ranges.push(r)
      }
      this.bytes += rangeSize(r)
    }
  }
}

/** My ranges for [lo, hi) when our fingerprints differ: my ids if few, else sub-fingerprints. */
function mismatchFragment(index: ItemIndex, lo: number, hi: number, upper: UpperBound): Range[] {
  const count = hi - lo
  if (count <= ID_LIST_THRESHOLD) {
    const ids: string[] = []
    for (let i = lo; i < hi; i++) ids.push(index.at(i).hex)
    return [{ upper, mode: 'ids', ids }]
  }
  // Split by count, so each sub-range holds about count/16 of my items, whatever their spread
  // in lamport; each boundary is the shortest bound between two of my neighbours.
  const out: Range[] = []
  let start = lo
  for (let k = 1; k <= SPLIT_BUCKETS; k++) {
    const end = k === SPLIT_BUCKETS ? hi : lo + Math.floor((count * k) / SPLIT_BUCKETS)
    out.push({ upper: k === SPLIT_BUCKETS ? upper : index.boundBefore(end), mode: 'fingerprint', fingerprint: index.fingerprint(start, end) })
    start = end
  }
  return out
}

function clampBudget(budget: Partial<Budget>): Budget {
  const clamp = (v: number | undefined, min: number, max: number) =>
    v === undefined || Number.isNaN(v) ? max : Math.min(max, Math.max(min, Math.floor(v)))
  return {
    maxBytes: clamp(budget.maxBytes, MIN_BUDGET.maxBytes, DEFAULT_BUDGET.maxBytes),
    maxRanges: clamp(budget.maxRanges, MIN_BUDGET.maxRanges, DEFAULT_BUDGET.maxRanges),
  }
}

/**
 * One turn of reconciliation, the same on both sides (PROTOCOL.md §9). `ranges` is what the
 * peer sent, as parseSyncMessage returns it (ordered, covering). Pure: `index` is only read.
 *
 * Ranges are answered in order. When the next answer no longer fits the budget, the rest is
 * answered cheaply (skips stay skips, id lists are still diffed, a differing fingerprint is handed
 * back as my fingerprint of the same range, for the peer to split); whatever still does not fit
 * goes back as one fingerprint of my items from there to the end. The first range that is not a
 * skip is always answered in full (MIN_BUDGET), so every turn moves the reconciliation forward.
 */
export function processRanges(index: ItemIndex, ranges: readonly Range[], budget: Partial<Budget> = {}): ProcessResult {
  const out = new ReplyBuilder(clampBudget(budget))
  const theyLack: string[] = []
  const iLack = new Set<string>()
  let lo = 0
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i] as Range
    const hi = index.lowerBound(r.upper, lo)
    let fragment: Range[]
    let lacks: { theyLack: string[]; iLack: string[] } | undefined
    if (r.mode === 'skip') {
      fragment = [r]
    } else if (r.mode === 'ids') {
      fragment = [{ upper: r.upper, mode: 'skip' }]
      lacks = diff(index, lo, hi, r.ids)
    } else if (equalBytes(r.fingerprint, index.fingerprint(lo, hi))) {
      fragment = [{ upper: r.upper, mode: 'skip' }]
    } else {
      fragment = mismatchFragment(index, lo, hi, r.upper)
      // Handed back unsplit, the range costs what it cost the peer to send.
      if (!out.fits(fragment)) fragment = [{ upper: r.upper, mode: 'fingerprint', fingerprint: index.fingerprint(lo, hi) }]
    }
    if (!out.fits(fragment)) {
      const rest = ranges.slice(i)
      out.push([isAllSkip(rest) ? { upper: null, mode: 'skip' } : { upper: null, mode: 'fingerprint', fingerprint: index.fingerprint(lo, index.size) }])
      break
    }
    out.push(fragment)
    if (lacks) {
      // A loop, not push(...): one id list can make theyLack a whole history, past the
      // engine's limit on call arguments.
      for (const id of lacks.theyLack) theyLack.push(id)
      for (const id of lacks.iLack) iLack.add(id)
    }
    lo = hi
  }
  // Only an empty `ranges` argument leaves nothing; a reply must still cover the key space.
  if (out.ranges.length === 0) out.push([{ upper: null, mode: 'skip' }])
  const reply = out.ranges
  return { reply, theyLack, iLack: [...iLack], done: isAllSkip(reply) }
}

/** Both sides of the difference between my items in [lo, hi) and the peer's id list for that range. */
function diff(index: ItemIndex, lo: number, hi: number, theirs: readonly string[]): { theyLack: string[]; iLack: string[] } {
  const theirSet = new Set(theirs)
  const theyLack: string[] = []
  for (let i = lo; i < hi; i++) {
    const hex = index.at(i).hex
    if (!theirSet.has(hex)) theyLack.push(hex)
  }
  // Checked against the whole index, not the range: an id of mine listed in the wrong range
  // (only a broken or hostile peer does that) is still not worth fetching.
  const iLack = [...theirSet].filter((id) => !index.has(id))
  return { theyLack, iLack }
}
