import { encode } from 'cborg'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import {
  encodeSyncMessage,
  MAX_ERROR_TEXT,
  MAX_FRAMES_PER_POSTS,
  MAX_IDS_PER_RANGE,
  MAX_RANGES_PER_MESSAGE,
  MAX_SYNC_MESSAGE_BYTES,
  MAX_WANT_IDS,
  parseSyncMessage,
  type Range,
  type SyncMessage,
} from '../../src/core/sync/index.ts'
import { MAX_FRAME_BYTES } from '../../src/core/wire/limits.ts'

const hex = (byte: number) => byte.toString(16).padStart(2, '0').repeat(32)
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill)
const bound = (lamport: number, ...prefix: number[]) => ({ lamport, prefix: Uint8Array.from(prefix) })
const ranges: Range[] = [
  { upper: bound(3), mode: 'skip' },
  { upper: bound(3, 0x80), mode: 'fingerprint', fingerprint: bytes(16, 0xaa) },
  { upper: bound(2 ** 53 - 1, ...bytes(32, 0xff)), mode: 'ids', ids: [hex(1), hex(2)] },
  { upper: null, mode: 'ids', ids: [] },
]
const samples: SyncMessage[] = [
  { type: 'open', room: bytes(16), ranges },
  { type: 'ranges', ranges },
  { type: 'ranges', ranges: [{ upper: null, mode: 'skip' }] },
  { type: 'want', ids: [hex(3), hex(4)] },
  { type: 'posts', frames: [bytes(41), bytes(MAX_FRAME_BYTES)] },
  { type: 'end' },
  { type: 'error', text: 'not in this room' },
]

// Raw CBOR for shapes encodeSyncMessage would never write.
const raw = (v: unknown) => encode(v)
const rawRange = (upper: [number | bigint, Uint8Array] | null, mode: number, payload: unknown) => [upper, mode, payload]
const rawRanges = (...rs: unknown[]) => raw([1, 'ranges', rs])
const last = rawRange(null, 0, null)

