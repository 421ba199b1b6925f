import { encode } from 'cborg'
import { describe, expect, it } from 'vitest'
import {
  MAX_MESSAGE_BYTES,
  encodeArrived,
  encodeError,
  encodeJoin,
  encodeLeave,
  encodePeers,
  frame,
  parseClientMessage,
  parseRelayMessage,
} from '../src/messages.ts'

const ns = new Uint8Array(32).fill(7)
const peer = '12D3KooWGzBpVd1tRdh3s7TkmnWzyYVqZQHm3JYzBL6sJb2sPcRk'

describe('parseClientMessage', () => {
  it('reads join and leave', () => {
    expect(parseClientMessage(encodeJoin(ns))).toEqual({ type: 'join', ns })
    expect(parseClientMessage(encodeLeave(ns))).toEqual({ type: 'leave', ns })
  })

  it.each([
    ['empty input', new Uint8Array()],
    ['non-CBOR bytes', new Uint8Array([0xff, 0xfe, 0xfd])],
    ['truncated CBOR', encodeJoin(ns).subarray(0, 10)],
    ['trailing bytes', new Uint8Array([...encodeJoin(ns), 0])],
    ['a map', encode({ type: 'join', ns })],
    ['a bare string', encode('join')],
    ['wrong version', encode([2, 'join', ns])],
    ['version as text', encode(['1', 'join', ns])],
    ['unknown type', encode([1, 'peers', ns])],
    ['ns of 31 bytes', encode([1, 'join', new Uint8Array(31)])],
    ['ns of 33 bytes', encode([1, 'join', new Uint8Array(33)])],
    ['ns as text', encode([1, 'join', 'a'.repeat(32)])],
    ['missing ns', encode([1, 'join'])],
    ['extra element', encode([1, 'join', ns, 0])],
    ['over 4096 bytes', new Uint8Array(MAX_MESSAGE_BYTES + 1)],
  ])('returns null for %s', (_, bytes) => {
    expect(parseClientMessage(bytes)).toBeNull()
  })

  it('never throws on random bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(1 + (i % 64)))
      expect(() => parseClientMessage(bytes)).not.toThrow()
    }
  })
})

describe('relay messages', () => {
  it('round-trip through parseRelayMessage', () => {
    expect(parseRelayMessage(encodePeers(ns, [peer]))).toEqual({ type: 'peers', ns, peers: [peer] })
    expect(parseRelayMessage(encodeArrived(ns, peer))).toEqual({ type: 'arrived', ns, peer })
    expect(parseRelayMessage(encodeError('nope'))).toEqual({ type: 'error', text: 'nope' })
  })

  it('match the documented arrays', () => {
    expect(encodePeers(ns, [peer])).toEqual(encode([1, 'peers', ns, [peer]]))
    expect(encodeArrived(ns, peer)).toEqual(encode([1, 'arrived', ns, peer]))
    expect(encodeError('x')).toEqual(encode([1, 'error', 'x']))
  })

  it('name at most 64 peers and stay within 4096 bytes', () => {
    const many = Array.from({ length: 100 }, (_, i) => `${peer}${i}`)
    const parsed = parseRelayMessage(encodePeers(ns, many))
    expect(parsed?.type === 'peers' && parsed.peers).toEqual(many.slice(0, 64))
    const long = Array.from({ length: 64 }, (_, i) => `${'x'.repeat(120)}${i}`)
    const bytes = encodePeers(ns, long)
    expect(bytes.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES)
    const trimmed = parseRelayMessage(bytes)
    expect(trimmed?.type === 'peers' && trimmed.peers).toEqual(long.slice(0, (trimmed as { peers: string[] }).peers.length))
  })
})

describe('frame', () => {
  it('prefixes the unsigned varint length', () => {
    expect(frame(new Uint8Array([9]))).toEqual(new Uint8Array([1, 9]))
    const big = frame(new Uint8Array(300))
    expect([...big.subarray(0, 2)]).toEqual([0xac, 0x02])
    expect(big.byteLength).toBe(302)
  })
})
