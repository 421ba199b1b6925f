import { base64urlToBytes, bytesToBase64url } from '../bytes.ts'
import { ROOM_SECRET_BYTES } from './room-keys.ts'

/** Longest title kept from a link, in UTF-16 code units. */
export const MAX_TITLE = 80

/**
 * A shareable link: the secret lives in the fragment, which browsers never send to a server
 * (PROTOCOL.md §1). Any fragment already on `baseUrl` is replaced.
 */
export function makeRoomLink(baseUrl: string, secret: Uint8Array, title?: string): string {
  if (!(secret instanceof Uint8Array) || secret.length !== ROOM_SECRET_BYTES) {
    throw new RangeError(`room secret must be ${ROOM_SECRET_BYTES} bytes`)
  }
  const hashAt = baseUrl.indexOf('#')
  const base = hashAt === -1 ? baseUrl : baseUrl.slice(0, hashAt)
  const label = cleanTitle(title ?? '')
  const suffix = label ? `&title=${encodeURIComponent(label)}` : ''
  return `${base}#room=${bytesToBase64url(secret)}${suffix}`
}

/**
 * Reads `room` (and `title`, if any) from a location hash, with or without its leading `#`.
 * Returns null for anything that is not a 32-byte secret in unpadded base64url. Unknown keys
 * are ignored; the first occurrence of a key wins.
 */
export function parseRoomFragment(hash: string): { secret: Uint8Array; title?: string } | null {
  if (typeof hash !== 'string') return null
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  const params = new Map<string, string>()
  for (const part of fragment.split('&')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const key = part.slice(0, eq)
    if (params.has(key)) continue
    const value = percentDecode(part.slice(eq + 1))
    if (value !== undefined) params.set(key, value)
  }
  const room = params.get('room')
  if (room === undefined) return null
  let secret: Uint8Array
  try {
    secret = base64urlToBytes(room)
  } catch {
    return null
  }
  if (secret.length !== ROOM_SECRET_BYTES) return null
  const title = cleanTitle(params.get('title') ?? '')
  return title ? { secret, title } : { secret }
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    // A broken escape spoils only this value, not the whole link.
    return undefined
  }
}

/**
 * A title is only a label suggestion from whoever made the link: control characters go, the
 * rest is trimmed and cut to MAX_TITLE without splitting a surrogate pair (which would make
 * encodeURIComponent throw on the way back out).
 */
function cleanTitle(raw: string): string {
  let title = raw.replace(/\p{Cc}/gu, ' ').trim()
  if (title.length > MAX_TITLE) {
    title = title.slice(0, MAX_TITLE)
    const last = title.charCodeAt(MAX_TITLE - 1)
    if (last >= 0xd800 && last <= 0xdbff) title = title.slice(0, -1)
    title = title.trimEnd()
  }
  // Lone surrogates cannot be percent-encoded; they are never meaningful in a title anyway.
  return title.replace(/\p{Cs}/gu, '\ufffd')
}
