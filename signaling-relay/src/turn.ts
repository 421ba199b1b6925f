// Short-lived TURN credentials in coturn's "TURN REST API" scheme (`use-auth-secret`,
// `static-auth-secret`): the relay and coturn share a secret, the relay mints a username that
// carries its own expiry and the HMAC of it as the password, and coturn checks both without ever
// talking to the relay. So no long-lived password ships in the app, and only browsers that asked
// this relay can use the TURN server, until their credentials expire.
import { createHmac } from 'node:crypto'
import { isIP } from 'node:net'

export interface TurnOptions {
  /** `stun:`, `turn:` and `turns:` URLs of the operator's server (RFC 7064, RFC 7065). */
  urls: string[]
  /** The `static-auth-secret` coturn was started with; required for `turn:` and `turns:` URLs. */
  secret?: string
  /** How long minted credentials work. Default DEFAULT_TURN_TTL_SECONDS. */
  ttlSeconds?: number
}

/**
 * Six hours. Coturn checks the expiry when a connection allocates its relay port; an allocation
 * made in time lives on, refreshed by the browser, however long the call. So the TTL only bounds
 * how long one answer lets a browser open new relayed connections: long enough that it asks again
 * a few times a day at most, short enough that credentials copied out of a browser (any member
 * of a room can read them in chrome://webrtc-internals) stop working the same day.
 */
export const DEFAULT_TURN_TTL_SECONDS = 6 * 60 * 60
export const MIN_TURN_TTL_SECONDS = 60
export const MAX_TURN_TTL_SECONDS = 24 * 60 * 60
/** One credential (a known username and its HMAC) lets anyone test guesses of the secret offline. */
export const MIN_TURN_SECRET_LENGTH = 16
/** Keeps every answer far below the ICE message limit and the client's per-entry bounds. */
export const MAX_TURN_URLS = 8
export const MAX_TURN_URL_LENGTH = 256

/** One RTCIceServer: credentials only on TURN entries. */
export interface IceServerEntry {
  urls: string[]
  username?: string
  credential?: string
}

export interface IceServers {
  servers: IceServerEntry[]
  /** Unix seconds when the credentials stop working; 0 when there are none. */
  expires: number
}

// scheme:host[:port][?transport=udp|tcp]; host is a DNS name, an IPv4 address or [IPv6]. Browsers
// refuse a query on stun: URLs (WebRTC 1.0, "validate an ICE server"), so only TURN takes one.
const TURN_URL = /^(stun|turn|turns):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?(\?transport=(?:udp|tcp))?$/

/** Why `url` is not a usable STUN or TURN URL, or null when it is. */
export function turnUrlProblem(url: string): string | null {
  if (url.length > MAX_TURN_URL_LENGTH) return `longer than ${MAX_TURN_URL_LENGTH} characters`
  const m = TURN_URL.exec(url)
  if (m == null) return 'not stun:host[:port], turn:host[:port][?transport=udp|tcp] or turns:…'
  const [, scheme, host, port, query] = m
  if (host!.startsWith('[') && isIP(host!.slice(1, -1)) !== 6) return 'the address in brackets is not IPv6'
  if (port != null && (Number(port) < 1 || Number(port) > 65_535)) return 'the port is not from 1 to 65535'
  if (scheme === 'stun' && query != null) return 'stun: URLs take no ?transport'
  return null
}

export function isTurnUrl(url: string): boolean {
  return url.startsWith('turn:') || url.startsWith('turns:')
}

/** coturn's `use-auth-secret` credential for `label`, valid until `expires` (Unix seconds). */
export function mintCredential(secret: string, label: string, expires: number): { username: string; credential: string } {
  // The expiry comes first: coturn reads the number before the first colon.
  const username = `${expires}:${label}`
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') }
}

/**
 * What the relay tells one browser: STUN URLs as they are, TURN URLs with credentials labelled
 * with `label` (the browser's peer id, so coturn's logs show whose allocation it is).
 */
export function iceServersFor(turn: TurnOptions | undefined, label: string, nowMs = Date.now()): IceServers {
  if (turn == null) return { servers: [], expires: 0 }
  const stun = turn.urls.filter((url) => !isTurnUrl(url))
  const relayed = turn.urls.filter(isTurnUrl)
  const servers: IceServerEntry[] = []
  if (stun.length > 0) servers.push({ urls: stun })
  if (relayed.length === 0 || turn.secret == null) return { servers, expires: 0 }
  const expires = Math.floor(nowMs / 1000) + (turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS)
  servers.push({ urls: relayed, ...mintCredential(turn.secret, label, expires) })
  return { servers, expires }
}
