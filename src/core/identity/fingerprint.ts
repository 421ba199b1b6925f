import { bytesToHex } from '../bytes.ts'

/**
 * The short form shown next to a display name (`name #a1b2c3d4`): the first 8 lowercase hex
 * digits of the public key. Enough to tell people apart in a room, not to authenticate anyone;
 * that is what `longFingerprint` is for.
 */
export function fingerprint(publicKey: Uint8Array): string {
  return bytesToHex(publicKey.subarray(0, 4))
}

/** All 64 hex digits in groups of 4, for reading aloud or comparing side by side. */
export function longFingerprint(publicKey: Uint8Array): string {
  return bytesToHex(publicKey).replace(/(.{4})(?!$)/g, '$1 ')
}
