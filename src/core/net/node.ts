import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { webRTC } from '@libp2p/webrtc'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import type { Message } from '@libp2p/gossipsub'
import type { Multiaddr } from '@multiformats/multiaddr'
import { dialableRelayAddress } from './relay-link.ts'

// A WebRTC connection that dies is seen by ICE itself within seconds (the browser's
// consent checks; the path watcher reads the state). Pings are for the relay's WebSocket, which
// nothing else watches: dead within PING_INTERVAL_MS + at most PING_TIMEOUT_MS * 1.25. The
// interval is longer than the longest timeout, so at most two pings are ever in flight (a
// third would be refused by the other side's ping service and taken for a dead connection),
// and the relay answers a ping per browser every few seconds, not every second.
const PING_INTERVAL_MS = 5_000
const PING_TIMEOUT_MS = 4_000

export type RodaServices = { identify: Identify; ping: Ping; pubsub: GossipSub }
export type RodaLibp2p = Libp2p<RodaServices>

export interface NodeOptions {
  /** Relay multiaddrs this node may dial (any other ws/tcp address is refused). */
  relays: string[]
  /**
   * ICE servers for each new WebRTC connection, asked at every dial and answer: they change when
   * the relay hands out (renewed) TURN credentials. Empty by default: no public STUN server is
   * ever contacted.
   */
  iceServers: () => RTCIceServer[]
  /** Computes the gossipsub message id of a frame (PROTOCOL.md §4). Must never throw. */
  messageId: (msg: Message) => Uint8Array
}


/**
 * A browser node: reaches relays over WebSockets, reserves a circuit-relay slot so peers can
 * reach it, and upgrades to direct WebRTC. Gossipsub carries room frames unsigned at the
 * libp2p level because every payload is signed by its author's key.
 */
export async function createBrowserNode(options: NodeOptions): Promise<RodaLibp2p> {
  const allowed = options.relays.map(dialableRelayAddress)
  // Circuit (and so WebRTC) addresses are built by us on top of a relay address, so one
  // prefix test covers the relay itself and every peer reached through it.
  const isAllowed = (ma: Multiaddr): boolean => allowed.some((p) => ma.toString().startsWith(p))
  return createLibp2p({
    addresses: { listen: ['/p2p-circuit', '/webrtc'] },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: () => ({ iceServers: options.iceServers() }) }),
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // The browser's default gater refuses ws:// and loopback/LAN addresses, which is exactly
    // where a self-hosted or development relay lives. Allow the configured relays only.
    connectionGater: {
      denyDialMultiaddr: (ma) => !isAllowed(ma),
    },
    // A connection that went dead (the relay's machine lost its network, a NAT forgot the
    // mapping) is found by a ping that gets no answer, sooner than libp2p's 10 s plus a 5 s
    // timeout, so the relay status stops claiming a dead link.
    connectionMonitor: { pingInterval: PING_INTERVAL_MS, pingTimeout: { minTimeout: PING_TIMEOUT_MS, maxTimeout: PING_TIMEOUT_MS * 1.25 } },
    connectionManager: {
      maxConnections: 64,
      // Every connection into a browser comes through the relay (the circuit, then WebRTC
      // from the same network), so libp2p's per-address limits (5 new connections a second,
      // 10 in their handshake) count a whole room as one sender, and a newcomer that every
      // member dials at once would refuse most of them.
      inboundConnectionThreshold: 100,
      maxIncomingPendingConnections: 64,
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: options.messageId,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        doPX: false,
        // Every phone on one Wi-Fi (and every test tab) shares an IP address; the default
        // colocation penalty would make peers ignore each other past a handful of devices.
        scoreParams: { IPColocationFactorWeight: 0 },
        // A room is small and its members connect to each other directly, so the author's own
        // publish (flood publish: to every member it is connected to) already reaches nearly
        // everyone first-hand; the mesh is the fallback. A mesh of 6 made every tab receive
        // each post about six times over in a room of ten; 3 keeps two spare paths.
        D: 3,
        Dlo: 2,
        Dhi: 5,
        Dscore: 2,
        Dout: 1,
      }),
    },
  })
}
