// Real libp2p clients for the relay tests, built like the browser node minus WebRTC.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { encodeJoin, encodeLeave, parseRelayMessage, RENDEZVOUS_PROTOCOL, type RelayMessage } from '../src/messages.ts'
import type { Stream } from '@libp2p/interface'

// @libp2p/websockets dials with the global WebSocket, which Node 20 only has behind a flag.
export function assertWebSocket(): void {
  if (typeof globalThis.WebSocket !== 'function') {
    throw new Error('No global WebSocket in this Node: run vitest with execArgv ["--experimental-websocket"] (see signaling-relay/README.md)')
  }
}

export async function createClient(options: { reserve?: boolean } = {}): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: options.reserve === true ? ['/p2p-circuit'] : [] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
}

export function namespace(seed: number): Uint8Array {
  return new Uint8Array(32).fill(seed)
}

/** One rendezvous stream, with the relay's messages queued for the test to take in order. */
export class RendezvousTestSession {
  private readonly lp
  private readonly queue: Array<RelayMessage | null> = []
  private readonly waiters: Array<() => void> = []
  private closed = false
  /** Resolves when the relay ends the stream (EOF or reset). */
  readonly ended: Promise<void>

  private constructor(readonly stream: Stream) {
    this.lp = lpStream(stream, { maxDataLength: 4096 })
    this.ended = this.pump()
  }

  static async open(client: Libp2p, relayAddress: string): Promise<RendezvousTestSession> {
    const stream = await client.dialProtocol(multiaddr(relayAddress), RENDEZVOUS_PROTOCOL)
    return new RendezvousTestSession(stream)
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const body = await this.lp.read()
        this.queue.push(parseRelayMessage(body.subarray()))
        this.waiters.shift()?.()
      }
    } catch {
      // Stream over.
    }
    this.closed = true
    for (const wake of this.waiters.splice(0)) wake()
  }

  async send(body: Uint8Array): Promise<void> {
    await this.lp.write(body)
  }

  join(ns: Uint8Array): Promise<void> {
    return this.send(encodeJoin(ns))
  }

  leave(ns: Uint8Array): Promise<void> {
    return this.send(encodeLeave(ns))
  }

  async next(timeoutMs = 5_000): Promise<RelayMessage | null> {
    if (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(wake), 1)
          resolve()
        }, timeoutMs)
        const wake = (): void => {
          clearTimeout(timer)
          resolve()
        }
        this.waiters.push(wake)
      })
    }
    if (this.queue.length > 0) return this.queue.shift()!
    throw new Error(this.closed ? 'stream ended while waiting for a relay message' : `no relay message within ${timeoutMs} ms`)
  }

  /** Joins and returns the relay's answer (the peers list). */
  async joinAndAnswer(ns: Uint8Array): Promise<string[]> {
    await this.join(ns)
    const msg = await this.next()
    if (msg?.type !== 'peers') throw new Error(`expected peers, got ${JSON.stringify(msg)}`)
    return msg.peers
  }

  /** Nothing arrives within ms (the relay had time to push it if it were going to). */
  async expectSilence(ms = 300): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms))
    if (this.queue.length > 0) throw new Error(`unexpected relay message ${JSON.stringify(this.queue[0])}`)
  }

  get pending(): number {
    return this.queue.length
  }
}

export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
