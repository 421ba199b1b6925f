// Relay settings from the environment. Every bad value fails start-up with the variable's name,
// because a relay silently running on a default port or limit is harder to notice than a crash.
import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { isTurnUrl, MAX_TURN_TTL_SECONDS, MAX_TURN_URLS, MIN_TURN_SECRET_LENGTH, MIN_TURN_TTL_SECONDS, turnUrlProblem, type TurnOptions } from './turn.ts'
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

function list(env: Env, name: string): string[] | undefined {
  const raw = env[name]?.trim()
  if (raw == null || raw === '') return undefined
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function announce(env: Env): string[] | undefined {
  const addrs = list(env, 'RELAY_ANNOUNCE')
  if (addrs == null) return undefined
  for (const addr of addrs) {
    try {
      multiaddr(addr)
    } catch {
      throw new ConfigError(`RELAY_ANNOUNCE must be comma-separated multiaddrs such as /dns4/relay.example.org/tcp/443/wss, got "${addr}"`)
    }
  }
  return addrs
}

// Printable ASCII without spaces: the secret also goes into coturn's configuration file, one
// `static-auth-secret=` line, and `openssl rand -hex 32` gives such a secret.
const TURN_SECRET_CHARS = /^[\x21-\x7e]+$/

/** TURN_URLS, TURN_SECRET, TURN_TTL: the operator's STUN/TURN server and the secret it shares with coturn. */
function turn(env: Env): TurnOptions | undefined {
  const urls = list(env, 'TURN_URLS')
  const secret = env.TURN_SECRET?.trim() || undefined
  const ttlSeconds = integer(env, 'TURN_TTL', MIN_TURN_TTL_SECONDS, MAX_TURN_TTL_SECONDS)
  if (urls == null && secret != null) throw new ConfigError('TURN_SECRET is set but TURN_URLS is not: give the turn: URLs of the server that shares the secret')
  if (ttlSeconds != null && secret == null) throw new ConfigError('TURN_TTL is set but TURN_SECRET is not: only TURN credentials expire')
  if (urls == null) return undefined
  if (urls.length > MAX_TURN_URLS) throw new ConfigError(`TURN_URLS holds at most ${MAX_TURN_URLS} URLs, got ${urls.length}`)
  for (const url of urls) {
    const problem = turnUrlProblem(url)
    if (problem != null) throw new ConfigError(`TURN_URLS: "${url}" is ${problem}; e.g. stun:turn.example.org:3478,turn:turn.example.org:3478?transport=udp`)
  }
  const relayed = urls.some(isTurnUrl)
  if (relayed && secret == null) {
    throw new ConfigError('TURN_URLS has turn: URLs but TURN_SECRET is not set: give the static-auth-secret of your coturn (use-auth-secret)')
  }
  if (secret != null) {
    if (!relayed) throw new ConfigError('TURN_SECRET is set but TURN_URLS has no turn: or turns: URL to use it with')
    if (secret.length < MIN_TURN_SECRET_LENGTH || !TURN_SECRET_CHARS.test(secret)) {
      throw new ConfigError(`TURN_SECRET must be at least ${MIN_TURN_SECRET_LENGTH} printable ASCII characters without spaces (e.g. from openssl rand -hex 32)`)
    }
  }
  return { urls, ...(secret != null && { secret }), ...(ttlSeconds != null && { ttlSeconds }) }
}

/**
 * RELAY_HOST, RELAY_PORT, RELAY_MAX_RESERVATIONS, RELAY_MAX_CONNECTIONS, RELAY_ANNOUNCE,
 * RELAY_INBOUND_CONNECTION_THRESHOLD, RELAY_MAX_PENDING_CONNECTIONS, TURN_URLS, TURN_SECRET, TURN_TTL.
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
  const turnOptions = turn(env)
  if (turnOptions != null) options.turn = turnOptions
  return options
}
