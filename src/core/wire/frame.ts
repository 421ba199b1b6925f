import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8Encode } from '../bytes.ts'
import { err, ok, type Result } from '../result.ts'
import type { RoomKeys } from '../room/room-keys.ts'
import { FRAME_HEADER_BYTES, FRAME_VERSION, MAX_FRAME_BYTES, MIN_FRAME_BYTES, NONCE_BYTES, TAG_BYTES } from './limits.ts'

/**
 * `0x01 || nonce || XChaCha20-Poly1305(encKey, nonce, envelope, aad = topic)` (PROTOCOL.md §4).
 * The topic as AAD ties a frame to the topic it was published on, so it authenticates the
 * topic name too, not only the bytes.
 *
 * `nonce` is for test vectors only: a repeated nonce under one key breaks the cipher, so
 * production code always lets it be random. The size limit is not checked here (signPayload
 * does it) so that tests can build oversized frames.
 */
export function sealFrame(keys: RoomKeys, envelope: Uint8Array, nonce?: Uint8Array): Uint8Array {
  if (nonce !== undefined && nonce.length !== NONCE_BYTES) throw new RangeError(`nonce must be ${NONCE_BYTES} bytes`)
  // One allocation: the nonce and the ciphertext are written straight into the frame.
  const frame = new Uint8Array(FRAME_HEADER_BYTES + envelope.length + TAG_BYTES)
  frame[0] = FRAME_VERSION
  const frameNonce = frame.subarray(1, FRAME_HEADER_BYTES)
  if (nonce) frameNonce.set(nonce)
  else crypto.getRandomValues(frameNonce)
  xchacha20poly1305(keys.encKey, frameNonce, utf8Encode(keys.topic)).encrypt(envelope, frame.subarray(FRAME_HEADER_BYTES))
  return frame
}

/** Checks the header and decrypts; the envelope inside is not parsed here. */
export function openFrame(keys: RoomKeys, frame: Uint8Array): Result<Uint8Array, 'too-large' | 'malformed' | 'undecryptable'> {
  if (frame.length > MAX_FRAME_BYTES) return err('too-large')
  if (frame.length < MIN_FRAME_BYTES || frame[0] !== FRAME_VERSION) return err('malformed')
  try {
    const cipher = xchacha20poly1305(keys.encKey, frame.subarray(1, FRAME_HEADER_BYTES), utf8Encode(keys.topic))
    return ok(cipher.decrypt(frame.subarray(FRAME_HEADER_BYTES)))
  } catch {
    return err('undecryptable')
  }
}

/**
 * The gossipsub message id (PROTOCOL.md §4): sha256 of the envelope inside (signed payload and
 * signature), so a post re-sent under a fresh nonce is still a duplicate, while a copy of a
 * real post with a bad signature gets another id and cannot make peers drop the real one as
 * "already seen". sha256 of the frame itself when it does not open. gossipsub calls this on
 * every message before validation, so it never throws.
 */
export function frameMessageId(keys: RoomKeys, frame: Uint8Array, opened?: OpenedFrames): Uint8Array {
  try {
    const result = opened ? opened.open(keys, frame) : openFrame(keys, frame)
    return sha256(result.ok ? result.value : frame)
  } catch {
    // Only reachable if `frame` is not bytes at all; any constant id will do for garbage.
    return sha256(new Uint8Array(0))
  }
}

/**
 * Frames opened once and kept with the very bytes object they came from. gossipsub asks for a
 * message's id (which needs the frame opened) and then hands the same object to the validator,
 * and a post we seal is asked for its id as we publish it: with this, no frame is decrypted
 * twice. Held weakly, so a frame nobody references any more is forgotten.
 */
export class OpenedFrames {
  private readonly byFrame = new WeakMap<Uint8Array, ReturnType<typeof openFrame>>()

  open(keys: RoomKeys, frame: Uint8Array): ReturnType<typeof openFrame> {
    let result = this.byFrame.get(frame)
    if (!result) {
      result = openFrame(keys, frame)
      this.byFrame.set(frame, result)
    }
    return result
  }

  /** A frame we sealed ourselves: its envelope is known without decrypting. */
  sealed(frame: Uint8Array, envelope: Uint8Array): void {
    this.byFrame.set(frame, ok(envelope))
  }

  /** The envelope already opened from this frame, if any (once: validation takes it). */
  take(frame: Uint8Array): Uint8Array | undefined {
    const result = this.byFrame.get(frame)
    this.byFrame.delete(frame)
    return result?.ok ? result.value : undefined
  }
}
