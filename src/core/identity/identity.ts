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

/** ed25519 signature (deterministic, RFC 8032) over exactly `bytes`. */
export function sign(identity: Identity, bytes: Uint8Array): Promise<Uint8Array> {
  return signAsync(bytes, identity.secretKey)
}

export function publicKeyHex(identity: Pick<Identity, 'publicKey'>): string {
  return bytesToHex(identity.publicKey)
}
