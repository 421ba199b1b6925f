import { sha256 } from '@noble/hashes/sha2.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { identityFromSecret, type Identity } from '../../src/core/identity/identity.ts'
import { deriveRoomKeys, generateRoomSecret, type RoomKeys } from '../../src/core/room/room-keys.ts'
import { encodeEnvelope, frameMessageId, MAX_FRAME_BYTES, MIN_FRAME_BYTES, OpenedFrames, openFrame, sealFrame, signPayload } from '../../src/core/wire/index.ts'
import vectors from './vectors/wire-v1.json'

const keys: RoomKeys = deriveRoomKeys(hexToBytes(vectors.room.secret))
const envelope = hexToBytes(vectors.post.envelope)
let id: Identity

beforeAll(async () => {
  id = await identityFromSecret(hexToBytes(vectors.identity.seed))
})

describe('sealFrame / openFrame', () => {
  it('round-trips, with version byte, nonce and a 16-byte tag', () => {
    const frame = sealFrame(keys, envelope)
    expect(frame[0]).toBe(1)
    expect(frame.length).toBe(1 + 24 + envelope.length + 16)
    expect(openFrame(keys, frame)).toEqual({ ok: true, value: envelope })
  })

  it('uses a fresh random nonce for every frame', () => {
    const a = sealFrame(keys, envelope)
    const b = sealFrame(keys, envelope)
    expect(bytesToHex(a.subarray(1, 25))).not.toBe(bytesToHex(b.subarray(1, 25)))
    expect(bytesToHex(a)).not.toBe(bytesToHex(b))
  })

  it('hides the envelope', () => {
    const frame = sealFrame(keys, envelope)
    // Neither the signed payload nor the author key appears in the clear.
    expect(bytesToHex(frame)).not.toContain(vectors.identity.publicKey)
    expect(bytesToHex(frame)).not.toContain(vectors.room.roomId)
  })

  it('refuses a nonce that is not 24 bytes', () => {
    expect(() => sealFrame(keys, envelope, new Uint8Array(12))).toThrow(RangeError)
  })

  it('cannot be opened with another room key: undecryptable', () => {
    const other = deriveRoomKeys(generateRoomSecret())
    expect(openFrame(other, sealFrame(keys, envelope))).toEqual({ ok: false, error: 'undecryptable' })
  })

  it('binds the frame to the topic (AAD): same key, other topic is undecryptable', () => {
    const frame = sealFrame(keys, envelope)
    const renamed: RoomKeys = { ...keys, topic: keys.topic.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }
    expect(openFrame(renamed, frame)).toEqual({ ok: false, error: 'undecryptable' })
  })

  it('detects tampering with any byte after the version: undecryptable', () => {
    const frame = sealFrame(keys, envelope)
    // Every nonce byte, every ciphertext byte, every tag byte.
    for (let i = 1; i < frame.length; i++) {
      const t = frame.slice()
      t[i] = (t[i] ?? 0) ^ 0x01
      expect(openFrame(keys, t), `byte ${i}`).toEqual({ ok: false, error: 'undecryptable' })
    }
  })

  it('detects a cut or extended ciphertext: undecryptable', () => {
    const frame = sealFrame(keys, envelope)
    expect(openFrame(keys, frame.subarray(0, frame.length - 1))).toEqual({ ok: false, error: 'undecryptable' })
    const longer = new Uint8Array(frame.length + 1)
    longer.set(frame)
    expect(openFrame(keys, longer)).toEqual({ ok: false, error: 'undecryptable' })
  })

  it('rejects a wrong version byte or a frame too short for a tag: malformed', () => {
    const frame = sealFrame(keys, envelope)
    for (const version of [0, 2, 0xff]) {
      const t = frame.slice()
      t[0] = version
      expect(openFrame(keys, t)).toEqual({ ok: false, error: 'malformed' })
    }
    expect(openFrame(keys, frame.subarray(0, MIN_FRAME_BYTES - 1))).toEqual({ ok: false, error: 'malformed' })
    expect(openFrame(keys, new Uint8Array(0))).toEqual({ ok: false, error: 'malformed' })
  })

  it('opens an empty envelope (the shortest frame) and leaves judging it to the envelope parser', () => {
    const frame = sealFrame(keys, new Uint8Array(0))
    expect(frame.length).toBe(MIN_FRAME_BYTES)
    expect(openFrame(keys, frame)).toEqual({ ok: true, value: new Uint8Array(0) })
  })

  it('rejects a frame over 8192 bytes before doing any work: too-large', () => {
    const big = sealFrame(keys, new Uint8Array(MAX_FRAME_BYTES - MIN_FRAME_BYTES + 1))
    expect(big.length).toBe(MAX_FRAME_BYTES + 1)
    expect(openFrame(keys, big)).toEqual({ ok: false, error: 'too-large' })
    const max = sealFrame(keys, new Uint8Array(MAX_FRAME_BYTES - MIN_FRAME_BYTES))
    expect(openFrame(keys, max).ok).toBe(true)
  })
})

