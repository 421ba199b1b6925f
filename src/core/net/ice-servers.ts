// The browser side of /roda/ice/1.0.0 (PROTOCOL.md §10): ask the relay which STUN/TURN servers
// to use. The answer goes straight into RTCPeerConnection, where one bad entry makes every new
// connection throw, so the parser takes only what the relay is specified to send.
import { decode } from 'cborg'
import { lpStream } from '@libp2p/utils'
import type { Connection } from '@libp2p/interface'

export const ICE_PROTOCOL = '/roda/ice/1.0.0'
const MAX_MESSAGE = 4096
const MAX_SERVERS = 8
const MAX_URLS_PER_SERVER = 8
const MAX_STRING = 512
/** Latest expiry accepted, in Unix seconds (year 2286): keeps `expiresAt` an exact integer. */
const MAX_EXPIRES = 9_999_999_999
const FETCH_TIMEOUT_MS = 10_000

/** An RTCIceServer as the relay sends it (spelt out so that Node code without DOM types can use it). */
export interface IceServer {
  urls: string[]
  username?: string
  credential?: string
}

export interface IceServersAnswer {
  iceServers: IceServer[]
  /** When the TURN credentials stop working, in ms since the epoch of the relay's clock; 0 = never. */
  expiresAt: number
}

function isBoundedString(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_STRING
}

// scheme:host[:port][?transport=udp|tcp], as the relay checks its TURN_URLS (RFC 7064/7065;
// browsers refuse a query on stun:). One malformed URL makes RTCPeerConnection throw, which
// would make every WebRTC connection fail, so the client checks again and does not trust the relay.
const ICE_URL = /^(stun|turn|turns):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?(\?transport=(?:udp|tcp))?$/
// Fewer URLs in all than servers × URLs each: each one costs every new connection a request.
const MAX_URLS = 16

function urlParts(url: string): { scheme: string; host: string } | null {
  const m = ICE_URL.exec(url)
  if (m == null) return null
  const [, scheme, host, port, query] = m
  if (port != null && (Number(port) < 1 || Number(port) > 65_535)) return null
  if (scheme === 'stun' && query != null) return null
  return { scheme: scheme!, host: host! }
}

function isStun(url: string): boolean {
  return urlParts(url)?.scheme === 'stun'
}

export function isTurn(url: string): boolean {
  const scheme = urlParts(url)?.scheme
  return scheme === 'turn' || scheme === 'turns'
}

/**
 * Whether an ICE server's host is one a browser should never be sent to by a relay: this
 * device itself (unless the relay is on this device too), unspecified, link-local, multicast or
 * broadcast addresses. A dishonest relay could otherwise point every new connection's STUN and
 * TURN requests at the phone's own services. Private LAN addresses stay allowed: a relay on a
 * workshop laptop hands out its LAN address.
 */
export function isForbiddenIceHost(url: string, relayIsLoopback: boolean): boolean {
  const host = urlParts(url)?.host.toLowerCase()
  if (host == null) return true
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host)
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])]
    if (a === 127) return !relayIsLoopback
    return a === 0 || a >= 224 || (a === 169 && b === 254)
  }
  if (host.startsWith('[')) {
    const v6 = host.slice(1, -1)
    if (v6 === '::1') return !relayIsLoopback
    return v6 === '::' || /^fe[89ab]/.test(v6) || v6.startsWith('ff') || v6.startsWith('::ffff:')
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return !relayIsLoopback
  return false
}

/** One `[urls]` (STUN) or `[urls, username, credential]` (TURN) entry; null if off-spec. */
function parseServer(x: unknown): IceServer | null {
  if (!Array.isArray(x) || (x.length !== 1 && x.length !== 3)) return null
  const [urls, username, credential] = x as unknown[]
  if (!Array.isArray(urls) || urls.length === 0 || urls.length > MAX_URLS_PER_SERVER || !urls.every(isBoundedString)) return null
  const list = urls as string[]
  // Browsers require credentials on TURN URLs, and the relay sends them only there.
  if (x.length === 1) return list.every(isStun) ? { urls: list } : null
  if (!list.every(isTurn) || !isBoundedString(username) || !isBoundedString(credential)) return null
  return { urls: list, username, credential }
}

/** Parses the relay's answer; anything off-spec is null, never an exception. */
export function parseIceMessage(bytes: Uint8Array): IceServersAnswer | null {
  if (bytes.byteLength > MAX_MESSAGE) return null
  let v: unknown
  try {
    v = decode(bytes)
  } catch {
    return null
  }
  if (!Array.isArray(v) || v.length !== 4) return null
  const [version, type, servers, expires] = v as unknown[]
  if (version !== 1 || type !== 'ice' || !Array.isArray(servers) || servers.length > MAX_SERVERS) return null
  if (typeof expires !== 'number' || !Number.isInteger(expires) || expires < 0 || expires > MAX_EXPIRES) return null
  const iceServers: IceServer[] = []
  for (const entry of servers) {
    const server = parseServer(entry)
    if (server == null) return null
    iceServers.push(server)
  }
  if (iceServers.reduce((n, s) => n + s.urls.length, 0) > MAX_URLS) return null
  // Credentials always expire and nothing else does.
  const credentials = iceServers.some((s) => s.credential != null)
  if (credentials !== (expires > 0)) return null
  return { iceServers, expiresAt: expires * 1000 }
}

/**
 * Asks the relay at the other end of `connection` for ICE servers. Throws an Error saying why
 * when the relay does not speak the protocol, refuses (too many requests), times out (10 s unless
 * `signal` ends it first) or sends something malformed.
 */
export async function fetchIceServers(connection: Connection, signal?: AbortSignal): Promise<IceServersAnswer> {
  const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS)
  const options = { signal: signal != null ? AbortSignal.any([signal, timeout]) : timeout }
  let stream
  try {
    stream = await connection.newStream(ICE_PROTOCOL, options)
  } catch (err) {
    throw new Error(`the relay does not hand out ICE servers (${ICE_PROTOCOL}): ${errorText(err)}`, { cause: err })
  }
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE })
    let bytes
    try {
      bytes = await lp.read(options)
    } catch (err) {
      if (err instanceof Error && err.name === 'UnexpectedEOFError') {
        throw new Error('the relay closed the ICE stream without an answer (too many requests?)', { cause: err })
      }
      throw new Error(`no ICE servers from the relay: ${errorText(err)}`, { cause: err })
    }
    const answer = parseIceMessage(bytes.subarray())
    if (answer == null) throw new Error('the relay sent a malformed ICE servers message')
    // Our side is all that is left open; the answer is ours whether or not this goes well.
    stream.close(options).catch((err: unknown) => stream.abort(err instanceof Error ? err : new Error(String(err))))
    return answer
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err)
}
