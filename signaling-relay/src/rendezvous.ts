// The relay side of /roda/rendezvous/1.0.0 (docs/PROTOCOL.md §7), as a libp2p service.
// The relay only ever sees opaque 32-byte namespaces and peer ids: it cannot tell which room a
// namespace stands for, and it keeps nothing once a stream ends.
import { lpStream } from '@libp2p/utils'
import {
  MAX_MESSAGE_BYTES,
  MAX_PEERS_PER_ANSWER,
  RENDEZVOUS_PROTOCOL,
  encodeArrived,
  encodeError,
  encodePeers,
  frame,
  parseClientMessage,
} from './messages.ts'
import { Registry } from './registry.ts'
import type { ComponentLogger, Connection, Logger, Startable, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

export interface RendezvousServerComponents {
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
    unhandle(protocol: string): Promise<void>
  }
  logger: ComponentLogger
}

export interface RendezvousServerInit {
  /** Rendezvous streams one connection may hold open at once. */
  maxInboundStreams?: number
  /** Namespaces one stream may be joined to. */
  maxNamespacesPerStream?: number
  /** Registrations across all streams; joins beyond it are refused. */
  maxRegistrations?: number
  /** Refused messages tolerated on one stream before it is aborted. */
  maxErrorsPerStream?: number
}

const DEFAULTS = {
  maxInboundStreams: 4,
  maxNamespacesPerStream: 32,
  maxRegistrations: 100_000,
  maxErrorsPerStream: 16,
} satisfies Required<RendezvousServerInit>

// A well-behaved client sends a few hundred bytes; these bound what one stream can make the relay
// hold: unread input, and replies a client does not read (the stream is reset past it).
const MAX_READ_BUFFER = 16 * 1024
const MAX_WRITE_BUFFER = 64 * 1024
// How long a closing stream may take to flush its last replies before it is reset.
const CLOSE_TIMEOUT_MS = 2_000

class Session {
  readonly namespaces = new Set<string>()
  errors = 0

  constructor(readonly peerId: string, readonly stream: Stream) {}

  /** Never waits: a slow reader is cut off by maxWriteBufferLength instead of stalling others. */
  send(body: Uint8Array): void {
    if (this.stream.writeStatus !== 'writable') return
    try {
      this.stream.send(frame(body))
    } catch {
      // The stream is going away; its close handler forgets the session.
    }
  }
}

function namespaceKey(ns: Uint8Array): string {
  return Buffer.from(ns).toString('hex')
}

export class RendezvousServer implements Startable {
  readonly protocol = RENDEZVOUS_PROTOCOL
  readonly [Symbol.toStringTag] = 'roda/rendezvous-server'

  private readonly components: RendezvousServerComponents
  private readonly init: Required<RendezvousServerInit>
  private readonly registry: Registry<Session>
  private readonly sessions = new Set<Session>()
  private readonly log: Logger
  private started = false

  constructor(components: RendezvousServerComponents, init: RendezvousServerInit = {}) {
    this.components = components
    this.init = { ...DEFAULTS, ...init }
    this.registry = new Registry(this.init.maxRegistrations)
    this.log = components.logger.forComponent('roda:rendezvous')
    this.handleStream = this.handleStream.bind(this)
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(this.protocol, this.handleStream, {
      maxInboundStreams: this.init.maxInboundStreams,
      // The relay never opens rendezvous streams itself.
      maxOutboundStreams: 1,
      // Only the client's own WebSocket connection; never a relayed one.
      runOnLimitedConnection: false,
    })
    this.started = true
  }

  async stop(): Promise<void> {
    this.started = false
    await this.components.registrar.unhandle(this.protocol)
    for (const session of this.sessions) session.stream.abort(new Error('relay stopping'))
    this.sessions.clear()
    this.registry.clear()
  }

  isStarted(): boolean {
    return this.started
  }

  /** Registrations currently held, for tests and monitoring. */
  get registrations(): number {
    return this.registry.size
  }

  handleStream(stream: Stream, connection: Connection): void {
    void this.serve(stream, connection.remotePeer.toString())
  }

  private async serve(stream: Stream, peerId: string): Promise<void> {
    if (!this.started) {
      stream.abort(new Error('relay stopping'))
      return
    }
    stream.maxWriteBufferLength = MAX_WRITE_BUFFER
    const session = new Session(peerId, stream)
    this.sessions.add(session)
    const forget = (): void => this.forget(session)
    stream.addEventListener('close', forget, { once: true })
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES, maxBufferSize: MAX_READ_BUFFER })
    try {
      for (;;) {
        const body = await lp.read()
        this.handleMessage(session, body.subarray())
        if (session.errors >= this.init.maxErrorsPerStream) {
          await this.end(session, 'too many refused messages')
          return
        }
      }
    } catch (err) {
      const name = err instanceof Error ? err.name : ''
      if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
        // The oversized body is still in the pipe, so the framing cannot be trusted any more.
        session.send(encodeError('message too large'))
        await this.end(session, 'message too large')
      } else if (name === 'UnexpectedEOFError') {
        // The client closed its side: close ours too.
        await this.end(session)
      } else {
        this.log('rendezvous stream from %s failed - %e', peerId, err)
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    } finally {
      forget()
    }
  }

  private handleMessage(session: Session, body: Uint8Array): void {
    const msg = parseClientMessage(body)
    if (msg == null) {
      this.refuse(session, 'malformed message')
      return
    }
    const key = namespaceKey(msg.ns)
    if (msg.type === 'leave') {
      if (session.namespaces.delete(key)) this.registry.leave(key, session)
      return
    }
    if (!session.namespaces.has(key) && session.namespaces.size >= this.init.maxNamespacesPerStream) {
      this.refuse(session, `too many namespaces (at most ${this.init.maxNamespacesPerStream} per stream)`)
      return
    }
    const outcome = this.registry.join(key, session)
    if (outcome.status === 'full') {
      this.refuse(session, 'relay full, try again later')
      return
    }
    session.namespaces.add(key)
    if (outcome.status === 'added') outcome.previous?.namespaces.delete(key)
    session.send(encodePeers(msg.ns, this.registry.others(key, session.peerId, MAX_PEERS_PER_ANSWER)))
    if (outcome.status !== 'added') return
    const arrived = encodeArrived(msg.ns, session.peerId)
    for (const member of this.registry.members(key)) {
      if (member !== session) member.send(arrived)
    }
  }

  private refuse(session: Session, text: string): void {
    session.errors++
    session.send(encodeError(text))
  }

  /** Flushes pending replies, then resets the stream so the client cannot keep it half-open. */
  private async end(session: Session, reason?: string): Promise<void> {
    this.forget(session)
    const { stream } = session
    try {
      await stream.close({ signal: AbortSignal.timeout(CLOSE_TIMEOUT_MS) })
    } catch {
      // Timed out or already reset; the abort below settles it either way.
    }
    if (reason != null && stream.status !== 'closed') stream.abort(new Error(reason))
  }

  private forget(session: Session): void {
    if (!this.sessions.delete(session)) return
    for (const key of session.namespaces) this.registry.leave(key, session)
    session.namespaces.clear()
  }
}

export function rendezvousServer(init: RendezvousServerInit = {}): (components: RendezvousServerComponents) => RendezvousServer {
  return (components) => new RendezvousServer(components, init)
}
