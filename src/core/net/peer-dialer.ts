import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection, PeerId } from '@libp2p/interface'
import type { RodaLibp2p } from './node.ts'
import { peerConnectionOf } from './ice-path.ts'

export type ConnectionKind = 'direct' | 'relayed'

// The first attempt is cut short: a WebRTC dial that works takes well under a second even on a
// phone's Wi-Fi, and one that hangs would otherwise hold a join for about 6 s. The hang we saw
// on loopback was a race in @libp2p/webrtc, patched (patches/README.md); the timeout stays for
// whatever else may hang. Later attempts get longer, for networks that are simply slow.
const ATTEMPT_TIMEOUTS_MS = [2_500, 10_000, 10_000]
// WebRTC dials in flight at once. Setting one up is CPU work (DTLS, SCTP, Noise) on both
// sides; a newcomer dialing eight members at once made all eight time out together.
const MAX_PARALLEL_DIALS = 3
// After a round of attempts fails, more rounds follow this much later (the peer may have been
// busy or between networks); past the last, only a new introduction brings the peer back.
const ROUND_DELAYS_MS = [5_000, 15_000, 45_000]
// A direct connection that drops is dialed again after this (plus up to as much again, so the
// two sides do not dial each other at the same instant).
const REDIAL_AFTER_MS = 1_000
// How long a relay circuit stays after a direct connection to the same peer opened: long enough
// for the WebRTC signalling that ran over it to finish cleanly.
const CIRCUIT_GRACE_MS = 2_000
// A peer the relay can signal to (the circuit opened) but that failed this many WebRTC attempts
// in a row is shown as unreachable from this network: the two NATs allow no direct path and no
// TURN server gave a relayed one. Attempts go on; the first that works clears it.
const UNREACHABLE_AFTER_FAILED_ATTEMPTS = 2
// Unreachable peers are tried again after this, then twice as long each time up to the maximum
// (after the rounds above), and at once when the ICE servers change (a TURN server appeared) or
// the network comes back.
const UNREACHABLE_RETRY_MS = 60_000
const UNREACHABLE_RETRY_MAX_MS = 10 * 60_000
const PRESENCE_CHECK_TIMEOUT_MS = 5_000
// Cap on peers remembered as unreachable; the relay introduces at most this many anyway.
const MAX_UNREACHABLE = 256

/**
 * direct: a WebRTC (unlimited) connection whose ICE is connected; relayed: only the relay's
 * limited circuit, or a WebRTC connection still (or no longer) without a working ICE path.
 */
export function connectionKind(node: RodaLibp2p, peer: PeerId): ConnectionKind | undefined {
  const open = node.getConnections(peer).filter((c) => c.status === 'open')
  if (open.length === 0) return undefined
  // Judge by limits, not by the address: a direct WebRTC connection may still show a
  // /p2p-circuit/webrtc remote address. And by ICE, not by libp2p's event: when ICE fails, the
  // answering side may still see the WebRTC connection "open" for a few seconds.
  return open.some((c) => c.limits == null && isIceConnected(c)) ? 'direct' : 'relayed'
}

function isIceConnected(c: Connection): boolean {
  const pc = peerConnectionOf(c)
  return pc === undefined || pc.connectionState === 'connected'
}

/** Whether the relay's limited circuit to a peer is open: the peer is there, and signalling works. */
function hasCircuit(node: RodaLibp2p, peer: PeerId): boolean {
  return node.getConnections(peer).some((c) => c.status === 'open' && c.limits != null)
}

/**
 * Dials peers through the relay's circuit with the /webrtc suffix, which makes libp2p use the
 * circuit only to signal and then open a direct WebRTC connection. A dial can hang, so each
 * attempt has a timeout and there are a few attempts.
 */
export class PeerDialer {
  private readonly inFlight = new Map<string, Promise<void>>()
  private readonly later = new Map<string, ReturnType<typeof setTimeout>>()
  private stopped = false
  private running = 0
  private readonly waiting: Array<() => void> = []
  /** Peers present at the relay that no WebRTC attempt could reach, and since when (ms). */
  private readonly unreachable = new Map<string, number>()

