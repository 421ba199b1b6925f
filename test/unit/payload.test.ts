import { encode } from 'cborg'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { identityFromSecret, type Identity } from '../../src/core/identity/identity.ts'
import { deriveRoomKeys, type RoomKeys } from '../../src/core/room/room-keys.ts'
import {
  decodeEnvelope,
  decodePayload,
  encodeEnvelope,
  encodePayload,
  isValidPayload,
  MAX_ENVELOPE_BYTES,
  openFrame,
  PayloadError,
  postId,
  sealFrame,
  signPayload,
  type HelloPayload,
  type PostPayload,
} from '../../src/core/wire/index.ts'
import vectors from './vectors/wire-v1.json'

// Payloads are built from the vector's expected room id and key, not from derived ones, so the
// tests below compare derivation and encoding against independent expectations.
const room = hexToBytes(vectors.room.roomId)
const author = hexToBytes(vectors.identity.publicKey)
const post: PostPayload = { kind: 'post', room, author, ...vectors.post.payload }
const hello: HelloPayload = { kind: 'hello', room, author, ...vectors.hello.payload }
const keys: RoomKeys = deriveRoomKeys(hexToBytes(vectors.room.secret))
let id: Identity

beforeAll(async () => {
  id = await identityFromSecret(hexToBytes(vectors.identity.seed))
})

describe('golden vectors (test/unit/vectors/wire-v1.json)', () => {
  // Recomputed from the fixed inputs and compared byte for byte: any change to the encoding,
  // the key schedule, signing or the cipher shows up here, not in an interop bug.
  for (const kind of ['post', 'hello'] as const) {
    describe(kind, () => {
      const v = vectors[kind]
      const payload = () => (kind === 'post' ? post : hello)

      it('signed payload bytes, signature, id, envelope and frame', async () => {
        expect(bytesToHex(keys.roomId)).toBe(vectors.room.roomId)
        expect(bytesToHex(id.publicKey)).toBe(vectors.identity.publicKey)
        const s = await signPayload(id, payload())
        expect(bytesToHex(encodePayload(payload()))).toBe(v.signed)
        expect(bytesToHex(s.signed)).toBe(v.signed)
        expect(bytesToHex(s.sig)).toBe(v.sig)
        expect(s.id).toBe(v.id)
        expect(postId(s.signed)).toBe(v.id)
        expect(bytesToHex(s.envelope)).toBe(v.envelope)
        expect(bytesToHex(encodeEnvelope(s.signed, s.sig))).toBe(v.envelope)
        expect(bytesToHex(sealFrame(keys, s.envelope, hexToBytes(v.nonce)))).toBe(v.frame)
      })

      it('decodes back to the same values', () => {
        const opened = openFrame(keys, hexToBytes(v.frame))
        expect(opened.ok && bytesToHex(opened.value)).toBe(v.envelope)
        const env = decodeEnvelope(hexToBytes(v.envelope))
        expect(env.ok).toBe(true)
        if (!env.ok) return
        expect(bytesToHex(env.value.signed)).toBe(v.signed)
        expect(bytesToHex(env.value.sig)).toBe(v.sig)
        expect(decodePayload(env.value.signed)).toEqual({ ok: true, value: payload() })
      })
    })
  }

  it('spells the post array as PROTOCOL.md §2 says, element by element', () => {
    // 88 array(8) | 01 | 64 "post" | 50 bstr(16) | 58 20 bstr(32) | 1b uint64 ts | 63 "Ada" | 18 2a 42 | 6f text(15)
    const hex = vectors.post.signed
    expect(hex.startsWith('8801' + '64706f7374' + '50' + vectors.room.roomId + '5820' + vectors.identity.publicKey)).toBe(true)
    expect(hex).toContain('1b0000018bcfe56800' + '63416461' + '182a' + '6f')
  })
})

