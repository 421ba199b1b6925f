import { createHash, createHmac, randomBytes } from 'node:crypto'
import dgram from 'node:dgram'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { coturnConfig, findTurnserver, newTurnSecret, startTurnServer, turnUrls } from '../../scripts/turn-server.ts'
import { ConfigError, optionsFromEnv } from '../src/config.ts'
import { DEFAULT_TURN_TTL_SECONDS, iceServersFor, mintCredential, turnUrlProblem } from '../src/turn.ts'

// docs/PROTOCOL.md §10. The credential was computed apart from the code under test:
//   printf '%s' "$USERNAME" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64
const GOLDEN = {
  secret: 'roda-golden-vector-secret',
  label: '12D3KooWGzBpVd1tRdh3s7TkmnWzyYVqZQHm3JYzBL6sJb2sPcRk',
  expires: 1767225600, // 2026-01-01T00:00:00Z
  username: '1767225600:12D3KooWGzBpVd1tRdh3s7TkmnWzyYVqZQHm3JYzBL6sJb2sPcRk',
  credential: '6DYWOK/+CEBFbIQ7NWcgsi6TE/k=',
}

const urls = ['stun:turn.example.org:3478', 'turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp']

describe('mintCredential', () => {
  it('matches the vector computed with openssl', () => {
    expect(mintCredential(GOLDEN.secret, GOLDEN.label, GOLDEN.expires)).toEqual({ username: GOLDEN.username, credential: GOLDEN.credential })
  })

  it('is HMAC-SHA1 of the username, in base64', () => {
    const { username, credential } = mintCredential('another-secret-of-some-length', 'peer', 1_000)
    expect(username).toBe('1000:peer')
    expect(Buffer.from(credential, 'base64')).toHaveLength(20)
    expect(mintCredential('another-secret-of-some-length!', 'peer', 1_000).credential).not.toBe(credential)
  })
})

describe('iceServersFor', () => {
  const now = GOLDEN.expires * 1000 - DEFAULT_TURN_TTL_SECONDS * 1000 + 999

  it('gives nothing when nothing is configured', () => {
    expect(iceServersFor(undefined, GOLDEN.label, now)).toEqual({ servers: [], expires: 0 })
  })

  it('puts STUN URLs apart, without credentials, and TURN URLs with credentials for the label', () => {
    expect(iceServersFor({ urls, secret: GOLDEN.secret }, GOLDEN.label, now)).toEqual({
      servers: [
        { urls: [urls[0]] },
        { urls: [urls[1], urls[2]], username: GOLDEN.username, credential: GOLDEN.credential },
      ],
      expires: GOLDEN.expires,
    })
  })

  it('expires after the TTL, counted from now in whole seconds', () => {
    const answer = iceServersFor({ urls, secret: GOLDEN.secret, ttlSeconds: 60 }, 'peer', 1_700_000_000_500)
    expect(answer.expires).toBe(1_700_000_060)
    expect(answer.servers[1]!.username).toBe('1700000060:peer')
  })

  it('gives STUN alone no expiry', () => {
    expect(iceServersFor({ urls: [urls[0]!] }, 'peer', now)).toEqual({ servers: [{ urls: [urls[0]] }], expires: 0 })
  })
})

describe('turnUrlProblem', () => {
  it.each([
    'stun:192.0.2.10',
    'stun:[2001:db8::1]:3478',
    'turn:turn.example.org',
    'turn:turn.example.org:3478?transport=tcp',
    'turns:turn.example.org:443?transport=tcp',
  ])('accepts %s', (url) => {
    expect(turnUrlProblem(url)).toBeNull()
  })

  it.each([
    'http://turn.example.org',
    'stuns:turn.example.org',
    'turn:',
    'turn://turn.example.org:3478',
    'turn:user@turn.example.org',
    'turn:turn.example.org:0',
    'turn:turn.example.org:70000',
    'turn:turn.example.org:3478?transport=sctp',
    'stun:turn.example.org?transport=udp',
    'turn:[not-v6]:3478',
    'turn:-bad.example.org',
    `turn:${'a'.repeat(260)}.org`,
  ])('refuses %s', (url) => {
    expect(turnUrlProblem(url)).not.toBeNull()
  })
})

