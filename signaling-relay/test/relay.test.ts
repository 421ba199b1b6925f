// Against a real relay on 127.0.0.1 with real libp2p clients over WebSocket.
import net from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { encode } from 'cborg'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRelay, type Relay } from '../src/index.ts'
import { assertWebSocket, createClient, eventually, namespace, RendezvousTestSession } from './helpers.ts'
import type { Libp2p } from 'libp2p'

let relay: Relay
let relayAddr: string
let lines: string[]
const clients: Libp2p[] = []

async function client(options: { reserve?: boolean } = {}): Promise<Libp2p> {
  const node = await createClient(options)
  clients.push(node)
  return node
}

async function session(node?: Libp2p): Promise<RendezvousTestSession> {
  return RendezvousTestSession.open(node ?? await client(), relayAddr)
}

function idOf(node: Libp2p): string {
  return node.peerId.toString()
}

beforeAll(() => {
  assertWebSocket()
})

beforeEach(async () => {
  lines = []
  // Every test client comes from 127.0.0.1, so lift libp2p's 5-per-second-per-IP limit.
  relay = await createRelay({ host: '127.0.0.1', port: 0, inboundConnectionThreshold: 1000, log: (line) => lines.push(line) })
  relayAddr = relay.addresses[0]!
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()))
  await relay.stop()
})

describe('relay', () => {
  it('listens on 127.0.0.1 with a full /ws/p2p address', () => {
    expect(relay.addresses).toHaveLength(1)
    expect(relayAddr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3/)
    expect(relayAddr.endsWith(`/p2p/${relay.peerId}`)).toBe(true)
  })

  it('listens on ::1 when given an IPv6 host', async (ctx) => {
    let v6: Relay
    try {
      v6 = await createRelay({ host: '::1', port: 0 })
    } catch {
      ctx.skip('no IPv6 loopback on this machine')
      return
    }
    try {
      expect(v6.addresses[0]).toMatch(/^\/ip6\/::1\/tcp\/\d+\/ws\/p2p\//)
      const s = await RendezvousTestSession.open(await client(), v6.addresses[0]!)
      expect(await s.joinAndAnswer(namespace(42))).toEqual([])
    } finally {
      await v6.stop()
    }
  })

  it('gets a fresh identity on every start', async () => {
    const other = await createRelay({ port: 0 })
    try {
      expect(other.peerId).not.toBe(relay.peerId)
    } finally {
      await other.stop()
    }
  })

  it('logs one line per peer connect and disconnect', async () => {
    const a = await client()
    await a.dial(multiaddr(relayAddr))
    await eventually(async () => lines.length === 1)
    expect(lines[0]).toMatch(/^connect 12D3…\w{4} \(1 peers\)$/)
    await a.stop()
    await eventually(async () => lines.length === 2)
    expect(lines[1]).toMatch(/^disconnect 12D3…\w{4} \(0 peers\)$/)
  })

  it('lets a client reserve a circuit relay v2 slot', async () => {
    const a = await client({ reserve: true })
    await a.dial(multiaddr(relayAddr))
    await eventually(async () => a.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')), 10_000)
    const circuit = a.getMultiaddrs().map(String).find((s) => s.includes('/p2p-circuit'))
    expect(circuit).toContain(`/p2p/${relay.peerId}/p2p-circuit/p2p/${idOf(a)}`)
  })

  it('frees its port on stop()', async () => {
    const port = Number(relayAddr.split('/')[4])
    await relay.stop()
    await relay.stop() // idempotent
    await new Promise<void>((resolve, reject) => {
      const server = net.createServer()
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()))
    })
  })
})

