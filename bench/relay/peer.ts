// One simulated browser as the relay sees it: a Node libp2p node built like the app's
// (src/core/net/node.ts) minus WebRTC and gossipsub, that dials the relay over WebSocket, holds a
// circuit relay v2 reservation and a long-lived rendezvous stream joined to one room namespace.
// Runs in a load worker (bench/relay/load-worker.ts), which needs --experimental-websocket.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { encodeJoin, parseRelayMessage, RENDEZVOUS_PROTOCOL } from '../../signaling-relay/src/messages.ts'
import type { SignUp } from './ipc.ts'
import type { Stream } from '@libp2p/interface'

// Protocols a real browser node also announces in identify (gossipsub, WebRTC signalling), so the
// relay's peer store holds records of a realistic size. Their handlers are never used here.
const BROWSER_PROTOCOLS = ['/meshsub/1.2.0', '/meshsub/1.1.0', '/meshsub/1.0.0', '/floodsub/1.0.0', '/webrtc-signaling/0.0.1']

export interface PeerState {
  connected: boolean
  reserved: boolean
  rendezvous: boolean
  /** Connections of this node closed since its sign-up (the relay's, or a reconnect's). */
  drops: number
  /** Rendezvous streams opened again after one was lost. */
  rejoins: number
}

export interface SimPeer {
  readonly id: string
  readonly signUp: SignUp
  /** `arrived` messages received on its rendezvous stream. */
  arrived(): number
  /** Connection to the relay open, reservation address present, rendezvous stream not ended. */
  held(): boolean
  /** Each condition of held() on its own, and what it took to keep them. */
  state(): PeerState
  stop(): Promise<void>
}

function hasCircuitAddress(node: Libp2p): boolean {
  return node.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit'))
}

function reservation(node: Libp2p, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      node.removeEventListener('transport:listening', check)
      clearInterval(poll)
      signal.removeEventListener('abort', aborted)
      if (err != null) reject(err)
      else resolve()
    }
    const check = (): void => {
      if (hasCircuitAddress(node)) done()
    }
    const aborted = (): void => done(new Error('no reservation in time'))
    // The listener announces the reservation with transport:listening; the poll is a safety net.
    node.addEventListener('transport:listening', check)
    const poll = setInterval(check, 100)
    signal.addEventListener('abort', aborted)
    check()
  })
}

/** The rendezvous stream of one peer: opened on its relay connection, joined, answered. */
interface Joined {
  stream: Stream
  lp: ReturnType<typeof lpStream<Stream>>
  answerPeers: number
}

async function join(node: Libp2p, relayAddr: string, ns: Uint8Array, signal: AbortSignal, onConnected?: () => void): Promise<Joined> {
  const conn = await node.dial(multiaddr(relayAddr), { signal })
  onConnected?.()
  const stream = await conn.newStream(RENDEZVOUS_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: 4096 })
    await lp.write(encodeJoin(ns), { signal })
    for (;;) {
      const msg = parseRelayMessage((await lp.read({ signal })).subarray())
      if (msg?.type === 'peers') return { stream, lp, answerPeers: msg.peers.length }
      if (msg?.type === 'error') throw new Error(`relay refused the join: ${msg.text}`)
    }
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/** Rendezvous streams re-opened after losing one, at most, per peer (the app retries forever). */
const MAX_REJOINS = 20

export async function startPeer(relayAddr: string, ns: Uint8Array, timeoutMs: number): Promise<SimPeer> {
  const node = await createLibp2p({
    addresses: { listen: ['/p2p-circuit'] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() },
  })
  const failed = new AbortController()
  let joined: Joined
  let signUp: SignUp
  try {
    for (const protocol of BROWSER_PROTOCOLS) {
      await node.handle(protocol, (s) => s.abort(new Error('not a browser')), { runOnLimitedConnection: true })
    }
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), failed.signal])
    const t0 = performance.now()
    const reserved = reservation(node, signal).then(() => performance.now() - t0)
    // If a step below fails first, the reservation wait is aborted and its rejection handled there.
    reserved.catch(() => {})
    // Like the app (src/core/net/relay-link.ts): dial, open the rendezvous stream and join at once;
    // the reservation is made by the circuit relay transport in parallel, after identify.
    let connectedMs = NaN
    joined = await join(node, relayAddr, ns, signal, () => (connectedMs = performance.now() - t0))
    const answeredMs = performance.now() - t0
    const reservedMs = await reserved
    signUp = { connectedMs, answeredMs, reservedMs, totalMs: Math.max(answeredMs, reservedMs), answerPeers: joined.answerPeers }
  } catch (err) {
    failed.abort()
    try {
      await node.stop()
    } catch {
      // Already broken; the sign-up error is what matters.
    }
    throw err
  }

  // From now on drain the stream, as the app does (the relay resets a stream whose replies pile
  // up unread), and like the app's RelayLink, dial again and re-join when it is lost.
  let stopped = false
  let arrived = 0
  let rejoins = 0
  let drops = 0
  let current: Joined | undefined = joined
  node.addEventListener('connection:close', () => drops++)
  void (async () => {
    while (!stopped) {
      if (current != null) {
        try {
          for (;;) {
            if (parseRelayMessage((await current.lp.read()).subarray())?.type === 'arrived') arrived++
          }
        } catch {
          current = undefined
        }
      }
      if (stopped || rejoins >= MAX_REJOINS) return
      rejoins++
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      if (stopped) return
      try {
        current = await join(node, relayAddr, ns, AbortSignal.timeout(15_000))
      } catch {
        // Try again on the next turn.
      }
    }
  })()

  const state = (): PeerState => ({
    connected: node.getConnections().some((c) => c.status === 'open' && c.limits == null),
    reserved: hasCircuitAddress(node),
    rendezvous: current?.stream.status === 'open',
    drops,
    rejoins,
  })
  return {
    id: node.peerId.toString(),
    signUp,
    arrived: () => arrived,
    state,
    held: () => {
      const s = state()
      return s.connected && s.reserved && s.rendezvous
    },
    stop: async () => {
      stopped = true
      await node.stop()
    },
  }
}
