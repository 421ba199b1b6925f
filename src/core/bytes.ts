import { bytesToHex as nobleBytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js'
import { base64urlnopad } from '@scure/base'

// Thin wrappers with plain `Uint8Array` signatures, so callers never see the libraries'
// generic helper types and the choice of library stays in one place.

/** Lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(bytes)
}

/** Parses hex (either case). Throws on odd length or a non-hex character. */
export function hexToBytes(hex: string): Uint8Array {
  return nobleHexToBytes(hex)
}

/** base64url without padding, as used in room links. */
export function bytesToBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes)
}

/**
 * Parses unpadded base64url. Strict: padding, `+`/`/`, and non-zero trailing bits all throw,
 * so one byte string has exactly one accepted spelling.
 */
export function base64urlToBytes(text: string): Uint8Array {
  return base64urlnopad.decode(text)
}

const encoder = new TextEncoder()
// fatal: a byte string that is not UTF-8 is an error, never silently turned into U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Throws a TypeError on invalid UTF-8. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Not constant-time: for public values (ids, keys), never for secrets or MACs. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
