import { describe, expect, it } from 'vitest'
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
