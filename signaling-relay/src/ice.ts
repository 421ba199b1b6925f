// The relay side of /roda/ice/1.0.0 (docs/PROTOCOL.md §10), as a libp2p service: a browser opens a
// stream and the relay answers with the STUN/TURN servers to use, TURN ones with credentials
// minted for that browser's peer id. One message, then the relay closes its side.
import { encode } from 'cborg'
import { frame } from './messages.ts'
import { iceServersFor, type IceServers, type TurnOptions } from './turn.ts'
import type { ComponentLogger, Connection, Logger, Startable, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

export const ICE_PROTOCOL = '/roda/ice/1.0.0'
const VERSION = 1
/** Largest answer either side accepts. The relay's own are far smaller (turn.ts bounds TURN_URLS). */
export const MAX_ICE_MESSAGE_BYTES = 4096

/** `[1, "ice", [[urls], or [urls, username, credential], …], expires]` */
export function encodeIceAnswer(answer: IceServers): Uint8Array {
  const servers = answer.servers.map((s) => (s.username != null && s.credential != null ? [s.urls, s.username, s.credential] : [s.urls]))
  return encode([VERSION, 'ice', servers, answer.expires])
}

export interface IceServersComponents {
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
    unhandle(protocol: string): Promise<void>
  }
  logger: ComponentLogger
}

export interface IceServersInit {
  /** What to hand out; nothing configured answers an empty list. */
  turn?: TurnOptions
  /** ICE streams one connection may hold open at once. */
  maxInboundStreams?: number
  /** Answers one peer may get at once (the size of its token bucket). */
  burst?: number
  /** One more answer is allowed every refillMs, up to `burst`. */
  refillMs?: number
  /** Peers whose buckets are remembered; past it the least recently seen is forgotten. */
  maxTrackedPeers?: number
  /** Clock for minting and rate limiting, in ms since the epoch; tests replace it. */
  now?: () => number
}

// A browser asks once when it connects and again before its credentials expire (hours), so five
// at once and one every 10 s only ever refuse a peer that loops. Forgetting a peer just gives it
// a full bucket again, which it would have anyway after 50 s.
const DEFAULTS = {
  maxInboundStreams: 2,
  burst: 5,
  refillMs: 10_000,
  maxTrackedPeers: 10_000,
} satisfies Omit<Required<IceServersInit>, 'turn' | 'now'>

// The client sends nothing; what it sends anyway is never read and must not pile up.
const MAX_UNREAD_BYTES = 1024
// How long the answer may take to flush, and then how long the client has to read it and close
// its side before the stream is reset.
const CLOSE_TIMEOUT_MS = 2_000
const LINGER_MS = 5_000

/** Per-peer token buckets, at most `maxPeers` of them, least recently seen forgotten first. */
export class RequestLimiter {
  // Map order is the order of last use: every take() moves the peer to the end.
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(private readonly burst: number, private readonly refillMs: number, private readonly maxPeers: number) {}

  /** Spends one token of `peer`'s bucket; false when it is empty. */
  take(peer: string, now: number): boolean {
    const bucket = this.buckets.get(peer)
    this.buckets.delete(peer)
    const tokens = bucket == null ? this.burst : Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) / this.refillMs)
    const allowed = tokens >= 1
    this.buckets.set(peer, { tokens: allowed ? tokens - 1 : tokens, at: now })
    if (this.buckets.size > this.maxPeers) this.buckets.delete(this.buckets.keys().next().value!)
    return allowed
  }

  get size(): number {
    return this.buckets.size
  }

  clear(): void {
    this.buckets.clear()
  }
}

export class IceServersService implements Startable {
  readonly protocol = ICE_PROTOCOL
  readonly [Symbol.toStringTag] = 'roda/ice-servers'

  private readonly components: IceServersComponents
  private readonly turn: TurnOptions | undefined
  private readonly init: typeof DEFAULTS
  private readonly now: () => number
  readonly limiter: RequestLimiter
  private readonly streams = new Set<Stream>()
  private readonly log: Logger
  private started = false

  constructor(components: IceServersComponents, init: IceServersInit = {}) {
    const { turn, now, ...limits } = init
    this.components = components
    this.turn = turn
    this.init = { ...DEFAULTS, ...limits }
    this.now = now ?? Date.now
    this.limiter = new RequestLimiter(this.init.burst, this.init.refillMs, this.init.maxTrackedPeers)
    this.log = components.logger.forComponent('roda:ice')
    this.handleStream = this.handleStream.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(this.protocol, this.handleStream, {
      maxInboundStreams: this.init.maxInboundStreams,
      // The relay never asks anyone for ICE servers.
      maxOutboundStreams: 1,
      // Browsers ask over their own WebSocket connection, never a relayed one.
      runOnLimitedConnection: false,
    })
    this.started = true
  }

  async stop(): Promise<void> {
    this.started = false
    await this.components.registrar.unhandle(this.protocol)
    for (const stream of this.streams) stream.abort(new Error('relay stopping'))
    this.streams.clear()
    this.limiter.clear()
  }

  isStarted(): boolean {
    return this.started
  }

  handleStream(stream: Stream, connection: Connection): void {
    void this.answer(stream, connection.remotePeer.toString())
  }

  private async answer(stream: Stream, peerId: string): Promise<void> {
    if (!this.started) {
      stream.abort(new Error('relay stopping'))
      return
    }
    stream.maxReadBufferLength = MAX_UNREAD_BYTES
    this.streams.add(stream)
    try {
      const now = this.now()
      // Over the limit the stream just ends without an answer: no work, nothing to parse.
      if (this.limiter.take(peerId, now)) stream.send(frame(encodeIceAnswer(iceServersFor(this.turn, peerId, now))))
      else this.log('too many ICE requests from %s', peerId)
      await stream.close({ signal: AbortSignal.timeout(CLOSE_TIMEOUT_MS) })
      await closedByPeer(stream, LINGER_MS)
    } catch (err) {
      this.log('ICE stream from %s failed - %e', peerId, err)
    } finally {
      this.streams.delete(stream)
      if (stream.status === 'open' || stream.status === 'closing') stream.abort(new Error('ICE stream not closed in time'))
    }
  }
}

/** Resolves when the stream is fully closed or after ms, whichever comes first. */
async function closedByPeer(stream: Stream, ms: number): Promise<void> {
  if (stream.status !== 'open' && stream.status !== 'closing') return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      stream.removeEventListener('close', done)
      resolve()
    }
    stream.addEventListener('close', done)
  })
}

export function iceServersService(init: IceServersInit = {}): (components: IceServersComponents) => IceServersService {
  return (components) => new IceServersService(components, init)
}
