// Roda's relay: the one server in the system. Browsers reach it over WebSocket, use it as a
// circuit relay v2 hop to signal WebRTC to each other, use rendezvous to find the peers of a
// room, and ask it which STUN/TURN servers to use. It never runs gossipsub, so chat traffic never
// passes through it, and it writes nothing to disk: a restart forgets everything, including its
// own identity.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { iceServersService } from './ice.ts'
import { rendezvousServer } from './rendezvous.ts'
import { isTurnUrl, MAX_TURN_TTL_SECONDS, MAX_TURN_URLS, MIN_TURN_TTL_SECONDS, turnUrlProblem, type TurnOptions } from './turn.ts'
import type { PeerId } from '@libp2p/interface'

export { RENDEZVOUS_PROTOCOL } from './messages.ts'
export { ICE_PROTOCOL } from './ice.ts'
export type { TurnOptions } from './turn.ts'
export { optionsFromEnv, ConfigError } from './config.ts'

export interface RelayOptions {
  /** IPv4 or IPv6 address to bind. Default 127.0.0.1. */
  host?: string
  /** TCP port for WebSocket; 0 picks a free one. Default 0. */
  port?: number
  /** Circuit relay v2 reservations held at once. Default 1024. */
  maxReservations?: number
  /** Connections before libp2p refuses new ones and prunes. Default 2048. */
  maxConnections?: number
  /**
   * New connections accepted per second from one IP address (libp2p's inboundConnectionThreshold).
   * Default 25 (libp2p's own is 5): a room of phones on one Wi-Fi reaches the relay from one
   * public address, and a whole workshop scanning a QR code at once must not be turned away.
   */
  inboundConnectionThreshold?: number
  /**
   * Incoming connections in their handshake at once (libp2p's maxIncomingPendingConnections).
   * Default 64 (libp2p's own is 10): past it, new browsers are turned away and must retry, which
   * made a burst of sign-ups (a room scanning one QR code) slow for no reason.
   */
  maxPendingConnections?: number
  /**
   * Addresses to advertise instead of the listen address, e.g. the public
   * /dns4/relay.example.org/tcp/443/wss of a TLS reverse proxy in front of the relay.
   */
  announce?: string[]
  /**
   * Listen for secure WebSockets (`/tls/ws`, wss://) with this certificate and key (PEM) instead
   * of plain ws://. Pages served over HTTPS may only open secure WebSockets.
   */
  tls?: { key: string; cert: string }
  /**
   * The operator's STUN/TURN server, handed to browsers over /roda/ice/1.0.0 with TURN
   * credentials minted from `secret` (coturn's use-auth-secret). Default: none, and browsers use
   * no STUN or TURN server at all.
   */
  turn?: TurnOptions
  /** One line per peer connect and disconnect. Default: silent. */
  log?: (line: string) => void
}

export interface Relay {
  peerId: string
  /** Full multiaddrs including /p2p/<peerId>, e.g. /ip4/127.0.0.1/tcp/9090/ws/p2p/12D3… */
  addresses: string[]
  /** Closes every connection and frees the port; safe to call more than once. */
  stop(): Promise<void>
}

export function listenAddress(host: string, port: number, secure = false): string {
  return `/${host.includes(':') ? 'ip6' : 'ip4'}/${host}/tcp/${port}/${secure ? 'tls/ws' : 'ws'}`
}

/** 12D3…abcd: enough to follow one peer through a log without writing whole identities. */
function shortId(peer: PeerId): string {
  const id = peer.toString()
  return `${id.slice(0, 4)}…${id.slice(-4)}`
}

export async function createRelay(options: RelayOptions = {}): Promise<Relay> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 0
  const maxReservations = options.maxReservations ?? 1024
  const maxConnections = options.maxConnections ?? 2048
  if (options.turn?.urls.some(isTurnUrl) === true && options.turn.secret == null) {
    throw new Error('turn: and turns: URLs need turn.secret, the static-auth-secret of the TURN server')
  }
  // The same rules as TURN_URLS and TURN_TTL: a URL the browsers refuse would break every
  // WebRTC connection they make, not just TURN.
  if (options.turn != null) {
    if (options.turn.urls.length > MAX_TURN_URLS) throw new Error(`turn.urls: at most ${MAX_TURN_URLS} URLs`)
    for (const url of options.turn.urls) {
      const problem = turnUrlProblem(url)
      if (problem != null) throw new Error(`turn.urls: "${url}" is ${problem}`)
    }
    const ttl = options.turn.ttlSeconds
    if (ttl != null && !(Number.isInteger(ttl) && ttl >= MIN_TURN_TTL_SECONDS && ttl <= MAX_TURN_TTL_SECONDS)) {
      throw new Error(`turn.ttlSeconds must be an integer from ${MIN_TURN_TTL_SECONDS} to ${MAX_TURN_TTL_SECONDS}`)
    }
  }

  const node = await createLibp2p({
    // No privateKey: libp2p generates a fresh one in memory; no datastore: the default is in memory.
    addresses: {
      listen: [listenAddress(host, port, options.tls != null)],
      ...(options.announce != null && { announce: options.announce }),
    },
    transports: [webSockets(options.tls != null ? { https: { key: options.tls.key, cert: options.tls.cert } } : {})],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections,
      inboundConnectionThreshold: options.inboundConnectionThreshold ?? 25,
      maxIncomingPendingConnections: options.maxPendingConnections ?? 64,
    },
    // libp2p pings every connection from one timer; every 10 s (its default) that was most of
    // an idle relay's CPU with 500 browsers, in bursts that delayed everything else. Browsers
    // ping the relay themselves; the relay's own pings only find half-open connections.
    connectionMonitor: { pingInterval: 30_000 },
    services: {
      identify: identify(),
      ping: ping(),
      // Default circuit limits on purpose: a relayed connection must stay "limited", or libp2p
      // keeps using it and never upgrades the two browsers to direct WebRTC.
      relay: circuitRelayServer({ reservations: { maxReservations } }),
      rendezvous: rendezvousServer(),
      ice: iceServersService(options.turn != null ? { turn: options.turn } : {}),
    },
  })

  const log = options.log
  if (log != null) {
    node.addEventListener('peer:connect', (evt) => {
      log(`connect ${shortId(evt.detail)} (${node.getPeers().length} peers)`)
    })
    node.addEventListener('peer:disconnect', (evt) => {
      log(`disconnect ${shortId(evt.detail)} (${node.getPeers().length} peers)`)
    })
  }

  let stopping: Promise<void> | undefined
  return {
    peerId: node.peerId.toString(),
    addresses: node.getMultiaddrs().map((ma) => ma.toString()),
    stop() {
      stopping ??= (async () => {
        await node.stop()
      })()
      return stopping
    },
  }
}
