import { describe, expect, it } from 'vitest'
import { bytesToBase64url, bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { deriveRoomKeys, generateRoomSecret } from '../../src/core/room/room-keys.ts'
import { makeRoomLink, MAX_TITLE, parseRoomFragment } from '../../src/core/room/room-link.ts'
import vectors from './vectors/wire-v1.json'

const secret = hexToBytes(vectors.room.secret)

describe('deriveRoomKeys', () => {
  it('matches the test vectors (HKDF-SHA256, salt "roda/v1")', () => {
    const keys = deriveRoomKeys(secret)
    expect(bytesToHex(keys.roomId)).toBe(vectors.room.roomId)
    expect(keys.roomIdHex).toBe(vectors.room.roomId)
    expect(keys.topic).toBe(vectors.room.topic)
    expect(bytesToHex(keys.encKey)).toBe(vectors.room.encKey)
    expect(bytesToHex(keys.rendezvousNs)).toBe(vectors.room.rendezvousNs)
    expect(keys.secret).toEqual(secret)
  })

  it('has the lengths and formats of PROTOCOL.md §1', () => {
    const keys = deriveRoomKeys(generateRoomSecret())
    expect(keys.roomId).toHaveLength(16)
    expect(keys.roomIdHex).toMatch(/^[0-9a-f]{32}$/)
    expect(keys.topic).toMatch(/^roda\/v1\/[0-9a-f]{32}$/)
    expect(keys.encKey).toHaveLength(32)
    expect(keys.rendezvousNs).toHaveLength(32)
  })

  it('gives every label its own output, and every secret its own keys', () => {
    const a = deriveRoomKeys(secret)
    const b = deriveRoomKeys(generateRoomSecret())
    const topicHex = a.topic.slice('roda/v1/'.length)
    const outputs = [a.roomIdHex, topicHex, bytesToHex(a.encKey), bytesToHex(a.rendezvousNs)]
    expect(new Set(outputs).size).toBe(4)
    // The topic name and namespace are public; neither may equal the first bytes of the key.
    expect(bytesToHex(a.encKey).startsWith(topicHex)).toBe(false)
    expect(b.roomIdHex).not.toBe(a.roomIdHex)
    expect(b.topic).not.toBe(a.topic)
  })

  it('keeps its own copy of the secret', () => {
    const s = secret.slice()
    const keys = deriveRoomKeys(s)
    s.fill(0)
    expect(bytesToHex(keys.secret)).toBe(vectors.room.secret)
  })

  it('refuses a secret that is not 32 bytes', () => {
    expect(() => deriveRoomKeys(new Uint8Array(16))).toThrow(RangeError)
    expect(() => deriveRoomKeys(new Uint8Array(33))).toThrow(RangeError)
  })

  it('generates fresh 32-byte secrets', () => {
    const a = generateRoomSecret()
    expect(a).toHaveLength(32)
    expect(bytesToHex(a)).not.toBe(bytesToHex(generateRoomSecret()))
  })
})

describe('room links', () => {
  it('matches the test vector', () => {
    expect(makeRoomLink(vectors.room.link.baseUrl, secret, vectors.room.link.title)).toBe(vectors.room.link.url)
  })

  it('round-trips secret and title through the fragment', () => {
    const s = generateRoomSecret()
    const link = makeRoomLink('https://roda.example/app/', s, 'Café & friends #1 ✓')
    const url = new URL(link)
    expect(url.origin + url.pathname).toBe('https://roda.example/app/')
    expect(parseRoomFragment(url.hash)).toEqual({ secret: s, title: 'Café & friends #1 ✓' })
  })

  it('omits an empty title and replaces an existing fragment', () => {
    const link = makeRoomLink('https://roda.example/#old=1', secret, '   ')
    expect(link).toBe(`https://roda.example/#room=${bytesToBase64url(secret)}`)
    expect(makeRoomLink('https://roda.example/', secret)).toBe(link)
  })

  it('accepts the fragment with or without the leading #', () => {
    const b64 = bytesToBase64url(secret)
    expect(parseRoomFragment(`#room=${b64}`)).toEqual({ secret })
    expect(parseRoomFragment(`room=${b64}`)).toEqual({ secret })
  })

  it('ignores unknown keys and takes the first of a repeated key', () => {
    const b64 = bytesToBase64url(secret)
    const other = bytesToBase64url(generateRoomSecret())
    expect(parseRoomFragment(`#x=1&room=${b64}&room=${other}&y`)).toEqual({ secret })
  })

  it('trims the title, drops control characters and caps it at 80 characters', () => {
    const b64 = bytesToBase64url(secret)
    expect(parseRoomFragment(`#room=${b64}&title=%20%20Hi%0Athere%20`)?.title).toBe('Hi there')
    const long = parseRoomFragment(`#room=${b64}&title=${'x'.repeat(200)}`)?.title
    expect(long).toHaveLength(MAX_TITLE)
    // 79 ASCII characters then an emoji: cutting at 80 would split the surrogate pair.
    const emoji = parseRoomFragment(`#room=${b64}&title=${'a'.repeat(79)}${encodeURIComponent('😀')}`)?.title
    expect(emoji).toBe('a'.repeat(79))
    expect(() => makeRoomLink('https://roda.example/', secret, `${'a'.repeat(79)}😀`)).not.toThrow()
  })

  it('keeps the secret when only the title is badly escaped', () => {
    expect(parseRoomFragment(`#room=${bytesToBase64url(secret)}&title=%E0%A4%A`)).toEqual({ secret })
  })

  it.each([
    ['no room', '#title=hello'],
    ['empty', ''],
    ['empty room', '#room='],
    ['16 bytes', `#room=${bytesToBase64url(new Uint8Array(16))}`],
    ['33 bytes', `#room=${bytesToBase64url(new Uint8Array(33))}`],
    ['padding', `#room=${bytesToBase64url(new Uint8Array(32))}=`],
    ['standard base64 alphabet', `#room=${bytesToBase64url(new Uint8Array(32).fill(0xfb)).replaceAll('-', '+')}`],
    ['non-zero trailing bits', `#room=${bytesToBase64url(new Uint8Array(32)).slice(0, -1)}B`],
    ['junk', '#room=%%%'],
  ])('rejects a fragment with %s', (_, hash) => {
    expect(parseRoomFragment(hash)).toBeNull()
  })

  it('refuses to make a link from a wrong-length secret', () => {
    expect(() => makeRoomLink('https://roda.example/', new Uint8Array(8))).toThrow(RangeError)
  })
})
