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

export interface SimPeer {
  readonly id: string
  readonly signUp: SignUp
  /** `arrived` messages received on its rendezvous stream. */
  arrived(): number
  /** Connection to the relay open, reservation address present, rendezvous stream not ended. */
  held(): boolean
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

export async function startPeer(relayAddr: string, ns: Uint8Array, timeoutMs: number): Promise<SimPeer> {
  const node = await createLibp2p({
    addresses: { listen: ['/p2p-circuit'] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() },
  })
  let stream: Stream | undefined
  try {
    for (const protocol of BROWSER_PROTOCOLS) {
      await node.handle(protocol, (s) => s.abort(new Error('not a browser')), { runOnLimitedConnection: true })
    }
    const signal = AbortSignal.timeout(timeoutMs)
    const t0 = performance.now()
    const reserved = reservation(node, signal).then(() => performance.now() - t0)
    // Like the app (src/core/net/relay-link.ts): dial, open the rendezvous stream and join at once;
    // the reservation is made by the circuit relay transport in parallel, after identify.
    const conn = await node.dial(multiaddr(relayAddr), { signal })
    const connectedMs = performance.now() - t0
    stream = await conn.newStream(RENDEZVOUS_PROTOCOL, { signal })
    const lp = lpStream(stream, { maxDataLength: 4096 })
    await lp.write(encodeJoin(ns), { signal })
    let answerPeers = -1
    while (answerPeers < 0) {
      const msg = parseRelayMessage((await lp.read({ signal })).subarray())
      if (msg?.type === 'peers') answerPeers = msg.peers.length
      else if (msg?.type === 'error') throw new Error(`relay refused the join: ${msg.text}`)
    }
    const answeredMs = performance.now() - t0
    const reservedMs = await reserved
    const signUp: SignUp = { connectedMs, answeredMs, reservedMs, totalMs: Math.max(answeredMs, reservedMs), answerPeers }

    // From now on only drain the stream, as the app does: the relay resets a stream whose
    // replies pile up unread.
    let arrived = 0
    let ended = false
    void (async () => {
      try {
        for (;;) {
          if (parseRelayMessage((await lp.read()).subarray())?.type === 'arrived') arrived++
        }
      } catch {
        ended = true
      }
    })()
    const rendezvous = stream
    return {
      id: node.peerId.toString(),
      signUp,
      arrived: () => arrived,
      held: () =>
        !ended &&
        rendezvous.status === 'open' &&
        node.getConnections().some((c) => c.status === 'open' && c.limits == null) &&
        hasCircuitAddress(node),
      stop: async () => {
        await node.stop()
      },
    }
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    try {
      await node.stop()
    } catch {
      // Already broken; the sign-up error is what matters.
    }
    throw err
  }
}