  /**
   * `wanted`: whether a peer is a member of one of our rooms. Direct connections to members are
   * kept: one that drops is dialed again, and a member that could not be reached is tried again
   * a few times, later. Without this, two members whose connection dropped once stayed apart
   * for good (their posts still crossed through others, but history sync runs only between
   * direct peers).
   */
  constructor(
    private readonly node: RodaLibp2p,
    private readonly relayAddress: () => string | undefined,
    private readonly wanted: (peer: string) => boolean,
    private readonly onReachabilityChange: (peer: string, unreachable: boolean) => void = () => {},
  ) {
    node.addEventListener('connection:open', this.onOpen)
    node.addEventListener('connection:close', this.onClose)
  }

  stop(): void {
    this.stopped = true
    this.node.removeEventListener('connection:open', this.onOpen)
    this.node.removeEventListener('connection:close', this.onClose)
    for (const timer of this.later.values()) clearTimeout(timer)
    this.later.clear()
  }

  /** Whether a peer is known to be present but cannot be reached from this network. */
  isUnreachable(peer: string): boolean {
    return this.unreachable.has(peer)
  }

  /** Peers currently marked unreachable. */
  unreachablePeers(): string[] {
    return [...this.unreachable.keys()]
  }

  /** Try every unreachable peer again now (the ICE servers changed, the network came back). */
  retryUnreachable(): void {
    for (const peer of this.unreachable.keys()) {
      const timer = this.later.get(peer)
      if (timer) clearTimeout(timer)
      this.later.delete(peer)
      if (this.wanted(peer)) void this.dial(peer)
    }
  }

  private setUnreachable(peer: string, value: boolean): void {
    if (value === this.unreachable.has(peer)) return
    if (value) {
      if (this.unreachable.size >= MAX_UNREACHABLE) return
      this.unreachable.set(peer, Date.now())
    } else {
      this.unreachable.delete(peer)
    }
    this.onReachabilityChange(peer, value)
  }

  /**
   * A WebRTC path to the peer works (whoever dialed): it is not unreachable, and the slow
   * retries for unreachable peers stop, so a later drop gets the quick redial again.
   */
  reached(peer: string): void {
    if (!this.unreachable.has(peer)) return
    clearTimeout(this.later.get(peer))
    this.later.delete(peer)
    this.setUnreachable(peer, false)
  }

  /**
   * Once a direct connection to a peer is open, the relay circuit to it has done its job (it
   * carried the signalling) and is closed: the relay stops forwarding for the pair, and nobody
   * keeps pinging a connection that carries nothing (in a room of ten each tab held nine).
   */
  private readonly onOpen = (e: CustomEvent<Connection>): void => {
    const direct = e.detail
    if (direct.limits != null) return
    setTimeout(() => {
      if (direct.status !== 'open') return
      for (const c of this.node.getConnections(direct.remotePeer)) {
        if (c.limits != null && c.status === 'open') void c.close().catch((err: Error) => c.abort(err))
      }
    }, CIRCUIT_GRACE_MS)
  }

  private readonly onClose = (e: CustomEvent<Connection>): void => {
    const peer = e.detail.remotePeer.toString()
    if (!this.wanted(peer)) this.setUnreachable(peer, false)
    if (e.detail.limits != null && this.unreachable.has(peer)) this.checkPresenceSoon(peer)
    if (e.detail.limits != null || !this.wanted(peer)) return
    this.retryLater(peer, REDIAL_AFTER_MS * (1 + Math.random()))
  }

  private retryLater(peer: string, ms: number, round?: number): void {
    if (this.stopped || this.later.has(peer)) return
    this.later.set(
      peer,
      setTimeout(() => {
        this.later.delete(peer)
        if (this.wanted(peer)) void this.dial(peer, round)
      }, ms),
    )
  }

