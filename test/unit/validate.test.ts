import { encode } from 'cborg'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { identityFromSecret, sign, type Identity } from '../../src/core/identity/identity.ts'
import { deriveRoomKeys, generateRoomSecret, type RoomKeys } from '../../src/core/room/room-keys.ts'
import {
  CLOCK_SKEW_MS,
  encodeEnvelope,
  encodePayload,
  MAX_ENVELOPE_BYTES,
  MAX_FRAME_BYTES,
  REJECT_REASONS,
  sealFrame,
  validateEnvelope,
  validateFrame,
  type HelloPayload,
  type PostPayload,
  type RejectReason,
  type ValidationContext,
  type VerifiedPost,
} from '../../src/core/wire/index.ts'
import vectors from './vectors/wire-v1.json'

function flip(bytes: Uint8Array, i: number, mask: number): void {
  bytes[i] = (bytes[i] ?? 0) ^ mask
}

const NOW = 1_700_000_000_000
const keys: RoomKeys = deriveRoomKeys(hexToBytes(vectors.room.secret))
const otherRoom: RoomKeys = deriveRoomKeys(generateRoomSecret())
let alice: Identity
let mallory: Identity

beforeAll(async () => {
  alice = await identityFromSecret(hexToBytes(vectors.identity.seed))
  mallory = await identityFromSecret(new Uint8Array(32).fill(0x66))
})

const ctx = (over: Partial<ValidationContext> = {}): ValidationContext => ({ keys, now: NOW, isStored: () => false, ...over })

function post(over: Partial<PostPayload> = {}): PostPayload {
  return { kind: 'post', room: keys.roomId, author: alice.publicKey, ts: NOW, name: 'Alice', lamport: 7, text: 'hello', ...over }
}

function hello(over: Partial<HelloPayload> = {}): HelloPayload {
  return { kind: 'hello', room: keys.roomId, author: alice.publicKey, ts: NOW, name: 'Alice', peerId: vectors.hello.payload.peerId, ...over }
}

/** Signs exactly `signed` (valid or not) as `signer` and wraps it for this room, no checks. */
async function frameOf(signed: Uint8Array, signer: Identity = alice, room: RoomKeys = keys): Promise<Uint8Array> {
  return sealFrame(room, encodeEnvelope(signed, await sign(signer, signed)))
}

async function rejects(frame: Uint8Array, reason: RejectReason, c: ValidationContext = ctx()): Promise<void> {
  expect(await validateFrame(frame, c)).toEqual({ ok: false, error: reason })
}

describe('validateFrame: accepted', () => {
  it('accepts a good post and brands it with id, signed bytes and signature', async () => {
    const p = post()
    const signed = encodePayload(p)
    const result = await validateFrame(await frameOf(signed), ctx())
    expect(result.ok).toBe(true)
    if (!result.ok || result.value.kind !== 'post') throw new Error('expected a post')
    const v: VerifiedPost = result.value
    expect(v).toMatchObject({ ...p, signed })
    expect(v.sig).toHaveLength(64)
    expect(v.id).toMatch(/^[0-9a-f]{64}$/)
  })

  it('accepts a good hello', async () => {
    const h = hello()
    const result = await validateFrame(await frameOf(encodePayload(h)), ctx())
    expect(result).toMatchObject({ ok: true, value: { ...h } })
  })

  it('accepts the golden vector frames', async () => {
    const now = vectors.post.payload.ts
    const p = await validateFrame(hexToBytes(vectors.post.frame), ctx({ now }))
    expect(p).toMatchObject({ ok: true, value: { kind: 'post', id: vectors.post.id, text: vectors.post.payload.text } })
    const h = await validateFrame(hexToBytes(vectors.hello.frame), ctx({ now }))
    expect(h).toMatchObject({ ok: true, value: { kind: 'hello', id: vectors.hello.id, peerId: vectors.hello.payload.peerId } })
  })

  it('accepts an old post (history), and ts exactly at the future limit', async () => {
    expect((await validateFrame(await frameOf(encodePayload(post({ ts: 0 }))), ctx())).ok).toBe(true)
    expect((await validateFrame(await frameOf(encodePayload(post({ ts: NOW + CLOCK_SKEW_MS }))), ctx())).ok).toBe(true)
    expect((await validateFrame(await frameOf(encodePayload(hello({ ts: NOW - CLOCK_SKEW_MS }))), ctx())).ok).toBe(true)
  })

  it('only ever yields the branded type (compile-time check)', () => {
    const p = post()
    // @ts-expect-error a decoded but unverified payload is not a VerifiedPost
    const _unverified: VerifiedPost = { ...p, id: '', signed: new Uint8Array(), sig: new Uint8Array() }
    expect(_unverified).toBeDefined()
  })
})

