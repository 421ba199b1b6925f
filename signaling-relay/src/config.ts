// Relay settings from the environment. Every bad value fails start-up with the variable's name,
// because a relay silently running on a default port or limit is harder to notice than a crash.
import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import type { RelayOptions } from './index.ts'

export const DEFAULT_PORT = 9090

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim()
  if (raw == null || raw === '') return undefined
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${env[name]}"`)
  }
  return value
}

function host(env: Env): string | undefined {
  const raw = env.RELAY_HOST?.trim()
  if (raw == null || raw === '') return undefined
  // An address, not a name: the listen multiaddr is /ip4 or /ip6, and resolving names here
  // would make the bound interface depend on DNS.
  if (isIP(raw) === 0) {
    throw new ConfigError(`RELAY_HOST must be an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got "${raw}"`)
  }
  return raw
}

function announce(env: Env): string[] | undefined {
  const raw = env.RELAY_ANNOUNCE?.trim()
  if (raw == null || raw === '') return undefined
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const addr of list) {
    try {
      multiaddr(addr)
    } catch {
      throw new ConfigError(`RELAY_ANNOUNCE must be comma-separated multiaddrs such as /dns4/relay.example.org/tcp/443/wss, got "${addr}"`)
    }
  }
  return list
}

/**
 * RELAY_HOST, RELAY_PORT, RELAY_MAX_RESERVATIONS, RELAY_MAX_CONNECTIONS, RELAY_ANNOUNCE,
 * RELAY_INBOUND_CONNECTION_THRESHOLD, RELAY_MAX_PENDING_CONNECTIONS.
 */
export function optionsFromEnv(env: Env = process.env): RelayOptions {
  const options: RelayOptions = {
    host: host(env) ?? '127.0.0.1',
    port: integer(env, 'RELAY_PORT', 0, 65_535) ?? DEFAULT_PORT,
  }
  const maxReservations = integer(env, 'RELAY_MAX_RESERVATIONS', 1, 1_000_000)
  if (maxReservations != null) options.maxReservations = maxReservations
  const maxConnections = integer(env, 'RELAY_MAX_CONNECTIONS', 1, 1_000_000)
  if (maxConnections != null) options.maxConnections = maxConnections
  const threshold = integer(env, 'RELAY_INBOUND_CONNECTION_THRESHOLD', 1, 1_000_000)
  if (threshold != null) options.inboundConnectionThreshold = threshold
  const pending = integer(env, 'RELAY_MAX_PENDING_CONNECTIONS', 1, 1_000_000)
  if (pending != null) options.maxPendingConnections = pending
  const addrs = announce(env)
  if (addrs != null) options.announce = addrs
  return options
}
