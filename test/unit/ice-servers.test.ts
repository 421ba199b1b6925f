import { encode } from 'cborg'
import { describe, expect, it } from 'vitest'
import { hexToBytes } from '../../src/core/bytes.ts'
import { ICE_PROTOCOL, isForbiddenIceHost, parseIceMessage } from '../../src/core/net/ice-servers.ts'

// docs/PROTOCOL.md §10: the golden answer (secret "roda-golden-vector-secret"), and the empty one.
const GOLDEN_ANSWER = '840163696365828181747374756e3a3139322e302e322e31303a33343738838178227475726e3a3139322e302e322e31303a333437383f7472616e73706f72743d756470783f313736373232353630303a313244334b6f6f57477a427056643174526468337337546b6d6e577a795956715a51486d334a597a424c36734a6232735063526b781c364459574f4b2f2b43454246624951374e57636773693654452f6b3d1a6955b900'
const EMPTY_ANSWER = '8401636963658000'
// The negative example of §10: an http: URL where only stun:, turn: and turns: belong.
const HTTP_ANSWER = '84016369636581818172687474703a2f2f3139322e302e322e31302f00'

const stun = [['stun:192.0.2.10:3478']]
const turn = [['turn:192.0.2.10:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp'], '1767225600:peer', 'c2VjcmV0']
const answer = (...rest: unknown[]): Uint8Array => encode([1, 'ice', ...rest])

describe('parseIceMessage', () => {
  it('reads the golden answer', () => {
    expect(parseIceMessage(hexToBytes(GOLDEN_ANSWER))).toEqual({
      iceServers: [
        { urls: ['stun:192.0.2.10:3478'] },
        {
          urls: ['turn:192.0.2.10:3478?transport=udp'],
          username: '1767225600:12D3KooWGzBpVd1tRdh3s7TkmnWzyYVqZQHm3JYzBL6sJb2sPcRk',
          credential: '6DYWOK/+CEBFbIQ7NWcgsi6TE/k=',
        },
      ],
      expiresAt: 1767225600_000,
    })
  })

  it('reads the empty answer of a relay with nothing configured', () => {
    expect(parseIceMessage(hexToBytes(EMPTY_ANSWER))).toEqual({ iceServers: [], expiresAt: 0 })
  })

  it('takes up to 8 servers of up to 8 URLs and 16 URLs in all, and strings of up to 512 characters', () => {
    const urls = Array.from({ length: 8 }, (_, i) => `turn:t${i}.example.org`)
    expect(parseIceMessage(answer([[urls, 'u', 'c'], [urls, 'u', 'c']], 1))?.iceServers).toHaveLength(2)
    expect(parseIceMessage(answer(Array.from({ length: 8 }, () => [urls.slice(0, 2), 'u', 'c']), 1))?.iceServers).toHaveLength(8)
    expect(parseIceMessage(answer([[urls, 'u', 'c'], [urls, 'u', 'c'], [['turn:one.more'], 'u', 'c']], 1))).toBeNull()
    const long = 'x'.repeat(512)
    expect(parseIceMessage(answer([[[`stun:${'h'.repeat(250)}`]], [turn[0], long, long]], 1))?.iceServers[1]?.username).toBe(long)
  })

  it('refuses URLs a browser would refuse (one would make every RTCPeerConnection throw)', () => {
    for (const bad of ['stun:host?transport=udp', 'stun:a b', 'stun:', 'stun:h:99999', 'stun:h:0', 'turn:-bad-', 'stun:[nothex]']) {
      const entry = bad.startsWith('stun:') ? [[bad]] : [[bad], 'u', 'c']
      expect(parseIceMessage(answer([entry], bad.startsWith('stun:') ? 0 : 1)), bad).toBeNull()
    }
  })

  it.each([
    ['the negative example of PROTOCOL.md (an http: URL)', hexToBytes(HTTP_ANSWER)],
    ['empty input', new Uint8Array()],
    ['non-CBOR bytes', new Uint8Array([0xff, 0xfe])],
    ['trailing bytes', new Uint8Array([...hexToBytes(EMPTY_ANSWER), 0])],
    // Each element within its bound, the whole over 4096 bytes.
    ['an oversized message', answer(Array.from({ length: 8 }, () => [Array.from({ length: 8 }, () => `turn:${'a'.repeat(64)}.org`), 'u', 'c']), 1)],
    ['version 2', encode([2, 'ice', [], 0])],
    ['another type', encode([1, 'peers', [], 0])],
    ['a missing expiry', encode([1, 'ice', []])],
    ['an extra element', answer([], 0, 'more')],
    ['servers that are not an array', answer({}, 0)],
    ['9 servers', answer(Array.from({ length: 9 }, () => stun), 0)],
    ['9 URLs in one server', answer([[Array.from({ length: 9 }, (_, i) => `stun:s${i}.example.org`)]], 0)],
    ['no URLs', answer([[[]]], 0)],
    ['URLs that are not an array', answer([['stun:192.0.2.10']], 0)],
    ['a URL of 513 characters', answer([[[`stun:${'a'.repeat(508)}`]]], 0)],
    ['a credential of 513 characters', answer([[turn[0], turn[1], 'c'.repeat(513)]], 1)],
    ['an empty username', answer([[turn[0], '', turn[2]]], 1)],
    ['a stuns: URL', answer([[['stuns:192.0.2.10']]], 0)],
    ['a TURN URL without credentials', answer([[['turn:192.0.2.10']]], 0)],
    ['a STUN URL with credentials', answer([[['stun:192.0.2.10'], 'u', 'c']], 1)],
    ['STUN and TURN mixed in one server', answer([[['stun:192.0.2.10', 'turn:192.0.2.10'], 'u', 'c']], 1)],
    ['a username without credential', answer([[turn[0], turn[1]]], 1)],
    ['a number as credential', answer([[turn[0], turn[1], 42]], 1)],
    ['credentials that never expire', answer([turn], 0)],
    ['an expiry without credentials', answer([stun], 1767225600)],
    ['a negative expiry', answer([turn], -1)],
    ['a fractional expiry', answer([turn], 1.5)],
    ['an expiry past year 2286', answer([turn], 10_000_000_000)],
    ['a server that is a map', answer([{ urls: ['stun:192.0.2.10'] }], 0)],
  ])('refuses %s', (_, bytes) => {
    expect(parseIceMessage(bytes)).toBeNull()
  })

  it('names the protocol as the relay does', () => {
    expect(ICE_PROTOCOL).toBe('/roda/ice/1.0.0')
  })
})

