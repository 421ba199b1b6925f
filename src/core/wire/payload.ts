import { decode, encode, type DecodeOptions } from 'cborg'
import { z } from 'zod/mini'
import { equalBytes } from '../bytes.ts'
import { PUBLIC_KEY_BYTES } from '../identity/identity.ts'
import { err, ok, type Result } from '../result.ts'
import { ROOM_ID_BYTES } from '../room/room-keys.ts'
import { FORMAT_VERSION, MAX_NAME, MAX_PEER_ID, MAX_TEXT } from './limits.ts'

/** A chat message as signed by its author (PROTOCOL.md §2). */
export type PostPayload = {
  kind: 'post'
  room: Uint8Array
  author: Uint8Array
  ts: number
  name: string
  lamport: number
  text: string
}

/** "This libp2p peer speaks for this key", re-sent periodically (PROTOCOL.md §2). */
export type HelloPayload = {
  kind: 'hello'
  room: Uint8Array
  author: Uint8Array
  ts: number
  name: string
  peerId: string
}

export type Payload = PostPayload | HelloPayload

/**
 * cborg options for everything Roda reads off the wire: shortest-form integers and lengths,
 * definite lengths only, no undefined/NaN/Infinity/bigint, no tags (cborg rejects unknown tags).
 */
export const STRICT_CBOR: DecodeOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
}

const bytesOf = (length: number) =>
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length === length, { message: `expected ${length} bytes` })
// z.int() admits only safe integers, which is the protocol's 2^53 − 1 ceiling.
const uint = z.int().check(z.nonnegative())
// Decoded CBOR text never holds lone surrogates, but a local payload could, and cborg would
// silently encode one as U+FFFD: the author's copy and everyone else's would then differ.
const LONE_SURROGATE = /\p{Cs}/u
const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u
const nameSchema = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_NAME),
  z.refine((s) => !CONTROL_OR_LONE_SURROGATE.test(s), 'control character in name'),
)
const textSchema = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_TEXT),
  z.refine((s) => !LONE_SURROGATE.test(s), 'lone surrogate in text'),
)
const peerIdSchema = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_PEER_ID),
  z.regex(/^[1-9A-HJ-NP-Za-km-z]+$/, 'peer id is not base58btc'),
)

// The version gate: only version 1 exists, so anything else is malformed. A future version 2
// gets its own tuple schemas here plus an upgrader from the version-1 shapes to the new types.
const version = z.literal(FORMAT_VERSION)

/** `[1, "post", room-id, author, ts, name, lamport, text]` */
export const postTupleSchema = z.tuple([
  version, z.literal('post'), bytesOf(ROOM_ID_BYTES), bytesOf(PUBLIC_KEY_BYTES), uint, nameSchema, uint, textSchema,
])

/** `[1, "hello", room-id, author, ts, name, peer-id]` */
export const helloTupleSchema = z.tuple([
  version, z.literal('hello'), bytesOf(ROOM_ID_BYTES), bytesOf(PUBLIC_KEY_BYTES), uint, nameSchema, peerIdSchema,
])

type PostTuple = z.infer<typeof postTupleSchema>
type HelloTuple = z.infer<typeof helloTupleSchema>

function toTuple(p: Payload): PostTuple | HelloTuple {
  return p.kind === 'post'
    ? [FORMAT_VERSION, 'post', p.room, p.author, p.ts, p.name, p.lamport, p.text]
    : [FORMAT_VERSION, 'hello', p.room, p.author, p.ts, p.name, p.peerId]
}

function parseTuple(raw: unknown): Payload | undefined {
  // Pick the schema by kind rather than trying a union: one parse per payload, not two.
  if (!Array.isArray(raw)) return undefined
  if (raw[1] === 'post') {
    const r = postTupleSchema.safeParse(raw)
    if (!r.success) return undefined
    const [, kind, room, author, ts, name, lamport, text] = r.data
    return { kind, room, author, ts, name, lamport, text }
  }
  if (raw[1] === 'hello') {
    const r = helloTupleSchema.safeParse(raw)
    if (!r.success) return undefined
    const [, kind, room, author, ts, name, peerId] = r.data
    return { kind, room, author, ts, name, peerId }
  }
  return undefined
}

/**
 * The deterministic CBOR array of PROTOCOL.md §2. It does not check the payload, so that tests
 * and diagnostics can build invalid ones on purpose; `signPayload` checks before it signs.
 */
export function encodePayload(p: Payload): Uint8Array {
  return encode(toTuple(p))
}

/** Whether a receiver would accept this payload's shape (lengths, limits, characters). */
export function isValidPayload(p: Payload): boolean {
  return (p.kind === 'post' ? postTupleSchema : helloTupleSchema).safeParse(toTuple(p)).success
}

/**
 * Parses signed payload bytes. Besides the schema, the bytes must be exactly the deterministic
 * encoding of what they decode to: that single re-encoding check rules out every alternative
 * spelling cborg would otherwise accept (a float 1.0 for a uint, invalid UTF-8 read as U+FFFD,
 * trailing bytes), so one payload has one byte string and hence one post id.
 */
export function decodePayload(bytes: Uint8Array): Result<Payload, 'malformed'> {
  const raw = readPayload(bytes)
  return raw.ok ? checkPayload(raw.value, bytes) : raw
}

/** The first half of `decodePayload`: the CBOR value, not yet checked against anything. */
export function readPayload(bytes: Uint8Array): Result<unknown, 'malformed'> {
  try {
    return ok(decode(bytes, STRICT_CBOR))
  } catch {
    return err('malformed')
  }
}

/** The second half of `decodePayload`: `raw`, read from `bytes`, checked and typed. */
export function checkPayload(raw: unknown, bytes: Uint8Array): Result<Payload, 'malformed'> {
  const payload = parseTuple(raw)
  if (!payload || !equalBytes(encodePayload(payload), bytes)) return err('malformed')
  return ok(payload)
}

/**
 * The key a read but unchecked payload names as its author, if it holds one where a payload
 * does: enough to start verifying its signature while the rest is checked.
 */
export function claimedAuthor(raw: unknown): Uint8Array | undefined {
  const author: unknown = Array.isArray(raw) ? raw[3] : undefined
  return author instanceof Uint8Array && author.length === PUBLIC_KEY_BYTES ? author : undefined
}
