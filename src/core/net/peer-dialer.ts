import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection, PeerId } from '@libp2p/interface'
import type { RodaLibp2p } from './node.ts'

export type ConnectionKind = 'direct' | 'relayed'

const ATTEMPT_TIMEOUT_MS = 10_000
const ATTEMPTS = 3
// How long a relay circuit stays after a direct connection to the same peer opened: long enough
// for the WebRTC signalling that ran over it to finish cleanly.
const CIRCUIT_GRACE_MS = 2_000

/** direct: a WebRTC (unlimited) connection is open; relayed: only the relay's limited circuit. */
export function connectionKind(node: RodaLibp2p, peer: PeerId): ConnectionKind | undefined {
  const open = node.getConnections(peer).filter((c) => c.status === 'open')
  if (open.length === 0) return undefined
  // Judge by limits, not by the address: a direct WebRTC connection may still show a
  // /p2p-circuit/webrtc remote address (RECIPE.md).
  return open.some((c) => c.limits == null) ? 'direct' : 'relayed'
}

/**
 * Dials peers through the relay's circuit with the /webrtc suffix, which makes libp2p use the
 * circuit only to signal and then open a direct WebRTC connection. The first WebRTC dial on a
 * page sometimes hangs, so each attempt has a timeout and there are a few attempts.
 */
export class PeerDialer {
  private readonly inFlight = new Map<string, Promise<void>>()
  private stopped = false

  constructor(
    private readonly node: RodaLibp2p,
    private readonly relayAddress: () => string | undefined,
  ) {}

  stop(): void {
    this.stopped = true
    this.node.removeEventListener('connection:open', this.onOpen)
  }

  /**
   * Once a direct connection to a peer is open, the relay circuit to it has done its job (it
   * carried the signalling) and is closed: the relay stops forwarding for the pair, and nobody
   * keeps pinging a connection that carries nothing (in a room of ten each tab held nine).
   */
  closeCircuitsOnceDirect(): void {
    this.node.addEventListener('connection:open', this.onOpen)
  }

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

  dial(peer: string): Promise<void> {
    if (peer === this.node.peerId.toString()) return Promise.resolve()
    const running = this.inFlight.get(peer)
    if (running) return running
    const p = this.attempt(peer).finally(() => this.inFlight.delete(peer))
    this.inFlight.set(peer, p)
    return p
  }

  private async attempt(peer: string): Promise<void> {
    let id: PeerId
    try {
      id = peerIdFromString(peer)
    } catch {
      return
    }
    for (let i = 0; i < ATTEMPTS && !this.stopped; i++) {
      if (connectionKind(this.node, id) === 'direct') return
      const relay = this.relayAddress()
      if (!relay) return
      try {
        await this.node.dial(multiaddr(`${relay}/p2p-circuit/webrtc/p2p/${peer}`), {
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        })
        if (connectionKind(this.node, id) === 'direct') return
      } catch {
        // try again: the peer may not hold its reservation yet, or ICE stalled
      }
      await new Promise((r) => setTimeout(r, 500 * (i + 1)))
    }
  }
}
