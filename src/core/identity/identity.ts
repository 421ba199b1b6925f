import { getPublicKeyAsync, keygenAsync, signAsync } from '@noble/ed25519'
import { bytesToHex } from '../bytes.ts'

export const SECRET_KEY_BYTES = 32
export const PUBLIC_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64

/**
 * This device's ed25519 key pair. `secretKey` is the 32-byte RFC 8032 seed (not the 64-byte
 * "expanded" form), so it is what gets stored and what `identityFromSecret` takes back.
 */
export type Identity = {
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
}

// The async noble API hashes with WebCrypto's SHA-512, so nothing global has to be configured.

export async function generateIdentity(): Promise<Identity> {
  const { secretKey, publicKey } = await keygenAsync()
  return { publicKey, secretKey }
}

/** Rebuilds an identity from a stored seed. Throws a RangeError unless it is 32 bytes. */
export async function identityFromSecret(seed: Uint8Array): Promise<Identity> {
  if (!(seed instanceof Uint8Array) || seed.length !== SECRET_KEY_BYTES) {
    throw new RangeError(`identity seed must be ${SECRET_KEY_BYTES} bytes`)
  }
  // Own copy: the caller's buffer may be reused or zeroed later.
  const secretKey = seed.slice()
  return { publicKey: await getPublicKeyAsync(secretKey), secretKey }
}

// RFC 8410 PKCS#8 wrapping of a raw 32-byte Ed25519 seed: WebCrypto imports private keys
// only in this form.
const PKCS8_ED25519_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

// One imported (non-extractable) key per seed; `false` once WebCrypto has shown it cannot.
const webCryptoKeys = new WeakMap<Uint8Array, Promise<CryptoKey | null>>()
// The same keys once imported, to be used without waiting for a promise (see `sign`).
const importedKeys = new WeakMap<Uint8Array, CryptoKey>()
let webCryptoSigning = typeof globalThis.crypto?.subtle?.importKey === 'function'

function webCryptoKey(seed: Uint8Array): Promise<CryptoKey | null> {
  let key = webCryptoKeys.get(seed)
  if (!key) {
    const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + seed.length)
    der.set(PKCS8_ED25519_PREFIX)
    der.set(seed, PKCS8_ED25519_PREFIX.length)
    key = crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']).then(
      (k) => {
        importedKeys.set(seed, k)
        return k
      },
      () => null,
    )
    webCryptoKeys.set(seed, key)
  }
  return key
}

/**
 * ed25519 signature (deterministic, RFC 8032) over exactly `bytes`. WebCrypto where the browser
 * has Ed25519 (about 20 times faster than JavaScript); @noble/ed25519 otherwise. Both give the
 * same bytes, since the scheme is deterministic.
 *
 * Once the key is imported, WebCrypto is asked before this returns: it signs on another
 * thread, and a caller can do other work until it awaits the result.
 */
export function sign(identity: Identity, bytes: Uint8Array): Promise<Uint8Array> {
  const key = webCryptoSigning ? importedKeys.get(identity.secretKey) : undefined
  if (key) return crypto.subtle.sign('Ed25519', key, bytes as Uint8Array<ArrayBuffer>).then((sig) => new Uint8Array(sig))
  return signAfterImport(identity, bytes)
}

async function signAfterImport(identity: Identity, bytes: Uint8Array): Promise<Uint8Array> {
  if (webCryptoSigning) {
    const key = await webCryptoKey(identity.secretKey)
    if (key) return new Uint8Array(await crypto.subtle.sign('Ed25519', key, bytes as Uint8Array<ArrayBuffer>))
    webCryptoSigning = false
  }
  return signWithNoble(identity, bytes)
}

export function signWithNoble(identity: Identity, bytes: Uint8Array): Promise<Uint8Array> {
  return signAsync(bytes, identity.secretKey)
}

export function publicKeyHex(identity: Pick<Identity, 'publicKey'>): string {
  return bytesToHex(identity.publicKey)
}
