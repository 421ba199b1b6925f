import { describe, expect, it, vi } from 'vitest'
import { generateIdentity, identityFromSecret, sign } from '../../src/core/identity/identity.ts'
import {
  createVerifier,
  createWebCryptoVerifier,
  isAcceptablePublicKey,
  verifySignature,
  verifyWithNoble,
  verifyWithWebCrypto,
  WebCryptoUnsupportedError,
  type VerifyFn,
} from '../../src/core/identity/verify.ts'

const paths: [string, VerifyFn][] = [
  ['verifySignature', verifySignature],
  ['WebCrypto', verifyWithWebCrypto],
  ['noble', verifyWithNoble],
  ['fallback (no WebCrypto)', createVerifier(undefined)],
]

const msg = new TextEncoder().encode('the exact signed bytes')

function flip(bytes: Uint8Array, i: number, mask: number): void {
  bytes[i] = (bytes[i] ?? 0) ^ mask
}

async function all(pub: Uint8Array, m: Uint8Array, sig: Uint8Array): Promise<boolean[]> {
  return Promise.all(paths.map(([, f]) => f(pub, m, sig)))
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n
function withS(sig: Uint8Array, s: bigint): Uint8Array {
  const out = sig.slice()
  for (let i = 0; i < 32; i++) out[32 + i] = Number((s >> BigInt(8 * i)) & 0xffn)
  return out
}
function sOf(sig: Uint8Array): bigint {
  let s = 0n
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i] ?? 0)
  return s
}