describe('validateFrame: every reason', () => {
  it('lists the reasons in the order of PROTOCOL.md §5', () => {
    expect(REJECT_REASONS).toEqual(['too-large', 'malformed', 'undecryptable', 'wrong-room', 'bad-signature', 'future', 'stale', 'replay'])
  })

  it('too-large: a frame of 8193 bytes, even a well-formed one', async () => {
    const frame = sealFrame(keys, new Uint8Array(MAX_FRAME_BYTES - 41 + 1))
    expect(frame.length).toBe(8193)
    await rejects(frame, 'too-large')
    await rejects(new Uint8Array(100_000), 'too-large')
  })

  describe('malformed', () => {
    it('wrong version byte', async () => {
      const frame = await frameOf(encodePayload(post()))
      frame[0] = 2
      await rejects(frame, 'malformed')
    })

    it('truncated below 1 + 24 + 16 bytes', async () => {
      const frame = await frameOf(encodePayload(post()))
      await rejects(frame.subarray(0, 40), 'malformed')
      await rejects(new Uint8Array([1]), 'malformed')
      await rejects(new Uint8Array(0), 'malformed')
    })

    it('plaintext that is not CBOR', async () => {
      await rejects(sealFrame(keys, new TextEncoder().encode('{"hello":"world"}')), 'malformed')
      await rejects(sealFrame(keys, new Uint8Array(0)), 'malformed')
    })

    it('envelope of the wrong shape', async () => {
      const signed = encodePayload(post())
      const sig = await sign(alice, signed)
      await rejects(sealFrame(keys, encode([1, signed])), 'malformed')
      await rejects(sealFrame(keys, encode([2, signed, sig])), 'malformed')
      await rejects(sealFrame(keys, encode([1, signed, sig.subarray(0, 63)])), 'malformed')
      await rejects(sealFrame(keys, encode({ signed, sig })), 'malformed')
      await rejects(sealFrame(keys, encode(signed)), 'malformed')
    })

    const tuple = (over: Record<number, unknown> = {}, length = 8): unknown[] => {
      const p = post()
      const t: unknown[] = [1, 'post', p.room, p.author, p.ts, p.name, p.lamport, p.text]
      for (const [i, v] of Object.entries(over)) t[Number(i)] = v
      return t.slice(0, length)
    }

    it.each([
      ['payload version 2', () => tuple({ 0: 2 })],
      ['unknown kind', () => tuple({ 1: 'edit' })],
      ['too short a tuple', () => tuple({}, 7)],
      ['too long a tuple', () => [...tuple(), 'more']],
      ['a 15-byte room id', () => tuple({ 2: new Uint8Array(15) })],
      ['a 33-byte author', () => tuple({ 3: new Uint8Array(33) })],
      ['a name with a control character', () => tuple({ 5: 'Ali\u001bce' })],
      ['a name with DEL', () => tuple({ 5: 'Alice\u007f' })],
      ['a 65-character name', () => tuple({ 5: 'a'.repeat(65) })],
      ['an empty text', () => tuple({ 7: '' })],
      ['a text of 4001 characters', () => tuple({ 7: 'x'.repeat(4001) })],
      ['a negative lamport', () => tuple({ 6: -1 })],
      ['a fractional lamport', () => tuple({ 6: 2.5 })],
      ['a fractional ts', () => tuple({ 4: NOW + 0.5 })],
      ['a hello with a lamport in place of the peer id', () => [1, 'hello', keys.roomId, alice.publicKey, NOW, 'Alice', 7]],
    ])('payload with %s', async (_, make) => {
      await rejects(await frameOf(encode(make())), 'malformed')
    })

    it('a payload that is valid but not deterministically encoded (ts as a float)', async () => {
      const good = bytesToHex(encodePayload(post()))
      const tsHex = '1b0000018bcfe56800'
      expect(good).toContain(tsHex)
      await rejects(await frameOf(hexToBytes(good.replace(tsHex, 'fb4278bcfe56800000'))), 'malformed')
    })

    it('a payload with trailing bytes', async () => {
      await rejects(await frameOf(hexToBytes(bytesToHex(encodePayload(post())) + '00')), 'malformed')
    })
  })

  it('undecryptable: a frame sealed with another room key', async () => {
    await rejects(await frameOf(encodePayload(post()), alice, otherRoom), 'undecryptable')
  })

  it('undecryptable: a tampered frame', async () => {
    const frame = await frameOf(encodePayload(post()))
    flip(frame, frame.length - 20, 0x80)
    await rejects(frame, 'undecryptable')
  })

  it('wrong-room: a member re-encrypts a payload signed for another room', async () => {
    // Encrypted with this room's key, so it opens here; the signed room id is the other room's.
    await rejects(await frameOf(encodePayload(post({ room: otherRoom.roomId }))), 'wrong-room')
    await rejects(await frameOf(encodePayload(hello({ room: otherRoom.roomId }))), 'wrong-room')
  })

  it('bad-signature: a post claiming Alice as author, signed by Mallory', async () => {
    await rejects(await frameOf(encodePayload(post()), mallory), 'bad-signature')
  })

  it('bad-signature: a flipped signature bit, and signed bytes changed after signing', async () => {
    const signed = encodePayload(post())
    const sig = await sign(alice, signed)
    flip(sig, 10, 0x01)
    await rejects(sealFrame(keys, encodeEnvelope(signed, sig)), 'bad-signature')
    const good = await sign(alice, signed)
    const edited = encodePayload(post({ text: 'hellO' }))
    await rejects(sealFrame(keys, encodeEnvelope(edited, good)), 'bad-signature')
  })

  it('bad-signature: a small-order author key (signatures for it are forgeable)', async () => {
    const identityPoint = new Uint8Array(32)
    identityPoint[0] = 1
    const sig = new Uint8Array(64)
    sig[0] = 1 // R = identity, S = 0: "valid" for any message under the bare RFC 8032 equation
    const signed = encodePayload(post({ author: identityPoint }))
    await rejects(sealFrame(keys, encodeEnvelope(signed, sig)), 'bad-signature')
  })

  it('future: ts more than 5 minutes ahead, for posts and hellos', async () => {
    await rejects(await frameOf(encodePayload(post({ ts: NOW + CLOCK_SKEW_MS + 1 }))), 'future')
    await rejects(await frameOf(encodePayload(hello({ ts: NOW + CLOCK_SKEW_MS + 1 }))), 'future')
  })

  it('stale: a hello more than 5 minutes old (posts may be old)', async () => {
    await rejects(await frameOf(encodePayload(hello({ ts: NOW - CLOCK_SKEW_MS - 1 }))), 'stale')
    expect((await validateFrame(await frameOf(encodePayload(post({ ts: NOW - CLOCK_SKEW_MS - 1 }))), ctx())).ok).toBe(true)
  })

  it('replay: a post whose id is stored, with a sync or an async store', async () => {
    const signed = encodePayload(post())
    const first = await validateFrame(await frameOf(signed), ctx())
    if (!first.ok) throw new Error('expected the first copy to pass')
    const stored = new Set([first.value.id])
    // A fresh nonce makes a different frame; the post is still the same.
    await rejects(await frameOf(signed), 'replay', ctx({ isStored: (id) => stored.has(id) }))
    await rejects(await frameOf(signed), 'replay', ctx({ isStored: async (id) => stored.has(id) }))
  })

  it('a hello is never a replay: it is re-sent on purpose', async () => {
    const result = await validateFrame(await frameOf(encodePayload(hello())), ctx({ isStored: () => true }))
    expect(result.ok).toBe(true)
  })
})