describe('sync messages', () => {
  it('round-trip every type', () => {
    for (const m of samples) expect(parseSyncMessage(encodeSyncMessage(m))).toEqual(m)
  })

  it('are arrays with the version first', () => {
    expect([...encodeSyncMessage({ type: 'end' })]).toEqual([0x82, 0x01, 0x63, 0x65, 0x6e, 0x64])
    expect(bytesToHex(encodeSyncMessage({ type: 'ranges', ranges: [{ upper: null, mode: 'skip' }] }))).toBe('83016672616e67657381' + '83f600f6')
  })

  it('match the vectors of PROTOCOL.md §9', () => {
    const id = '662daa8ab7735f670a3c2d267a51c9efb0f5bf9ab4d971d89316315c47cfb70d'
    const vectors: Array<[SyncMessage, string]> = [
      [
        { type: 'open', room: hexToBytes('d08d10c2ce697b116b0d9cc9fdb8a844'), ranges: [{ upper: null, mode: 'fingerprint', fingerprint: hexToBytes('764f5c58097f93cd78937652d62500c9') }] },
        '8401646f70656e50d08d10c2ce697b116b0d9cc9fdb8a8448183f60150764f5c58097f93cd78937652d62500c9',
      ],
      [
        { type: 'ranges', ranges: [{ upper: bound(42, 0x66), mode: 'skip' }, { upper: null, mode: 'ids', ids: [id] }] },
        '83016672616e676573828382182a416600f683f602815820' + id,
      ],
      [{ type: 'want', ids: [id] }, '83016477616e74815820' + id],
      [{ type: 'end' }, '820163656e64'],
    ]
    for (const [m, expected] of vectors) {
      expect(bytesToHex(encodeSyncMessage(m))).toBe(expected)
      expect(parseSyncMessage(hexToBytes(expected))).toEqual(m)
    }
  })

  it('accept the limits exactly', () => {
    const ids = Array.from({ length: MAX_WANT_IDS }, (_, i) => hex(i % 256))
    expect(parseSyncMessage(encodeSyncMessage({ type: 'want', ids }))).not.toBeNull()
    const many = Array.from({ length: MAX_IDS_PER_RANGE }, () => hex(9))
    expect(parseSyncMessage(encodeSyncMessage({ type: 'ranges', ranges: [{ upper: null, mode: 'ids', ids: many }] }))).not.toBeNull()
    const text = 'x'.repeat(MAX_ERROR_TEXT)
    expect(parseSyncMessage(encodeSyncMessage({ type: 'error', text }))).not.toBeNull()
    const skips: Range[] = Array.from({ length: MAX_RANGES_PER_MESSAGE - 1 }, (_, i) => ({ upper: bound(i + 1), mode: 'skip' }))
    expect(parseSyncMessage(encodeSyncMessage({ type: 'ranges', ranges: [...skips, { upper: null, mode: 'skip' }] }))).not.toBeNull()
  })

  describe('junk is null', () => {
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array(0)],
      ['not CBOR', Uint8Array.of(0xff, 0x00, 0x13)],
      ['not an array', raw({ v: 1 })],
      ['version 2', raw([2, 'end'])],
      ['version 1.0 as a float', Uint8Array.of(0x82, 0xf9, 0x3c, 0x00, 0x63, 0x65, 0x6e, 0x64)],
      ['version missing', raw(['end'])],
      ['unknown type', raw([1, 'hello'])],
      ['end with an extra element', raw([1, 'end', null])],
      ['trailing bytes', Uint8Array.of(...encodeSyncMessage({ type: 'end' }), 0x00)],
      ['open with a 15-byte room', raw([1, 'open', bytes(15), [last]])],
      ['open without ranges', raw([1, 'open', bytes(16)])],
      ['no ranges at all', rawRanges()],
      ['ranges not an array', raw([1, 'ranges', 5])],
      ['last bound not null', rawRanges(rawRange([5, bytes(0)], 0, null))],
      ['null bound before the last', rawRanges(rawRange(null, 0, null), last)],
      ['unsorted ranges', rawRanges(rawRange([5, bytes(0)], 0, null), rawRange([4, bytes(0)], 0, null), last)],
      ['equal bounds', rawRanges(rawRange([5, bytes(0)], 0, null), rawRange([5, bytes(0)], 0, null), last)],
      ['equal bounds spelled differently', rawRanges(rawRange([5, Uint8Array.of(1)], 0, null), rawRange([5, Uint8Array.of(1, 0)], 0, null), last)],
      ['a first range that is empty', rawRanges(rawRange([0, bytes(0)], 0, null), last)],
      ['a prefix ending in zero', rawRanges(rawRange([5, Uint8Array.of(3, 0)], 0, null), last)],
      ['a prefix of 33 bytes', rawRanges(rawRange([5, bytes(33)], 0, null), last)],
      ['a negative lamport', rawRanges(rawRange([-1, bytes(1)], 0, null), last)],
      ['a lamport above 2^53 - 1', rawRanges(rawRange([2n ** 53n, bytes(1)], 0, null), last)],
      ['a bound of three elements', rawRanges([[5, bytes(1), 0], 0, null], last)],
      ['a bound whose prefix is text', rawRanges(rawRange([5, 'a' as unknown as Uint8Array], 0, null), last)],
      ['mode 3', rawRanges(rawRange(null, 3, null))],
      ['skip with a payload', rawRanges(rawRange(null, 0, bytes(16)))],
      ['a 15-byte fingerprint', rawRanges(rawRange(null, 1, bytes(15)))],
      ['a 17-byte fingerprint', rawRanges(rawRange(null, 1, bytes(17)))],
      ['an id of 31 bytes in a list', rawRanges(rawRange(null, 2, [bytes(31)]))],
      ['too many ids in a list', rawRanges(rawRange(null, 2, Array.from({ length: MAX_IDS_PER_RANGE + 1 }, () => bytes(32))))],
      ['a range of two elements', rawRanges([null, 0])],
      ['too many ranges', raw([1, 'ranges', [...Array.from({ length: MAX_RANGES_PER_MESSAGE }, (_, i) => rawRange([i + 1, bytes(0)], 0, null)), last]])],
      ['an empty want', raw([1, 'want', []])],
      ['too many wants', raw([1, 'want', Array.from({ length: MAX_WANT_IDS + 1 }, () => bytes(32))])],
      ['a want of 33 bytes', raw([1, 'want', [bytes(33)]])],
      ['empty posts', raw([1, 'posts', []])],
      ['an empty frame', raw([1, 'posts', [bytes(0)]])],
      ['a frame over the limit', raw([1, 'posts', [bytes(MAX_FRAME_BYTES + 1)]])],
      ['too many frames', raw([1, 'posts', Array.from({ length: MAX_FRAMES_PER_POSTS + 1 }, () => bytes(41))])],
      ['error text too long', raw([1, 'error', 'x'.repeat(MAX_ERROR_TEXT + 1)])],
      ['error without text', raw([1, 'error'])],
      ['invalid UTF-8 in an error', Uint8Array.of(0x83, 0x01, 0x65, 0x65, 0x72, 0x72, 0x6f, 0x72, 0x61, 0xff)],
      ['an indefinite-length array', Uint8Array.of(0x9f, 0x01, 0x63, 0x65, 0x6e, 0x64, 0xff)],
      ['a tag', Uint8Array.of(0xc1, 0x82, 0x01, 0x63, 0x65, 0x6e, 0x64)],
      ['over 64 KiB', raw([1, 'posts', Array.from({ length: 9 }, () => bytes(MAX_FRAME_BYTES))])],
    ]
    for (const [name, input] of cases) {
      it(name, () => {
        expect(parseSyncMessage(input)).toBeNull()
      })
    }

    it('over 64 KiB even when every frame is within its own limit', () => {
      const big = encodeSyncMessage({ type: 'posts', frames: Array.from({ length: 8 }, () => bytes(MAX_FRAME_BYTES)) })
      expect(big.length).toBeGreaterThan(MAX_SYNC_MESSAGE_BYTES)
      expect(parseSyncMessage(big)).toBeNull()
    })
  })

  it('never throw on random or mutated bytes', () => {
    let s = 12345
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32)
    const valid = samples.map(encodeSyncMessage)
    for (let i = 0; i < 2000; i++) {
      let input: Uint8Array
      if (i % 2 === 0) {
        input = Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256))
      } else {
        input = Uint8Array.from(valid[i % valid.length] as Uint8Array)
        for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) input[Math.floor(rand() * input.length)] = Math.floor(rand() * 256)
      }
      expect(() => parseSyncMessage(input)).not.toThrow()
    }
  })
})