  /**
   * An unreachable peer's circuit closed: it left, or the relay's time limit on circuits ended
   * it. Opening a bare circuit again (no WebRTC, no dial slot) tells which: the relay refuses
   * at once for a peer that is gone, and the peer no longer shows as "can't be reached".
   */
  private checkPresenceSoon(peer: string): void {
    setTimeout(() => {
      const relay = this.relayAddress()
      if (this.stopped || !relay || !this.unreachable.has(peer) || hasCircuit(this.node, peerIdFromString(peer))) return
      this.node.dial(multiaddr(`${relay}/p2p-circuit/p2p/${peer}`), { signal: AbortSignal.timeout(PRESENCE_CHECK_TIMEOUT_MS) }).then(
        () => {},
        () => {
          if (!hasCircuit(this.node, peerIdFromString(peer))) this.setUnreachable(peer, false)
        },
      )
    }, REDIAL_AFTER_MS)
  }

  /** `round`: how many rounds of attempts already failed (for the delay before the next one). */
  dial(peer: string, round = 0): Promise<void> {
    if (peer === this.node.peerId.toString()) return Promise.resolve()
    const running = this.inFlight.get(peer)
    if (running) return running
    // Past the first rounds only unreachable peers are still tried, one long attempt at a time
    // and ever less often: they must not hold the few dial slots that reachable peers need.
    const slow = round >= ROUND_DELAYS_MS.length
    const p = this.attempt(peer, slow ? ATTEMPT_TIMEOUTS_MS.slice(-1) : ATTEMPT_TIMEOUTS_MS)
      .then((connected) => {
        if (connected) return
        const slowDelay = Math.min(UNREACHABLE_RETRY_MAX_MS, UNREACHABLE_RETRY_MS * 2 ** Math.max(0, round - ROUND_DELAYS_MS.length))
        const delay = ROUND_DELAYS_MS[round] ?? (this.unreachable.has(peer) ? slowDelay : undefined)
        if (delay !== undefined) this.retryLater(peer, delay, round + 1)
      })
      .finally(() => this.inFlight.delete(peer))
    this.inFlight.set(peer, p)
    return p
  }

  private slot(): Promise<void> {
    if (this.running < MAX_PARALLEL_DIALS) {
      this.running++
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.running--
  }

  /** Resolves to whether a direct connection is open at the end (stopping counts as yes). */
  private async attempt(peer: string, timeouts: readonly number[]): Promise<boolean> {
    let id: PeerId
    try {
      id = peerIdFromString(peer)
    } catch {
      return true
    }
    let failedWithCircuit = 0
    for (let i = 0; i < timeouts.length && !this.stopped; i++) {
      if (this.isDirect(id)) return true
      const relay = this.relayAddress()
      if (!relay) return false
      await this.slot()
      try {
        // The peer may have dialed us while we waited for a slot.
        if (this.isDirect(id)) return true
        await this.node.dial(multiaddr(`${relay}/p2p-circuit/webrtc/p2p/${peer}`), {
          signal: AbortSignal.timeout(timeouts[i]!),
        })
        if (this.isDirect(id)) return true
      } catch {
        // try again: the peer may not hold its reservation yet, or ICE stalled
      } finally {
        this.release()
      }
      if (this.isDirect(id)) return true
      // The circuit opened but WebRTC did not: the peer is there and its signalling got
      // through, so ICE found no path between the two networks.
      if (hasCircuit(this.node, id)) {
        if (++failedWithCircuit >= Math.min(UNREACHABLE_AFTER_FAILED_ATTEMPTS, timeouts.length)) this.setUnreachable(peer, true)
      } else if (i === timeouts.length - 1) {
        // Not even the relay could reach it: it left, so it is no longer "unreachable".
        this.setUnreachable(peer, false)
      }
      await new Promise((r) => setTimeout(r, 500 * (i + 1)))
    }
    return this.stopped || this.isDirect(id)
  }

  private isDirect(id: PeerId): boolean {
    if (connectionKind(this.node, id) !== 'direct') return false
    this.setUnreachable(id.toString(), false)
    return true
  }
}