describe('frameMessageId', () => {
  it('is sha256(envelope) for a frame that opens, whatever the nonce', async () => {
    const s = await signPayload(id, { kind: 'post', room: keys.roomId, author: id.publicKey, ts: 1, name: 'Ada', lamport: 1, text: 'hi' })
    const a = frameMessageId(keys, sealFrame(keys, s.envelope))
    const b = frameMessageId(keys, sealFrame(keys, s.envelope))
    expect(a).toEqual(sha256(s.envelope))
    expect(b).toEqual(a)
    expect(frameMessageId(keys, hexToBytes(vectors.post.frame))).toEqual(sha256(hexToBytes(vectors.post.envelope)))
  })

  it('differs for a copy of a real post carrying a bad signature', async () => {
    const s = await signPayload(id, { kind: 'post', room: keys.roomId, author: id.publicKey, ts: 1, name: 'Ada', lamport: 1, text: 'hi' })
    const forged = encodeEnvelope(s.signed, new Uint8Array(64).fill(9))
    expect(frameMessageId(keys, sealFrame(keys, forged))).not.toEqual(frameMessageId(keys, sealFrame(keys, s.envelope)))
  })

  it('is sha256(frame) for a frame that does not open', () => {
    const foreign = sealFrame(deriveRoomKeys(generateRoomSecret()), envelope)
    expect(frameMessageId(keys, foreign)).toEqual(sha256(foreign))
  })

  it('never throws on garbage', () => {
    const inputs: unknown[] = [new Uint8Array(0), new Uint8Array(MAX_FRAME_BYTES + 100), new Uint8Array([1]), undefined, null, 'frame', {}]
    for (const input of inputs) {
      expect(() => frameMessageId(keys, input as Uint8Array)).not.toThrow()
      expect(frameMessageId(keys, input as Uint8Array)).toHaveLength(32)
    }
  })
})

describe('OpenedFrames', () => {
  it('gives the same message id as opening afresh, and hands the envelope to validation once', () => {
    const opened = new OpenedFrames()
    const frame = sealFrame(keys, envelope)
    expect(bytesToHex(frameMessageId(keys, frame, opened))).toBe(bytesToHex(frameMessageId(keys, frame)))
    expect(opened.take(frame)).toEqual(envelope)
    expect(opened.take(frame)).toBeUndefined()
  })

  it('keeps per bytes object: an equal copy is opened on its own', () => {
    const opened = new OpenedFrames()
    const frame = sealFrame(keys, envelope)
    opened.open(keys, frame)
    expect(opened.take(frame.slice())).toBeUndefined()
  })

  it('hands nothing over for a frame that did not open', () => {
    const opened = new OpenedFrames()
    const frame = sealFrame(keys, envelope)
    frame[30]! ^= 1
    expect(bytesToHex(frameMessageId(keys, frame, opened))).toBe(bytesToHex(sha256(frame)))
    expect(opened.take(frame)).toBeUndefined()
  })

  it('knows what a frame it sealed holds without decrypting it', () => {
    const opened = new OpenedFrames()
    const frame = sealFrame(keys, envelope)
    opened.sealed(frame, envelope)
    const other = deriveRoomKeys(generateRoomSecret())
    // Asked with keys that could not open it, the id is still the envelope's: nothing was decrypted.
    expect(bytesToHex(frameMessageId(other, frame, opened))).toBe(bytesToHex(sha256(envelope)))
  })
})
