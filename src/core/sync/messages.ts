import { decode, encode } from 'cborg'
import { z } from 'zod/mini'
import { bytesToHex, equalBytes, hexToBytes } from '../bytes.ts'
import { ROOM_ID_BYTES } from '../room/room-keys.ts'
import { STRICT_CBOR } from '../wire/payload.ts'
import { MAX_FRAME_BYTES } from '../wire/limits.ts'
import { compareBounds, isCanonicalBound, MIN_BOUND, type Bound, type UpperBound } from './bound.ts'
import {
  FINGERPRINT_BYTES,
  ID_BYTES,
  MAX_ERROR_TEXT,
  MAX_IDS_PER_RANGE,
  MAX_FRAMES_PER_POSTS,
  MAX_RANGES_PER_MESSAGE,
  MAX_SYNC_MESSAGE_BYTES,
  MAX_WANT_IDS,
  SYNC_VERSION,
} from './limits.ts'

/**
 * One range of a reconciliation turn. It runs from the previous range's `upper` (or the minimum)
 * up to its own `upper`, exclusive. Ids are lowercase hex, as everywhere else in the app.
 */
export type Range =
  | { readonly upper: UpperBound; readonly mode: 'skip' }
  | { readonly upper: UpperBound; readonly mode: 'fingerprint'; readonly fingerprint: Uint8Array }
  | { readonly upper: UpperBound; readonly mode: 'ids'; readonly ids: readonly string[] }

/** The messages of /roda/sync/1.0.0 (PROTOCOL.md §9). */
export type SyncMessage =
  | { readonly type: 'open'; readonly room: Uint8Array; readonly ranges: Range[] }
  | { readonly type: 'ranges'; readonly ranges: Range[] }
  | { readonly type: 'want'; readonly ids: string[] }
  | { readonly type: 'posts'; readonly frames: Uint8Array[] }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly text: string }

const MODE = { skip: 0, fingerprint: 1, ids: 2 } as const

type BoundTuple = [number, Uint8Array]
type RangeTuple = [BoundTuple | null, number, Uint8Array | Uint8Array[] | null]

function boundToTuple(b: UpperBound): BoundTuple | null {
  return b === null ? null : [b.lamport, b.prefix]
}

function rangeToTuple(r: Range): RangeTuple {
  const upper = boundToTuple(r.upper)
  if (r.mode === 'skip') return [upper, MODE.skip, null]
  if (r.mode === 'fingerprint') return [upper, MODE.fingerprint, r.fingerprint]
  return [upper, MODE.ids, r.ids.map(hexToBytes)]
}

function toTuple(m: SyncMessage): unknown[] {
  switch (m.type) {
    case 'open':
      return [SYNC_VERSION, 'open', m.room, m.ranges.map(rangeToTuple)]
    case 'ranges':
      return [SYNC_VERSION, 'ranges', m.ranges.map(rangeToTuple)]
    case 'want':
      return [SYNC_VERSION, 'want', m.ids.map(hexToBytes)]
    case 'posts':
      return [SYNC_VERSION, 'posts', m.frames]
    case 'end':
      return [SYNC_VERSION, 'end']
    case 'error':
      return [SYNC_VERSION, 'error', m.text]
  }
}

/**
 * Deterministic CBOR of a message. It does not check limits (tests build oversize messages on
 * purpose); the reconciler and `packPosts` / `packWants` produce messages that parse.
 * Throws only on ids that are not hex, which is a bug in the caller.
 */
export function encodeSyncMessage(m: SyncMessage): Uint8Array {
  return encode(toTuple(m))
}

const byteString = (min: number, max: number) =>
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length >= min && v.length <= max)
const version = z.literal(SYNC_VERSION)
const boundSchema = z.nullable(z.tuple([z.int().check(z.nonnegative()), byteString(0, ID_BYTES)]))
const rangeSchema = z.union([
  z.tuple([boundSchema, z.literal(MODE.skip), z.null()]),
  z.tuple([boundSchema, z.literal(MODE.fingerprint), byteString(FINGERPRINT_BYTES, FINGERPRINT_BYTES)]),
  z.tuple([boundSchema, z.literal(MODE.ids), z.array(byteString(ID_BYTES, ID_BYTES)).check(z.maxLength(MAX_IDS_PER_RANGE))]),
])
const rangesSchema = z.array(rangeSchema).check(z.minLength(1), z.maxLength(MAX_RANGES_PER_MESSAGE))