describe('encodePayload / decodePayload', () => {
  it('is deterministic and round-trips', () => {
    const a = encodePayload(post)
    expect(encodePayload({ ...post })).toEqual(a)
    expect(decodePayload(a)).toEqual({ ok: true, value: post })
    expect(decodePayload(encodePayload(hello))).toEqual({ ok: true, value: hello })
  })

  it('uses the shortest integer forms', () => {
    const small = encodePayload({ ...post, ts: 23, lamport: 24 })
    expect(bytesToHex(small)).toContain('17' + '63416461' + '1818')
    const max = encodePayload({ ...post, lamport: Number.MAX_SAFE_INTEGER })
    expect(decodePayload(max)).toEqual({ ok: true, value: { ...post, lamport: Number.MAX_SAFE_INTEGER } })
  })

  const tuple = (overrides: Record<number, unknown> = {}, length = 8): unknown[] => {
    const t: unknown[] = [1, 'post', post.room, post.author, post.ts, post.name, post.lamport, post.text]
    for (const [i, v] of Object.entries(overrides)) t[Number(i)] = v
    return t.slice(0, length)
  }
  const hexOf = (t: unknown[]) => bytesToHex(encode(t))

  it.each([
    ['version 2', hexOf(tuple({ 0: 2 }))],
    ['version as a string', hexOf(tuple({ 0: '1' }))],
    ['unknown kind', hexOf(tuple({ 1: 'poke' }))],
    ['a missing element', hexOf(tuple({}, 7))],
    ['an extra element', hexOf([...tuple(), 'extra'])],
    ['a map instead of an array', hexOf([]).replace(/^80/, 'a0')],
    ['a 15-byte room id', hexOf(tuple({ 2: new Uint8Array(15) }))],
    ['a 31-byte author', hexOf(tuple({ 3: new Uint8Array(31) }))],
    ['room id as text', hexOf(tuple({ 2: 'room' }))],
    ['an empty name', hexOf(tuple({ 5: '' }))],
    ['a 65-character name', hexOf(tuple({ 5: 'n'.repeat(65) }))],
    ['a control character in the name', hexOf(tuple({ 5: 'Ada\u0007' }))],
    ['a newline in the name', hexOf(tuple({ 5: 'A\nda' }))],
    ['a C1 control in the name', hexOf(tuple({ 5: 'Ada\u0085' }))],
    ['an empty text', hexOf(tuple({ 7: '' }))],
    ['a 4001-character text', hexOf(tuple({ 7: 't'.repeat(4001) }))],
    ['a negative lamport', hexOf(tuple({ 6: -1 }))],
    ['a fractional lamport', hexOf(tuple({ 6: 1.5 }))],
    ['a negative ts', hexOf(tuple({ 4: -5 }))],
    ['a ts above 2^53 - 1', hexOf(tuple({ 4: 2 ** 53 }))],
    ['lamport as text', hexOf(tuple({ 6: '42' }))],
    ['a hello without peer id', bytesToHex(encode([1, 'hello', post.room, post.author, post.ts, post.name]))],
    ['a hello with a non-base58 peer id', bytesToHex(encode([1, 'hello', post.room, post.author, post.ts, post.name, '12D3Koo0']))],
    ['a hello with a 129-character peer id', bytesToHex(encode([1, 'hello', post.room, post.author, post.ts, post.name, 'a'.repeat(129)]))],
    ['a hello with a lamport', bytesToHex(encode([1, 'hello', post.room, post.author, post.ts, post.name, 1, 'Qm']))],
  ])('rejects a payload with %s', (_, hex) => {
    expect(decodePayload(hexToBytes(hex))).toEqual({ ok: false, error: 'malformed' })
  })

  // Byte-level spellings that cborg would otherwise accept; each decodes to a valid payload,
  // so only the deterministic-encoding rule tells them apart from the real one.
  const good = vectors.post.signed
  const tsHex = '1b0000018bcfe56800'
  it.each([
    ['trailing bytes', good + '00'],
    ['a truncated array', good.slice(0, -2)],
    ['indefinite-length array', '9f' + good.slice(2) + 'ff'],
    ['the version as a two-byte uint', '881801' + good.slice(4)],
    ['the version as float 1.0', '88f93c00' + good.slice(4)],
    ['ts as a float64', good.replace(tsHex, 'fb' + '4278bcfe56800000')],
    ['lamport 42 in two bytes', good.replace('182a', '19002a')],
    ['a name length in a longer form', good.replace('63416461', '7803416461')],
    ['a tag', 'c1' + good],
    ['invalid UTF-8 in the text', good.replace('e29c93', 'e29cff')],
    ['an overlong UTF-8 encoding', good.replace('63416461', '64c1816461')],
    ['not CBOR at all', 'ff00ff'],
    ['nothing', ''],
  ])('rejects a payload with %s', (_, hex) => {
    expect(decodePayload(hexToBytes(hex))).toEqual({ ok: false, error: 'malformed' })
  })

  it('checks local payloads with the same rules', () => {
    expect(isValidPayload(post)).toBe(true)
    expect(isValidPayload(hello)).toBe(true)
    expect(isValidPayload({ ...post, name: 'A\u0000' })).toBe(false)
    expect(isValidPayload({ ...post, text: 'broken \ud800 pair' })).toBe(false)
    expect(isValidPayload({ ...post, text: 'whole 😀 pair' })).toBe(true)
    expect(isValidPayload({ ...post, lamport: -1 })).toBe(false)
    expect(isValidPayload({ ...hello, peerId: '' })).toBe(false)
  })
})