describe('optionsFromEnv: TURN', () => {
  const secret = 'a'.repeat(16)

  it('reads TURN_URLS, TURN_SECRET and TURN_TTL', () => {
    expect(optionsFromEnv({ TURN_URLS: ` ${urls.join(' , ')} `, TURN_SECRET: ` ${secret} `, TURN_TTL: '3600' }).turn)
      .toEqual({ urls, secret, ttlSeconds: 3600 })
  })

  it('takes STUN URLs without a secret', () => {
    expect(optionsFromEnv({ TURN_URLS: 'stun:192.0.2.10:3478' }).turn).toEqual({ urls: ['stun:192.0.2.10:3478'] })
  })

  it('configures nothing by default', () => {
    expect(optionsFromEnv({}).turn).toBeUndefined()
    expect(optionsFromEnv({ TURN_URLS: ' ', TURN_SECRET: '' }).turn).toBeUndefined()
  })

  it.each([
    ['TURN_URLS', { TURN_URLS: 'http://turn.example.org' }],
    ['TURN_URLS', { TURN_URLS: 'turn:turn.example.org:3478?transport=sctp', TURN_SECRET: secret }],
    ['TURN_URLS', { TURN_URLS: Array.from({ length: 9 }, (_, i) => `stun:s${i}.example.org`).join(',') }],
    ['TURN_SECRET', { TURN_URLS: 'turn:turn.example.org' }],
    ['TURN_SECRET', { TURN_SECRET: secret }],
    ['TURN_SECRET', { TURN_URLS: 'stun:turn.example.org', TURN_SECRET: secret }],
    ['TURN_SECRET', { TURN_URLS: 'turn:turn.example.org', TURN_SECRET: 'a'.repeat(15) }],
    ['TURN_SECRET', { TURN_URLS: 'turn:turn.example.org', TURN_SECRET: 'sixteen chars ok' }],
    ['TURN_TTL', { TURN_URLS: 'turn:turn.example.org', TURN_SECRET: secret, TURN_TTL: '59' }],
    ['TURN_TTL', { TURN_URLS: 'turn:turn.example.org', TURN_SECRET: secret, TURN_TTL: '86401' }],
    ['TURN_TTL', { TURN_URLS: 'turn:turn.example.org', TURN_SECRET: secret, TURN_TTL: '6h' }],
    ['TURN_TTL', { TURN_URLS: 'stun:turn.example.org', TURN_TTL: '600' }],
  ])('refuses a bad %s', (name, env) => {
    expect(() => optionsFromEnv(env)).toThrow(ConfigError)
    expect(() => optionsFromEnv(env)).toThrow(name)
  })

  it('never repeats the secret in an error', () => {
    const bad = 'has a space inside'
    expect(() => optionsFromEnv({ TURN_URLS: 'turn:turn.example.org', TURN_SECRET: bad })).toThrow(ConfigError)
    try {
      optionsFromEnv({ TURN_URLS: 'turn:turn.example.org', TURN_SECRET: bad })
    } catch (err) {
      expect((err as Error).message).not.toContain(bad)
    }
  })
})

describe('the coturn of npm start -- --turn', () => {
  const base = { host: '0.0.0.0', port: 3478, minPort: 49160, maxPort: 49200, public: false, secret: 'x'.repeat(48) }

  it('shares the secret, and binds and relays on HOST unless it is a wildcard', () => {
    const lines = coturnConfig({ ...base, host: '192.168.1.20' }, '/tmp/d')
    expect(lines).toEqual(expect.arrayContaining(['use-auth-secret', `static-auth-secret=${base.secret}`, 'listening-ip=192.168.1.20', 'relay-ip=192.168.1.20']))
    expect(coturnConfig(base, '/tmp/d').some((l) => l.startsWith('listening-ip='))).toBe(false)
    expect(turnUrls('::1', 3478)).toEqual(['stun:[::1]:3478', 'turn:[::1]:3478?transport=udp', 'turn:[::1]:3478?transport=tcp'])
  })

  it('relays to private addresses on a LAN, never to loopback or link-local, and to no private address when public', () => {
    const lan = coturnConfig(base, '/tmp/d')
    expect(lan).toEqual(expect.arrayContaining(['denied-peer-ip=127.0.0.0-127.255.255.255', 'denied-peer-ip=169.254.0.0-169.254.255.255']))
    expect(lan).not.toContain('denied-peer-ip=192.168.0.0-192.168.255.255')
    expect(coturnConfig({ ...base, public: true }, '/tmp/d')).toContain('denied-peer-ip=192.168.0.0-192.168.255.255')
    const local = coturnConfig({ ...base, host: '127.0.0.1' }, '/tmp/d')
    expect(local).toContain('allow-loopback-peers')
    expect(local).not.toContain('denied-peer-ip=127.0.0.0-127.255.255.255')
  })

  it.skipIf(findTurnserver() == null)('allocates a relay port with minted credentials, and refuses others', async () => {
    const secret = newTurnSecret()
    const port = await freeUdpPort()
    const minPort = 50_000 + Math.floor(Math.random() * 10_000)
    const turn = await startTurnServer({ host: '127.0.0.1', port, minPort, maxPort: minPort + 9, public: false, secret })
    try {
      const now = Math.floor(Date.now() / 1000)
      expect(await allocate(port, mintCredential(secret, 'wrong-password', now + 60), 'not-the-credential')).toBe(401)
      expect(await allocate(port, mintCredential(secret, 'expired', now - 1))).toBe(401)
      const [relayed] = iceServersFor({ urls: turnUrls('127.0.0.1', port).slice(1), secret }, 'peer-a').servers
      expect(await allocate(port, { username: relayed!.username!, credential: relayed!.credential! })).toBe('allocated')
    } finally {
      await turn.stop()
    }
    // Stopped for real: the port is free again, and the secret is gone with its directory.
    await bindUdp(port)
    expect(existsSync(turn.command[2]!)).toBe(false)
  })
})

