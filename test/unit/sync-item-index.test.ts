import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes, utf8Encode } from '../../src/core/bytes.ts'
import { boundBetween, compareBounds, compareKeyToBound, isCanonicalBound, MIN_BOUND } from '../../src/core/sync/bound.ts'
import { fingerprintOf } from '../../src/core/sync/fingerprint.ts'
import { ItemIndex } from '../../src/core/sync/item-index.ts'

const idOf = (n: number) => bytesToHex(sha256(utf8Encode(`post ${n}`)))
const order = (index: ItemIndex) => index.items.map((i) => `${i.lamport}:${i.hex}`)
const sortedKeys = (entries: Array<[number, string]>) =>
  [...entries].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([l, h]) => `${l}:${h}`)

describe('ItemIndex', () => {
  const entries: Array<[number, string]> = Array.from({ length: 500 }, (_, n) => [n % 37, idOf(n)])

  it('keeps (lamport, id) order whatever the insertion order', () => {
    const index = new ItemIndex()
    for (const [l, h] of [...entries].sort(() => Math.random() - 0.5)) expect(index.add(l, h)).toBe(true)
    expect(order(index)).toEqual(sortedKeys(entries))
    expect(index.size).toBe(500)
  })

  it('appends in order too (the fast path)', () => {
    const index = new ItemIndex()
    const sorted = sortedKeys(entries).map((k) => k.split(':') as [string, string])
    for (const [l, h] of sorted) index.add(Number(l), h)
    expect(order(index)).toEqual(sortedKeys(entries))
  })

  it('refuses duplicates and answers has()', () => {
    const index = new ItemIndex()
    expect(index.add(5, idOf(1))).toBe(true)
    expect(index.add(5, idOf(1))).toBe(false)
    expect(index.add(6, idOf(1))).toBe(false)
    expect(index.size).toBe(1)
    expect(index.has(idOf(1))).toBe(true)
    expect(index.has(idOf(2))).toBe(false)
  })

  it('from() sorts once, drops duplicates and matches add()', () => {
    const shuffled = [...entries, ...entries.slice(0, 50)].sort(() => Math.random() - 0.5)
    const index = ItemIndex.from(shuffled)
    expect(index.size).toBe(500)
    expect(order(index)).toEqual(sortedKeys(entries))
    expect(order(ItemIndex.from(entries.slice().sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1))))).toEqual(sortedKeys(entries))
  })

  it('from() loads 20,000 posts quickly', () => {
    const many: Array<[number, string]> = Array.from({ length: 20_000 }, (_, n) => [n >> 1, idOf(n)])
    const t = performance.now()
    const index = ItemIndex.from(many.reverse())
    expect(performance.now() - t).toBeLessThan(500)
    expect(index.size).toBe(20_000)
  })

  it('refuses what cannot be a stored post', () => {
    const index = new ItemIndex()
    expect(() => index.add(-1, idOf(1))).toThrow(TypeError)
    expect(() => index.add(1.5, idOf(1))).toThrow(TypeError)
    expect(() => index.add(2 ** 53, idOf(1))).toThrow(TypeError)
    expect(() => index.add(1, idOf(1).toUpperCase())).toThrow(TypeError)
    expect(() => index.add(1, idOf(1).slice(2))).toThrow(TypeError)
  })

  it('clone() is independent', () => {
    const index = ItemIndex.from(entries.slice(0, 10))
    const copy = index.clone()
    copy.add(99, idOf(999))
    expect(index.size).toBe(10)
    expect(copy.size).toBe(11)
    expect(index.has(idOf(999))).toBe(false)
  })

  it('finds bounds by binary search and fingerprints runs', () => {
    const index = ItemIndex.from(entries)
    expect(index.lowerBound(MIN_BOUND)).toBe(0)
    expect(index.lowerBound(null)).toBe(500)
    for (let i = 1; i < index.size; i++) {
      const b = index.boundBefore(i)
      expect(index.lowerBound(b)).toBe(i)
      expect(index.lowerBound(b, i)).toBe(i)
    }
    expect(index.lowerBound({ lamport: 10, prefix: new Uint8Array(0) })).toBe(index.items.findIndex((x) => x.lamport >= 10))
    const ids = index.items.slice(100, 200).map((x) => x.id)
    expect(bytesToHex(index.fingerprint(100, 200))).toBe(bytesToHex(fingerprintOf(ids)))
  })
})

describe('bounds', () => {
  const key = (lamport: number, hex: string) => ({ lamport, id: hexToBytes(hex.padEnd(64, '0')) })

  it('takes the lamport alone when the neighbours differ there', () => {
    const b = boundBetween(key(3, 'ff'), key(4, '00'))
    expect(b.lamport).toBe(4)
    expect(b.prefix).toHaveLength(0)
  })

  it('takes the shortest id prefix that separates neighbours with one lamport', () => {
    const prev = key(7, 'ab12ff')
    const next = key(7, 'ab1300')
    const b = boundBetween(prev, next)
    expect(bytesToHex(b.prefix)).toBe('ab13')
    expect(compareKeyToBound(prev, b)).toBeLessThan(0)
    expect(compareKeyToBound(next, b)).toBeGreaterThanOrEqual(0)
    expect(isCanonicalBound(b)).toBe(true)
  })

  it('separates ids that share 31 bytes', () => {
    const prev = key(1, 'aa'.repeat(31) + '01')
    const next = key(1, 'aa'.repeat(31) + '02')
    const b = boundBetween(prev, next)
    expect(b.prefix).toHaveLength(32)
    expect(compareKeyToBound(prev, b)).toBeLessThan(0)
    expect(compareKeyToBound(next, b)).toBe(0)
  })

  it('pads prefixes with zeros when comparing', () => {
    const a = { lamport: 2, prefix: Uint8Array.of(0xab) }
    const b = { lamport: 2, prefix: Uint8Array.of(0xab, 0x00, 0x00) }
    expect(compareBounds(a, b)).toBe(0)
    expect(isCanonicalBound(b)).toBe(false)
    expect(compareBounds(a, { lamport: 2, prefix: Uint8Array.of(0xab, 0x01) })).toBeLessThan(0)
    expect(compareBounds(a, null)).toBeLessThan(0)
    expect(compareBounds(null, null)).toBe(0)
    expect(compareKeyToBound(key(2, 'ab'), a)).toBe(0)
    expect(compareKeyToBound(key(2, 'aa'), a)).toBeLessThan(0)
    expect(compareKeyToBound(key(1, 'ff'), a)).toBeLessThan(0)
    expect(compareKeyToBound(key(3, '00'), a)).toBeGreaterThan(0)
  })
})
