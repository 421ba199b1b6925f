import { expand, extract } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8Encode } from '../bytes.ts'

export const ROOM_SECRET_BYTES = 32
export const ROOM_ID_BYTES = 16

/** Everything a device needs to take part in a room, derived from its secret (PROTOCOL.md §1). */
export type RoomKeys = {
  readonly secret: Uint8Array
  /** 16 bytes; inside every signed payload. */
  readonly roomId: Uint8Array
  /** Lowercase hex of `roomId`: the room's key in local storage. */
  readonly roomIdHex: string
  /** Gossipsub topic name, `roda/v1/<hex of the derived topic bytes>`. */
  readonly topic: string
  /** XChaCha20-Poly1305 key for every frame of the room. */
  readonly encKey: Uint8Array
  /** Opaque 32-byte namespace for the relay's rendezvous protocol. */
  readonly rendezvousNs: Uint8Array
}

const SALT = utf8Encode('roda/v1')
const TOPIC_PREFIX = 'roda/v1/'
const INFO = {
  roomId: utf8Encode('room-id'),
  topic: utf8Encode('topic'),
  encKey: utf8Encode('enc-key'),
  rendezvous: utf8Encode('rendezvous'),
}

export function generateRoomSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(ROOM_SECRET_BYTES))
}

/** HKDF-SHA256 with salt "roda/v1". Throws a RangeError unless the secret is 32 bytes. */
export function deriveRoomKeys(secret: Uint8Array): RoomKeys {
  if (!(secret instanceof Uint8Array) || secret.length !== ROOM_SECRET_BYTES) {
    throw new RangeError(`room secret must be ${ROOM_SECRET_BYTES} bytes`)
  }
  // One extract, four expands: the same as four full HKDF calls, with a quarter of the hashing.
  const prk = extract(sha256, secret, SALT)
  const roomId = expand(sha256, prk, INFO.roomId, ROOM_ID_BYTES)
  const topicBytes = expand(sha256, prk, INFO.topic, 16)
  const keys: RoomKeys = {
    // Own copy, so a caller reusing its buffer cannot change a live room's identity.
    secret: secret.slice(),
    roomId,
    roomIdHex: bytesToHex(roomId),
    topic: TOPIC_PREFIX + bytesToHex(topicBytes),
    encKey: expand(sha256, prk, INFO.encKey, 32),
    rendezvousNs: expand(sha256, prk, INFO.rendezvous, 32),
  }
  prk.fill(0)
  return keys
}
