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

function isStun(url: string): boolean {
  return url.startsWith('stun:')
}

function isTurn(url: string): boolean {
  return url.startsWith('turn:') || url.startsWith('turns:')
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
