import { Point, verifyAsync } from '@noble/ed25519'
import { bytesToHex } from '../bytes.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './identity.ts'

/** Resolves to whether `signature` is `publicKey`'s ed25519 signature of `message`. Never rejects. */
export type VerifyFn = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>

/** This platform's WebCrypto has no usable Ed25519 (older browsers, insecure contexts). */
export class WebCryptoUnsupportedError extends Error {
  override readonly name = 'WebCryptoUnsupportedError'
}

const ED25519 = { name: 'Ed25519' } as const
// Authors in view at once number in the tens; 256 keeps every active one imported.
const DEFAULT_MAX_KEYS = 256

// WebCrypto's BufferSource type excludes views over SharedArrayBuffer; Roda never makes those.
type Buf = Uint8Array<ArrayBuffer>

function wellFormed(publicKey: unknown, message: unknown, signature: unknown): boolean {
  return (
    publicKey instanceof Uint8Array &&
    publicKey.length === PUBLIC_KEY_BYTES &&
    signature instanceof Uint8Array &&
    signature.length === SIGNATURE_BYTES &&
    message instanceof Uint8Array
  )
}

/**
 * Whether `publicKey` may sign anything at all: the canonical encoding of a curve point that
 * is not of small order. Small-order keys make signatures trivially forgeable, and the
 * platforms disagree on them (OpenSSL accepts, noble's strict mode rejects), so both paths
 * reject them here to give every device the same verdict (PROTOCOL.md §3).
 */
export function isAcceptablePublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return false
  try {
    return !Point.fromBytes(publicKey, false).isSmallOrder()
  } catch {
    return false
  }
}

/**
 * Pure-JS verification, RFC 8032 strict (`zip215: false`): canonical R and A, S < L,
 * small-order A refused. The fallback where WebCrypto lacks Ed25519; also exported for benchmarks.
 */
export async function verifyWithNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!wellFormed(publicKey, message, signature)) return false
  try {
    return await verifyAsync(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

/**
 * Verification through WebCrypto's native Ed25519, several times faster than pure JS. Imported
 * keys are kept in a small LRU map keyed by hex, since importing costs about as much as a
 * verification and a room has few authors. Resolves false for bad input; rejects only with
 * WebCryptoUnsupportedError, when the platform cannot do Ed25519 at all.
 */
export function createWebCryptoVerifier(subtle: SubtleCrypto | undefined, maxKeys = DEFAULT_MAX_KEYS): VerifyFn {
  // `key` is set once the import settled; null = the bytes are not an acceptable key,
  // remembered so garbage is not re-checked.
  type Entry = { ready: Promise<CryptoKey | null>; key?: CryptoKey | null }
  const keys = new Map<string, Entry>()

  function entryFor(api: SubtleCrypto, publicKey: Uint8Array): Entry {
    const hex = bytesToHex(publicKey)
    const cached = keys.get(hex)
    if (cached) {
      // Re-insert to mark as recently used: Map iterates in insertion order.
      keys.delete(hex)
      keys.set(hex, cached)
      return cached
    }
    const entry: Entry = { ready: Promise.resolve(null) }
    if (isAcceptablePublicKey(publicKey)) {
      entry.ready = Promise.resolve()
        .then(() => api.importKey('raw', publicKey as Buf, ED25519, false, ['verify']))
        .then((key) => (entry.key = key))
        .catch((cause: unknown) => {
          if (keys.get(hex) === entry) keys.delete(hex)
          // The key was checked above, so a refusal is the platform's, not the key's.
          throw new WebCryptoUnsupportedError('WebCrypto cannot import an Ed25519 key', { cause })
        })
    } else {
      entry.key = null
    }
    keys.set(hex, entry)
    if (keys.size > maxKeys) {
      const oldest = keys.keys().next()
      if (!oldest.done) keys.delete(oldest.value)
    }
    return entry
  }

  const verify = (api: SubtleCrypto, key: CryptoKey, message: Uint8Array, signature: Uint8Array) =>
    api.verify(ED25519, key, signature as Buf, message as Buf).catch((cause: unknown) => {
      // Lengths and key are valid here, so a throw means the platform cannot verify.
      throw new WebCryptoUnsupportedError('WebCrypto cannot verify Ed25519', { cause })
    })

  return (publicKey, message, signature) => {
    if (!subtle) return Promise.reject(new WebCryptoUnsupportedError('crypto.subtle is not available'))
    if (!wellFormed(publicKey, message, signature)) return Promise.resolve(false)
    const entry = entryFor(subtle, publicKey)
    if (entry.key === null) return Promise.resolve(false)
    // An author seen before: WebCrypto is asked before this returns, so that the caller can
    // check the rest of a post while another thread verifies it.
    if (entry.key) return verify(subtle, entry.key, message, signature)
    return entry.ready.then((key) => (key ? verify(subtle, key, message, signature) : false))
  }
}

/**
 * WebCrypto first; on the first sign that it lacks Ed25519, noble from then on. Both paths
 * apply the same key rules, so a device's choice does not change which posts it accepts.
 */
export function createVerifier(subtle: SubtleCrypto | undefined, maxKeys = DEFAULT_MAX_KEYS): VerifyFn {
  const webCrypto = createWebCryptoVerifier(subtle, maxKeys)
  let useWebCrypto = subtle !== undefined
  return async (publicKey, message, signature) => {
    if (useWebCrypto) {
      try {
        return await webCrypto(publicKey, message, signature)
      } catch {
        useWebCrypto = false
      }
    }
    return verifyWithNoble(publicKey, message, signature)
  }
}

// `crypto.subtle` is undefined outside secure contexts, whatever the DOM typings say.
const platformSubtle: SubtleCrypto | undefined = globalThis.crypto?.subtle

/** WebCrypto only (rejects with WebCryptoUnsupportedError where missing); for benchmarks. */
export const verifyWithWebCrypto: VerifyFn = createWebCryptoVerifier(platformSubtle)

/** The verification the app uses. Never rejects: garbage of any kind resolves to false. */
export const verifySignature: VerifyFn = createVerifier(platformSubtle)