async function bindUdp(port: number): Promise<number> {
  const socket = dgram.createSocket('udp4')
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => {
      const bound = socket.address().port
      socket.close(() => resolve(bound))
    })
  })
}

const freeUdpPort = (): Promise<number> => bindUdp(0)

// A TURN client of ~50 lines: Node has none. Allocate over UDP (RFC 8656): the first request
// fetches the realm and nonce (401), the second carries USERNAME, REALM, NONCE and
// MESSAGE-INTEGRITY keyed with MD5(username:realm:password) (RFC 8489 §9.2).
const ATTR = { username: 0x0006, integrity: 0x0008, errorCode: 0x0009, realm: 0x0014, nonce: 0x0015, transport: 0x0019 }

function stunRequest(method: number, id: Buffer, attrs: Array<[number, Buffer]>, key?: Buffer): Buffer {
  const body = Buffer.concat(attrs.map(([type, value]) => {
    const head = Buffer.alloc(4)
    head.writeUInt16BE(type, 0)
    head.writeUInt16BE(value.length, 2)
    return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)])
  }))
  const header = Buffer.alloc(20)
  header.writeUInt16BE(method, 0)
  header.writeUInt16BE(body.length + (key != null ? 24 : 0), 2)
  header.writeUInt32BE(0x2112a442, 4)
  id.copy(header, 8)
  if (key == null) return Buffer.concat([header, body])
  const integrity = Buffer.from([0x00, 0x08, 0x00, 0x14])
  return Buffer.concat([header, body, integrity, createHmac('sha1', key).update(Buffer.concat([header, body])).digest()])
}

function stunAttributes(msg: Buffer): Map<number, Buffer> {
  const attrs = new Map<number, Buffer>()
  for (let at = 20; at + 4 <= msg.length;) {
    const type = msg.readUInt16BE(at)
    const length = msg.readUInt16BE(at + 2)
    if (!attrs.has(type)) attrs.set(type, msg.subarray(at + 4, at + 4 + length))
    at += 4 + length + ((4 - (length % 4)) % 4)
  }
  return attrs
}

/** 'allocated', or the error code of the authenticated request; from a fresh 5-tuple each time. */
async function allocate(port: number, credential: { username: string; credential: string }, password = credential.credential): Promise<'allocated' | number> {
  const socket = dgram.createSocket('udp4')
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
    const udp: [number, Buffer] = [ATTR.transport, Buffer.from([17, 0, 0, 0])]
    const challenge = await request(socket, port, (id) => stunRequest(0x0003, id, [udp]))
    const realm = challenge.attrs.get(ATTR.realm)!
    const nonce = challenge.attrs.get(ATTR.nonce)!
    const key = createHash('md5').update(`${credential.username}:${realm.toString()}:${password}`).digest()
    const auth: Array<[number, Buffer]> = [[ATTR.username, Buffer.from(credential.username)], [ATTR.realm, realm], [ATTR.nonce, nonce]]
    const answer = await request(socket, port, (id) => stunRequest(0x0003, id, [udp, ...auth], key))
    if (answer.type === 0x0103) return 'allocated'
    const code = answer.attrs.get(ATTR.errorCode)!
    return code.readUInt8(2) * 100 + code.readUInt8(3)
  } finally {
    socket.close()
  }
}

async function request(socket: dgram.Socket, port: number, make: (id: Buffer) => Buffer): Promise<{ type: number; attrs: Map<number, Buffer> }> {
  const id = randomBytes(12)
  const message = make(id)
  const send = (): void => socket.send(message, port, '127.0.0.1')
  let resend: NodeJS.Timeout | undefined
  let timer: NodeJS.Timeout | undefined
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('no answer from coturn')), 3_000)
      resend = setInterval(send, 250)
      socket.on('message', (msg) => {
        if (msg.length >= 20 && msg.subarray(8, 20).equals(id)) resolve({ type: msg.readUInt16BE(0), attrs: stunAttributes(msg) })
      })
      send()
    })
  } finally {
    clearTimeout(timer)
    clearInterval(resend)
    socket.removeAllListeners('message')
  }
}

describe('createRelay with turn options', () => {
  it('refuses what TURN_URLS and TURN_TTL refuse, before it listens', async () => {
    const { createRelay } = await import('../src/index.ts')
    await expect(createRelay({ turn: { urls: ['stun:a b'] } })).rejects.toThrow(/turn\.urls: "stun:a b"/)
    await expect(createRelay({ turn: { urls: ['stun:h?transport=udp'] } })).rejects.toThrow(/turn\.urls/)
    await expect(createRelay({ turn: { urls: Array.from({ length: 9 }, (_, i) => `stun:h${i}`) } })).rejects.toThrow(/at most 8/)
    await expect(createRelay({ turn: { urls: ['turn:h'], secret: 'x'.repeat(16), ttlSeconds: 5 } })).rejects.toThrow(/ttlSeconds/)
  })
})
