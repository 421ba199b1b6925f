import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, utf8Encode } from '../../src/core/bytes.ts'
import { rangeSize, RANGES_MESSAGE_OVERHEAD } from '../../src/core/sync/cbor-size.ts'
import {
  encodeSyncMessage,
  FingerprintAccumulator,
  FINGERPRINT_BYTES,
  fingerprintOf,
  ID_LIST_THRESHOLD,
  initialRanges,
  isAllSkip,
  ItemIndex,
  MAX_RANGES_PER_MESSAGE,
  MAX_SYNC_MESSAGE_BYTES,
  MAX_TURNS,
  MIN_BUDGET,
  parseSyncMessage,
  processRanges,
  SPLIT_BUCKETS,
  type Range,
} from '../../src/core/sync/index.ts'
import { simulateSync, type SimulationResult } from '../../src/core/sync/simulate.ts'
import { prng } from './prng.ts'


const idOf = (n: number) => bytesToHex(sha256(utf8Encode(`post ${n}`)))
// A chat-like history: lamports mostly rising, about three posts per lamport value.
const post = (n: number): [number, string] => [Math.floor(n / 3) + 1, idOf(n)]
const posts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => post(from + i))

/** `n` shared posts, plus `onlyA` and `onlyB` of them removed from the other side at random. */
function diverged(n: number, onlyA: number, onlyB: number, seed: number): { a: ItemIndex; b: ItemIndex } {
  const rand = prng(seed)
  const all = posts(0, n)
  const picked = new Set<number>()
  const pick = () => {
    let i: number
    do i = Math.floor(rand() * n)
    while (picked.has(i))
    picked.add(i)
    return i
  }
  const notInB = new Set(Array.from({ length: onlyA }, pick))
  const notInA = new Set(Array.from({ length: onlyB }, pick))
  return {
    a: ItemIndex.from(all.filter((_, i) => !notInA.has(i))),
    b: ItemIndex.from(all.filter((_, i) => !notInB.has(i))),
  }
}

const idsOf = (index: ItemIndex) => new Set(index.items.map((i) => i.hex))
const minus = (x: Set<string>, y: Set<string>) => new Set([...x].filter((v) => !y.has(v)))

/** Both end with the union, and each received exactly what it lacked, once. */
function expectConverged(a: ItemIndex, b: ItemIndex, r: SimulationResult): void {
  const A = idsOf(a)
  const B = idsOf(b)
  expect(r.complete).toBe(true)
  expect(new Set(r.sentAtoB)).toEqual(minus(A, B))
  expect(new Set(r.sentBtoA)).toEqual(minus(B, A))
  expect(r.sentAtoB).toHaveLength(minus(A, B).size)
  expect(r.sentBtoA).toHaveLength(minus(B, A).size)
  const union = [...new Set([...A, ...B])].sort()
  expect([...idsOf(r.a)].sort()).toEqual(union)
  expect([...idsOf(r.b)].sort()).toEqual(union)
  expect(r.a.items.map((i) => i.hex)).toEqual(r.b.items.map((i) => i.hex))
  expect(r.largestMessage).toBeLessThanOrEqual(MAX_SYNC_MESSAGE_BYTES)
}

const figure = (label: string, r: SimulationResult) =>
  console.log(
    `[sync] ${label}: ${r.turns} turns, ${r.bytesAtoB} B a→b (${r.messagesAtoB} msgs), ${r.bytesBtoA} B b→a (${r.messagesBtoA} msgs), ` +
      `posts a→b ${r.sentAtoB.length}, b→a ${r.sentBtoA.length}, largest message ${r.largestMessage} B`,
  )

