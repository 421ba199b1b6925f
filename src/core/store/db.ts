import Dexie, { type EntityTable } from 'dexie'

/** The device's own identity. There is exactly one row, with id 'self'. */
export interface IdentityRow {
  id: 'self'
  publicKey: Uint8Array
  /** The 32-byte ed25519 seed. It never leaves this database. */
  secretKey: Uint8Array
  name: string
  createdAt: number
}

export interface RoomRow {
  /** Hex room id derived from the secret (PROTOCOL.md §1). */
  id: string
  secret: Uint8Array
  title: string
  joinedAt: number
  lastOpenedAt: number
  /**
   * Until when the user has seen this room (ms since epoch, this device's clock): posts from
   * others received after it are unread. Set when the room is open in a visible tab.
   */
  lastReadAt?: number
}

export type PostStatus = 'pending' | 'sent'

/** A verified post as stored. Only the chat layer writes here, and only verified posts. */
export interface PostRow {
  /** Post id: sha256 of the signed payload, hex. */
  id: string
  room: string
  author: string
  name: string
  lamport: number
  ts: number
  text: string
  /** The exact signed bytes and signature, kept so the post can be re-shared verbatim. */
  signed: Uint8Array
  sig: Uint8Array
  receivedAt: number
  /** Own posts only: whether another device is known to have it. */
  status?: PostStatus
  /** Own posts only: the keys of the members whose devices are known to hold it (from sync). */
  seenBy?: string[]
}

export interface SettingRow {
  key: string
  value: unknown
}

export type RodaDB = Dexie & {
  identity: EntityTable<IdentityRow, 'id'>
  rooms: EntityTable<RoomRow, 'id'>
  posts: EntityTable<PostRow, 'id'>
  settings: EntityTable<SettingRow, 'key'>
}

/**
 * Opens the database. Each schema change adds a new `db.version(n)` below the previous ones
 * (with an upgrade function when rows must change), so any older copy on a device upgrades
 * in place and no history is lost.
 */
export function openDatabase(name = 'roda'): RodaDB {
  const db = new Dexie(name) as RodaDB
  db.version(1).stores({
    identity: 'id',
    rooms: 'id, lastOpenedAt',
    // [room+lamport+id] is the display order of PROTOCOL.md §6, so reading a room in order
    // is one index range scan.
    posts: 'id, [room+lamport+id], [room+author]',
    settings: 'key',
  })
  // 2: [room+receivedAt] finds what arrived since the room was last read (unread counts)
  // without reading the whole room. Rooms from version 1 count as read up to the upgrade.
  db.version(2)
    .stores({ posts: 'id, [room+lamport+id], [room+author], [room+receivedAt]' })
    .upgrade((tx) => {
      const now = Date.now()
      return tx
        .table<RoomRow, string>('rooms')
        .toCollection()
        .modify((room) => {
          room.lastReadAt ??= now
        })
    })
  return db
}
