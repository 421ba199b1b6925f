import { createHmac } from 'node:crypto'
import { lpStream, streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { decode } from 'cborg'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
// The app's own client, so that the end-to-end test checks that both sides agree on the wire.
import { fetchIceServers } from '../../src/core/net/ice-servers.ts'
import { encodeIceAnswer, ICE_PROTOCOL, IceServersService, MAX_ICE_MESSAGE_BYTES, RequestLimiter, type IceServersInit } from '../src/ice.ts'
import { createRelay, type Relay } from '../src/index.ts'
import { assertWebSocket, createClient } from './helpers.ts'
import type { ComponentLogger, Connection, Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

// docs/PROTOCOL.md §10: secret, peer id and expiry of the golden vector, and its answer.
const SECRET = 'roda-golden-vector-secret'
const PEER = '12D3KooWGzBpVd1tRdh3s7TkmnWzyYVqZQHm3JYzBL6sJb2sPcRk'
const EXPIRES = 1767225600
const URLS = ['stun:192.0.2.10:3478', 'turn:192.0.2.10:3478?transport=udp']
const GOLDEN_ANSWER = '840163696365828181747374756e3a3139322e302e322e31303a33343738838178227475726e3a3139322e302e322e31303a333437383f7472616e73706f72743d756470783f313736373232353630303a313244334b6f6f57477a427056643174526468337337546b6d6e577a795956715a51486d334a597a424c36734a6232735063526b781c364459574f4b2f2b43454246624951374e57636773693654452f6b3d1a6955b900'
const EMPTY_ANSWER = '8401636963658000'

const hmac = (secret: string, username: string): string => createHmac('sha1', secret).update(username).digest('base64')

const silentLogger = {
  forComponent: () => Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }),
} as unknown as ComponentLogger

async function service(init: IceServersInit = {}): Promise<IceServersService> {
  const registrar = { handle: async () => {}, unhandle: async () => {} }
  const ice = new IceServersService({ registrar, logger: silentLogger }, init)
  await ice.start()
  return ice
}

/** One request as `peer`: the raw answer, or null when the relay ends the stream without one. */
async function ask(ice: IceServersService, peer = PEER): Promise<{ body: Uint8Array | null; relaySide: Stream }> {
  const [client, relaySide] = await streamPair()
  ice.handleStream(relaySide, { remotePeer: { toString: () => peer } } as unknown as Connection)
  const lp = lpStream(client, { maxDataLength: MAX_ICE_MESSAGE_BYTES })
  let body: Uint8Array | null
  try {
    body = (await lp.read({ signal: AbortSignal.timeout(2_000) })).subarray()
  } catch (err) {
    expect((err as Error).name).toBe('UnexpectedEOFError')
    body = null
  }
  await client.close()
  return { body, relaySide }
}

const hex = (bytes: Uint8Array | null): string => Buffer.from(bytes!).toString('hex')

