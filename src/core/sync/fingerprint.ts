import { sha256 } from '@noble/hashes/sha2.js'
import { FINGERPRINT_BYTES, ID_BYTES } from './limits.ts'

/** Unsigned LEB128, as Negentropy uses for the count. */
export function encodeVarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint of ${n}`)
  const out: number[] = []
  // Division rather than shifts: counts may pass 2^31, where JS bit operators wrap.
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/**
 * Fingerprint of a set of ids, built one id at a time: the ids are summed as little-endian
 * 256-bit integers mod 2^256, then `sha256(sum || varint(count))` is cut to 16 bytes.
 * A sum rather than XOR: with XOR, a few hundred chosen ids solve a linear system for any target
 * fingerprint. Eight uint32 limbs with a carry, because a BigInt per id is far slower over 10k ids.
 */
export class FingerprintAccumulator {
  private readonly limbs = new Uint32Array(8)
  private n = 0

  get count(): number {
    return this.n
  }

  add(id: Uint8Array): void {
    if (id.length !== ID_BYTES) throw new RangeError(`an id has ${ID_BYTES} bytes, not ${id.length}`)
    const limbs = this.limbs
    let carry = 0
    for (let i = 0, o = 0; i < 8; i++, o += 4) {
      const word = ((id[o] as number) | ((id[o + 1] as number) << 8) | ((id[o + 2] as number) << 16) | ((id[o + 3] as number) << 24)) >>> 0
      const s = (limbs[i] as number) + word + carry
      // The Uint32Array store keeps s mod 2^32; the carry out of the top limb is the mod 2^256.
      limbs[i] = s
      carry = s > 0xffffffff ? 1 : 0
    }
    this.n++
  }

  /** The 32-byte little-endian sum. */
  sum(): Uint8Array {
    const out = new Uint8Array(ID_BYTES)
    for (let i = 0; i < 8; i++) {
      const w = this.limbs[i] as number
      out[4 * i] = w & 0xff
      out[4 * i + 1] = (w >>> 8) & 0xff
      out[4 * i + 2] = (w >>> 16) & 0xff
      out[4 * i + 3] = w >>> 24
    }
    return out
  }

  digest(): Uint8Array {
    const count = encodeVarint(this.n)
    const input = new Uint8Array(ID_BYTES + count.length)
    input.set(this.sum())
    input.set(count, ID_BYTES)
    return sha256(input).slice(0, FINGERPRINT_BYTES)
  }
}

export function fingerprintOf(ids: Iterable<Uint8Array>): Uint8Array {
  const acc = new FingerprintAccumulator()
  for (const id of ids) acc.add(id)
  return acc.digest()
}
