// Wire format of /roda/rendezvous/1.0.0 (docs/PROTOCOL.md §7): each message is one CBOR array,
// sent length-prefixed (unsigned varint). Parsers return null for anything off-spec so a hostile
// client can never make the relay throw.
import { decode, encode } from 'cborg'

export const RENDEZVOUS_PROTOCOL = '/roda/rendezvous/1.0.0'
export const VERSION = 1
/** Largest message body either side may send. */
export const MAX_MESSAGE_BYTES = 4096
export const NAMESPACE_BYTES = 32
/** Most peers named in one `peers` answer. */
export const MAX_PEERS_PER_ANSWER = 64

export type ClientMessage =
  | { type: 'join', ns: Uint8Array }
  | { type: 'leave', ns: Uint8Array }

export type RelayMessage =
  | { type: 'peers', ns: Uint8Array, peers: string[] }
  | { type: 'arrived', ns: Uint8Array, peer: string }
  | { type: 'error', text: string }

function decodeArray(bytes: Uint8Array): unknown[] | null {
  if (bytes.byteLength > MAX_MESSAGE_BYTES) return null
  let value: unknown
  try {
    value = decode(bytes)
  } catch {
    return null
  }
  return Array.isArray(value) && value[0] === VERSION ? value : null
}

function isNamespace(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array && x.byteLength === NAMESPACE_BYTES
}

export function parseClientMessage(bytes: Uint8Array): ClientMessage | null {
  const msg = decodeArray(bytes)
  if (msg?.length !== 3) return null
  const [, type, ns] = msg
  if ((type === 'join' || type === 'leave') && isNamespace(ns)) return { type, ns }
  return null
}

/** The client-side counterpart, used by tests and by any Node client. */
export function parseRelayMessage(bytes: Uint8Array): RelayMessage | null {
  const msg = decodeArray(bytes)
  if (msg == null) return null
  const [, type, a, b] = msg
  if (type === 'peers' && msg.length === 4 && isNamespace(a) && Array.isArray(b) && b.every((p) => typeof p === 'string')) {
    return { type, ns: a, peers: b as string[] }
  }
  if (type === 'arrived' && msg.length === 4 && isNamespace(a) && typeof b === 'string') return { type, ns: a, peer: b }
  if (type === 'error' && msg.length === 3 && typeof a === 'string') return { type, text: a }
  return null
}

export function encodeJoin(ns: Uint8Array): Uint8Array {
  return encode([VERSION, 'join', ns])
}

export function encodeLeave(ns: Uint8Array): Uint8Array {
  return encode([VERSION, 'leave', ns])
}

/** Drops the oldest peers (the tail) if the answer would exceed the message limit. */
export function encodePeers(ns: Uint8Array, peers: readonly string[]): Uint8Array {
  let list = peers.slice(0, MAX_PEERS_PER_ANSWER)
  let bytes = encode([VERSION, 'peers', ns, list])
  while (bytes.byteLength > MAX_MESSAGE_BYTES) {
    list = list.slice(0, -1)
    bytes = encode([VERSION, 'peers', ns, list])
  }
  return bytes
}

export function encodeArrived(ns: Uint8Array, peer: string): Uint8Array {
  return encode([VERSION, 'arrived', ns, peer])
}

export function encodeError(text: string): Uint8Array {
  return encode([VERSION, 'error', text])
}

/** Prefixes a body with its unsigned-varint length, the framing lpStream reads. */
export function frame(body: Uint8Array): Uint8Array {
  const prefix: number[] = []
  let n = body.byteLength
  while (n >= 0x80) {
    prefix.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  prefix.push(n)
  const out = new Uint8Array(prefix.length + body.byteLength)
  out.set(prefix)
  out.set(body, prefix.length)
  return out
}