describe('IceServersService', () => {
  it('answers [1, "ice", [], 0] when nothing is configured', async () => {
    const ice = await service()
    expect(hex((await ask(ice)).body)).toBe(EMPTY_ANSWER)
  })

  it('answers the golden vector: STUN as is, TURN with credentials for the asking peer', async () => {
    const ice = await service({ turn: { urls: URLS, secret: SECRET }, now: () => (EXPIRES - 6 * 3600) * 1000 })
    const { body } = await ask(ice)
    expect(hex(body)).toBe(GOLDEN_ANSWER)
    const [, , servers, expires] = decode(body!) as [number, string, Array<[string[], string?, string?]>, number]
    const [, [, username, credential]] = servers as [unknown, [string[], string, string]]
    expect(username).toBe(`${EXPIRES}:${PEER}`)
    expect(credential).toBe(hmac(SECRET, username))
    expect(expires).toBe(EXPIRES)
  })

  it('encodes what it mints exactly as the golden vector', () => {
    const username = `${EXPIRES}:${PEER}`
    const answer = { servers: [{ urls: [URLS[0]!] }, { urls: [URLS[1]!], username, credential: hmac(SECRET, username) }], expires: EXPIRES }
    expect(hex(encodeIceAnswer(answer))).toBe(GOLDEN_ANSWER)
  })

  it('labels each credential with the peer that asked', async () => {
    const ice = await service({ turn: { urls: URLS, secret: SECRET, ttlSeconds: 60 }, now: () => 1_700_000_000_000 })
    const [, , servers] = decode((await ask(ice, 'peer-b')).body!) as [number, string, Array<[string[], string, string]>]
    expect(servers[1]![1]).toBe('1700000060:peer-b')
    expect(servers[1]![2]).toBe(hmac(SECRET, '1700000060:peer-b'))
  })

  it('answers a peer five times at once, then once every 10 s; other peers are not affected', async () => {
    let now = 1_700_000_000_000
    const ice = await service({ now: () => now })
    for (let i = 0; i < 5; i++) expect((await ask(ice, 'greedy')).body).not.toBeNull()
    expect((await ask(ice, 'greedy')).body).toBeNull()
    expect((await ask(ice, 'other')).body).not.toBeNull()
    now += 9_999
    expect((await ask(ice, 'greedy')).body).toBeNull()
    now += 1
    expect((await ask(ice, 'greedy')).body).not.toBeNull()
    expect((await ask(ice, 'greedy')).body).toBeNull()
  })

  it('closes its side after the answer, and the stream is gone once the client closes too', async () => {
    const ice = await service()
    const { relaySide } = await ask(ice)
    await expect.poll(() => relaySide.status).toBe('closed')
  })

  it('turns streams away once stopped', async () => {
    const ice = await service()
    await ice.stop()
    const [client, relaySide] = await streamPair()
    ice.handleStream(relaySide, { remotePeer: { toString: () => PEER } } as unknown as Connection)
    await expect(lpStream(client).read({ signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
    expect(relaySide.status).toBe('aborted')
  })
})

describe('RequestLimiter', () => {
  it('remembers at most maxPeers buckets, forgetting the least recently seen', () => {
    const limiter = new RequestLimiter(1, 10_000, 2)
    expect(limiter.take('a', 0)).toBe(true)
    expect(limiter.take('b', 0)).toBe(true)
    expect(limiter.take('a', 0)).toBe(false) // a is now the most recent
    expect(limiter.take('c', 0)).toBe(true) // forgets b
    expect(limiter.size).toBe(2)
    expect(limiter.take('a', 0)).toBe(false)
    expect(limiter.take('b', 0)).toBe(true) // a fresh bucket again
  })

  it('never counts a clock going backwards as refill', () => {
    const limiter = new RequestLimiter(1, 10_000, 10)
    expect(limiter.take('a', 50_000)).toBe(true)
    expect(limiter.take('a', 0)).toBe(false)
  })
})

describe('/roda/ice/1.0.0 over a real relay', () => {
  let relay: Relay | undefined
  const clients: Libp2p[] = []

  beforeAll(() => {
    assertWebSocket()
  })

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()))
    await relay?.stop()
    relay = undefined
  })

  async function connect(): Promise<{ client: Libp2p; connection: Connection }> {
    const client = await createClient()
    clients.push(client)
    return { client, connection: await client.dial(multiaddr(relay!.addresses[0]!)) }
  }

  it('hands a browser TURN credentials for its own peer id that coturn would accept', async () => {
    const secret = 'e2e-secret-0123456789abcdef'
    relay = await createRelay({ port: 0, turn: { urls: ['stun:127.0.0.1:3478', 'turn:127.0.0.1:3478?transport=udp'], secret, ttlSeconds: 600 } })
    const { client, connection } = await connect()
    const before = Date.now()
    const answer = await fetchIceServers(connection)

    expect(answer.iceServers).toHaveLength(2)
    expect(answer.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] })
    const turn = answer.iceServers[1]!
    expect(turn.urls).toEqual(['turn:127.0.0.1:3478?transport=udp'])
    const [expiry, label] = (turn.username as string).split(':')
    expect(label).toBe(client.peerId.toString())
    expect(Number(expiry) * 1000).toBe(answer.expiresAt)
    expect(answer.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000)
    expect(answer.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000)
    expect(turn.credential).toBe(hmac(secret, turn.username!))
  })

  it('hands out no servers at all by default', async () => {
    relay = await createRelay({ port: 0 })
    const { connection } = await connect()
    expect(await fetchIceServers(connection)).toEqual({ iceServers: [], expiresAt: 0 })
  })

  it('registers the protocol under the id both sides spell out', () => {
    expect(ICE_PROTOCOL).toBe('/roda/ice/1.0.0')
  })
})