describe('envelope', () => {
  const signed = () => hexToBytes(vectors.post.signed)
  const sig = () => hexToBytes(vectors.post.sig)

  it('round-trips', () => {
    expect(decodeEnvelope(encodeEnvelope(signed(), sig()))).toEqual({ ok: true, value: { signed: signed(), sig: sig() } })
  })

  it.each([
    ['version 2', () => encode([2, signed(), sig()])],
    ['two elements', () => encode([1, signed()])],
    ['four elements', () => encode([1, signed(), sig(), 0])],
    ['a 63-byte signature', () => encode([1, signed(), sig().subarray(1)])],
    ['signed bytes as text', () => encode([1, 'post', sig()])],
    ['empty signed bytes', () => encode([1, new Uint8Array(0), sig()])],
    ['the version as float 1.0', () => hexToBytes('83f93c00' + bytesToHex(encode([1, signed(), sig()])).slice(4))],
    ['trailing bytes', () => hexToBytes(bytesToHex(encode([1, signed(), sig()])) + '00')],
    ['nothing', () => new Uint8Array(0)],
  ])('rejects an envelope with %s', (_, make) => {
    expect(decodeEnvelope(make())).toEqual({ ok: false, error: 'malformed' })
  })
})

describe('signPayload', () => {
  it('refuses to sign for another author', async () => {
    const other = await identityFromSecret(new Uint8Array(32).fill(9))
    await expect(signPayload(other, post)).rejects.toMatchObject({ name: 'PayloadError', code: 'wrong-author' })
  })

  it('refuses a payload receivers would reject', async () => {
    await expect(signPayload(id, { ...post, name: '' })).rejects.toMatchObject({ code: 'invalid' })
    await expect(signPayload(id, { ...post, text: 'x'.repeat(4001) })).rejects.toBeInstanceOf(PayloadError)
  })

  it('refuses a post whose frame would be too large, at the exact boundary', async () => {
    // 4000 three-byte characters are within MAX_TEXT but not within a frame.
    await expect(signPayload(id, { ...post, text: '€'.repeat(4000) })).rejects.toMatchObject({ code: 'too-large' })
    // Build a text whose envelope is exactly MAX_ENVELOPE_BYTES; one byte more must be refused.
    // (With 2000 '€' all CBOR length headers already have their final, 3-byte size.)
    const overhead = (await signPayload(id, { ...post, text: '€'.repeat(2000) })).envelope.length - 6000
    const budget = MAX_ENVELOPE_BYTES - overhead
    const text = '€'.repeat(Math.floor(budget / 3)) + 'x'.repeat(budget % 3)
    const fits = await signPayload(id, { ...post, text })
    expect(fits.envelope.length).toBe(MAX_ENVELOPE_BYTES)
    expect(sealFrame(keys, fits.envelope).length).toBe(8192)
    await expect(signPayload(id, { ...post, text: text + 'x' })).rejects.toMatchObject({ code: 'too-large' })
  })
})
