import { describe, expect, it, vi } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { fingerprint, longFingerprint } from '../../src/core/identity/fingerprint.ts'
import { generateIdentity, identityFromSecret, publicKeyHex, sign, signWithNoble } from '../../src/core/identity/identity.ts'
import { verifySignature, verifyWithNoble } from '../../src/core/identity/verify.ts'
import vectors from './vectors/wire-v1.json'

describe('identity', () => {
  it('generates a 32-byte seed and public key, different every time', async () => {
    const a = await generateIdentity()
    const b = await generateIdentity()
    expect(a.secretKey).toHaveLength(32)
    expect(a.publicKey).toHaveLength(32)
    expect(bytesToHex(a.publicKey)).not.toBe(bytesToHex(b.publicKey))
  })

  it('rebuilds the same key pair from a stored seed', async () => {
    const a = await generateIdentity()
    const b = await identityFromSecret(a.secretKey)
    expect(b.publicKey).toEqual(a.publicKey)
    expect(b.secretKey).toEqual(a.secretKey)
  })

  it('derives the RFC 8032 public key of the vector seed', async () => {
    const id = await identityFromSecret(hexToBytes(vectors.identity.seed))
    expect(publicKeyHex(id)).toBe(vectors.identity.publicKey)
  })

  it('keeps its own copy of the seed', async () => {
    const seed = hexToBytes(vectors.identity.seed)
    const id = await identityFromSecret(seed)
    seed.fill(0)
    expect(bytesToHex(id.secretKey)).toBe(vectors.identity.seed)
  })

  it('refuses a seed that is not 32 bytes', async () => {
    await expect(identityFromSecret(new Uint8Array(31))).rejects.toThrow(RangeError)
    await expect(identityFromSecret(new Uint8Array(64))).rejects.toThrow(RangeError)
  })

  it('signs deterministically, and the signature verifies', async () => {
    const id = await generateIdentity()
    const msg = new TextEncoder().encode('hello')
    const s1 = await sign(id, msg)
    const s2 = await sign(id, msg)
    expect(s1).toHaveLength(64)
    expect(s1).toEqual(s2)
    expect(await verifySignature(id.publicKey, msg, s1)).toBe(true)
  })
})

describe('fingerprint', () => {
  const key = hexToBytes(vectors.identity.publicKey)

  it('is the first 8 lowercase hex digits of the key', () => {
    expect(fingerprint(key)).toBe('79b5562e')
    expect(fingerprint(key)).toBe(vectors.identity.publicKey.slice(0, 8))
  })

  it('has a long form of 16 groups of 4 hex digits', () => {
    const long = longFingerprint(key)
    expect(long).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/)
    expect(long.replaceAll(' ', '')).toBe(vectors.identity.publicKey)
    expect(long.startsWith('79b5 562e 8fe6')).toBe(true)
  })
})

describe('signing paths', () => {
  it('asks WebCrypto before returning once the key is imported, so work can run meanwhile', async () => {
    const id = await generateIdentity()
    const msg = new Uint8Array([1, 2, 3])
    const first = await sign(id, msg)
    const spy = vi.spyOn(crypto.subtle, 'sign')
    try {
      const pending = sign(id, msg)
      expect(spy).toHaveBeenCalledTimes(1)
      expect(await pending).toEqual(first)
    } finally {
      spy.mockRestore()
    }
  })

  it('WebCrypto and noble produce the same signature bytes', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await generateIdentity()
      const msg = crypto.getRandomValues(new Uint8Array(100 + i))
      const a = await sign(id, msg)
      const b = await signWithNoble(id, msg)
      expect(a).toEqual(b)
      expect(await verifyWithNoble(id.publicKey, msg, a)).toBe(true)
    }
  })
})
