import { lpStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { MAX_FRAME_BYTES } from '../wire/limits.ts'
import type { RodaLibp2p } from './node.ts'

export const CIRCUIT_HELLO_PROTOCOL = '/roda/hello/1.0.0'
// One frame per room both sides are in; a browser is in a handful of rooms at once.
export const MAX_HELLO_FRAMES = 4
const TIMEOUT_MS = 5_000
// Hello streams taken from one connection in its whole life: the peer says hello each time it
// marks us unreachable anew (after it reached us once), which is rare on one circuit.
const MAX_STREAMS_PER_CONNECTION = 4

/** What the exchange needs from each room the other peer was introduced in. */
export interface HelloRoom {
  /** Whether the relay introduced this peer as a member of the room (we only send to those). */
  hasMember(peer: string): boolean
  /** Our current hello for the room, sealed as a frame (PROTOCOL.md §4), if we have one yet. */
  helloFrame(): Promise<Uint8Array | undefined>
  /** A frame the peer sent over the circuit: accepted only if it is that peer's own hello. */
  acceptHello(frame: Uint8Array, fromPeer: string): Promise<void>
}

/**
 * /roda/hello/1.0.0 (PROTOCOL.md §11): over the relay circuit, a node hands a peer it cannot
 * reach by WebRTC its room hellos, so a member whom no path reaches still has a name in the
 * peer list ("can't reach Bruno from this network") instead of "someone". Hellos normally
 * travel by gossip, which needs a WebRTC connection. The frames are the same sealed, signed
 * hellos; the receiver checks them like gossip and also that the hello names the peer at the
 * other end of the circuit.
 */
export class CircuitHellos {
  private readonly streamsTaken = new WeakMap<Connection, number>()

  constructor(
    private readonly node: RodaLibp2p,
    private readonly rooms: () => HelloRoom[],
  ) {}

  async start(): Promise<void> {
    await this.node.handle(CIRCUIT_HELLO_PROTOCOL, (stream, conn) => void this.receive(stream, conn), {
      runOnLimitedConnection: true,
      maxInboundStreams: 2,
    })
  }

  /**
   * Says hello over the open circuits to a peer that WebRTC could not reach. Only then: when a
   * WebRTC connection comes up, gossip carries hellos, and a room that forms would otherwise
   * pay for a stream on every circuit.
   */
  sendTo(peer: string): void {
    for (const conn of this.node.getConnections()) {
      if (conn.limits != null && conn.status === 'open' && conn.remotePeer.toString() === peer) void this.send(conn).catch(() => {})
    }
  }

  private async send(conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString()
    const rooms = this.rooms().filter((r) => r.hasMember(peer)).slice(0, MAX_HELLO_FRAMES)
    const frames = (await Promise.all(rooms.map((r) => r.helloFrame()))).filter((f): f is Uint8Array => f != null)
    if (frames.length === 0) return
    const signal = AbortSignal.timeout(TIMEOUT_MS)
    const stream = await conn.newStream(CIRCUIT_HELLO_PROTOCOL, { signal, runOnLimitedConnection: true })
    await writeHelloFrames(stream, frames, signal)
  }

  private async receive(stream: Stream, conn: Connection): Promise<void> {
    const taken = this.streamsTaken.get(conn) ?? 0
    // Circuits only (over WebRTC, gossip carries hellos), and a bounded number of streams.
    if (conn.limits == null || taken >= MAX_STREAMS_PER_CONNECTION) {
      stream.abort(new Error('hello not wanted on this connection'))
      return
    }
    this.streamsTaken.set(conn, taken + 1)
    const peer = conn.remotePeer.toString()
    const frames = await readHelloFrames(stream, AbortSignal.timeout(TIMEOUT_MS))
    // Every room tries, introduced or not yet (the relay's "arrived" may come after the
    // circuit): only a member can seal a frame for a room, and only its own hello is taken.
    // Sealed frames do not say their room; each room tries with its key.
    for (const frame of frames) for (const room of this.rooms()) await room.acceptHello(frame, peer)
  }
}

/** Sends up to MAX_HELLO_FRAMES frames, length-prefixed, then closes; aborts the stream on error. */
export async function writeHelloFrames(stream: Stream, frames: Uint8Array[], signal: AbortSignal): Promise<void> {
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    for (const frame of frames.slice(0, MAX_HELLO_FRAMES)) await lp.write(frame, { signal })
    await stream.close({ signal })
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  }
}

/**
 * Reads at most MAX_HELLO_FRAMES frames of at most MAX_FRAME_BYTES each, until the sender closes,
 * goes silent past `signal`, or sends too much; returns what arrived whole.
 */
export async function readHelloFrames(stream: Stream, signal: AbortSignal): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = []
  const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
  try {
    while (frames.length < MAX_HELLO_FRAMES) frames.push((await lp.read({ signal })).subarray())
    // A fifth frame is one too many: the sender is not following the protocol.
    stream.abort(new Error('too many hello frames'))
  } catch {
    // the sender closed its side (or went silent, or sent an oversized frame): done
    if (stream.status === 'open') stream.abort(new Error('hello stream ended'))
  }
  return frames
}