describe('validateFrame: order of the checks', () => {
  it('reports the first failing check when several fail', async () => {
    const stored = ctx({ isStored: () => true })
    // wrong room + forged + future + stored -> wrong-room
    await rejects(await frameOf(encodePayload(post({ room: otherRoom.roomId, ts: NOW + 10 * CLOCK_SKEW_MS })), mallory), 'wrong-room', stored)
    // forged + future + stored -> bad-signature
    await rejects(await frameOf(encodePayload(post({ ts: NOW + 10 * CLOCK_SKEW_MS })), mallory), 'bad-signature', stored)
    // future + stored -> future
    await rejects(await frameOf(encodePayload(post({ ts: NOW + 10 * CLOCK_SKEW_MS }))), 'future', stored)
    // malformed payload inside another room's frame -> undecryptable (the key is checked first)
    await rejects(sealFrame(otherRoom, encode('junk')), 'undecryptable')
  })

  it('does not consult the store for frames that fail earlier', async () => {
    let asked = 0
    const counting = ctx({ isStored: () => (asked++, false) })
    await validateFrame(await frameOf(encodePayload(post()), mallory), counting)
    await validateFrame(await frameOf(encodePayload(post({ ts: NOW + 2 * CLOCK_SKEW_MS }))), counting)
    expect(asked).toBe(0)
  })
})

describe('validateEnvelope (already decrypted, e.g. from sync)', () => {
  it('runs the same checks after decryption', async () => {
    const signed = encodePayload(post())
    const envelope = encodeEnvelope(signed, await sign(alice, signed))
    expect((await validateEnvelope(envelope, ctx())).ok).toBe(true)
    expect(await validateEnvelope(envelope, ctx({ isStored: () => true }))).toEqual({ ok: false, error: 'replay' })
    const forged = encodeEnvelope(signed, await sign(mallory, signed))
    expect(await validateEnvelope(forged, ctx())).toEqual({ ok: false, error: 'bad-signature' })
    expect(await validateEnvelope(new Uint8Array([0x83]), ctx())).toEqual({ ok: false, error: 'malformed' })
  })

  it('too-large: an envelope that could not have fit in a frame', async () => {
    expect(await validateEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1), ctx())).toEqual({ ok: false, error: 'too-large' })
  })
})