describe('isForbiddenIceHost', () => {
  it('keeps public and private LAN servers: a workshop relay hands out its LAN address', () => {
    for (const url of ['stun:203.0.113.7:3478', 'turn:192.168.1.20:3478?transport=udp', 'turns:turn.example.org:5349', 'stun:[2001:db8::1]:3478', 'turn:10.0.0.5']) {
      expect(isForbiddenIceHost(url, false), url).toBe(false)
    }
  })

  it('never sends a browser to its own loopback, unspecified, link-local, multicast or broadcast addresses', () => {
    for (const url of ['stun:127.0.0.1:3478', 'turn:localhost', 'stun:[::1]', 'stun:0.0.0.0', 'turn:169.254.169.254:80?transport=tcp', 'stun:224.0.0.251', 'stun:255.255.255.255', 'stun:[fe80::1]', 'stun:[ff02::1]', 'stun:[::]', 'stun:[::ffff:127.0.0.1]', 'not a url']) {
      expect(isForbiddenIceHost(url, false), url).toBe(true)
    }
  })

  it('allows this device itself only when the relay is on this device too (npm start -- --turn)', () => {
    expect(isForbiddenIceHost('stun:127.0.0.1:3478', true)).toBe(false)
    expect(isForbiddenIceHost('turn:[::1]:3478', true)).toBe(false)
    expect(isForbiddenIceHost('stun:169.254.1.1', true)).toBe(true)
  })
})
