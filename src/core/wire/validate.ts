import { equalBytes } from '../bytes.ts'
import { verifySignature } from '../identity/verify.ts'
import { err, ok, type Result } from '../result.ts'
import type { RoomKeys } from '../room/room-keys.ts'
import { decodeEnvelope, postId } from './envelope.ts'
import { openFrame } from './frame.ts'
import { CLOCK_SKEW_MS, MAX_ENVELOPE_BYTES } from './limits.ts'
import { checkPayload, claimedAuthor, readPayload, type HelloPayload, type PostPayload } from './payload.ts'

/** Why a frame was dropped at the edge (PROTOCOL.md §5), in the order the checks run. */
export const REJECT_REASONS = [
  'too-large',
  'malformed',
  'undecryptable',
  'wrong-room',
  'bad-signature',
  'future',
  'stale',
  'replay',
] as const

export type RejectReason = (typeof REJECT_REASONS)[number]

// Not exported: no other module can name the brand, so `validateEnvelope` is the only place a
// verified value can come from (short of an explicit `as` cast, which review would catch).
declare const verified: unique symbol
export type Verified<T> = T & { readonly [verified]: true }

type Signed = { id: string; signed: Uint8Array; sig: Uint8Array }
export type VerifiedPost = Verified<PostPayload & Signed>
export type VerifiedHello = Verified<HelloPayload & Signed>
export type VerifiedPayload = VerifiedPost | VerifiedHello

export type ValidationContext = {
  readonly keys: RoomKeys
  /** The receiver's clock, ms since the epoch. */
  readonly now: number
  /** Whether a post with this id is already stored. Its errors propagate to the caller. */
  readonly isStored: (id: string) => boolean | Promise<boolean>
}

/** Every check of PROTOCOL.md §5, in order, for a frame off gossipsub. */
export async function validateFrame(frame: Uint8Array, ctx: ValidationContext): Promise<Result<VerifiedPayload, RejectReason>> {
  const opened = openFrame(ctx.keys, frame)
  if (!opened.ok) return opened
  return validateEnvelope(opened.value, ctx)
}

/**
 * The checks that follow decryption, for envelopes that arrive already decrypted (sync).
 * Verification covers the received signed bytes; nothing is re-encoded before it.
 */
export async function validateEnvelope(envelope: Uint8Array, ctx: ValidationContext): Promise<Result<VerifiedPayload, RejectReason>> {
  // What could not have come in a frame is not accepted by another path either.
  if (envelope.length > MAX_ENVELOPE_BYTES) return err('too-large')
  const env = decodeEnvelope(envelope)
  if (!env.ok) return env
  const { signed, sig } = env.value
  const raw = readPayload(signed)
  if (!raw.ok) return raw
  // WebCrypto verifies on another thread: it starts now, and the payload is checked meanwhile
  // (about a tenth of a millisecond each, in Chromium). The verdicts keep the order above all
  // the same: a malformed payload is 'malformed' whatever its signature.
  const author = claimedAuthor(raw.value)
  const verifying = author && verifySignature(author, signed, sig)
  const decoded = checkPayload(raw.value, signed)
  if (!decoded.ok) return decoded
  const payload = decoded.value
  if (!equalBytes(payload.room, ctx.keys.roomId)) return err('wrong-room')
  const id = postId(signed)
  if (!verifying || !(await verifying)) return err('bad-signature')
  if (payload.ts > ctx.now + CLOCK_SKEW_MS) return err('future')
  // A hello is a claim about now; a post is history and may legitimately be old.
  if (payload.kind === 'hello' && payload.ts < ctx.now - CLOCK_SKEW_MS) return err('stale')
  if (payload.kind === 'post' && (await ctx.isStored(id))) return err('replay')
  return ok({ ...payload, id, signed, sig } as VerifiedPayload)
}