describe('Node has WebCrypto Ed25519 (so both paths are really exercised)', () => {
  it('imports an Ed25519 key', async () => {
    const { publicKey } = await generateIdentity()
    await expect(crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify'])).resolves.toBeDefined()
  })
})

describe('all verification paths agree', () => {
  it('on valid signatures', async () => {
    for (let i = 0; i < 10; i++) {
      const id = await generateIdentity()
      const m = crypto.getRandomValues(new Uint8Array(i * 37))
      expect(await all(id.publicKey, m, await sign(id, m))).toEqual([true, true, true, true])
    }
  })

  it('on invalid ones: wrong key, changed message, changed signature', async () => {
    const a = await generateIdentity()
    const b = await generateIdentity()
    const sig = await sign(a, msg)
    expect(await all(b.publicKey, msg, sig)).toEqual([false, false, false, false])
    const m2 = msg.slice()
    flip(m2, 0, 1)
    expect(await all(a.publicKey, m2, sig)).toEqual([false, false, false, false])
    for (const i of [0, 31, 32, 63]) {
      const s2 = sig.slice()
      flip(s2, i, 0x40)
      expect(await all(a.publicKey, msg, s2), `byte ${i}`).toEqual([false, false, false, false])
    }
  })

  it('on a non-canonical S (S + L): rejected everywhere', async () => {
    const id = await identityFromSecret(new Uint8Array(32).fill(7))
    const sig = await sign(id, msg)
    expect(await all(id.publicKey, msg, withS(sig, sOf(sig) + L))).toEqual([false, false, false, false])
  })

  it('on small-order public keys: rejected everywhere, though bare RFC 8032 would accept', async () => {
    const identityPoint = new Uint8Array(32)
    identityPoint[0] = 1
    const sig = new Uint8Array(64)
    sig[0] = 1 // R = identity point, S = 0
    expect(isAcceptablePublicKey(identityPoint)).toBe(false)
    expect(await all(identityPoint, msg, sig)).toEqual([false, false, false, false])
  })

  it('on a non-canonical public key encoding (y >= p): rejected everywhere', async () => {
    const id = await generateIdentity()
    const sig = await sign(id, msg)
    const bad = new Uint8Array(32).fill(0xff)
    bad[31] = 0x7f
    expect(isAcceptablePublicKey(bad)).toBe(false)
    expect(await all(bad, msg, sig)).toEqual([false, false, false, false])
  })
})

describe('garbage never throws', () => {
  it('resolves false for wrong lengths, empty input, non-bytes and random keys', async () => {
    const id = await generateIdentity()
    const sig = await sign(id, msg)
    const cases: [unknown, unknown, unknown][] = [
      [id.publicKey.subarray(1), msg, sig],
      [id.publicKey, msg, sig.subarray(1)],
      [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
      [new Uint8Array(33), msg, new Uint8Array(65)],
      [crypto.getRandomValues(new Uint8Array(32)), msg, crypto.getRandomValues(new Uint8Array(64))],
      [new Uint8Array(32).fill(0xff), msg, sig],
      [undefined, msg, sig],
      ['pubkey', 'message', 'signature'],
      [id.publicKey, null, sig],
      [Array.from(id.publicKey), msg, Array.from(sig)],
    ]
    for (const [pub, m, s] of cases) {
      const results = await all(pub as Uint8Array, m as Uint8Array, s as Uint8Array)
      expect(results).toEqual([false, false, false, false])
    }
  })
})

describe('fallback to noble', () => {
  it('uses noble when crypto.subtle is missing', async () => {
    const id = await generateIdentity()
    const verify = createVerifier(undefined)
    expect(await verify(id.publicKey, msg, await sign(id, msg))).toBe(true)
    await expect(createWebCryptoVerifier(undefined)(id.publicKey, msg, new Uint8Array(64))).rejects.toBeInstanceOf(WebCryptoUnsupportedError)
  })

  it('switches to noble for good when WebCrypto has no Ed25519 (NotSupportedError)', async () => {
    const importKey = vi.fn(() => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')))
    const fakeSubtle = { importKey, verify: vi.fn() } as unknown as SubtleCrypto
    const verify = createVerifier(fakeSubtle)
    const id = await generateIdentity()
    const sig = await sign(id, msg)
    expect(await verify(id.publicKey, msg, sig)).toBe(true)
    expect(await verify(id.publicKey, msg, new Uint8Array(64))).toBe(false)
    const other = await generateIdentity()
    expect(await verify(other.publicKey, msg, await sign(other, msg))).toBe(true)
    expect(importKey).toHaveBeenCalledTimes(1)
  })

  it('falls back when WebCrypto verify itself throws', async () => {
    const fakeSubtle = {
      importKey: (...args: Parameters<SubtleCrypto['importKey']>) => crypto.subtle.importKey(...args),
      verify: () => Promise.reject(new DOMException('nope', 'OperationError')),
    } as unknown as SubtleCrypto
    const id = await generateIdentity()
    expect(await createVerifier(fakeSubtle)(id.publicKey, msg, await sign(id, msg))).toBe(true)
  })
})

describe('WebCrypto key cache', () => {
  function countingSubtle() {
    const importKey = vi.fn((...args: Parameters<SubtleCrypto['importKey']>) => crypto.subtle.importKey(...args))
    const verify = vi.fn((...args: Parameters<SubtleCrypto['verify']>) => crypto.subtle.verify(...args))
    const subtle = { importKey, verify } as unknown as SubtleCrypto
    return { importKey, verify, subtle }
  }

  it('asks WebCrypto before returning once the key is imported, so checks can run meanwhile', async () => {
    const { verify: subtleVerify, subtle } = countingSubtle()
    const verify = createWebCryptoVerifier(subtle)
    const id = await generateIdentity()
    const sig = await sign(id, msg)
    expect(await verify(id.publicKey, msg, sig)).toBe(true)
    const pending = verify(id.publicKey, msg, sig)
    // No await in between: the second verification is already with WebCrypto.
    expect(subtleVerify).toHaveBeenCalledTimes(2)
    expect(await pending).toBe(true)
    const forged = sig.slice()
    forged[0]! ^= 1
    expect(await verify(id.publicKey, msg, forged)).toBe(false)
  })

  it('imports each key once, even for concurrent verifications', async () => {
    const { importKey, subtle } = countingSubtle()
    const verify = createWebCryptoVerifier(subtle)
    const id = await generateIdentity()
    const sig = await sign(id, msg)
    const results = await Promise.all(Array.from({ length: 20 }, () => verify(id.publicKey, msg, sig)))
    expect(results.every(Boolean)).toBe(true)
    expect(importKey).toHaveBeenCalledTimes(1)
  })

  it('is bounded, evicting the least recently used key', async () => {
    const { importKey, subtle } = countingSubtle()
    const verify = createWebCryptoVerifier(subtle, 2)
    const ids = await Promise.all([generateIdentity(), generateIdentity(), generateIdentity()])
    const sigs = await Promise.all(ids.map((id) => sign(id, msg)))
    const check = async (i: number) => expect(await verify(ids[i]!.publicKey, msg, sigs[i]!)).toBe(true)
    await check(0)
    await check(1)
    await check(0) // 0 is now the most recent, 1 the least
    await check(2) // evicts 1
    expect(importKey).toHaveBeenCalledTimes(3)
    await check(0)
    expect(importKey).toHaveBeenCalledTimes(3)
    await check(1)
    expect(importKey).toHaveBeenCalledTimes(4)
  })

  it('does not import keys it has already judged unacceptable', async () => {
    const { importKey, subtle } = countingSubtle()
    const verify = createWebCryptoVerifier(subtle)
    const bad = new Uint8Array(32)
    bad[0] = 1
    expect(await verify(bad, msg, new Uint8Array(64))).toBe(false)
    expect(importKey).not.toHaveBeenCalled()
  })
})
