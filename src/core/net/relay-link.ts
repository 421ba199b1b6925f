import { multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { bytesToHex } from '../bytes.ts'
import { Observable } from '../observable.ts'
import type { RodaLibp2p } from './node.ts'
import { RENDEZVOUS_PROTOCOL, RendezvousSession, type RelayMessage } from './rendezvous-client.ts'

export type RelayState = 'connecting' | 'online' | 'offline' | 'no-relay'

export interface RelayStatus {
  state: RelayState
  /** The relay in use or being tried. */
  relay?: string
  /** Why the last attempt failed, for people and for the diagnostics panel. */
  error?: string
  /** When the next attempt starts (ms since epoch), while offline. */
  retryAt?: number
}

export interface Introduction {
  ns: string
  peers: string[]
  /** True when the peers arrived after us (they dial us); false for the list we got on join. */
  arrived: boolean
}

const DIAL_TIMEOUT_MS = 8_000
const ATTACH_WAIT_MS = 1_500

/**
 * The relay address to dial, without its /p2p/<id>. A relay makes a fresh identity at every
 * start, and it is trusted with nothing (every post is signed and encrypted end to end), so the
 * app accepts whichever relay answers at the configured address: a restarted relay is found
 * again without a new configuration.
 */
export function dialableRelayAddress(addr: string): string {
  const at = addr.indexOf('/p2p/')
  return at === -1 ? addr : addr.slice(0, at)
}
// Retries back off to at most this (with ±20 % jitter): a relay that restarts, or a phone whose
// network comes back, is found again within a few seconds. Trying a relay that is down costs it
// a refused TCP connection, and the browser a WebSocket.
const MAX_BACKOFF_MS = 2_000

/** A full relay address including /p2p/<relay id>, needed to build circuit addresses. */
function relayAddressOf(conn: Connection): string {
  const addr = conn.remoteAddr.toString()
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${conn.remotePeer.toString()}`
}

/**
 * Keeps this node attached to one relay at a time: dials it, holds a rendezvous stream open,
 * (re)joins every room namespace, and when the relay goes away tries the next one with
 * exponential backoff. The relay is the only thing that introduces peers, so this is the
 * node's lifeline while no direct peer is connected.
 */
export class RelayLink {
  readonly status: Observable<RelayStatus>
  private readonly namespaces = new Map<string, Uint8Array>()
  private session: RendezvousSession | undefined
  private relayAddr: string | undefined
  private stopped = false
  private wakeUp: (() => void) | undefined

  constructor(
    private readonly node: RodaLibp2p,
    private readonly relays: string[],
    private readonly onIntroduction: (intro: Introduction) => void,
    /** A relay was attached (each time): e.g. to ask it for ICE servers. */
    private readonly onAttached: (relay: Connection) => Promise<void> = async () => {},
  ) {
    this.status = new Observable<RelayStatus>(relays.length ? { state: 'connecting', relay: relays[0] } : { state: 'no-relay' })
  }

  /** `<relay>/p2p/<id>` of the relay currently attached, if any. */
  get address(): string | undefined {
    return this.relayAddr
  }

  start(): void {
    if (this.relays.length) void this.loop()
  }

  stop(): void {
    this.stopped = true
    this.session?.close()
    this.wakeUp?.()
  }

  /** Close the link to the relay and attach again after the usual short wait. */
  reconnect(): void {
    this.session?.close()
  }

  /** Retry at once (the network came back, the tab became visible). */
  wake(): void {
    this.wakeUp?.()
  }

  join(ns: Uint8Array): void {
    const key = bytesToHex(ns)
    if (this.namespaces.has(key)) return
    this.namespaces.set(key, ns)
    this.session?.join(ns).catch(() => this.session?.close())
  }

  leave(ns: Uint8Array): void {
    if (!this.namespaces.delete(bytesToHex(ns))) return
    this.session?.leave(ns).catch(() => this.session?.close())
  }

  private async loop(): Promise<void> {
    let failures = 0
    while (!this.stopped) {
      const relay = this.relays[failures % this.relays.length]!
      this.status.set({ state: 'connecting', relay })
      try {
        const conn = await this.node.dial(multiaddr(dialableRelayAddress(relay)), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
        const stream = await conn.newStream(RENDEZVOUS_PROTOCOL, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
        const session = new RendezvousSession(stream)
        this.session = session
        this.relayAddr = relayAddressOf(conn)
        // The first dials to the peers it introduces should already know its TURN server
        // (or each would fail once first), but a slow answer must not hold the join up.
        await Promise.race([this.onAttached(conn), new Promise((r) => setTimeout(r, ATTACH_WAIT_MS))])
        for (const ns of this.namespaces.values()) await session.join(ns)
        this.status.set({ state: 'online', relay })
        failures = 0
        await session.run((m) => this.handle(m))
        if (!this.stopped) this.status.set({ state: 'offline', relay, error: 'connection to the relay was lost' })
      } catch (e) {
        this.status.set({ state: 'offline', relay, error: failureText(e) })
      }
      this.session = undefined
      this.relayAddr = undefined
      if (this.stopped) break
      failures++
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures, 6)) * (0.8 + Math.random() * 0.4)
      this.status.set({ ...this.status.value, retryAt: Date.now() + delay })
      await this.sleep(delay)
    }
  }

  private handle(m: RelayMessage): void {
    if (m.type === 'peers') this.onIntroduction({ ns: m.ns, peers: m.peers, arrived: false })
    else if (m.type === 'arrived') this.onIntroduction({ ns: m.ns, peers: [m.peer], arrived: true })
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.wakeUp = done
    })
  }
}

/**
 * Why a relay could not be reached, in words for the status tooltip. A WebSocket that fails
 * rejects with its bare 'error' Event, which has no message (it showed as "[object Event]").
 */
export function failureText(e: unknown): string {
  if (e instanceof Error) return e.message
  if (typeof Event !== 'undefined' && e instanceof Event) return `the connection failed (${e.type})`
  return String(e)
}