describe('rendezvous', () => {
  it('introduces peers of the same namespace to each other', async () => {
    const ns = namespace(1)
    const a = await client()
    const b = await client()
    const sa = await session(a)
    const sb = await session(b)

    expect(await sa.joinAndAnswer(ns)).toEqual([])
    expect(await sb.joinAndAnswer(ns)).toEqual([idOf(a)])
    const arrived = await sa.next()
    expect(arrived?.type).toBe('arrived')
    expect(arrived).toMatchObject({ type: 'arrived', ns, peer: idOf(b) })
    await sb.expectSilence()
  })

  it('answers with the most recent joiners first', async () => {
    const ns = namespace(2)
    const sessions = []
    for (let i = 0; i < 3; i++) {
      const node = await client()
      const s = await session(node)
      await s.joinAndAnswer(ns)
      sessions.push({ node, s })
    }
    const last = await session()
    expect(await last.joinAndAnswer(ns)).toEqual(sessions.map(({ node }) => idOf(node)).reverse())
  })

  it('tells a peer in another namespace nothing', async () => {
    const a = await session()
    const b = await session()
    expect(await a.joinAndAnswer(namespace(3))).toEqual([])
    expect(await b.joinAndAnswer(namespace(4))).toEqual([])
    await a.expectSilence()
    await b.expectSilence()
  })

  it('does not duplicate a peer that joins twice, and does not announce it twice', async () => {
    const ns = namespace(5)
    const a = await client()
    const sa = await session(a)
    const sb = await session()
    await sb.joinAndAnswer(ns)
    await sa.joinAndAnswer(ns)
    expect((await sb.next())?.type).toBe('arrived')
    expect(await sa.joinAndAnswer(ns)).toHaveLength(1)
    await sb.expectSilence()
    const sc = await session()
    expect(await sc.joinAndAnswer(ns)).toHaveLength(2)
  })

  it('forgets a peer that leaves', async () => {
    const ns = namespace(6)
    const a = await client()
    const sa = await session(a)
    await sa.joinAndAnswer(ns)
    await sa.leave(ns)
    // Messages on one stream are handled in order: once this is answered, the leave was too.
    await sa.joinAndAnswer(namespace(7))
    const sc = await session()
    expect(await sc.joinAndAnswer(ns)).toEqual([])
  })

  it('forgets every registration of a stream that closes', async () => {
    const a = await client()
    const sa = await session(a)
    await sa.joinAndAnswer(namespace(8))
    await sa.joinAndAnswer(namespace(9))
    const sc = await session()
    expect(await sc.joinAndAnswer(namespace(8))).toEqual([idOf(a)])
    sa.stream.abort(new Error('gone'))
    await eventually(async () => (await sc.joinAndAnswer(namespace(8))).length === 0)
    expect(await sc.joinAndAnswer(namespace(9))).toEqual([])
  })

  it('forgets a stream closed gracefully by the client', async () => {
    const a = await client()
    const sa = await session(a)
    await sa.joinAndAnswer(namespace(10))
    await sa.stream.close()
    const sc = await session()
    await eventually(async () => (await sc.joinAndAnswer(namespace(10))).length === 0)
  })

  it('forgets a peer whose connection closes', async () => {
    const a = await client()
    const sa = await session(a)
    await sa.joinAndAnswer(namespace(11))
    await a.stop()
    const sc = await session()
    await eventually(async () => (await sc.joinAndAnswer(namespace(11))).length === 0)
  })

  it('lets a new stream of the same peer replace its old one', async () => {
    const ns = namespace(12)
    const a = await client()
    const first = await session(a)
    await first.joinAndAnswer(ns)
    const second = await session(a)
    await second.joinAndAnswer(ns)
    const sc = await session()
    expect(await sc.joinAndAnswer(ns)).toEqual([idOf(a)])
    // The old stream no longer owns the registration, so closing it must not drop the peer.
    first.stream.abort(new Error('old'))
    await first.ended
    expect(await sc.joinAndAnswer(ns)).toEqual([idOf(a)])
    expect(first.pending).toBe(0)
  })

  it('refuses junk with an error and keeps serving', async () => {
    const ns = namespace(13)
    const bad = await session()
    const good = await session()

    await bad.send(new Uint8Array([0xff, 0xfe, 0x00, 0x13]))
    expect(await bad.next()).toMatchObject({ type: 'error' })
    await bad.send(encode([2, 'join', ns]))
    expect(await bad.next()).toMatchObject({ type: 'error' })
    await bad.send(encode([1, 'join', new Uint8Array(31)]))
    expect(await bad.next()).toMatchObject({ type: 'error' })
    await bad.send(encode([1, 'hello', ns]))
    expect(await bad.next()).toMatchObject({ type: 'error' })
    await bad.send(encode({ v: 1 }))
    expect(await bad.next()).toMatchObject({ type: 'error' })

    // The same stream still works after refusals.
    expect(await bad.joinAndAnswer(ns)).toEqual([])
    expect(await good.joinAndAnswer(ns)).toHaveLength(1)
  })

  it('refuses a 33rd namespace on one stream', async () => {
    const s = await session()
    for (let i = 0; i < 32; i++) await s.joinAndAnswer(namespace(100 + i))
    await s.join(namespace(200))
    expect(await s.next()).toMatchObject({ type: 'error', text: expect.stringContaining('namespaces') })
    // Re-joining one it already has is fine, and leaving makes room.
    expect(await s.joinAndAnswer(namespace(100))).toEqual([])
    await s.leave(namespace(101))
    expect(await s.joinAndAnswer(namespace(200))).toEqual([])
  })

  it('refuses a message over 4096 bytes and ends that stream only', async () => {
    const s = await session()
    const other = await session()
    await s.send(new Uint8Array(5000))
    expect(await s.next()).toMatchObject({ type: 'error', text: expect.stringContaining('too large') })
    await s.ended
    expect(await other.joinAndAnswer(namespace(14))).toEqual([])
  })

  it('aborts a stream after 16 refused messages', async () => {
    const s = await session()
    for (let i = 0; i < 16; i++) await s.send(new Uint8Array([0xff]))
    await s.ended
    expect(s.pending).toBeLessThanOrEqual(16)
    const other = await session()
    expect(await other.joinAndAnswer(namespace(15))).toEqual([])
  })
})
