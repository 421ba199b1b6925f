import { decode, encode } from 'cborg'
import { lpStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { bytesToHex } from '../bytes.ts'

export const RENDEZVOUS_PROTOCOL = '/roda/rendezvous/1.0.0'
const MAX_MESSAGE = 4096

export type RelayMessage =
  | { type: 'peers'; ns: string; peers: string[] }
  | { type: 'arrived'; ns: string; peer: string }
  | { type: 'error'; text: string }

function isBytes32(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array && x.length === 32
}

/** Parses one relay message (PROTOCOL.md §7); anything else is null, never an exception. */
export function parseRelayMessage(bytes: Uint8Array): RelayMessage | null {
  let v: unknown
  try {
    v = decode(bytes)
  } catch {
    return null
  }
  if (!Array.isArray(v) || v[0] !== 1) return null
  const [, type, a, b] = v as unknown[]
  if (type === 'peers' && isBytes32(a) && Array.isArray(b) && b.every((p) => typeof p === 'string' && p.length <= 128)) {
    return { type, ns: bytesToHex(a), peers: b as string[] }
  }
  if (type === 'arrived' && isBytes32(a) && typeof b === 'string' && b.length <= 128) {
    return { type, ns: bytesToHex(a), peer: b }
  }
  if (type === 'error' && typeof a === 'string') return { type, text: a.slice(0, 200) }
  return null
}

/**
 * One long-lived rendezvous stream to a relay: join/leave namespaces and receive introductions.
 * The stream ends when the relay connection does; the owner opens a new one on reconnect.
 */
export class RendezvousSession {
  private readonly lp

  constructor(private readonly stream: Stream) {
    this.lp = lpStream(stream, { maxDataLength: MAX_MESSAGE })
  }

  async join(ns: Uint8Array): Promise<void> {
    await this.lp.write(encode([1, 'join', ns]))
  }

  async leave(ns: Uint8Array): Promise<void> {
    await this.lp.write(encode([1, 'leave', ns]))
  }

  /** Reads relay messages until the stream ends; malformed ones are skipped. */
  async run(onMessage: (m: RelayMessage) => void): Promise<void> {
    for (;;) {
      let frame
      try {
        frame = await this.lp.read()
      } catch {
        return
      }
      const msg = parseRelayMessage(frame.subarray())
      if (msg) onMessage(msg)
    }
  }

  close(): void {
    this.stream.abort(new Error('rendezvous closed'))
  }
}