describe('reconciliation between two devices', () => {
  it('both empty: one round trip, nothing moves', () => {
    const r = simulateSync(new ItemIndex(), new ItemIndex())
    expectConverged(new ItemIndex(), new ItemIndex(), r)
    expect(r.turns).toBe(2)
  })

  it('identical 10,000: one round trip, under 300 bytes both ways', () => {
    const a = ItemIndex.from(posts(0, 10_000))
    const b = ItemIndex.from(posts(0, 10_000).reverse())
    const t = performance.now()
    const r = simulateSync(a, b)
    const ms = performance.now() - t
    figure(`in sync, 10,000 each (${ms.toFixed(0)} ms)`, r)
    expectConverged(a, b, r)
    expect(r.turns).toBe(2)
    expect(r.bytesAtoB + r.bytesBtoA).toBeLessThan(300)
    expect(r.sentAtoB.length + r.sentBtoA.length).toBe(0)
  })

  for (const [label, emptyFirst] of [['the empty side opens', true], ['the full side opens', false]] as const) {
    it(`0 vs 10,000 (${label}): the empty side receives exactly the 10,000`, () => {
      const full = ItemIndex.from(posts(0, 10_000))
      const [a, b] = emptyFirst ? [new ItemIndex(), full] : [full, new ItemIndex()]
      const r = simulateSync(a, b)
      figure(`0 vs 10,000, ${label}`, r)
      expectConverged(a, b, r)
      expect(r.sentAtoB.length + r.sentBtoA.length).toBe(10_000)
      expect(r.turns).toBeLessThanOrEqual(3)
      expect(r.bytesAtoB + r.bytesBtoA).toBeLessThan(300)
    })
  }

  for (const k of [1, 10, 100]) {
    it(`10,000 vs 10,000 with ${k} missing on each side`, () => {
      const { a, b } = diverged(10_000, k, k, k)
      const t = performance.now()
      const r = simulateSync(a, b)
      const ms = performance.now() - t
      figure(`10,000 each, ${k} differences each side (${ms.toFixed(0)} ms)`, r)
      expectConverged(a, b, r)
      expect(r.turns).toBeLessThanOrEqual(10)
      expect(ms).toBeLessThan(1000)
    })
  }

  it('lopsided: 10,000 vs 9,000 (1,000 missing on one side)', () => {
    const { a, b } = diverged(10_000, 1000, 0, 5)
    const r = simulateSync(a, b)
    figure('10,000 vs 9,000', r)
    expectConverged(a, b, r)
    expect(r.turns).toBeLessThan(MAX_TURNS)
  })

  it('disjoint sets of 10,000 each', () => {
    const a = ItemIndex.from(posts(0, 20_000).filter((_, i) => i % 2 === 0))
    const b = ItemIndex.from(posts(0, 20_000).filter((_, i) => i % 2 === 1))
    const t = performance.now()
    const r = simulateSync(a, b)
    figure(`disjoint, 10,000 each (${(performance.now() - t).toFixed(0)} ms)`, r)
    expectConverged(a, b, r)
    expect(r.turns).toBeLessThan(MAX_TURNS)
  })

  it('disjoint small sets and subsets', () => {
    const cases: Array<[number, number, number, number]> = [[0, 5, 5, 10], [0, 40, 40, 80], [0, 1, 0, 1], [0, 100, 0, 50], [0, 33, 10, 200]]
    for (const [a0, a1, b0, b1] of cases) {
      const a = ItemIndex.from(posts(a0, a1))
      const b = ItemIndex.from(posts(b0, b1))
      expectConverged(a, b, simulateSync(a, b))
      expectConverged(b, a, simulateSync(b, a))
    }
  })

  it('items that all share one lamport value (bounds need id prefixes)', () => {
    const rand = prng(77)
    const all = Array.from({ length: 5000 }, (_, n): [number, string] => [7, idOf(n)])
    const a = ItemIndex.from(all.filter(() => rand() > 0.02))
    const b = ItemIndex.from(all.filter(() => rand() > 0.02))
    const r = simulateSync(a, b)
    expectConverged(a, b, r)
  })

  it('a few lamport values with many ties, every pair of sizes', () => {
    const rand = prng(3)
    for (let round = 0; round < 20; round++) {
      const n = Math.floor(rand() * 600)
      const all = Array.from({ length: n }, (_, i): [number, string] => [Math.floor(rand() * 4), idOf(round * 1000 + i)])
      const pa = rand()
      const pb = rand()
      const a = ItemIndex.from(all.filter(() => rand() < pa))
      const b = ItemIndex.from(all.filter(() => rand() < pb))
      expectConverged(a, b, simulateSync(a, b))
    }
  })

  it('a tiny budget (raised to MIN_BUDGET) still converges, with every message inside it', () => {
    const { a, b } = diverged(3000, 60, 60, 9)
    const r = simulateSync(a, b, { budget: { maxBytes: 1, maxRanges: 1 }, maxTurns: 10_000 })
    figure('3,000 each, 60 differences each side, 2 KiB budget', r)
    expectConverged(a, b, r)
    expect(r.largestMessage).toBeLessThanOrEqual(MIN_BUDGET.maxBytes)
    const full = simulateSync(a, b)
    expect(r.turns).toBeGreaterThan(full.turns)
  })

  it('histories past the engine\'s call-argument limit (200,000 posts) do not overflow the stack', () => {
    // Cheap distinct ids: an odd multiplier is a bijection mod 2^32.
    const big = ItemIndex.from(Array.from({ length: 200_000 }, (_, n): [number, string] => [n >> 2, (Math.imul(n, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0').repeat(8)]))
    expect(big.clone().size).toBe(200_000)
    const r = processRanges(big, initialRanges(new ItemIndex()))
    expect(r.theyLack).toHaveLength(200_000)
    expect(r.done).toBe(true)
  })

  it('the minimum budget holds a complete answer to any single range', () => {
    const worstBound = { lamport: 2 ** 53 - 1, prefix: new Uint8Array(32).fill(1) }
    const skip: Range = { upper: worstBound, mode: 'skip' }
    const ids: Range = { upper: worstBound, mode: 'ids', ids: Array.from({ length: ID_LIST_THRESHOLD }, () => 'ab'.repeat(32)) }
    const fp: Range = { upper: worstBound, mode: 'fingerprint', fingerprint: new Uint8Array(FINGERPRINT_BYTES) }
    const tail = 20
    const worst = Math.max(rangeSize(ids), SPLIT_BUCKETS * rangeSize(fp))
    expect(RANGES_MESSAGE_OVERHEAD + rangeSize(skip) + worst + tail).toBeLessThanOrEqual(MIN_BUDGET.maxBytes)
    expect(1 + SPLIT_BUCKETS + 1).toBeLessThanOrEqual(MIN_BUDGET.maxRanges)
  })
})

describe('processRanges against a hostile or broken peer', () => {
  const mine = ItemIndex.from(posts(0, 10_000))
  const encodedSize = (reply: Range[]) => encodeSyncMessage({ type: 'ranges', ranges: reply }).length

  it('a fingerprint of nothing over my whole set: I split it', () => {
    const r = processRanges(mine, [{ upper: null, mode: 'fingerprint', fingerprint: fingerprintOf([]) }])
    expect(r.reply).toHaveLength(SPLIT_BUCKETS)
    expect(r.reply.every((x) => x.mode === 'fingerprint')).toBe(true)
    expect(r.theyLack).toEqual([])
    expect(r.iLack).toEqual([])
    expect(r.done).toBe(false)
  })

  it('a fingerprint that claims a huge count is just a mismatch', () => {
    const acc = new FingerprintAccumulator()
    for (const item of mine.items) acc.add(item.id)
    const huge = sha256(Uint8Array.of(...acc.sum(), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).slice(0, 16)
    const r = processRanges(mine, [{ upper: null, mode: 'fingerprint', fingerprint: huge }])
    expect(r.reply).toHaveLength(SPLIT_BUCKETS)
  })

  it('a fingerprint over a range where I hold nothing: I answer with an empty id list', () => {
    const above = { lamport: 1_000_000, prefix: new Uint8Array(0) }
    const r = processRanges(mine, [
      { upper: above, mode: 'fingerprint', fingerprint: mine.fingerprint(0, mine.size) },
      { upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(16).fill(9) },
    ])
    expect(r.reply).toEqual([
      { upper: above, mode: 'skip' },
      { upper: null, mode: 'ids', ids: [] },
    ])
  })

  it('ids that exist nowhere end up in iLack (the driver verifies what arrives)', () => {
    const small = ItemIndex.from(posts(0, 5))
    const bogus = ['00'.repeat(32), 'ff'.repeat(32)]
    const known = small.at(2).hex
    const r = processRanges(small, [{ upper: null, mode: 'ids', ids: [...bogus, known, bogus[0] as string] }])
    expect(r.iLack.sort()).toEqual(bogus)
    expect(r.theyLack).toEqual(small.items.filter((_, i) => i !== 2).map((x) => x.hex))
    expect(r.reply).toEqual([{ upper: null, mode: 'skip' }])
    expect(r.done).toBe(true)
  })

  it('an all-skip turn is done and says nothing', () => {
    const r = processRanges(mine, [{ upper: { lamport: 5, prefix: new Uint8Array(0) }, mode: 'skip' }, { upper: null, mode: 'skip' }])
    expect(r).toEqual({ reply: [{ upper: null, mode: 'skip' }], theyLack: [], iLack: [], done: true })
    expect(isAllSkip(r.reply)).toBe(true)
  })

  it('a full message of mismatching fingerprints: the reply stays within the limits', () => {
    // As many fingerprint ranges as 64 KiB holds, each over a few of my items.
    const count = 2600
    const step = Math.floor(mine.size / count)
    const flood: Range[] = []
    for (let i = 1; i < count; i++) {
      flood.push({ upper: mine.boundBefore(i * step), mode: 'fingerprint', fingerprint: new Uint8Array(16).fill(i % 256) })
    }
    flood.push({ upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(16) })
    expect(parseSyncMessage(encodeSyncMessage({ type: 'ranges', ranges: flood }))).not.toBeNull()
    const t = performance.now()
    const r = processRanges(mine, flood)
    expect(performance.now() - t).toBeLessThan(200)
    expect(encodedSize(r.reply)).toBeLessThanOrEqual(MAX_SYNC_MESSAGE_BYTES)
    expect(r.reply.length).toBeLessThanOrEqual(MAX_RANGES_PER_MESSAGE)
    expect(parseSyncMessage(encodeSyncMessage({ type: 'ranges', ranges: r.reply }))).not.toBeNull()
    // The first range was answered in full: my ids for it.
    expect(r.reply[0]).toMatchObject({ mode: 'ids' })
  })

  it('a message of the most ranges allowed, all empty id lists: answered at once', () => {
    const flood: Range[] = []
    for (let i = 1; i < MAX_RANGES_PER_MESSAGE; i++) flood.push({ upper: mine.boundBefore(i), mode: 'ids', ids: [] })
    flood.push({ upper: null, mode: 'ids', ids: [] })
    const t = performance.now()
    const r = processRanges(mine, flood)
    expect(performance.now() - t).toBeLessThan(200)
    expect(r.theyLack).toHaveLength(mine.size)
    expect(r.reply).toEqual([{ upper: null, mode: 'skip' }])
  })

  it('a peer that never agrees is cut off by MAX_TURNS, each of my replies within the limits', () => {
    const rand = prng(1)
    const liar = (reply: Range[]): Range[] =>
      reply.map((x) => ({ upper: x.upper, mode: 'fingerprint', fingerprint: Uint8Array.from({ length: 16 }, () => Math.floor(rand() * 256)) }))
    let incoming: Range[] = initialRanges(ItemIndex.from(posts(0, 10)))
    let turns = 0
    let sent = 0
    const t = performance.now()
    while (turns < MAX_TURNS) {
      const r = processRanges(mine, incoming)
      const size = encodedSize(r.reply)
      expect(size).toBeLessThanOrEqual(MAX_SYNC_MESSAGE_BYTES)
      expect(r.done).toBe(false)
      sent += size
      incoming = liar(r.reply)
      turns += 2
    }
    console.log(`[sync] hostile peer: cut off after ${turns} turns, ${sent} B sent, ${(performance.now() - t).toFixed(0)} ms`)
    expect(sent).toBeLessThanOrEqual((MAX_TURNS / 2) * MAX_SYNC_MESSAGE_BYTES)
  })

  it('honest 10k syncs need far fewer turns than MAX_TURNS', () => {
    const { a, b } = diverged(10_000, 300, 300, 21)
    const r = simulateSync(a, b)
    figure('10,000 each, 300 differences each side', r)
    expectConverged(a, b, r)
    expect(r.turns).toBeLessThanOrEqual(MAX_TURNS / 4)
  })
})