// One schema per type, picked by the type string: a union would parse each message many times.
const schemas = {
  open: z.tuple([version, z.literal('open'), byteString(ROOM_ID_BYTES, ROOM_ID_BYTES), rangesSchema]),
  ranges: z.tuple([version, z.literal('ranges'), rangesSchema]),
  want: z.tuple([version, z.literal('want'), z.array(byteString(ID_BYTES, ID_BYTES)).check(z.minLength(1), z.maxLength(MAX_WANT_IDS))]),
  posts: z.tuple([version, z.literal('posts'), z.array(byteString(1, MAX_FRAME_BYTES)).check(z.minLength(1), z.maxLength(MAX_FRAMES_PER_POSTS))]),
  end: z.tuple([version, z.literal('end')]),
  error: z.tuple([version, z.literal('error'), z.string().check(z.maxLength(MAX_ERROR_TEXT))]),
}

type ParsedRange = z.infer<typeof rangeSchema>

/**
 * The ranges must cover the key space in order: every bound canonical and above the previous
 * one (the first above the minimum), and only the last one +infinity.
 */
function toRanges(raw: ParsedRange[]): Range[] | null {
  const out: Range[] = []
  let prev: Bound = MIN_BOUND
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i] as ParsedRange
    const b = r[0]
    const last = i === raw.length - 1
    let upper: UpperBound = null
    if (b === null) {
      if (!last) return null
    } else {
      if (last) return null
      upper = { lamport: b[0], prefix: b[1] }
      if (!isCanonicalBound(upper) || compareBounds(prev, upper) >= 0) return null
      prev = upper
    }
    if (r[1] === MODE.skip) out.push({ upper, mode: 'skip' })
    else if (r[1] === MODE.fingerprint) out.push({ upper, mode: 'fingerprint', fingerprint: r[2] })
    else out.push({ upper, mode: 'ids', ids: r[2].map(bytesToHex) })
  }
  return out
}

function fromRaw(raw: unknown): SyncMessage | null {
  if (!Array.isArray(raw)) return null
  const type: unknown = raw[1]
  switch (type) {
    case 'open': {
      const r = schemas.open.safeParse(raw)
      const ranges = r.success ? toRanges(r.data[3]) : null
      return r.success && ranges ? { type, room: r.data[2], ranges } : null
    }
    case 'ranges': {
      const r = schemas.ranges.safeParse(raw)
      const ranges = r.success ? toRanges(r.data[2]) : null
      return ranges ? { type, ranges } : null
    }
    case 'want': {
      const r = schemas.want.safeParse(raw)
      return r.success ? { type, ids: r.data[2].map(bytesToHex) } : null
    }
    case 'posts': {
      const r = schemas.posts.safeParse(raw)
      return r.success ? { type, frames: r.data[2] } : null
    }
    case 'end':
      return schemas.end.safeParse(raw).success ? { type } : null
    case 'error': {
      const r = schemas.error.safeParse(raw)
      return r.success ? { type, text: r.data[2] } : null
    }
    default:
      return null
  }
}

/**
 * Parses one sync message; anything else (not CBOR, another version, a wrong shape, ranges that
 * do not cover the key space in order, a limit exceeded) is null, never an exception.
 */
export function parseSyncMessage(bytes: Uint8Array): SyncMessage | null {
  if (bytes.length > MAX_SYNC_MESSAGE_BYTES) return null
  try {
    const msg = fromRaw(decode(bytes, STRICT_CBOR))
    // Strict cborg still reads a float 1.0 as 1 and invalid UTF-8 as U+FFFD: re-encoding is the
    // one check that leaves every message a single spelling.
    return msg && equalBytes(encodeSyncMessage(msg), bytes) ? msg : null
  } catch {
    return null
  }
}
