import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes, hexToBytes } from '../../src/core/bytes.ts'
import { encodeVarint, FingerprintAccumulator, fingerprintOf } from '../../src/core/sync/fingerprint.ts'
import { prng } from './prng.ts'


function randomIds(count: number, seed: number): Uint8Array[] {
  const rand = prng(seed)
  return Array.from({ length: count }, () => {
    const id = new Uint8Array(32)
    // Mostly 0xff bytes now and then, so carries run through many limbs.
    const mode = rand()
    for (let i = 0; i < 32; i++) id[i] = mode < 0.3 ? 0xff : mode < 0.4 ? (rand() < 0.9 ? 0xff : 0) : Math.floor(rand() * 256)
    return id
  })
}

const toBigInt = (le: Uint8Array) => le.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n)
const MOD = 1n << 256n

describe('fingerprint', () => {
  it('sums ids as little-endian 256-bit integers mod 2^256, like a BigInt reference', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const ids = randomIds(1 + (seed * 37) % 300, seed)
      const acc = new FingerprintAccumulator()
      let ref = 0n
      for (const id of ids) {
        acc.add(id)
        ref = (ref + toBigInt(id)) % MOD
      }
      expect(toBigInt(acc.sum())).toBe(ref)
      expect(acc.count).toBe(ids.length)
    }
  })

  it('carries out of the top limb and wraps', () => {
    const acc = new FingerprintAccumulator()
    acc.add(new Uint8Array(32).fill(0xff))
    acc.add(Uint8Array.of(1, ...new Uint8Array(31)))
    expect(bytesToHex(acc.sum())).toBe('00'.repeat(32))
  })

  it('is sha256(sum || varint(count)) cut to 16 bytes', () => {
    const ids = randomIds(200, 7)
    const acc = new FingerprintAccumulator()
    for (const id of ids) acc.add(id)
    const expected = sha256(concatBytes(acc.sum(), Uint8Array.of(0xc8, 0x01))).slice(0, 16)
    expect(bytesToHex(acc.digest())).toBe(bytesToHex(expected))
    expect(acc.digest()).toHaveLength(16)
  })

  it('does not depend on order', () => {
    const ids = randomIds(500, 3)
    const shuffled = [...ids].sort(() => Math.random() - 0.5)
    expect(bytesToHex(fingerprintOf(shuffled))).toBe(bytesToHex(fingerprintOf(ids)))
  })

  it('includes the count: same sum, different sizes, different fingerprints', () => {
    const [x] = randomIds(1, 9) as [Uint8Array]
    const zero = new Uint8Array(32)
    expect(bytesToHex(fingerprintOf([x, zero]))).not.toBe(bytesToHex(fingerprintOf([x])))
    // x + x written as one id: equal sums, counts 2 and 1.
    const twice = new FingerprintAccumulator()
    twice.add(x)
    twice.add(x)
    expect(bytesToHex(fingerprintOf([twice.sum()]))).not.toBe(bytesToHex(twice.digest()))
    expect(bytesToHex(fingerprintOf([]))).not.toBe(bytesToHex(fingerprintOf([zero])))
  })

  it('refuses ids that are not 32 bytes', () => {
    expect(() => new FingerprintAccumulator().add(new Uint8Array(31))).toThrow(RangeError)
  })

  it('writes counts as unsigned LEB128', () => {
    expect([...encodeVarint(0)]).toEqual([0])
    expect([...encodeVarint(127)]).toEqual([0x7f])
    expect([...encodeVarint(128)]).toEqual([0x80, 0x01])
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02])
    expect([...encodeVarint(2 ** 35)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
    expect(() => encodeVarint(-1)).toThrow(RangeError)
  })

  it('sums 10,000 ids in a few milliseconds', () => {
    const ids = randomIds(10_000, 11)
    const t = performance.now()
    for (let round = 0; round < 10; round++) fingerprintOf(ids)
    expect((performance.now() - t) / 10).toBeLessThan(20)
  })

  it('matches the vectors of PROTOCOL.md §9 (checked with Python int and hashlib)', () => {
    const post = hexToBytes('662daa8ab7735f670a3c2d267a51c9efb0f5bf9ab4d971d89316315c47cfb70d')
    const hello = hexToBytes('3b7bae9f864cb7d5e030f34a4c2c3d3161946fe32ecfa1b3df1b2b99c1b5a641')
    expect(bytesToHex(fingerprintOf([]))).toBe('7f9c9e31ac8256ca2f258583df262dbc')
    expect(bytesToHex(fingerprintOf([post]))).toBe('1609cb9fa30b89ac010e9c5085665933')
    const acc = new FingerprintAccumulator()
    acc.add(post)
    acc.add(hello)
    expect(bytesToHex(acc.sum())).toBe('a1a8582a3ec0163deb6c2071c67d0621128a2f7ee3a8138c73325cf508855e4f')
    expect(bytesToHex(acc.digest())).toBe('764f5c58097f93cd78937652d62500c9')
  })
})
