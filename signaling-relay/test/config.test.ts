import { describe, expect, it } from 'vitest'
import { ConfigError, optionsFromEnv } from '../src/config.ts'
import { listenAddress } from '../src/index.ts'

describe('optionsFromEnv', () => {
  it('defaults to 127.0.0.1:9090', () => {
    expect(optionsFromEnv({})).toEqual({ host: '127.0.0.1', port: 9090 })
  })

  it('reads every variable', () => {
    expect(optionsFromEnv({
      RELAY_HOST: '::1',
      RELAY_PORT: '0',
      RELAY_MAX_RESERVATIONS: '10',
      RELAY_MAX_CONNECTIONS: ' 20 ',
      RELAY_INBOUND_CONNECTION_THRESHOLD: '50',
      RELAY_MAX_PENDING_CONNECTIONS: '128',
      RELAY_ANNOUNCE: '/dns4/relay.example.org/tcp/443/wss, /ip4/192.0.2.1/tcp/443/wss',
    })).toEqual({
      host: '::1',
      port: 0,
      maxReservations: 10,
      maxConnections: 20,
      inboundConnectionThreshold: 50,
      maxPendingConnections: 128,
      announce: ['/dns4/relay.example.org/tcp/443/wss', '/ip4/192.0.2.1/tcp/443/wss'],
    })
  })

  it('treats empty values as unset', () => {
    expect(optionsFromEnv({ RELAY_PORT: '', RELAY_HOST: ' ' })).toEqual({ host: '127.0.0.1', port: 9090 })
  })

  it.each([
    ['RELAY_PORT', 'abc'],
    ['RELAY_PORT', '65536'],
    ['RELAY_PORT', '-1'],
    ['RELAY_PORT', '80.5'],
    ['RELAY_PORT', '1e3'],
    ['RELAY_MAX_RESERVATIONS', '0'],
    ['RELAY_MAX_RESERVATIONS', 'many'],
    ['RELAY_MAX_CONNECTIONS', '0x10'],
    ['RELAY_INBOUND_CONNECTION_THRESHOLD', '0'],
    ['RELAY_MAX_PENDING_CONNECTIONS', '-5'],
    ['RELAY_HOST', 'localhost'],
    ['RELAY_HOST', '127.0.0.256'],
    ['RELAY_ANNOUNCE', 'relay.example.org:443'],
  ])('rejects %s=%s, naming the variable', (name, value) => {
    expect(() => optionsFromEnv({ [name]: value })).toThrow(ConfigError)
    expect(() => optionsFromEnv({ [name]: value })).toThrow(name)
  })
})

describe('listenAddress', () => {
  it('uses /ip6 for IPv6 hosts', () => {
    expect(listenAddress('127.0.0.1', 0)).toBe('/ip4/127.0.0.1/tcp/0/ws')
    expect(listenAddress('::1', 9090)).toBe('/ip6/::1/tcp/9090/ws')
  })
})
