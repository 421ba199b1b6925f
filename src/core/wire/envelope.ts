import { sha256 } from '@noble/hashes/sha2.js'
import { decode, encode } from 'cborg'
import { z } from 'zod/mini'
import { bytesToHex, equalBytes } from '../bytes.ts'
import { sign, SIGNATURE_BYTES, type Identity } from '../identity/identity.ts'
import { err, ok, type Result } from '../result.ts'
import { FORMAT_VERSION, MAX_ENVELOPE_BYTES } from './limits.ts'
import { encodePayload, isValidPayload, STRICT_CBOR, type Payload } from './payload.ts'

/** `[1, signed (bstr), signature (bstr 64)]` (PROTOCOL.md §3) */
export const envelopeSchema = z.tuple([
  z.literal(FORMAT_VERSION),
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length > 0, { message: 'expected signed bytes' }),
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length === SIGNATURE_BYTES, { message: 'expected a 64-byte signature' }),
])

/** Why `signPayload` refused: these are bugs or user input to fix, never network conditions. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError'
  constructor(
    readonly code: 'wrong-author' | 'invalid' | 'too-large',
    message: string,
  ) {
    super(message)
  }
}

export function encodeEnvelope(signed: Uint8Array, sig: Uint8Array): Uint8Array {
  return encode([FORMAT_VERSION, signed, sig])
}

export function decodeEnvelope(bytes: Uint8Array): Result<{ signed: Uint8Array; sig: Uint8Array }, 'malformed'> {
  // Strict cborg enforces shortest lengths but still reads a float 1.0 as the version 1; the
  // only deterministic start of a version-1 envelope is these two bytes (array of 3, uint 1).
  if (bytes.length < 2 || bytes[0] !== 0x83 || bytes[1] !== 0x01) return err('malformed')
  let raw: unknown
  try {
    raw = decode(bytes, STRICT_CBOR)
  } catch {
    return err('malformed')
  }
  const r = envelopeSchema.safeParse(raw)
  if (!r.success) return err('malformed')
  const [, signed, sig] = r.data
  return ok({ signed, sig })
}

/** sha256 of the signed payload bytes, lowercase hex: the post id and gossipsub message id. */
export function postId(signed: Uint8Array): string {
  return bytesToHex(sha256(signed))
}

/**
 * Encodes, checks and signs a payload of one's own. Throws PayloadError rather than produce
 * something every receiver would reject: an author that is not this identity, a payload
 * outside the limits, or one too large for a frame (4000 non-ASCII characters can be).
 */
export async function signPayload(
  identity: Identity,
  payload: Payload,
): Promise<{ signed: Uint8Array; sig: Uint8Array; id: string; envelope: Uint8Array }> {
  if (!equalBytes(payload.author, identity.publicKey)) {
    throw new PayloadError('wrong-author', 'payload author is not the signing identity')
  }
  let signed: Uint8Array
  try {
    signed = encodePayload(payload)
  } catch {
    throw new PayloadError('invalid', `invalid ${payload.kind} payload`)
  }
  // WebCrypto signs on another thread: the payload is checked and its id worked out meanwhile.
  // Nothing leaves this function signed unless the checks pass.
  const signing = sign(identity, signed)
  const valid = isValidPayload(payload)
  const id = postId(signed)
  if (!valid) {
    signing.catch(() => undefined)
    throw new PayloadError('invalid', `invalid ${payload.kind} payload`)
  }
  const sig = await signing
  const envelope = encodeEnvelope(signed, sig)
  if (envelope.length > MAX_ENVELOPE_BYTES) {
    throw new PayloadError('too-large', `envelope of ${envelope.length} bytes does not fit in a frame`)
  }
  return { signed, sig, id, envelope }
}
