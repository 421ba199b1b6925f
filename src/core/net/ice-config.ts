import type { Connection } from '@libp2p/interface'
import { fetchIceServers, isForbiddenIceHost, isTurn } from './ice-servers.ts'

const FETCH_TIMEOUT_MS = 5_000
// Credentials are renewed when this share of their lifetime is left, and never more often than
// MIN_REFRESH_MS (a relay answering with nearly expired credentials must not make us spin).
const REFRESH_AT_REMAINING = 0.5
const MIN_REFRESH_MS = 60_000
const MAX_REFRESH_MS = 12 * 3_600_000
// A request that failed (timeout, rate limit) is tried again after this, doubling each time.
const RETRY_AFTER_FAILURE_MS = 10_000

/**
 * The ICE servers WebRTC uses: the ones this deployment configured (settings or build) plus the
 * STUN/TURN servers the relay in use hands out, with credentials that expire and are renewed
 * before they do. Nothing is ever a public default: with no relay answer and no configuration
 * the list is empty, and ICE offers host candidates only (enough on one LAN).
 */
export class IceConfig {
  private fromRelay: RTCIceServer[] = []
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  /** Told when the relay's list changed in a way that may open paths that failed before. */
  onNewServers: () => void = () => {}

  constructor(private readonly configured: RTCIceServer[]) {}

  /**
   * What the next RTCPeerConnection is given. Credentials are not dropped at their expiry by
   * our clock: a phone's clock may be off from the relay's, and the TURN server is the one
   * that judges; they are renewed well before.
   */
  current(): RTCIceServer[] {
    return [...this.configured, ...this.fromRelay]
  }

  /** Whether a TURN server is known (a relayed path is possible when nothing else works). */
  hasTurn(): boolean {
    return this.current().some((s) => [s.urls].flat().some(isTurn))
  }

  /**
   * Asks the relay just attached for its ICE servers, and again before their credentials
   * expire; a failed request is tried again later while the relay stays attached. A relay
   * without the protocol (an older one) leaves the list as configured.
   */
  async learnFrom(relay: Connection, failures = 0): Promise<void> {
    clearTimeout(this.refreshTimer)
    let answer
    try {
      answer = await fetchIceServers(relay, AbortSignal.timeout(FETCH_TIMEOUT_MS))
    } catch (err) {
      if (this.stopped || (err as { cause?: Error }).cause?.name === 'UnsupportedProtocolError') return
      this.again(relay, Math.min(MAX_REFRESH_MS, RETRY_AFTER_FAILURE_MS * 2 ** failures), failures + 1)
      return
    }
    if (this.stopped) return
    const before = this.fromRelay
    const relayIsLoopback = /^\/(ip4\/127\.|ip6\/::1\/)/.test(relay.remoteAddr.toString())
    this.fromRelay = answer.iceServers
      .map((server) => ({ ...server, urls: server.urls.filter((url) => !isForbiddenIceHost(url, relayIsLoopback)) }))
      .filter((server) => server.urls.length > 0)
    // The expiry is by the relay's clock; a phone's clock may be far off, so the wait is
    // bounded both ways.
    if (answer.expiresAt > 0) this.again(relay, Math.min(MAX_REFRESH_MS, Math.max(MIN_REFRESH_MS, (answer.expiresAt - Date.now()) * REFRESH_AT_REMAINING)), 0)
    if (urlsOf(this.fromRelay) !== urlsOf(before)) this.onNewServers()
  }

  private again(relay: Connection, ms: number, failures: number): void {
    this.refreshTimer = setTimeout(() => {
      if (relay.status === 'open' && !this.stopped) void this.learnFrom(relay, failures)
    }, ms)
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.refreshTimer)
  }
}

/** Renewed credentials for the same servers open no new path; new servers may. */
function urlsOf(list: RTCIceServer[]): string {
  return JSON.stringify(list.map((s) => [s.urls].flat()))
}
